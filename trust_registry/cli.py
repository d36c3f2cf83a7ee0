"""Command line: ``ler-verifier registry ...`` and ``ler-verifier keys ...``.

Attach with ``main.add_command(registry_group, "registry")`` and ``main.add_command(keys_group, "keys")``.
The database comes from ``--database-url`` / ``LER_DATABASE_URL`` / ``--data-dir`` / ``LER_DATA_DIR``
(:func:`trust_registry.db.default_database_url`); the schema is migrated on first use. Input errors
exit 2 with a one-line message (a malformed or unsupported database URL too), an unreachable database
exits 1; never a traceback, never SQL text. Integer options are bounded (:data:`trust_registry.model.MAX_OFFSET`,
``MAX_AUDIT_ID``, ``PRIORITY_RANGE``).
"""

from __future__ import annotations

import asyncio
import getpass
import json
import sys
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from trust_registry import audit
from trust_registry.codec import format_dt, issuer_from_json, issuer_to_json, registry_to_json
from trust_registry.db import create_engine, default_database_url, describe_error
from trust_registry.errors import ConfigError, Conflict, InvalidInput, NotFound, PreconditionFailed, RegistryError
from trust_registry.exchange import MODES, apply_import
from trust_registry.formats import FORMATS, export_as, parse_import
from trust_registry.identifiers import find_identifiers, set_identifier_status, delete_identifier
from trust_registry.issuers import create_issuer, delete_issuer, get_issuer, list_issuers, set_issuer_status
from trust_registry.keys import ROLES, create_key, list_keys, revoke_key
from trust_registry.migrate import migrate_engine
from trust_registry.model import (MATCH_DID_WEB_HOST, MAX_AUDIT_ID, MAX_OFFSET, PRIORITY_RANGE, STATUSES, Identifier,
                                  Registry)
from trust_registry.schemas import ISSUER_CREATE, REGISTRY_CREATE, validate
from trust_registry.registries import create_registry, get_registry, list_registries

_URL_KEY = "trust_registry.database_url"


def _database_options(fn):
    fn = click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), envvar="LER_DATA_DIR",
                      help="Directory of the default SQLite registry (env LER_DATA_DIR).")(fn)
    return click.option("--database-url", envvar="LER_DATABASE_URL", metavar="URL",
                        help="SQLAlchemy URL of the registry database (env LER_DATABASE_URL).")(fn)


def _remember_url(ctx: click.Context, database_url: str | None, data_dir: Path | None) -> None:
    ctx.meta[_URL_KEY] = database_url or default_database_url(data_dir)


@click.group("registry")
@_database_options
@click.pass_context
def registry_group(ctx: click.Context, database_url: str | None, data_dir: Path | None) -> None:
    """Manage the trust registry of institutional issuers."""
    _remember_url(ctx, database_url, data_dir)


@click.group("keys")
@_database_options
@click.pass_context
def keys_group(ctx: click.Context, database_url: str | None, data_dir: Path | None) -> None:
    """Manage API keys (roles: verify, admin)."""
    _remember_url(ctx, database_url, data_dir)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "cli"


class _BadSetting(click.ClickException):
    """A one-line error that exits 2 (a setting such as the database URL, not the command's usage)."""

    exit_code = 2


def _run(write: bool, fn, options: dict | None = None):
    """Run ``fn(conn)`` in a transaction (``write``) or a read-only connection; map errors to click's.

    :param options: field name -> command-line option, to name the option of a bad field.
    """
    url = click.get_current_context().meta[_URL_KEY]

    async def main():
        engine = create_engine(url)
        try:
            await migrate_engine(engine)
            if write:
                async with engine.begin() as conn:
                    return await fn(conn)
            async with engine.connect() as conn:
                return await fn(conn)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except InvalidInput as exc:
        raise click.UsageError(_field_errors(exc, options)) from None
    except ConfigError as exc:
        raise _BadSetting(exc.detail) from None
    except (NotFound, Conflict, PreconditionFailed) as exc:
        raise click.UsageError(exc.detail) from None
    except RegistryError as exc:
        raise click.ClickException(exc.detail) from None
    except (SQLAlchemyError, OSError) as exc:  # described by class and driver message, never the SQL
        raise click.ClickException(f"trust registry database error: {describe_error(exc)}") from None
    except Exception as exc:  # noqa: BLE001 - never a traceback on the command line
        raise click.ClickException(f"unexpected error ({type(exc).__name__}); please report it") from None


OPTION_NAMES = {"name": "NAME", "id": "--id", "registry": "--registry", "identifiers": "--identifier",
                "authorizations": "--type", "external_ids": "--external-id", "legal_name": "--legal-name",
                "logo_url": "--logo-url"}


def _field_errors(exc: InvalidInput, options: dict | None = None, *, hosts_from: int | None = None) -> str:
    """One line naming each bad field (as its command-line option when ``options`` maps it).

    :param hosts_from: index of the first identifier that came from ``--did-web-host`` (``add``).
    """
    leaves = {"valid_from": "--valid-from", "valid_until": "--valid-until"}
    parts = []
    for e in exc.errors[:10]:
        steps = e.pointer.strip("/").split("/")
        label = e.pointer or "input"
        if options is not None:
            label = leaves.get(steps[-1]) if steps[0] == "identifiers" and len(steps) == 3 else None
            if label is None and steps[0] == "identifiers" and len(steps) > 1 and steps[1].isdigit() \
                    and hosts_from is not None and int(steps[1]) >= hosts_from:
                label = "--did-web-host"
            label = label or options.get(steps[0], f"--{steps[0].replace('_', '-')}")
        parts.append(f"{label}: {e.detail}")
    return "; ".join(parts)


def _echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@registry_group.command("add")
@click.argument("name")
@click.option("--identifier", "-i", "idents", multiple=True, metavar="DID|URL", help="Identifier (exact match).")
@click.option("--did-web-host", "hosts", multiple=True, metavar="did:web:HOST",
              help="Trust every did:web on this host (and port).")
@click.option("--id", "issuer_id", help="Issuer id (default: generated).")
@click.option("--registry", default="local", show_default=True, help="Registry (source) asserting the entry.")
@click.option("--legal-name")
@click.option("--homepage")
@click.option("--logo-url")
@click.option("--country", help="Country or region.")
@click.option("--location")
@click.option("--sector", help="e.g. community_college, university, state_system, training_provider, employer.")
@click.option("--accreditor")
@click.option("--external-id", "external", multiple=True, metavar="SCHEME=ID", help="e.g. ror=https://ror.org/..")
@click.option("--notes")
@click.option("--type", "types", multiple=True, metavar="TYPE", help="Authorised credential type (default: all).")
@click.option("--valid-from", help="Identifiers registered from (RFC 3339).")
@click.option("--valid-until", help="Identifiers registered until (RFC 3339, exclusive).")
@click.option("--json", "as_json", is_flag=True, help="Print the stored issuer as JSON.")
def add_command(name, idents, hosts, issuer_id, registry, legal_name, homepage, logo_url, country, location, sector,
                accreditor, external, notes, types, valid_from, valid_until, as_json):
    """Add an issuer NAME with its identifiers."""
    window = {k: v for k, v in (("valid_from", valid_from), ("valid_until", valid_until)) if v}
    ext = {}
    for pair in external:
        scheme, eq, value = pair.partition("=")
        if not eq or not scheme or not value:
            raise click.BadParameter(f"expected SCHEME=ID, got {pair!r}", param_hint="--external-id")
        ext[scheme] = value
    body = {"name": name, "registry": registry, "external_ids": ext,
            "identifiers": [{"value": v, **window} for v in idents] +
                           [{"value": v, "match": MATCH_DID_WEB_HOST, **window} for v in hosts],
            "authorizations": [{"credential_type": t} for t in types]}
    optional = {"id": issuer_id, "legal_name": legal_name, "homepage": homepage, "logo_url": logo_url,
                "country": country, "location": location, "sector": sector, "accreditor": accreditor, "notes": notes}
    body.update({k: v for k, v in optional.items() if v is not None})
    try:
        validate(body, ISSUER_CREATE)
        issuer = issuer_from_json(body)
    except InvalidInput as exc:
        raise click.UsageError(_field_errors(exc, OPTION_NAMES, hosts_from=len(idents))) from None

    async def run(conn):
        return await create_issuer(conn, issuer=issuer, actor=_actor())
    stored = _run(True, run, OPTION_NAMES)
    if as_json:
        _echo_json(issuer_to_json(stored))
    else:
        click.echo(f"added issuer {stored.id} ({stored.name}) to registry {stored.registry} "
                   f"with {len(stored.identifiers)} identifier(s)")


@registry_group.command("list")
@click.option("--registry", help="Only this registry.")
@click.option("--search", "-q", help="Case-insensitive text in id, name, legal name or identifiers.")
@click.option("--status", type=click.Choice(STATUSES))
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0, MAX_OFFSET), default=0, help="Issuers to skip (paging).")
@click.option("--json", "as_json", is_flag=True)
def list_command(registry, search, status, limit, offset, as_json):
    """List issuers."""
    async def run(conn):
        return await list_issuers(conn, registry=registry, q=search, status=status, limit=limit, offset=offset)
    items, total = _run(False, run)
    if as_json:
        _echo_json({"items": [issuer_to_json(i) for i in items], "total": total})
        return
    for i in items:
        idents = ", ".join(x.value for x in i.identifiers[:2]) + (" ..." if len(i.identifiers) > 2 else "")
        click.echo(f"{i.id}  {i.registry}  {i.status:9}  {i.name}  [{idents}]")
    click.echo(f"{len(items)} of {total} issuer(s)")


@registry_group.command("show")
@click.argument("key")
@click.option("--json", "as_json", is_flag=True)
def show_command(key, as_json):
    """Show an issuer by id, or the issuers listing identifier KEY."""
    async def run(conn):
        try:
            return [await get_issuer(conn, issuer_id=key)]
        except NotFound:
            found = await find_identifiers(conn, value=key)
            if not found:
                raise NotFound("issuer or identifier", key) from None
            return [await get_issuer(conn, issuer_id=i) for i in dict.fromkeys(x.issuer_id for x in found)]
    items = _run(False, run)
    if as_json:
        _echo_json([issuer_to_json(i) for i in items] if len(items) > 1 else issuer_to_json(items[0]))
        return
    for i in items:
        click.echo(f"{i.name}  (id {i.id}, registry {i.registry}, {i.status}"
                   + (f": {i.status_reason}" if i.status_reason else "") + f", revision {i.revision})")
        for label in ("legal_name", "homepage", "logo_url", "country", "location", "sector", "accreditor", "notes"):
            if getattr(i, label):
                click.echo(f"  {label}: {getattr(i, label)}")
        for scheme, value in sorted(i.external_ids.items()):
            click.echo(f"  {scheme}: {value}")
        for x in i.identifiers:
            window = f" {format_dt(x.valid_from) or '-'}..{format_dt(x.valid_until) or '-'}"
            click.echo(f"  identifier {x.value} [{x.match}, {x.status}]{window}"
                       + (f" pinned: {' '.join(x.verification_methods)}" if x.verification_methods else ""))
        for a in i.authorizations or ():
            click.echo(f"  authorised for {a.credential_type or 'every type'} "
                       f"{format_dt(a.valid_from) or '-'}..{format_dt(a.valid_until) or '-'}")
        if not i.authorizations:
            click.echo("  authorised for every credential type")


def _status_command(name: str, status: str, help_text: str):
    @registry_group.command(name, help=help_text)
    @click.argument("issuer_id")
    @click.option("--identifier", "ident", metavar="DID|URL", help="Only this identifier of the issuer.")
    @click.option("--reason", required=status != "active", help="Why (kept in the registry and audit log).")
    def command(issuer_id, ident, reason):
        async def run(conn):
            if ident is None:
                return await set_issuer_status(conn, issuer_id=issuer_id, status=status, reason=reason, actor=_actor())
            target = await _identifier_of(conn, issuer_id, ident)
            return await set_identifier_status(conn, identifier_id=target.id, status=status, reason=reason,
                                               actor=_actor())
        _run(True, run)
        click.echo(f"{'identifier ' + ident if ident else 'issuer ' + issuer_id} is now {status}")
    return command


suspend_command = _status_command("suspend", "suspended", "Suspend an issuer (or one identifier).")
reinstate_command = _status_command("reinstate", "active", "Reinstate a suspended issuer (or identifier).")


async def _identifier_of(conn, issuer_id: str, value: str):
    issuer = await get_issuer(conn, issuer_id=issuer_id)
    wanted = Identifier(value=value).normalized
    for x in issuer.identifiers:
        if x.normalized == wanted:
            return x
    raise NotFound("identifier", f"{value} of issuer {issuer_id}")


@registry_group.command("remove")
@click.argument("issuer_id")
@click.option("--identifier", "ident", metavar="DID|URL", help="Remove only this identifier.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def remove_command(issuer_id, ident, yes):
    """Remove an issuer (with its identifiers), or one identifier."""
    what = f"identifier {ident} of issuer {issuer_id}" if ident else f"issuer {issuer_id}"
    if not yes:
        click.confirm(f"Remove {what}?", abort=True)

    async def run(conn):
        if ident is None:
            return await delete_issuer(conn, issuer_id=issuer_id, actor=_actor())
        target = await _identifier_of(conn, issuer_id, ident)
        return await delete_identifier(conn, identifier_id=target.id, actor=_actor())
    _run(True, run)
    click.echo(f"removed {what}")


@registry_group.command("import")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="ler", show_default=True)
@click.option("--registry", help="Target registry (dcc-legacy: default dcc-legacy; csv: rows without one).")
@click.option("--mode", type=click.Choice(MODES), default="merge", show_default=True,
              help="replace also removes issuers of the registry that the file does not list.")
@click.argument("file", type=click.File("rb"))
def import_command(fmt, registry, mode, file):
    """Import FILE (- for stdin)."""
    document = _parse(fmt, file.read(), registry)
    scope = [registry] if registry and mode == "replace" else None

    async def run(conn):
        return await apply_import(conn, document=document, actor=_actor(), mode=mode, scope=scope)
    s = _run(True, run)
    click.echo(f"imported: {s.created} created, {s.updated} updated, {s.unchanged} unchanged, {s.deleted} deleted"
               + (f"; new registries: {', '.join(s.registries_created)}" if s.registries_created else "")
               + f" (registry version {s.version})")


def _parse(fmt, raw, registry):
    try:
        return parse_import(fmt, raw, registry=registry)
    except InvalidInput as exc:
        raise click.UsageError(_field_errors(exc)) from None


@registry_group.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="ler", show_default=True)
@click.option("--registry", help="Only this registry.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="File (default stdout).")
def export_command(fmt, registry, output):
    """Export the registry."""
    async def run(conn):
        if registry is not None:
            await get_registry(conn, name=registry)
        return await export_as(conn, fmt, registry=registry)
    output.write(_run(False, run))


@registry_group.command("audit")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--before", type=click.IntRange(1, MAX_AUDIT_ID), help="Entries older than this audit id (paging).")
@click.option("--entity", type=click.Choice(["registry", "issuer", "identifier", "api_key"]))
@click.option("--entity-id")
@click.option("--json", "as_json", is_flag=True)
def audit_command(limit, before, entity, entity_id, as_json):
    """Show the audit log, newest first."""
    async def run(conn):
        return await audit.list_audit(conn, limit=limit, before_id=before, entity=entity, entity_id=entity_id)
    entries = _run(False, run)
    if as_json:
        _echo_json([e.to_json() for e in entries])
        return
    for e in entries:
        click.echo(f"#{e.id} {format_dt(e.at)} v{e.registry_version} {e.actor} {e.action} {e.entity} {e.entity_id}")
    if len(entries) == limit:
        click.echo(f"(more: --before {entries[-1].id})")


@registry_group.command("sources")
@click.option("--add", "add_name", metavar="NAME", help="Create a registry (source) with this name.")
@click.option("--priority", type=click.IntRange(*PRIORITY_RANGE), default=100, show_default=True,
              help="Smaller is consulted first.")
@click.option("--authority-id", help="Its TRQP authority id (DID or URL).")
@click.option("--description")
def sources_command(add_name, priority, authority_id, description):
    """List the registries (sources) by priority, or add one."""
    options = {"name": "--add", "priority": "--priority", "authority_id": "--authority-id",
               "description": "--description"}
    if add_name:
        body = {"name": add_name, "priority": priority, "authority_id": authority_id, "description": description}
        try:
            validate({k: v for k, v in body.items() if v is not None}, REGISTRY_CREATE)
        except InvalidInput as exc:
            raise click.UsageError(_field_errors(exc, options)) from None

    async def run(conn):
        if add_name:
            reg = Registry(name=add_name, priority=priority, authority_id=authority_id, description=description)
            await create_registry(conn, registry=reg, actor=_actor())
        return await list_registries(conn)
    for r in _run(bool(add_name), run, options):
        data = registry_to_json(r)
        click.echo(f"{data['name']}  priority {data['priority']}" + (f"  {data['authority_id']}" if r.authority_id else "")
                   + (f"  {data['description']}" if r.description else ""))


@keys_group.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", required=True, help="Who holds the key (shown in the audit log).")
def keys_create_command(role, name):
    """Create an API key and print its token (shown only once)."""
    async def run(conn):
        return await create_key(conn, name=name, role=role, actor=_actor())
    key, token = _run(True, run)
    click.echo(token)
    click.echo(f"created {key.role} key {key.name!r} (id {key.id}); store the token now, it is not kept",
               err=True)


@keys_group.command("list")
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked keys.")
def keys_list_command(include_revoked):
    """List API keys (never their tokens)."""
    async def run(conn):
        return await list_keys(conn, include_revoked=include_revoked)
    for k in _run(False, run):
        click.echo(f"{k.id}  {k.role:6}  {k.name}  created {format_dt(k.created_at)} by {k.created_by}"
                   + (f"  REVOKED {format_dt(k.revoked_at)}" if k.revoked_at else ""))


@keys_group.command("revoke")
@click.argument("name_or_id")
def keys_revoke_command(name_or_id):
    """Revoke the live key with this name or id."""
    async def run(conn):
        return await revoke_key(conn, name_or_id=name_or_id, actor=_actor())
    key = _run(True, run)
    click.echo(f"revoked key {key.name!r} (id {key.id})")


if __name__ == "__main__":  # pragma: no cover - manual use: python -m trust_registry.cli registry ...
    @click.group()
    def _main():
        """Trust registry commands."""
    _main.add_command(registry_group)
    _main.add_command(keys_group)
    sys.exit(_main())
