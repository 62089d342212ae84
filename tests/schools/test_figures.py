"""End to end on a small generated province (real files, real HTTP, real PostgreSQL):
the marts give the generator's independently counted figures, and no personal data of
pupils or staff is readable by the analysts' role."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

import psycopg
import pytest

from eduwh import warehouse
from eduwh.land.schools import extract_load_moet, load_sis
from eduwh.warehouse.dbt import run_dbt
from tests.schools.conftest import API_KEY, new_database, serve_moet

SCHOOL_MARTS = (
    "dim_school",
    "dim_class",
    "dim_student",
    "dim_staff",
    "fct_enrollment",
    "fct_staff_assignment",
    "rpt_school_figures",
    "rpt_sis_reconciliation",
)


@pytest.fixture(scope="module")
def built(settings, small_province):
    data_dir, result = small_province
    db = new_database(settings)
    with serve_moet(data_dir) as server:
        extract_load_moet(
            db, school_year="2019-2020", base_url=server.base_url + "/moet", api_key=API_KEY
        )
    load_sis(db, drop_dir=data_dir / "sis")
    run_dbt(db, ["build", "--select", "+tag:schools", "--quiet"])
    return db, result


def test_school_figures_equal_the_generators_count(built):
    db, result = built
    with warehouse.connect(db, role="eduwh_reader") as conn:
        conn.row_factory = psycopg.rows.dict_row
        rows = conn.execute("select * from marts.rpt_school_figures").fetchall()
    assert len(rows) == 1
    row = rows[0]
    expected = result["schools"]
    got = {key: row[key] for key in expected}
    got["students_matched_pct"] = float(got["students_matched_pct"])
    assert got == expected
    recon = result["reconciliation"]
    assert row["students_in_vendor_exports"] == recon["students_in_vendor_exports"]
    assert row["students_matched"] == recon["students_matched"]
    assert row["schools_on_both"] == recon["schools_on_both"]
    assert row["schools_declared_smas"] == recon["schools_declared_smas"]
    assert row["schools_declared_vnedu"] == recon["schools_declared_vnedu"]
    assert (
        row["schools_not_delivering_as_declared"]
        == recon["schools_declared_not_delivered_as_declared"]
    )
    assert isinstance(row["students_matched_pct"], Decimal)


def test_reconciliation_flags_the_planted_cases(built):
    db, result = built
    cases = result["cases"]
    with warehouse.connect(db, role="eduwh_reader") as conn:
        rows = {
            r[0]: r[1:]
            for r in conn.execute(
                "select school_code, declared_software, delivered_software, delivered_as_declared"
                " from marts.rpt_sis_reconciliation"
            )
        }
    assert rows[cases["declares_smas_delivers_vnedu"][0]] == ("SMAS", "vnEdu", False)
    assert rows[cases["delivers_both"][0]] == ("vnEdu", "both", False)
    assert rows[cases["declared_but_no_delivery"][0]][1:] == ("none", False)


def test_no_personal_data_readable_by_the_reader(built):
    db, result = built
    planted = result["planted"]
    needles = set()
    for name in planted["names"] + planted["emails"]:
        needles |= {
            unicodedata.normalize("NFC", name).lower(),
            unicodedata.normalize("NFD", name).lower(),
        }
    needles |= set(planted["identity_numbers"]) | set(planted["student_codes"])
    for birth in planted["birth_dates"]:
        d, m, y = birth.split("/")
        needles |= {birth, f"{y}-{m}-{d}"}
    with warehouse.connect(db, role="eduwh_reader") as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            )
        ]
        assert set(SCHOOL_MARTS) <= set(tables)
        for table in tables:
            text = " ".join(
                r[0] for r in conn.execute(f'select t::text from marts."{table}" as t')
            ).lower()
            found = [n for n in needles if n.lower() in text]
            assert not found, f"marts.{table} shows personal data {found}"
        for schema, table in [
            ("raw", "csdl_moet__hoc_sinh"),
            ("staging", "stg_csdl_moet__hoc_sinh"),
        ]:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"select 1 from {schema}.{table} limit 1")
            conn.rollback()
    with warehouse.connect(db) as conn:  # the planted values did land in raw
        raw = " ".join(
            r[0] for r in conn.execute("select record::text from raw.csdl_moet__hoc_sinh")
        )
        assert planted["identity_numbers"][0] in raw


def test_without_the_vendors_exports_their_figures_are_null(settings, small_province):
    """report_figures.md: "a figure the warehouse cannot know is `null`, never invented".
    csdl.moet landed, the SIS drop folder never did: the report's counts are the
    generator's, the three figures of the vendors' exports are null (they read 0 before:
    found on a night of a data set holding only csdl_moet/)."""
    from eduwh.report.figures import FIGURE_SOURCE, report_figures

    data_dir, result = small_province
    db = new_database(settings)
    with serve_moet(data_dir) as server:
        extract_load_moet(
            db, school_year="2019-2020", base_url=server.base_url + "/moet", api_key=API_KEY
        )
    run_dbt(db, ["build", "--select", "+tag:schools", "+rpt_source_freshness", "--quiet"])
    schools = report_figures(db, 2019, date(2019, 12, 6))["schools"]
    from_sis = {key for key, source in FIGURE_SOURCE.items() if source == "sis"}
    assert {key: schools[key] for key in from_sis} == dict.fromkeys(from_sis)
    counted = ("schools", "classes", "students", "teachers")
    assert {key: schools[key] for key in counted} == {
        key: result["schools"][key] for key in counted
    }
