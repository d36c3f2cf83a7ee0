"""RFC 3339 timestamps as VCDM uses them (VCDM 2.0 §4.9 "Validity Period", §9.1 "Representing Time").

Any fraction length and any offset are accepted. A timestamp without an offset is read as UTC
(never as server-local time) and flagged so the caller can warn.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from verifier.errors import MalformedValue

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))?$"
)


def parse_timestamp(value: object, field_name: str) -> tuple[datetime, bool]:
    """Parse an RFC 3339 date-time (RFC 3339 §5.6, XML Schema dateTimeStamp).

    :param value: the JSON value of the field.
    :param field_name: the field's name, for messages (e.g. ``validFrom``).
    :returns: (aware UTC datetime, True when the value had no offset and was read as UTC).
    :raises MalformedValue: (MALFORMED_VALUE_ERROR) not a string or not an RFC 3339 date-time.
    """
    if not isinstance(value, str):
        raise MalformedValue(f"{field_name} must be an RFC 3339 date-time string, got {type(value).__name__}",
                             pointer="/" + field_name)
    m = _RFC3339.match(value)
    if not m:
        raise MalformedValue(f"{field_name} is not an RFC 3339 date-time: {value!r}", pointer="/" + field_name)
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    fraction = m.group(7) or ""
    micro = int((fraction + "000000")[:6]) if fraction else 0
    leap = second == 60  # RFC 3339 §5.6 leap second: read as the next second's start
    try:
        stamp = datetime(year, month, day, hour, minute, 59 if leap else second, micro, tzinfo=timezone.utc)
    except ValueError as exc:
        raise MalformedValue(f"{field_name} is not a real date-time: {value!r}", pointer="/" + field_name) from exc
    no_offset = not m.group(8) and not m.group(9)
    try:
        if leap:
            stamp += timedelta(seconds=1)
        if m.group(9):
            if int(m.group(10)) > 23 or int(m.group(11)) > 59:
                raise MalformedValue(f"{field_name} has an impossible offset: {value!r}", pointer="/" + field_name)
            offset = timedelta(hours=int(m.group(10)), minutes=int(m.group(11)))
            stamp = stamp - offset if m.group(9) == "+" else stamp + offset
    except OverflowError as exc:  # e.g. 9999-12-31T23:59:59-23:59: past the year 9999 in UTC
        raise MalformedValue(f"{field_name} is outside the years 0001 to 9999 once read as UTC: {value!r}",
                             pointer="/" + field_name) from exc
    return stamp, no_offset


def from_numeric_date(value: object, claim: str) -> datetime:
    """Read a JWT NumericDate (RFC 7519 §2: seconds since the epoch, may be fractional).

    :raises MalformedValue: not a number.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise MalformedValue(f"JWT claim {claim} must be a NumericDate (seconds), got {type(value).__name__}",
                             pointer="/" + claim)
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError) as exc:
        raise MalformedValue(f"JWT claim {claim} is out of range: {value!r}", pointer="/" + claim) from exc


def format_timestamp(value: datetime) -> str:
    """Render an aware datetime as RFC 3339 UTC with ``Z``."""
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
