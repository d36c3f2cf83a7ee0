// Runs the DCC verifier (@digitalcredentials/verifier-core) over credentials given in a JSON file and
// prints, as JSON, the milliseconds and outcome of each verifyCredential call (bench/bench_peer.py).
// Offline: the contexts it does not preload are served from the file (fetch is replaced); did:key is
// resolved locally by its own loader; no issuer registries are consulted.
import { readFileSync } from 'node:fs';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const contexts = input.contexts;
globalThis.fetch = async (resource) => {
  const url = typeof resource === 'string' ? resource : (resource.url ?? String(resource));
  if (Object.prototype.hasOwnProperty.call(contexts, url)) {
    return new Response(JSON.stringify(contexts[url]), {
      status: 200, headers: { 'content-type': 'application/ld+json' } });
  }
  throw new Error(`offline benchmark: ${url} is not served`);
};

const { verifyCredential } = await import('@digitalcredentials/verifier-core');
const out = [];
for (const credential of input.credentials) {
  const t0 = performance.now();
  const result = await verifyCredential({ credential, knownDIDRegistries: [] });
  const ms = performance.now() - t0;
  const signature = (result.log ?? []).find((entry) => entry.id === 'valid_signature');
  const ok = !result.errors && signature?.valid === true;
  out.push({ ms, ok, detail: ok ? undefined : JSON.stringify(result.errors ?? result.log).slice(0, 300) });
}
console.log(JSON.stringify(out));
