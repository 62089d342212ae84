"""Nights of the one-stop portal replayed against the sandbox, then built once.

The scenario of issue 3: every night of the data set extracted one at a time gives
the same marts as one extraction up to the as-of date; the same night run three
times changes nothing; the report for an earlier as-of date, asked after later
nights were loaded, gives that date's figures. Expected figures come from the data
set's expected.json (the generator's own count of its records, the seed report's).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timedelta

import pytest
from tests.conftest import new_database

from eduwh import warehouse
from eduwh.land.motcua import extract_load
from eduwh.report.figures import SECTIONS, report_figures
from eduwh.warehouse.as_of import build_as_of
from eduwh.warehouse.dbt import run_dbt
from eduwh_sandbox import motcua_dataset
from eduwh_sandbox.server import SandboxServer

AS_OF = date(2019, 12, 6)
BUILD = [
    "build",
    "--select",
    "tag:shared",
    "tag:dossiers",
    "--vars",
    "{report_as_of_dates: ['2019-12-06']}",
]
# Operational marts: they describe the loading itself, which differs by design.
OPERATIONAL = {
    "rpt_source_freshness": None,
    "rpt_quarantine_summary": "source_system, entity, reason, quarantined_rows",
    # the register's facts, not when the warehouse saw each version (a snapshot's key and
    # times are those of the night that took it)
    "dim_agency": "agency_code, agency_name, province_code, moet_department_code,"
    " valid_from, valid_to, successor_agency_code, predecessor_agency_codes, is_current",
}


def night_end(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time())


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("motcua_2019")
    motcua_dataset.generate(folder)
    return folder, json.loads((folder / "expected.json").read_text())


@pytest.fixture(scope="module")
def portal(dataset):
    with SandboxServer(dataset[0], client_secret="scenario-secret") as server:
        yield server


def _pointed(settings, portal):
    return dataclasses.replace(
        settings,
        motcua_base_url=portal.motcua_base_url,
        motcua_client_id="eduwh",
        motcua_client_secret="scenario-secret",
    )


def _night(settings, portal, day: date) -> dict:
    portal.clock = datetime.combine(day, datetime.max.time()).replace(microsecond=0)
    return extract_load(settings, night_end(day))


def _mart_digests(settings) -> dict[str, str]:
    with warehouse.connect(settings, role="eduwh_reader") as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' "
                "order by table_name"
            )
        ]
        digests = {}
        for table in tables:
            if table in OPERATIONAL and OPERATIONAL[table] is None:
                continue
            columns = OPERATIONAL.get(table) or "t.*"
            digests[table] = conn.execute(
                f"select count(*), md5(coalesce(string_agg(row_text, '|' order by row_text), '')) "
                f"from (select ({columns})::text as row_text from marts.{table} t) rows"
            ).fetchone()
    return digests


@pytest.fixture(scope="module")
def one_shot(settings, portal):
    db = _pointed(new_database(settings), portal)
    _night(db, portal, AS_OF)
    run_dbt(db, BUILD)
    return db


@pytest.fixture(scope="module")
def nightly(settings, portal):
    """Every night from the first receipt of 2018's dossiers to the as-of date, then the
    last night twice more; built once at the end."""
    db = _pointed(new_database(settings), portal)
    day = date(2018, 11, 1)
    while day <= AS_OF:
        _night(db, portal, day)
        day += timedelta(days=1)
    reruns = [_night(db, portal, AS_OF) for _ in range(2)]
    run_dbt(db, BUILD)
    return db, reruns


def test_nightly_replay_gives_the_marts_of_one_shot(one_shot, nightly):
    replayed, _ = nightly
    assert _mart_digests(replayed) == _mart_digests(one_shot)


def test_running_the_same_night_again_lands_nothing(nightly):
    _, reruns = nightly
    for summary in reruns:
        assert summary["hoso"]["landed"] == 0
        assert summary["hoso"]["quarantined"] == 0


def test_replayed_figures_equal_the_expected_figures(nightly, dataset):
    replayed, _ = nightly
    _, expected = dataset
    figures = report_figures(replayed, 2019, AS_OF)
    assert figures["dossiers"] == expected["dossiers"]
    assert figures["procedures"] == expected["procedures"]


def test_an_earlier_as_of_date_asked_after_later_nights(settings, portal, dataset):
    """Load to the end of December, then ask for 6 December: the figures of that date."""
    _, expected = dataset
    db = _pointed(new_database(settings), portal)
    _night(db, portal, date(2019, 12, 31))
    run_dbt(
        db,
        [
            "build",
            "--select",
            "tag:shared",
            "tag:dossiers",
            "--vars",
            "{report_as_of_dates: ['2019-12-31']}",
        ],
    )
    later = report_figures(db, 2019, date(2019, 12, 31))
    assert later["dossiers"]["received"] > expected["dossiers"]["received"]
    build_as_of(db, AS_OF)
    figures = report_figures(db, 2019, AS_OF)
    assert figures["dossiers"] == expected["dossiers"]
    assert figures["procedures"] == expected["procedures"]
    assert set(figures) >= set(SECTIONS)
