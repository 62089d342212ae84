"""The portal's timestamps (``yyyyMMddHHmmss``, the legacy ``dd/MM/yyyy HH:mm:ss``), the
sandbox clock and working days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from eduwh_sandbox.dataset import is_working_day

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


def parse_ts(value: Any) -> datetime | None:
    """A contract timestamp: ``yyyyMMddHHmmss`` or ``dd/MM/yyyy HH:mm:ss``.

    ``None`` for "not reached yet" (empty or null); ``ValueError`` when unparsable.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    s = value.strip()
    if len(s) == 14 and s.isdigit():
        return datetime.strptime(s, TS_FORMAT)
    return datetime.strptime(s, LEGACY_FORMAT)


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


def working_days_between(start: date, end: date) -> list[date]:
    out, d = [], start
    while d <= end:
        if is_working_day(d):
            out.append(d)
        d += timedelta(days=1)
    return out
