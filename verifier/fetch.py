"""The one outbound HTTP client of the project (DESIGN.md "Security rules").

Everything that leaves the process (did:web documents, HTTPS key URLs, status lists, issuer profiles,
webhooks) goes through :class:`Fetcher`, which enforces:

* ``https`` only; ``http`` only when ``allow_insecure_loopback`` is set *and* the host is loopback;
* no user info in URLs; no private, loopback, link-local, multicast, reserved, shared or unspecified
  targets, checked on the literal host (``localhost``, ``127.1`` ...) and again on *every* address DNS
  returns, inside the connector's resolver, so the checked address is the one connected to (no DNS
  rebinding between check and connect);
* redirects followed by hand, at most ``max_redirects``, each target checked like the first;
* one deadline per :meth:`Fetcher.get` (redirects and body included) and a body cap in bytes.

Every failure is a :class:`verifier.errors.FetchError` (outcome ``indeterminate``); aiohttp, asyncio and
OS errors are mapped by class with ``raise ... from exc``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import re
import socket
from dataclasses import dataclass
from datetime import datetime, timezone

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from verifier.errors import FetchError, HttpStatusError

__all__ = ["Fetcher", "FetchResult", "check_url", "is_loopback_host"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK_BYTES = 64 * 1024
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:,|$)", re.IGNORECASE)
_NO_STORE = re.compile(r"(?:^|,)\s*(?:no-store|no-cache)\s*(?:,|$)", re.IGNORECASE)


@dataclass(frozen=True)
class FetchResult:
    """One successful (2xx) answer.

    :ivar url: the final URL, after redirects.
    :ivar status: the HTTP status code (200-299).
    :ivar content_type: the media type without parameters, lower case ("" when absent).
    :ivar body: the response body, at most the fetcher's ``max_bytes``.
    :ivar fetched_at: when the answer arrived (timezone-aware UTC).
    :ivar max_age_s: freshness lifetime from ``Cache-Control`` in seconds (``no-store``/``no-cache`` -> 0),
        None when the answer does not say (RFC 9111 §5.2.2.1).
    """

    url: str
    status: int
    content_type: str
    body: bytes
    fetched_at: datetime
    max_age_s: int | None

    def json(self):
        """Return the body parsed as JSON (RFC 8259).

        :raises FetchError: when the body is not UTF-8 JSON; the message names the URL.
        """
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise FetchError(f"{self.url} did not answer with JSON ({self.content_type or 'no content type'})") from exc


def is_loopback_host(host: str) -> bool:
    """True when ``host`` (a URL host, brackets stripped) is ``localhost`` or a loopback IP literal."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    ip = _ip_or_none(host)
    return ip is not None and ip.is_loopback


def check_url(url: str | URL, *, allow_insecure_loopback: bool = False) -> URL:
    """Check a target before any connection: scheme, user info, literal host.

    :param url: an absolute URL.
    :param allow_insecure_loopback: allow loopback hosts, over ``http`` too (tests only).
    :returns: the parsed URL.
    :raises FetchError: naming the URL and the rule it breaks.
    """
    try:
        parsed = url if isinstance(url, URL) else URL(url)
    except (ValueError, TypeError) as exc:
        raise FetchError(f"{url!r} is not a URL") from exc
    host = (parsed.host or "").lower().rstrip(".")
    if not parsed.is_absolute() or not host:
        raise FetchError(f"{url} is not an absolute URL with a host")
    if parsed.user is not None or parsed.password is not None:
        raise FetchError(f"{url} carries user information; refused")
    loopback = is_loopback_host(host)
    if parsed.scheme != "https" and not (parsed.scheme == "http" and allow_insecure_loopback and loopback):
        raise FetchError(f"{url} is not an https URL; refused")
    if loopback:
        if not allow_insecure_loopback:
            raise FetchError(f"{url} targets a loopback host; refused")
    elif host.endswith(".local") or host.endswith(".internal"):
        raise FetchError(f"{url} targets a local-network name; refused")
    else:
        ip = _ip_or_none(host)
        if ip is not None and not _address_allowed(ip, allow_insecure_loopback):
            raise FetchError(f"{url} targets a non-public address {ip}; refused")
    return parsed


def _ip_or_none(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _address_allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_loopback: bool) -> bool:
    """Public unicast only (loopback when allowed); IPv6 wrappers of IPv4 (6to4, Teredo, NAT64) are judged
    by the IPv4 address they carry too."""
    if ip.is_loopback:
        return allow_loopback
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64:  # DNS64 synthesised: the IPv4 address decides
            return _address_allowed(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), False)
        inner = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None and not _address_allowed(inner, False):
            return False
    return ip.is_global and not ip.is_multicast and not ip.is_reserved and not ip.is_unspecified


class _RefusedAddress(OSError):
    """Raised inside the resolver; an OSError so aiohttp carries it out as ``ClientConnectorError.os_error``."""


class _CheckingResolver(AbstractResolver):
    """Resolve with the running loop's ``getaddrinfo`` and refuse unless *every* address is public."""

    def __init__(self, allow_loopback: bool):
        self._allow_loopback = allow_loopback

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM, family=family)
        results: list[ResolveResult] = []
        for fam, _, proto, _, sockaddr in infos:
            ip = _ip_or_none(str(sockaddr[0]))
            if ip is None or not _address_allowed(ip, self._allow_loopback):
                raise _RefusedAddress(f"{host} resolves to the non-public address {sockaddr[0]}; refused")
            results.append(ResolveResult(hostname=host, host=str(sockaddr[0]), port=sockaddr[1], family=fam,
                                         proto=proto, flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV))
        if not results:
            raise _RefusedAddress(f"{host} did not resolve to any address")
        return results

    async def close(self) -> None:
        return None


class Fetcher:
    """A checked HTTP GET client; one aiohttp ``ClientSession`` per instance, made lazily in the running loop
    (a Fetcher then belongs to that loop: one per process and loop).

    :param timeout_s: deadline of one :meth:`get`, redirects and body included, seconds.
    :param max_bytes: largest body accepted, bytes.
    :param allow_insecure_loopback: allow ``http://`` and loopback targets (tests only).
    :param max_redirects: most redirects followed per :meth:`get`.
    """

    def __init__(self, *, timeout_s: float, max_bytes: int, allow_insecure_loopback: bool = False,
                 max_redirects: int = 3):
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.allow_insecure_loopback = allow_insecure_loopback
        self.max_redirects = max_redirects
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def __aenter__(self) -> "Fetcher":
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session (idempotent)."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def _get_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is not None and not self._session.closed and self._loop is not loop:
            raise RuntimeError("a Fetcher belongs to the event loop that first used it; make one per loop")
        if self._session is None or self._session.closed:
            self._loop = loop
            connector = aiohttp.TCPConnector(resolver=_CheckingResolver(self.allow_insecure_loopback),
                                             use_dns_cache=False, limit=100)
            self._session = aiohttp.ClientSession(connector=connector, trust_env=False,
                                                  headers={"User-Agent": "ler-verifier"})
        return self._session

    async def get(self, url: str, *, accept: str = "application/vc+ld+json, application/json") -> FetchResult:
        """GET ``url`` and return its 2xx answer.

        :param url: an ``https`` URL (see the module rules).
        :param accept: the ``Accept`` header.
        :returns: the final answer, body capped at ``max_bytes``.
        :raises FetchError: refused target or redirect, too many redirects, non-2xx status, body larger than
            ``max_bytes``, timeout after ``timeout_s``, or any connection error.
        """
        try:
            async with asyncio.timeout(self.timeout_s):
                return await self._follow(url, accept)
        except TimeoutError as exc:
            raise FetchError(f"{url} did not answer within {self.timeout_s} s") from exc
        except _RefusedAddress as exc:
            raise FetchError(str(exc)) from exc
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, _RefusedAddress):
                raise FetchError(str(exc.os_error)) from exc
            raise FetchError(f"{url} could not be reached: {exc.__class__.__name__}") from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise FetchError(f"{url} failed: {exc.__class__.__name__}") from exc

    async def _follow(self, url: str, accept: str) -> FetchResult:
        target = check_url(url, allow_insecure_loopback=self.allow_insecure_loopback)
        session = self._get_session()
        for _ in range(self.max_redirects + 1):
            async with session.get(target, headers={"Accept": accept}, allow_redirects=False,
                                   timeout=aiohttp.ClientTimeout(total=self.timeout_s)) as resp:
                if resp.status in _REDIRECTS:
                    location = resp.headers.get("Location")
                    if not location:
                        raise FetchError(f"{target} answered {resp.status} without a Location")
                    target = self._redirect_target(target, location)
                    continue
                if not 200 <= resp.status < 300:
                    raise HttpStatusError(f"{target} answered HTTP {resp.status}", status=resp.status)
                body = await self._read_capped(resp, target)
                return FetchResult(url=str(target), status=resp.status,
                                   content_type=(resp.content_type or "").lower(), body=body,
                                   fetched_at=datetime.now(timezone.utc),
                                   max_age_s=_max_age_s(resp.headers.getall("Cache-Control", [])))
        raise FetchError(f"{url} redirected more than {self.max_redirects} times")

    def _redirect_target(self, current: URL, location: str) -> URL:
        try:
            joined = current.join(URL(location))
        except (ValueError, TypeError) as exc:
            raise FetchError(f"{current} redirected to an unreadable Location {location!r}") from exc
        try:
            return check_url(joined, allow_insecure_loopback=self.allow_insecure_loopback)
        except FetchError as exc:
            raise FetchError(f"{current} redirected to {joined}: {exc.detail}") from exc

    async def _read_capped(self, resp: aiohttp.ClientResponse, target: URL) -> bytes:
        if resp.content_length is not None and resp.content_length > self.max_bytes:
            raise FetchError(f"{target} answer is larger than {self.max_bytes} bytes")
        chunks, size = [], 0
        async for chunk in resp.content.iter_chunked(_CHUNK_BYTES):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"{target} answer is larger than {self.max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


def _max_age_s(values: list[str]) -> int | None:
    """Freshness lifetime from ``Cache-Control`` header values, seconds (RFC 9111 §5.2.2)."""
    header = ",".join(values)
    if not header:
        return None
    if _NO_STORE.search(header):
        return 0
    match = _MAX_AGE.search(header)
    return int(match.group(1)) if match else None
