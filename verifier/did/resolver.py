"""KeyResolver: DID documents and verification methods, from the identifier, the offline bundle or the
network, cached per process.

Sources, by identifier:

* ``did:key`` / ``did:jwk``: derived from the identifier; never cached, never fetched.
* ``did:web``: the offline bundle's ``dids/index.json`` when a bundle is configured (then never the
  network), else the :class:`~verifier.fetch.Fetcher`. Document ``id`` must equal the DID.
* ``https`` key URLs: the bundle's ``resources/index.json`` or the fetcher. The answer is a controller
  document listing the method (CID 1.0 §3.3), or the method object itself whose ``controller``
  document must list it.
* any other DID method: :class:`~verifier.errors.ResolutionError` "DID method X is not supported".

Policy: a key is only ever taken from its controller's DID document or controller document, never from
a URL fragment or a JWT header alone. Documents are cached in a ``cachetools.TLRUCache`` (a TTL cache
with a lifetime per entry): HTTP ``max-age`` capped by ``cache_ttl_s``; ``no-store`` is not cached.
Concurrent lookups of one document share one fetch. Not thread-safe: one resolver per event loop.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from functools import lru_cache
from typing import Awaitable, Callable

from cachetools import TLRUCache

from verifier.did.did_jwk import did_jwk_document, did_jwk_method_id
from verifier.did.did_key import did_key_document, did_key_method_id
from verifier.did.did_web import DID_WEB_ACCEPT, did_web_url
from verifier.did.document import VerificationMethod, check_document, find_method, lists_method, \
    method_from_document, relationships
from verifier.did.syntax import MAX_ID_CHARS, parse_did, split_did_url
from verifier.errors import ResolutionError
from verifier.fetch import Fetcher, check_url
from verifier.keys import jwk_equal, public_jwk_from_method
from verifier.offline_bundle import OfflineBundle, load_bundle
from verifier.options import ResourceConfig

__all__ = ["KeyResolver"]

_DID_METHODS = ("key", "jwk", "web")
_DOC_ACCEPT = "application/did+json, application/ld+json, application/json"
_Loaded = tuple[dict, float]  # (document, cache lifetime in seconds)


class KeyResolver:
    """Resolve DIDs and verification methods (DID Core §7.1, CID 1.0 §3.3).

    :param resources: where lookups are answered from (offline bundle, loopback permission).
    :param fetcher: the process's :class:`Fetcher`; None means no network (bundle or self-resolving only).
    :param cache_ttl_s: longest time a fetched document is kept, seconds.
    :param cache_size: most documents kept.
    :raises ValueError: when ``resources.offline_bundle`` is not a readable bundle.
    """

    def __init__(self, *, resources: ResourceConfig, fetcher: Fetcher | None, cache_ttl_s: float = 300,
                 cache_size: int = 1024):
        self._resources = resources
        self._fetcher = fetcher
        self._bundle: OfflineBundle | None = (load_bundle(resources.offline_bundle)
                                              if resources.offline_bundle is not None else None)
        self._ttl_s = float(cache_ttl_s)
        self._cache: TLRUCache = TLRUCache(maxsize=cache_size, ttu=lambda _k, v, now: now + v[1],
                                           timer=time.monotonic)
        self._inflight: dict[str, asyncio.Task] = {}

    async def resolve_did(self, did: str) -> dict:
        """Return the DID document of ``did`` (a copy; plain JSON, no JSON-LD processing).

        :param did: a DID without path, query or fragment.
        :raises ResolutionError: malformed DID, unsupported method, document id mismatch, not in the bundle.
        :raises FetchError: the document could not be fetched.
        :raises UnsupportedCryptosuite: a did:key / did:jwk with a key type we do not implement.
        """
        doc, _ = await self._did_document(did)
        return copy.deepcopy(doc)

    async def resolve_verification_method(self, vm_id: str) -> VerificationMethod:
        """Resolve a verification method id: a DID URL (a bare did:key / did:jwk means its single key) or an
        https key URL.

        :returns: the method with its public JWK, controller, document and relationships.
        :raises ResolutionError: unresolvable, unsupported DID method, method not in its document, controller
            mismatch, malformed key material.
        :raises FetchError: a document could not be fetched.
        :raises UnsupportedCryptosuite: a key type we do not implement.
        """
        if not isinstance(vm_id, str) or not vm_id or len(vm_id) > MAX_ID_CHARS:
            raise ResolutionError(f"{str(vm_id)[:120]!r} is not a verification method id")
        if vm_id.startswith("did:"):
            did, fragment = split_did_url(vm_id)
            method, _ = parse_did(did)
            if method not in _DID_METHODS:
                raise ResolutionError(f"DID method {method} is not supported")
            if fragment is None and method in ("key", "jwk"):
                vm_id = did_key_method_id(did) if method == "key" else did_jwk_method_id(did)
            elif fragment is None:
                raise ResolutionError(f"{vm_id[:120]!r} names a DID, not one of its keys (no #fragment)")
            if method in ("key", "jwk"):
                return _self_resolving_method(vm_id, did)
            doc, cached = await self._did_document(did)
            return method_from_document(doc, vm_id, from_cache=cached)
        if vm_id.startswith(("https:", "http:")):
            return await self._url_method(vm_id)
        raise ResolutionError(f"{vm_id[:120]!r} is neither a DID URL nor an https URL")

    # -- documents ---------------------------------------------------------------------------------

    async def _did_document(self, did: str) -> tuple[dict, bool]:
        method, _ = parse_did(did)
        if method == "key":
            return did_key_document(did), False
        if method == "jwk":
            return did_jwk_document(did), False
        if method == "web":
            return await self._shared(did, lambda: self._load_did_web(did))
        raise ResolutionError(f"DID method {method} is not supported")

    async def _load_did_web(self, did: str) -> _Loaded:
        if self._bundle is not None:
            return check_document(self._bundle_json("dids", did), did, "the offline bundle"), self._ttl_s
        url = did_web_url(did, allow_insecure_loopback=self._resources.allow_insecure_loopback)
        if self._fetcher is None:
            raise ResolutionError(f"{did} needs {url}, but the network is not configured (no fetcher)")
        result = await self._fetcher.get(url, accept=DID_WEB_ACCEPT)
        return check_document(result.json(), did, url), self._lifetime_s(result.max_age_s)

    async def _url_document(self, url: str) -> tuple[dict, bool]:
        check_url(url, allow_insecure_loopback=self._resources.allow_insecure_loopback)
        return await self._shared(url, lambda: self._load_url(url))

    async def _load_url(self, url: str) -> _Loaded:
        if self._bundle is not None:
            doc, lifetime_s = self._bundle_json("resources", url), self._ttl_s
        elif self._fetcher is None:
            raise ResolutionError(f"{url} cannot be fetched: the network is not configured (no fetcher)")
        else:
            result = await self._fetcher.get(url, accept=_DOC_ACCEPT)
            doc, lifetime_s = result.json(), self._lifetime_s(result.max_age_s)
        if not isinstance(doc, dict):
            raise ResolutionError(f"the document at {url} is not a JSON object")
        return doc, lifetime_s

    def _bundle_json(self, section: str, key: str):
        """The parsed bundle entry; a missing entry raises as :meth:`OfflineBundle.read_bytes` does."""
        try:
            data = self._bundle.read_bytes(section, key)  # ResolutionError (dids) / FetchError (others) if absent
        except OSError as exc:
            raise ResolutionError(f"the offline bundle entry for {key} cannot be read") from exc
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise ResolutionError(f"the offline bundle entry for {key} is not JSON") from exc

    def _lifetime_s(self, max_age_s: int | None) -> float:
        return self._ttl_s if max_age_s is None else min(float(max_age_s), self._ttl_s)

    async def _shared(self, key: str, load: Callable[[], Awaitable[_Loaded]]) -> tuple[dict, bool]:
        """Answer from the cache, or run ``load`` once for all concurrent callers and cache its result."""
        hit = self._cache.get(key)
        if hit is not None:
            return hit[0], True
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(load())
            self._inflight[key] = task
            task.add_done_callback(lambda t: self._settle(key, t))
        doc, _ = await asyncio.shield(task)
        return doc, False

    def _settle(self, key: str, task: asyncio.Task) -> None:
        self._inflight.pop(key, None)
        if task.cancelled() or task.exception() is not None:  # exception() marks it retrieved
            return
        doc, lifetime_s = task.result()
        if lifetime_s > 0:
            self._cache[key] = (doc, lifetime_s)

    # -- https key URLs ------------------------------------------------------------------------------

    async def _url_method(self, vm_id: str) -> VerificationMethod:
        """CID 1.0 §3.3 for an https method id, or a method document naming its controller."""
        doc_url, _, fragment = vm_id.partition("#")
        doc, cached = await self._url_document(doc_url)
        if not fragment and doc.get("id") == vm_id and "controller" in doc and "type" in doc:
            return await self._method_document(doc, vm_id, cached)
        check_document(doc, doc_url, doc_url)
        if not fragment:
            raise ResolutionError(f"{vm_id} is a controller document, not a verification method")
        return method_from_document(doc, vm_id, from_cache=cached)

    async def _method_document(self, method: dict, vm_id: str, cached: bool) -> VerificationMethod:
        """The fetched document IS the method: its ``controller`` document must list it."""
        controller = method.get("controller")
        if not isinstance(controller, str):
            raise ResolutionError(f"{vm_id} must name one controller")
        jwk = public_jwk_from_method(method)
        if controller.startswith("did:"):
            cdoc, c_cached = await self._did_document(controller)
        else:
            cdoc, c_cached = await self._url_document(controller)
            check_document(cdoc, controller, controller)
        if not lists_method(cdoc, vm_id):
            raise ResolutionError(f"{vm_id} names controller {controller}, which does not list it")
        try:
            listed = find_method(cdoc, vm_id)
        except ResolutionError:
            listed = None  # listed by reference only
        if listed is not None and any(p in listed for p in ("publicKeyJwk", "publicKeyMultibase", "publicKeyBase58",
                                                            "publicKeyPem")):
            if not jwk_equal(public_jwk_from_method(listed), jwk):
                raise ResolutionError(f"{controller} lists {vm_id} with a different key")
        lifecycle = {name: method.get(name, (listed or {}).get(name)) for name in ("revoked", "expires")}
        return VerificationMethod(id=vm_id, type=str(method.get("type")), controller=controller, public_jwk=jwk,
                                  document_id=controller, relationships=relationships(cdoc, vm_id),
                                  from_cache=cached and c_cached, **lifecycle)


@lru_cache(maxsize=4096)
def _self_resolving_method(vm_id: str, did: str) -> VerificationMethod:
    """A did:key / did:jwk method: its document is a pure function of the DID, so the resolved method is
    memoised per process (errors are not cached: ``lru_cache`` keeps only returned values)."""
    doc = did_key_document(did) if did.startswith("did:key:") else did_jwk_document(did)
    return method_from_document(doc, vm_id, from_cache=False)
