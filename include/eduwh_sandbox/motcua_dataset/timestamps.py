"""The portal's timestamps (``yyyyMMddHHmmss``, the legacy ``dd/MM/yyyy HH:mm:ss``) and the
sandbox clock."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

TS_FORMAT = "%Y%m%d%H%M%S"
LEGACY_FORMAT = "%d/%m/%Y %H:%M:%S"
TIMESTAMP_FIELDS = (
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "NgayCapNhat",
)


@lru_cache(maxsize=65536)
def _parse_text(s: str) -> datetime:
    # The same datetime as strptime(s, TS_FORMAT) for 14 digits (every field at its full
    # width), without its cost: the generators and their counts parse every version's
    # times, and the same texts recur.
    if len(s) == 14 and s.isdigit():
        return datetime(
            int(s[0:4]), int(s[4:6]), int(s[6:8]), int(s[8:10]), int(s[10:12]), int(s[12:14])
        )
    return datetime.strptime(s, LEGACY_FORMAT)


def parse_ts(value: Any) -> datetime | None:
    """A contract timestamp: ``yyyyMMddHHmmss`` or ``dd/MM/yyyy HH:mm:ss``.

    ``None`` for "not reached yet" (empty or null); ``ValueError`` when unparsable.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    return _parse_text(value.strip())


def parse_clock(value: str | datetime | None) -> datetime | None:
    """``2019-12-06T23:59:59`` (ISO) or ``yyyyMMddHHmmss``; None stays None."""
    if value is None or isinstance(value, datetime):
        return value
    s = value.strip()
    if len(s) == 14 and s.isdigit():
        return datetime.strptime(s, TS_FORMAT)
    if len(s) == 10:
        return datetime.combine(date.fromisoformat(s), time(23, 59, 59))
    return datetime.fromisoformat(s).replace(tzinfo=None)
