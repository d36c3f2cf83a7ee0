"""The errors the trust registry raises on purpose.

::

    RegistryError                base of everything below
    ├── RegistryUnavailable      the database cannot be read or written (-> indeterminate / HTTP 503)
    ├── ConfigError              a database URL or setting we cannot use (the message names the setting,
    │                            e.g. LER_DATABASE_URL, and the value with any password hidden)
    ├── InvalidInput             a value breaks a rule; carries one FieldError per bad field (-> 422)
    ├── NotFound                 no such registry / issuer / identifier / key (-> 404)
    ├── Conflict                 a duplicate id, identifier or name (-> 409)
    └── PreconditionFailed       the caller's revision (ETag) is stale (-> 412)

Database driver errors are mapped by class at the boundary (``raise RegistryUnavailable(...) from exc``),
never by message text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One bad field.

    :ivar pointer: JSON pointer (RFC 6901) to the field in the request document, "" for the whole body;
        for ``location`` ``query``/``path``/``header``: the parameter or header name.
    :ivar detail: a sentence for people.
    :ivar location: ``body`` (default), ``query``, ``path`` or ``header``.
    """

    pointer: str
    detail: str
    location: str = "body"

    def to_json(self) -> dict:
        """:returns: ``{"pointer": str, "detail": str}`` for body fields, ``{"parameter": name, ...}`` for
        query and path parameters, ``{"header": name, ...}`` for headers (RFC 9457 §3 "errors" member)."""
        if self.location == "body":
            return {"pointer": self.pointer, "detail": self.detail}
        key = "header" if self.location == "header" else "parameter"
        return {key: self.pointer, "in": self.location, "detail": self.detail}


class RegistryError(Exception):
    """Base of every error the trust registry raises on purpose.

    :param detail: a sentence for people naming the value concerned.
    """

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class RegistryUnavailable(RegistryError):
    """The registry database could not be read or written (connection, schema, driver failure)."""


class ConfigError(RegistryError, ValueError):
    """A database URL or registry setting that cannot be used: malformed, an unsupported database, or a
    setting the driver refuses. ``detail`` names the setting (``LER_DATABASE_URL``) and the bad value
    (password hidden), e.g. ``LER_DATABASE_URL: unsupported database 'mysql' in 'mysql://x'; use ...``.
    Not retryable: fix the setting. (An unreachable database is :class:`RegistryUnavailable`.)"""


class InvalidInput(RegistryError, ValueError):
    """One or more values break their rules.

    :param errors: the bad fields; ``detail`` defaults to the first one's sentence.
    """

    def __init__(self, errors: list[FieldError] | FieldError, detail: str | None = None):
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        super().__init__(detail or (self.errors[0].detail if self.errors else "invalid input"))


class NotFound(RegistryError, LookupError):
    """No entity with that key.

    :param entity: ``registry``, ``issuer``, ``identifier`` or ``api_key``.
    :param key: the key that was looked up.
    :param pointer: where the key came from in a request document, if it did.
    """

    def __init__(self, entity: str, key: str, *, pointer: str | None = None):
        super().__init__(f"no {entity.replace('_', ' ')} {key!r}")
        self.entity = entity
        self.key = key
        self.pointer = pointer


class Conflict(RegistryError):
    """A value that must be unique already exists.

    :param detail: sentence naming the duplicate.
    :param pointer: JSON pointer to the duplicate field in the request document, if known.
    """

    def __init__(self, detail: str, *, pointer: str = ""):
        super().__init__(detail)
        self.pointer = pointer


class PreconditionFailed(RegistryError):
    """The revision the caller holds (If-Match / ETag) is not the current one.

    :param current_revision: the revision now stored.
    """

    def __init__(self, detail: str, *, current_revision: int):
        super().__init__(detail)
        self.current_revision = current_revision
