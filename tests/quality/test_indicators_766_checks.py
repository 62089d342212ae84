"""The checkpoint's guards on the Decision 766 marts (dbt tests of the build, reported by
the checkpoint): a clean build of the hand-made 2025 records passes them; a numerator
above its denominator, a rate out of 0-100 and a per-dossier mart that no longer adds up
to the indicators each fail, named in the checkpoint's result."""

from __future__ import annotations

import pytest

from eduwh import warehouse
from eduwh.quality import run_checkpoint
from eduwh.warehouse.dbt import DbtError, run_dbt
from tests.conftest import new_database
from tests.transform.conftest import create_landing_tables, land
from tests.transform.test_indicators_766 import AS_OF, CATALOGUE, DOSSIERS

SUITES = {"dbt.rpt_indicators_766", "dbt.rpt_indicator_766_dossiers"}
MARTS_766 = ["rpt_indicators_766", "rpt_indicator_766_dossiers"]


@pytest.fixture(scope="module")
def built_766(settings):
    built = new_database(settings)
    create_landing_tables(built)
    land(built, "thutuc", CATALOGUE)
    land(built, "hoso", DOSSIERS)
    run_dbt(
        built,
        [
            "build",
            "--select",
            "+rpt_indicators_766",
            "+rpt_indicator_766_dossiers",
            "rpt_source_freshness",
            "--vars",
            f'{{report_as_of_dates: ["{AS_OF}"]}}',
        ],
    )
    return built


def suites_run(settings, run_id: str) -> set[str]:
    with warehouse.connect(settings, "eduwh_transformer") as conn:
        return {
            row[0]
            for row in conn.execute(
                "select distinct suite from quality.expectation_result where run_id = %s",
                (run_id,),
            )
        }


def test_the_report_json_gains_the_years_indicators(built_766, fresh_settings):
    from datetime import date

    from eduwh.report.figures import report_figures

    section = report_figures(built_766, 2025, date(2025, 7, 31))["indicators_766"]
    assert list(section) == ["2.1", "2.2", "3.1", "3.3", "3.6", "4.1", "4.2", "4.3", "4.4"]
    # the year 2025 as of 31 July (test_indicators_766): 2.1 on time A C E F H of 9
    assert section["2.1"] == {"numerator": 5, "denominator": 9, "rate": 55.56, "score_ratio": None}
    # 3.1: 2 of the 4 procedures, threshold 80 %: 50 / 80
    assert section["3.1"] == {"numerator": 2, "denominator": 4, "rate": 50.0, "score_ratio": 0.625}
    assert section["2.2"]["denominator"] == 7  # A B C D F G and H
    # no one-stop portal landed: every value null, every key present
    empty = report_figures(fresh_settings, 2025, date(2025, 7, 31))["indicators_766"]
    assert empty["4.2"] == dict.fromkeys(("numerator", "denominator", "rate", "score_ratio"))
    assert len(empty) == 9


def test_clean_marts_pass_and_corruptions_fail_named(built_766):
    clean = run_checkpoint(built_766)
    assert clean.success, clean.failed
    assert SUITES <= suites_run(built_766, clean.run_id)

    with warehouse.connect(built_766, "eduwh_transformer") as conn:
        # 4.4 of July (1 of 8, test_indicators_766): numerator above the denominator
        changed = conn.execute(
            "update marts.rpt_indicators_766 set numerator = denominator + 1, rate = 112.5"
            " where period_label = '2025-07' and indicator_id = '4.4' and breakdown = 'all'"
        ).rowcount
        # one dossier of 2.1 in July moved into the numerator: no longer adds up
        moved = conn.execute(
            "update marts.rpt_indicator_766_dossiers set is_in_numerator = true, reason = null"
            " where period_label = '2025-07' and indicator_id = '2.1'"
            " and dossier_code like '%-B'"
        ).rowcount
    assert (changed, moved) == (1, 1)
    with pytest.raises(DbtError):  # the build's tests, run again on the changed marts
        run_dbt(built_766, ["test", "--select", *MARTS_766])
    broken = run_checkpoint(built_766)
    assert not broken.success
    failed = "\n".join(broken.failed)
    assert "indicators 766: numerator <= denominator" in failed
    assert "indicators 766: rate within 0-100" in failed
    assert "the dossiers add up" in failed
