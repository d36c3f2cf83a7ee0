"""The ``ler-verifier`` command line: a composition root (DESIGN.md "Packages").

``ler-verifier verify FILE...`` reads presented credentials (paths or ``-`` for stdin), verifies
each and prints a report. Exit status: 0 every input verified, 1 some input not verified,
2 bad usage or unreadable input, 3 internal error.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import sys
from datetime import timezone
from pathlib import Path
from typing import BinaryIO

import click

from verifier.errors import FetchError, InputError, MalformedValue, VerifierError
from verifier.options import HOLDER_BINDING_MODES, RECIPIENT_TYPES, Recipient, VerifyOptions
from verifier.settings import Settings, SettingsError, load_settings
from verifier.timestamps import parse_timestamp

EXIT_VERIFIED, EXIT_NOT_VERIFIED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _read_limited(stream: BinaryIO, limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes so an oversized input is reported, not loaded whole."""
    return stream.read(limit + 1)


async def _presented(path: str, env, options: VerifyOptions) -> bytes:
    """The bytes to verify: a file (a baked PNG/SVG badge is opened), standard input, or a URL (issue 11).

    :raises InputError: unreadable input. :raises FetchError: the URL could not be retrieved.
    """
    from verifier.baked import image_kind
    from verifier.links import from_image, from_url

    limits = options.limits
    if path.startswith(("https://", "http://")):
        return await from_url(path, env.documents, max_image_bytes=limits.max_image_bytes)
    raw = _read_input(path, max(limits.max_body_bytes, limits.max_image_bytes))
    if image_kind(raw) is not None:
        return await from_image(raw, env.documents, max_image_bytes=limits.max_image_bytes)
    if len(raw) > limits.max_body_bytes:
        raise InputError(f"{path}: larger than the limit of {limits.max_body_bytes} bytes")
    return raw


def _read_input(path: str, limit: int) -> bytes:
    if path == "-":
        return _read_limited(sys.stdin.buffer, limit)
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if not p.is_file():
        raise InputError(f"{path}: not a regular file")
    with p.open("rb") as f:
        return _read_limited(f, limit)


@click.group()
@click.version_option(package_name="ler-verifier")
def main() -> None:
    """Verify Learning and Employment Records: W3C Verifiable Credentials, Open Badges 3.0, CLR 2.0."""


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (JSON Lines for several files).")
@click.option("--offline-bundle", type=click.Path(file_okay=False, exists=True, path_type=Path),
              envvar="LER_OFFLINE_BUNDLE", help="Answer every lookup from this offline bundle; no network.")
@click.option("--at", "at", help="Judge validity at this RFC 3339 instant instead of now.")
@click.option("--challenge", help="Expected challenge of the top-level proof (a JWT's nonce).")
@click.option("--domain", help="Expected domain of the top-level proof (a JWT's aud).")
@click.option("--require-trusted-issuer", is_flag=True, help="Count issuer trust towards 'verified'.")
@click.option("--require-schema", is_flag=True, help="Count credentialSchema validation towards 'verified'.")
@click.option("--require-endorsements", is_flag=True, help="Count every embedded endorsement towards 'verified'.")
@click.option("--lang", help="Language of the report text: en or es (default: from LC_ALL/LC_MESSAGES/LANG, else en).")
@click.option("--holder-binding", type=click.Choice(HOLDER_BINDING_MODES), default="required", show_default=True,
              help="Must a presented credential be presented by its subject (required), only warn, or off.")
@click.option("--recipient", metavar="TYPE:VALUE",
              help=f"Expected recipient ({'|'.join(RECIPIENT_TYPES)}), e.g. email:learner@example.org; "
                   "compared with the subject's identifier entries, hashed or plain.")
def verify(files: tuple[str, ...], as_json: bool, offline_bundle: Path | None, at: str | None,
           challenge: str | None, domain: str | None, require_trusted_issuer: bool,
           require_schema: bool = False, require_endorsements: bool = False, lang: str | None = None,
           holder_binding: str = "required", recipient: str | None = None) -> None:
    """Verify each FILE (a path, - for standard input, or an https URL): JSON-LD credential or presentation
    (enveloped ones included), a JWT, an Open Badges 2.0 assertion (JSON or JWS), a baked PNG/SVG badge, or a
    link to any of them."""
    import os

    from verifier.i18n import LANGUAGES, from_environment, normalise

    if lang is not None and normalise(lang) is None:
        raise click.UsageError(f"--lang {lang!r} is not a supported language; use one of: {', '.join(LANGUAGES)}")
    lang = from_environment(lang, dict(os.environ))
    try:
        settings = load_settings(offline_bundle=offline_bundle)
        options = VerifyOptions(limits=settings.limits(), max_clock_skew_s=settings.max_clock_skew_s,
                                challenge=challenge, domain=domain, require_trusted_issuer=require_trusted_issuer,
                                require_schema=require_schema, require_endorsements=require_endorsements,
                                holder_binding=holder_binding, recipient=_recipient(recipient))
        if at is not None:
            options = options.replace(now=parse_timestamp(at, "--at")[0].astimezone(timezone.utc))
    except (SettingsError, MalformedValue) as exc:
        raise click.UsageError(getattr(exc, "detail", str(exc))) from exc
    try:
        code = asyncio.run(_verify_all(files, settings, options, as_json, lang))
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc
    sys.exit(code)


def _recipient(spec: str | None) -> Recipient | None:
    """``--recipient TYPE:VALUE`` as a :class:`Recipient`.

    :raises click.BadParameter: no ``:``, an unknown type, or an empty value.
    """
    if spec is None:
        return None
    kind, sep, value = spec.partition(":")
    if not sep or kind not in RECIPIENT_TYPES or not value.strip():
        raise click.BadParameter(f"expected TYPE:VALUE with TYPE one of {', '.join(RECIPIENT_TYPES)} "
                                 f"(e.g. email:learner@example.org), got {spec!r}", param_hint="--recipient")
    return Recipient(kind, value.strip())


async def _verify_all(files: tuple[str, ...], settings: Settings, options: VerifyOptions, as_json: bool,
                      lang: str = "en") -> int:
    from verifier.api import verify as verify_input
    from verifier.i18n import problem_message, problem_reason, text
    from verifier.messages import problem_details
    from verifier.render import render_text
    from verifier.runtime import open_environment
    from verifier.trust import open_trust_source

    worst = EXIT_VERIFIED
    async with open_trust_source(settings) as trust, open_environment(settings, trust=trust) as env:
        for path in files:
            try:
                data = await _presented(path, env, options)
                report = await verify_input(data, env=env, options=options)
            except (InputError, FetchError) as exc:
                worst = max(worst, EXIT_USAGE)
                problem = problem_details(exc.problem_code, exc.detail, **({"pointer": exc.pointer} if exc.pointer else {}))
                problem["title"] = problem_message(exc.problem_code, lang)
                if as_json:
                    click.echo(json.dumps({"verified": False, "source": path, "lang": lang,
                                           "headline": text("headline.not_valid", lang,
                                                            reason=problem_reason(exc.problem_code, lang)),
                                           "errors": [problem]}, ensure_ascii=False))
                else:
                    click.echo(f"{path}: {problem['title']} ({exc.detail})", err=True)
                continue
            worst = max(worst, EXIT_VERIFIED if report.verified else EXIT_NOT_VERIFIED)
            if as_json:
                click.echo(json.dumps({**report.to_json(lang), "source": path}, ensure_ascii=False))
            else:
                click.echo(render_text(report, source=path, lang=lang))
    return worst


def _install_pinned(install, url: str, file: Path) -> None:
    """``contexts add`` / ``schemas add``: install FILE for URL in the data directory, pinned by SHA-256."""
    settings = _settings_or_usage()
    try:
        entry = install(url, file, settings.data_dir)
    except (ValueError, InputError) as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"installed {url} (sha256 {entry['sha256']})")


def _list_pinned(list_entries, what: str) -> None:
    """``contexts list`` / ``schemas list``: one line per entry, URL, SHA-256 and source, tab-separated."""
    settings = _settings_or_usage()
    try:
        entries = list_entries(settings.data_dir)
    except VerifierError as exc:
        raise click.ClickException(f"cannot read the installed {what}: {exc.detail}") from exc
    for entry in entries:
        click.echo(f"{entry['url']}\t{entry.get('sha256', '')}\t{entry.get('source', '')}")


@main.group()
def contexts() -> None:
    """Manage JSON-LD contexts (bundled ones are pinned; operators add others, e.g. CLR 2.0)."""


@contexts.command("add")
@click.argument("url")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def contexts_add(url: str, file: Path) -> None:
    """Install the context at URL from FILE, pinned by its SHA-256, in the data directory."""
    from verifier.contexts import install_context

    _install_pinned(install_context, url, file)


@contexts.command("list")
def contexts_list() -> None:
    """List bundled and installed contexts with their SHA-256 and source."""
    from verifier.contexts import list_contexts

    _list_pinned(list_contexts, "contexts")


@main.group()
def schemas() -> None:
    """Manage JSON Schemas that credentialSchema entries name (issue 11; e.g. Open Badges 3.0, CLR 2.0)."""


@schemas.command("add")
@click.argument("url")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def schemas_add(url: str, file: Path) -> None:
    """Install the JSON Schema at URL from FILE, pinned by its SHA-256, in the data directory."""
    from verifier.schemas import install_schema

    _install_pinned(install_schema, url, file)


@schemas.command("list")
def schemas_list() -> None:
    """List installed JSON Schemas with their SHA-256."""
    from verifier.schemas import list_schemas

    _list_pinned(list_schemas, "schemas")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--processes", type=click.IntRange(1, 256), default=None,
              help="Service processes sharing the port (default: the number of cores; env LER_PROCESSES).")
def serve(host: str, port: int, processes: int | None) -> None:
    """Run the HTTP service (embedded without REDIS_URL; with it, checks go to 'ler-verifier worker').

    With more than one process, gunicorn supervises them on one port; each verifies on its own core.
    """
    from verifier.service.logging import configure_logging

    settings = _settings_or_usage()
    configure_logging(settings.log_level)
    processes = processes or settings.processes or os.cpu_count() or 1
    try:
        if processes > 1:
            from verifier.service.processes import serve_processes

            serve_processes(settings, host=host, port=port, processes=processes)
        else:
            from aiohttp import web

            from verifier.service import create_app

            web.run_app(create_app(settings), host=host, port=port, access_log=None, print=None)
    except OSError as exc:
        if exc.errno not in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise
        reason = {errno.EADDRINUSE: "the address is already in use",
                  errno.EACCES: "permission denied", errno.EADDRNOTAVAIL: "the address is not available here"}
        click.echo(f"ler-verifier: cannot listen on {host}:{port}: {reason[exc.errno]}", err=True)
        sys.exit(EXIT_USAGE)


@main.command()
def worker() -> None:
    """Run an arq worker for the dispatched checks (needs REDIS_URL); run one per core."""
    from verifier.service.logging import configure_logging
    from workers.run import run_worker

    settings = _settings_or_usage()
    if not settings.redis_url:
        raise click.UsageError("REDIS_URL is not set: a worker takes its jobs from Redis")
    configure_logging(settings.log_level)
    run_worker(settings)


def _settings_or_usage() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc


def _attach_registry_groups() -> None:
    """Attach the trust registry's command groups (issue 4): ``registry`` and ``keys``."""
    from trust_registry.cli import keys_group, registry_group

    main.add_command(registry_group, "registry")
    main.add_command(keys_group, "keys")


_attach_registry_groups()


def run() -> None:
    """Console entry point with a last-resort handler: never a traceback on the terminal."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the outermost boundary of the program
        click.echo(f"ler-verifier: internal error ({type(exc).__name__}); please report it", err=True)
        sys.exit(EXIT_INTERNAL)
