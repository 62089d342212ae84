"""The committed public-holiday seed is what the pinned `holidays` package gives."""

from __future__ import annotations

import tomllib
from pathlib import Path

import holidays

from eduwh import vn_holidays


def test_seed_equals_the_pinned_package():
    assert vn_holidays.SEED.read_text(encoding="utf-8") == vn_holidays.seed_text()


def test_the_package_is_pinned_exactly_at_the_version_installed():
    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert f"holidays=={holidays.__version__}" in project["project"]["dependencies"]


def test_known_days_off_of_2025():
    days = {day.isoformat() for day, _ in vn_holidays.public_holidays(2025, 2025)}
    # Tết Ất Tỵ (29 January 2025) with the days around it; 30/4, 1/5, 2/9 (Labour Code Art. 112)
    assert {"2025-01-29", "2025-01-30", "2025-04-30", "2025-05-01", "2025-09-02"} <= days
    assert "2025-07-15" not in days
