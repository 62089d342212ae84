"""`eduwh run` end to end on the built-in data set quang-ngai-2025: the Decision 766
indicators of every month of 2025 equal its expected.json, and a past month asked after
later nights were loaded gives the same figures (issue 13, "Tests").

Two nights on one warehouse, the fewest the two tests need: as of 2025-07-31 (June is
asked then), then as of 2025-12-31 (the data set's clock, which expected.json counts
at; June is asked again). The expected figures are the generator's own count from its
records (indicators_dataset.figures.count_indicators), never the warehouse's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest
from tests.conftest import new_database

from eduwh import warehouse
from eduwh.warehouse import admin_dsn
from eduwh_sandbox import dataset as ds
from eduwh_sandbox import indicators_dataset
from eduwh_sandbox.indicators_dataset.catalogue import AS_OF, YEAR
from eduwh_sandbox.indicators_dataset.figures import indicators_of_year

pytestmark = pytest.mark.timeout(1500)
FIRST_NIGHT = "2025-07-31"
PAST_MONTH = "2025-06"
FIGURE_KEYS = ("numerator", "denominator", "rate", "threshold", "score_ratio")
# indicators_766_details' keys -> the mart's (indicator_id, breakdown)
DETAILS = {
    "3.1_full_online": ("3.1", "full_online"),
    "3.3_direct": ("3.3", "direct"),
    "3.3_postal": ("3.3", "postal"),
}


def _eduwh(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "eduwh.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=1400,
    )
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-5000:])
    return done


def _june(env: dict[str, str]) -> str:
    return _eduwh(
        "indicators", "--period", PAST_MONTH, "--as-of", FIRST_NIGHT, "--format", "json", env=env
    ).stdout


@pytest.fixture(scope="module")
def nights(settings, tmp_path_factory) -> dict:
    data = tmp_path_factory.mktemp("quang-ngai-2025")
    indicators_dataset.generate(data)
    warehouse_settings = new_database(settings)
    env = {**os.environ, "WAREHOUSE_DSN": admin_dsn(warehouse_settings)}
    _eduwh("run", "--as-of", FIRST_NIGHT, "--data", str(data), env=env)
    june_then = _june(env)
    last = _eduwh("run", "--as-of", AS_OF.isoformat(), "--data", str(data), env=env)
    return {
        "data": data,
        "settings": warehouse_settings,
        "expected": json.loads((data / ds.EXPECTED_FILE).read_text()),
        "figures": json.loads(last.stdout),
        "june_then": june_then,
        "june_now": _june(env),
    }


def _plain(value):
    """A figure as JSON holds it: numbers as float (the mart's numerics are Decimals)."""
    return None if value is None else float(value)


def _expected_rows(months: dict) -> dict:
    """{(month, indicator_id, breakdown): figure} of expected.json's indicators and details."""
    rows = {}
    for month, figures in months["indicators_766"].items():
        for indicator_id, figure in figures.items():
            rows[month, indicator_id, "all"] = figure
        details = months["indicators_766_details"][month]
        for key, (indicator_id, breakdown) in DETAILS.items():
            rows[month, indicator_id, breakdown] = details[key]
        for procedure, figure in details["2.2_by_procedure"].items():
            rows[month, "2.2", procedure] = figure
    return {key: tuple(_plain(figure[k]) for k in FIGURE_KEYS) for key, figure in rows.items()}


def _mart_rows(settings, as_of: str) -> dict:
    with warehouse.connect(settings, "eduwh_reader") as conn:
        rows = conn.execute(
            f"select period_label, indicator_id, breakdown, {', '.join(FIGURE_KEYS)}"
            " from marts.rpt_indicators_766"
            " where as_of_date = %s and period_kind = 'month' and period_start >= %s",
            (as_of, date(YEAR, 1, 1)),
        ).fetchall()
    return {tuple(row[:3]): tuple(_plain(v) for v in row[3:]) for row in rows}


def _differences(actual: dict, expected: dict) -> dict:
    keys = actual.keys() | expected.keys()
    return {
        k: (actual.get(k), expected.get(k))
        for k in sorted(keys)
        if actual.get(k) != expected.get(k)
    }


def test_every_month_of_2025_equals_expected_json(nights):
    expected = _expected_rows(nights["expected"])
    assert len({key[0] for key in expected}) == 12  # every month of 2025 is counted
    actual = _mart_rows(nights["settings"], AS_OF.isoformat())
    assert _differences(actual, expected) == {}


def test_the_report_of_2025_carries_the_year_s_indicators(nights):
    figures, expected = nights["figures"], nights["expected"]
    assert (figures["year"], figures["as_of"]) == (2025, AS_OF.isoformat())
    year = {
        indicator_id: {k: figure[k] for k in ("numerator", "denominator", "rate", "score_ratio")}
        for indicator_id, figure in expected["indicators_766_year"].items()
    }
    assert figures["indicators_766"] == year
    assert figures["quality"]["checkpoint"] == "passed"


def test_a_past_month_asked_after_later_nights_gives_the_same_figures(nights):
    assert nights["june_now"] == nights["june_then"]
    june = json.loads(nights["june_now"])
    assert (june["period"], june["as_of"]) == (PAST_MONTH, FIRST_NIGHT)
    # and they are June's as the generator counts them on the records known on 31 July
    thutuc = ds.read_jsonl(nights["data"] / "motcua" / "thutuc.jsonl")
    hoso = ds.read_jsonl(nights["data"] / "motcua" / "hoso.jsonl")
    counted = indicators_of_year(thutuc, hoso, YEAR, date.fromisoformat(FIRST_NIGHT))
    expected = {
        key: value for key, value in _expected_rows(counted).items() if key[0] == PAST_MONTH
    }
    actual = {
        (PAST_MONTH, row["indicator_id"], row["breakdown"]): tuple(
            _plain(row[k]) for k in FIGURE_KEYS
        )
        for row in june["indicators"]
    }
    assert _differences(actual, expected) == {}
