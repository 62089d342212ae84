"""The school year of a day: the one definition the extract and the report share."""

from __future__ import annotations

from datetime import date

# A Vietnamese school year opens in September (the Ministry's school calendar: opening
# day 5 September); August still belongs to the year that is ending, whose data
# csdl.moet keeps updating until it is closed.
FIRST_MONTH = 9


def school_year_of(day: date) -> str:
    """'2019-2020' for any day from 1 September 2019 to 31 August 2020."""
    first = day.year if day.month >= FIRST_MONTH else day.year - 1
    return f"{first}-{first + 1}"
