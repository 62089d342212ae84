"""`eduwh run` end to end on the built-in data set quang-ngai-2025-merged (issue 14):
two Departments, each with its own one-stop portal, the predecessor merged into the
successor on 1 July 2025 (contracts/agencies.md), its register in the data set.

Two nights on one warehouse: as of 2025-12-31 (the data set's clock), then as of
2026-01-31 (the dossiers carried over into 2026). The expected figures are the data
set's expected.json, counted by the generator from the files it wrote (its `reports`:
the successor's 2025 figures with the predecessor's share, the predecessor's own 2025
figures up to its valid_to, the successor's 2026 figures), never by the warehouse.
"""

from __future__ import annotations

import json
import os
import unicodedata

import pytest
from tests.conftest import new_database, run_eduwh

from eduwh import warehouse
from eduwh.warehouse import admin_dsn

pytestmark = pytest.mark.timeout(1800)
SECTIONS = ("procedures", "dossiers", "documents", "schools")


def _ok(*args: str, env: dict[str, str]) -> str:
    done = run_eduwh(*args, env=env, timeout=1400)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-5000:])
    return done.stdout


def _ask(env: dict[str, str], data, report: dict, as_of: str) -> dict:
    return json.loads(
        _ok(
            "report",
            "--agency",
            report["agency"]["code"],
            "--year",
            str(report["year"]),
            "--as-of",
            as_of,
            "--format",
            "json",
            env={**env, "EDUWH_AGENCIES_FILE": str(data / "agencies.yml")},
        )
    )


@pytest.fixture(scope="module")
def merged(settings, tmp_path_factory) -> dict:
    """A night on each as-of date of expected.json, in order, on one warehouse. Every
    report is asked after the last night (expected.json counts what a warehouse that
    landed everything knows, so a report of before the merger, asked after it, must be
    unchanged by it); the successor's 2025 report also on its own night, and the
    predecessor's as of that night (after its end: up to its valid_to)."""
    data = tmp_path_factory.mktemp("quang-ngai-2025-merged")
    warehouse_settings = new_database(settings)
    env = {**os.environ, "WAREHOUSE_DSN": admin_dsn(warehouse_settings)}
    env.pop("EDUWH_AGENCIES_FILE", None)  # the data set's own agencies.yml
    env.pop("EDUWH_AGENCY_CODE", None)
    _ok("sandbox", "generate", "--dataset", "quang-ngai-2025-merged", "--out", str(data), env=env)
    expected = json.loads((data / "expected.json").read_text("utf-8"))
    asked: dict[tuple, dict] = {}
    nights = sorted({report["as_of"] for report in expected["reports"]})
    ended = {agency["code"] for agency in expected["register"] if agency.get("valid_to")}
    for night in nights:
        _ok("run", "--as-of", night, "--data", str(data), env=env)
        for report in expected["reports"]:
            if report["covers"] and report["as_of"] == night:
                asked[report["agency"]["code"], report["as_of"], night] = _ask(
                    env, data, report, night
                )
            if report["agency"]["code"] in ended and night == nights[1]:
                asked[report["agency"]["code"], report["as_of"], night] = _ask(
                    env, data, report, night
                )
    for report in expected["reports"]:
        key = (report["agency"]["code"], report["as_of"], "after the last night")
        asked[key] = _ask(env, data, report, report["as_of"])
    return {"expected": expected, "asked": asked, "settings": warehouse_settings, "data": data}


def _asked(merged, want: dict) -> list[tuple[str, dict]]:
    """Every asking of the report `want`: (when, the JSON)."""
    code, as_of = want["agency"]["code"], want["as_of"]
    return [(when, got) for (c, a, when), got in merged["asked"].items() if (c, a) == (code, as_of)]


def _differences(got: dict, want: dict) -> dict:
    return {
        (section, name): (got[section].get(name), value)
        for section in SECTIONS
        for name, value in want[section].items()
        if got[section].get(name) != value
    }


def test_every_report_of_the_merger_equals_expected(merged):
    """The successor's 2025 figures (its own records and the predecessor's, each once:
    dossiers, documents, and the merged Department's school year 2025-2026), the
    predecessor's own 2025 figures (up to its valid_to, also when asked after it), the
    successor's 2026 figures (the dossiers carried over) and the successor's report of
    before the merger (its own records only, also when asked after the merger) equal
    expected.json, on every asking."""
    for want in merged["expected"]["reports"]:
        for when, got in _asked(merged, want):
            assert got["agency"]["code"] == want["agency"]["code"]
            assert _differences(got, want) == {}, (want["agency"]["code"], want["as_of"], when)


def test_the_successor_names_its_predecessors_and_their_share(merged):
    """covers: which predecessors until when; of_which: each one's dossier and document
    counts."""
    for want in merged["expected"]["reports"]:
        for when, got in _asked(merged, want):
            assert got.get("covers", []) == want["covers"], (want["as_of"], when)
            if not want["covers"]:
                continue  # a report that covers no predecessor prints no share
            for code, share in want["of_which"].items():
                for section in ("dossiers", "documents"):
                    counted = got["of_which"][code][section]
                    assert counted, (code, section)
                    assert counted == {k: share[section][k] for k in counted}, (code, when)


def test_the_indicators_766_follow_the_merger(merged):
    """Decision 766 per report (contracts/agencies.md, "Figures of a merged agency"): the
    denominator of 3.3 is the dossiers received in the period (contracts/indicators_766.md),
    the universe of expected.json's received_new. So the year's denominator in the report's
    section indicators_766 equals received_new on every asking: the successor's 2025 with
    its predecessor's dossiers, the predecessor's own up to its valid_to. And the
    successor's months that end by the predecessor's valid_to hold its own dossiers only:
    they add up to its report of before the merger, not to the merged year's."""
    reports = merged["expected"]["reports"]
    for want in reports:
        for when, got in _asked(merged, want):
            counted = got["indicators_766"]["3.3"]["denominator"]
            assert counted == want["dossiers"]["received_new"], (want["as_of"], when)
    merged_year = next(report for report in reports if report["covers"])
    until = max(covered["until"] for covered in merged_year["covers"])
    own_before = next(
        report
        for report in reports
        if report["agency"] == merged_year["agency"]
        and report["year"] == merged_year["year"]
        and report["as_of"] <= until
    )
    with warehouse.connect(merged["settings"], role="eduwh_reader") as conn:
        (months_before,) = conn.execute(
            "select sum(denominator) from marts.rpt_indicators_766"
            " where agency_code = %s and as_of_date = %s and indicator_id = '3.3'"
            " and breakdown = 'all' and period_kind = 'month'"
            " and period_start >= %s and period_end_date <= %s",
            (
                merged_year["agency"]["code"],
                merged_year["as_of"],
                f"{merged_year['year']}-01-01",
                until,
            ),
        ).fetchone()
    assert months_before == own_before["dossiers"]["received_new"]
    assert months_before < merged_year["dossiers"]["received_new"]


def test_the_reader_sees_no_personal_data_of_either_department(merged):
    """Pupils' and staff's names, codes, identity numbers and e-mails of both
    Departments' exports (read back from the xlsx files the data set holds) appear in no
    table the read-only role can read (contracts/csdl_moet.md: personal data stays in
    raw). A code or number is looked for anywhere in a row's text; a name as a whole
    value (a school may well be named after a hero whose name a pupil shares)."""
    assert_no_personal_data(merged["settings"], _personal_values(merged["data"]))


def assert_no_personal_data(settings, needles: set[str]) -> None:
    names = {n for n in needles if not any(c.isdigit() for c in n) and "@" not in n}
    codes = needles - names
    assert len(names) > 50 and len(codes) > 50  # both Departments' pupils and staff
    with warehouse.connect(settings, role="eduwh_reader") as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema not in ('pg_catalog', 'information_schema')"
            " and has_table_privilege(current_user,"
            " quote_ident(table_schema) || '.' || quote_ident(table_name), 'select')"
        ).fetchall()
        assert ("marts", "dim_school") in tables and ("marts", "fct_enrollment") in tables
        for schema, table in tables:
            rows = conn.execute(f'select to_jsonb(t) from "{schema}"."{table}" as t').fetchall()
            values = {
                unicodedata.normalize("NFC", v).strip().lower()
                for (row,) in rows
                for v in _strings(row)
            }
            text = " ".join(values)
            found = sorted(names & values) + sorted(n for n in codes if n in text)
            assert not found, f"{schema}.{table} shows personal data {found[:5]}"


def _strings(value):
    """Every text inside a JSON value (a row as to_jsonb gives it), nested ones too."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _strings(item)


# contracts/csdl_moet.md: who a pupil or a staff member is (dates left out: a birth date
# is also a calendar day, which marts may well show)
PERSONAL_COLUMNS = ("họ tên", "mã học sinh", "mã cán bộ", "số định danh cá nhân", "email")


def _personal_values(data) -> set[str]:
    """The values of the personal columns of every pupil and staff export of the data
    set (csdl.moet files; header found by name, as a reader of the contract would)."""
    from python_calamine import CalamineWorkbook

    values: set[str] = set()
    for path in data.glob("*/csdl_moet/files/*.xlsx"):
        if not path.name.startswith(("C1-HocSinh", "CSDL_GiaoVien")):
            continue
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        for n, row in enumerate(rows):
            names = [" ".join(unicodedata.normalize("NFC", str(c)).lower().split()) for c in row]
            picked = [i for i, name in enumerate(names) if name in PERSONAL_COLUMNS]
            if len(picked) >= 2:  # the header row
                for body in rows[n + 1 :]:
                    for i in picked:
                        value = str(body[i]).strip().lower() if i < len(body) else ""
                        if len(value) >= 8:  # a name, a code, a date; not a spacer
                            values.add(unicodedata.normalize("NFC", value))
                break
    return values
