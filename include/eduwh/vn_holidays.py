"""Vietnam's public holidays for working-day counts (Decision 766 indicators).

The calendar comes from the ``holidays`` package, pinned exactly in pyproject.toml
(Labour Code 2019 Art. 112, lunar new year days and the compensating days off the
government announces, as the package maintains them). dbt never downloads anything: it
reads the committed seed ``dbt_project/seeds/vn_public_holidays.csv``, which this module
writes (``python -m eduwh.vn_holidays``) and a test keeps equal to the pinned package.
A new package version that moves a day is a reviewed change of the seed.

Not modelled: the Saturdays the government declares working days in exchange for a day
off (the package lists the day off only); those Saturdays count as days off.
"""

from __future__ import annotations

import csv
import io
import sys
from datetime import date
from pathlib import Path

import holidays

FIRST_YEAR, LAST_YEAR = 2015, 2030  # the dbt date spine (vars date_spine_start / _end)
SEED = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "vn_public_holidays.csv"
COLUMNS = ("holiday_date", "holiday_name", "package_version")


def public_holidays(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> list[tuple[date, str]]:
    """(date, name) of every public holiday (days off) of Vietnam in ``first..last``."""
    calendar = holidays.country_holidays("VN", years=range(first, last + 1))
    return sorted((day, "; ".join(calendar.get_list(day))) for day in calendar)


def seed_text() -> str:
    """The seed's CSV text as the pinned package gives it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for day, name in public_holidays():
        writer.writerow((day.isoformat(), name, holidays.__version__))
    return out.getvalue()


def main() -> int:
    SEED.write_text(seed_text(), encoding="utf-8")
    print(f"{SEED}: {len(public_holidays())} days (holidays {holidays.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
