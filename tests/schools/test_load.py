"""Extract-load of the school files: bad files quarantined with their reason while the
others load; only changed files are loaded again."""

from __future__ import annotations

from datetime import datetime

import pytest

from eduwh import warehouse
from eduwh.land.schools import extract_load_moet, load_sis
from tests.schools.conftest import API_KEY, new_database, serve_moet


@pytest.fixture(scope="module")
def loaded(settings, small_province):
    data_dir, result = small_province
    db = new_database(settings)
    with serve_moet(data_dir) as server:
        base = server.base_url + "/moet"
        first = extract_load_moet(db, school_year="2019-2020", base_url=base, api_key=API_KEY)
        again = extract_load_moet(db, school_year="2019-2020", base_url=base, api_key=API_KEY)
        server.clock = datetime(2019, 12, 31, 23, 59, 59)
        later = extract_load_moet(db, school_year="2019-2020", base_url=base, api_key=API_KEY)
    sis_first = load_sis(db, drop_dir=data_dir / "sis")
    sis_again = load_sis(db, drop_dir=data_dir / "sis")
    return (
        db,
        result,
        {
            "first": first,
            "again": again,
            "later": later,
            "sis_first": sis_first,
            "sis_again": sis_again,
        },
    )


def test_bad_files_quarantined_with_reason_others_load(loaded):
    db, result, runs = loaded
    assert runs["first"]["quarantined_by_reason"] == result["quarantine"]["csdl_moet"]
    assert runs["sis_first"]["quarantined_by_reason"] == result["quarantine"]["sis"]
    with warehouse.connect(db) as conn:
        reasons = conn.execute(
            "select source, reason, count(*) from meta.quarantine"
            " where reason <> 'missing_key' group by 1, 2 order by 1, 2"
        ).fetchall()
        statuses = dict(
            conn.execute("select status, count(*) from meta.batch group by 1").fetchall()
        )
        rows = dict(
            conn.execute(
                "select 'truong', count(*) from raw.csdl_moet__truong union all"
                " select 'hoc_sinh', count(*) from raw.csdl_moet__hoc_sinh union all"
                " select 'smas', count(*) from raw.sis__smas union all"
                " select 'vnedu', count(*) from raw.sis__vnedu"
            ).fetchall()
        )
    expected = sorted(
        [("csdl_moet", r, n) for r, n in result["quarantine"]["csdl_moet"].items()]
        + [("sis", r, n) for r, n in result["quarantine"]["sis"].items()]
    )
    assert sorted(reasons) == expected
    assert set(statuses) == {"succeeded"}
    assert rows["truong"] == result["schools"]["schools"]  # the latest version only
    assert rows["hoc_sinh"] > result["schools"]["students"]
    assert rows["smas"] > 0 and rows["vnedu"] > 0
    assert (
        runs["first"]["files_loaded"] + runs["first"]["files_quarantined"]
        == runs["first"]["files_seen"]
    )


def test_only_changed_files_are_loaded_again(loaded):
    db, result, runs = loaded
    assert runs["again"]["files_loaded"] == runs["again"]["files_quarantined"] == 0
    assert runs["again"]["files_unchanged"] == runs["first"]["files_seen"]
    changed = {f"CSDL_GiaoVien_{code}.xlsx" for code in result["cases"]["changed_after_as_of"]}
    assert set(runs["later"]["loaded"]) == changed
    assert runs["sis_again"]["files_loaded"] == 0
    assert runs["sis_again"]["files_unchanged"] == runs["sis_first"]["files_seen"]
