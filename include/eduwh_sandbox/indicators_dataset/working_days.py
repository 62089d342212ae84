"""Working days and working seconds of the contract (Vietnamese public holidays, every
Saturday off)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from eduwh_sandbox import dataset as ds

_VN = holidays.country_holidays("VN", years=range(2017, 2028))


@lru_cache(maxsize=8192)
def is_working_day(d: date) -> bool:
    """Monday to Friday and not a public holiday (days off swapped for a Saturday included).

    The contract excludes every Saturday: a Saturday the government declares a working
    day in exchange (``holidays``' ``weekend_workdays``, e.g. 2025-04-26) stays a day off.
    """
    return d.weekday() < 5 and d not in _VN


def add_working_days(d: date, n: int) -> date:
    return ds.add_working_days(d, n, is_working_day)


def working_days_in(lo: date, hi: date) -> list[date]:
    return ds.working_days_between(lo, hi, is_working_day)


def working_seconds(a: datetime, b: datetime) -> int:
    """Seconds of ``[a, b)`` that fall on working days (0 when ``b <= a``)."""
    if b <= a:
        return 0
    total, d = 0, a.date()
    while d <= b.date():
        if is_working_day(d):
            lo = max(a, datetime.combine(d, time.min))
            hi = min(b, datetime.combine(d + timedelta(days=1), time.min))
            if hi > lo:
                total += int((hi - lo).total_seconds())
        d += timedelta(days=1)
    return total
