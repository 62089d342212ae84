"""The agency register (contracts/agencies.md) through the `eduwh` command: a bad register
is refused at start-up with one line naming the problem; a good one is listed by
`eduwh agencies`; without a register the one agency of the settings is the register."""

from __future__ import annotations

import json
import textwrap

import pytest

from eduwh import cli, warehouse

SUCCESSOR = "000.23.34.H48"
PREDECESSOR = "000.31.62.H34"

GOOD = f"""
- code: {SUCCESSOR}
  name: Sở Giáo dục và Đào tạo Quảng Ngãi
  province_code: "51"
  moet_department_code: {SUCCESSOR}
  valid_from: 2008-01-01
  valid_to: null
  sources: {{motcua: MOTCUA, eoffice: EOFFICE, csdl_moet: MOET, sis: SIS}}
- code: {PREDECESSOR}
  name: Sở Giáo dục và Đào tạo Kon Tum
  province_code: "62"
  moet_department_code: "62"
  valid_from: 2008-01-01
  valid_to: 2025-06-30
  successor: {SUCCESSOR}
  sources: {{motcua: MOTCUA_KT, eoffice: EOFFICE_KT, csdl_moet: MOET, sis: SIS}}
"""


def _eduwh(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _register(tmp_path, monkeypatch, text: str):
    path = tmp_path / "agencies.yml"
    path.write_text(textwrap.dedent(text), "utf-8")
    monkeypatch.setenv("EDUWH_AGENCIES_FILE", str(path))
    return path


BAD = {
    "unknown source": (
        GOOD.replace("motcua: MOTCUA_KT", "dvc: MOTCUA_KT"),
        "unknown source 'dvc'",
    ),
    "a prefix that is not a settings name": (
        GOOD.replace("motcua: MOTCUA_KT", "motcua: motcua-kt"),
        "sources.motcua 'motcua-kt' is not a settings prefix",
    ),
    "overlapping validity of one code": (
        GOOD + GOOD.split("- code: " + PREDECESSOR)[0].replace("2008-01-01", "2020-01-01"),
        f"agency {SUCCESSOR}: overlapping validity",
    ),
    "a duplicate code": (
        GOOD
        + GOOD.split("- code: " + PREDECESSOR)[0]
        .replace("2008-01-01", "2000-01-01")
        .replace("valid_to: null", "valid_to: 2007-12-31"),
        f"agency {SUCCESSOR}: duplicate code",
    ),
    "a successor not in the register": (
        GOOD.replace(f"successor: {SUCCESSOR}", "successor: 000.00.00.X99"),
        "successor 000.00.00.X99 is not in the register",
    ),
    "valid_to before valid_from": (
        GOOD.replace("valid_to: 2025-06-30", "valid_to: 2007-06-30"),
        "valid_to 2007-06-30 is before valid_from 2008-01-01",
    ),
    "a missing field": (
        GOOD.replace("  name: Sở Giáo dục và Đào tạo Kon Tum\n", ""),
        f"agency {PREDECESSOR}: missing name",
    ),
    "not a list": ("code: 1\n", "the register must be a list of agencies"),
    "not YAML": ("- code: [\n", "is not valid YAML"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_register_is_refused_with_one_line(case, tmp_path, monkeypatch, capsys):
    text, message = BAD[case]
    path = _register(tmp_path, monkeypatch, text)
    code, out, err = _eduwh(capsys, "agencies")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("eduwh: error: "), err
    assert message in err and "Traceback" not in err
    if case not in ("not a list", "not YAML"):
        assert str(path) in err


def test_a_night_refuses_a_register_whose_instance_is_not_configured(tmp_path, monkeypatch, capsys):
    """Real sources: MOTCUA is set, MOTCUA_KT is not: refused before anything starts."""
    _register(tmp_path, monkeypatch, GOOD)
    for name in ("MOTCUA", "EOFFICE", "EOFFICE_KT", "MOET"):
        monkeypatch.setenv(f"{name}_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("SIS_DROP_DIR", str(tmp_path))
    monkeypatch.delenv("MOTCUA_KT_BASE_URL", raising=False)
    code, out, err = _eduwh(capsys, "run", "--as-of", "2019-12-06")
    assert code == 2 and out == ""
    assert err.strip() == (
        f"eduwh: error: agency {PREDECESSOR}: source motcua instance MOTCUA_KT is not"
        " configured (MOTCUA_KT_BASE_URL is not set)"
    )


def test_agencies_lists_the_register_and_the_last_successful_nights(
    fresh_settings, tmp_path, monkeypatch, capsys
):
    _register(tmp_path, monkeypatch, GOOD)
    monkeypatch.setenv("WAREHOUSE_DSN", warehouse.admin_dsn(fresh_settings))
    from eduwh.land import ddl

    with warehouse.connect(fresh_settings, role="eduwh_loader", autocommit=True) as conn:
        ddl.ensure_tables(conn)
        conn.execute(
            "insert into meta.batch (source, entity, status, finished_at, agency_code)"
            " values ('motcua', 'hoso', 'succeeded', '2019-12-07 01:05+07', %s),"
            " ('motcua', 'hoso', 'failed', '2019-12-08 01:05+07', %s),"
            " ('motcua', 'hoso', 'succeeded', '2019-12-06 01:05+07', %s)",
            (PREDECESSOR, PREDECESSOR, SUCCESSOR),
        )
    code, out, err = _eduwh(capsys, "agencies", "--format", "json")
    assert code == 0, err
    listing = {agency["code"]: agency for agency in json.loads(out)}
    assert set(listing) == {SUCCESSOR, PREDECESSOR}
    kon_tum = listing[PREDECESSOR]
    assert (kon_tum["valid_to"], kon_tum["successor"]) == ("2025-06-30", SUCCESSOR)
    assert kon_tum["sources"]["motcua"]["instance"] == "MOTCUA_KT"
    # the failed batch of 8 December is not a successful night
    assert kon_tum["sources"]["motcua"]["last_success"].startswith("2019-12-06T18:05")
    assert kon_tum["sources"]["eoffice"]["last_success"] is None
    assert listing[SUCCESSOR]["sources"]["motcua"]["last_success"].startswith("2019-12-05")

    code, table, err = _eduwh(capsys, "agencies")
    assert code == 0, err
    rows = table.splitlines()
    assert len(rows) == 1 + 8  # the header, then one line per agency and source
    assert any(PREDECESSOR in row and "MOTCUA_KT" in row and "2019-12-06" in row for row in rows)


def test_without_a_register_the_one_agency_of_the_settings(monkeypatch, capsys):
    monkeypatch.delenv("EDUWH_AGENCIES_FILE", raising=False)
    monkeypatch.setenv("EDUWH_AGENCY_CODE", SUCCESSOR)
    monkeypatch.setenv("WAREHOUSE_DSN", "postgresql://nobody@127.0.0.1:9/none")
    code, out, err = _eduwh(capsys, "agencies", "--format", "json")
    assert code == 0
    (agency,) = json.loads(out)
    assert agency["code"] == SUCCESSOR and agency["successor"] is None
    assert {source: state["instance"] for source, state in agency["sources"].items()} == {
        "motcua": "MOTCUA",
        "eoffice": "EOFFICE",
        "csdl_moet": "MOET",
        "sis": "SIS",
    }
    assert "the nights are unknown" in err  # no warehouse: said, not a traceback


def test_a_night_extracts_the_valid_agencies_and_the_predecessors_of_registered_ones(tmp_path):
    from datetime import date

    from eduwh.agency import night_codes, read_register

    path = tmp_path / "agencies.yml"
    ended = GOOD.replace(f"  successor: {SUCCESSOR}\n", "")  # closed, nobody took over
    path.write_text(textwrap.dedent(GOOD), "utf-8")
    register = read_register(path)
    assert night_codes(register, "motcua", date(2025, 6, 30)) == [SUCCESSOR, PREDECESSOR]
    # after its valid_to the predecessor's dossiers still move: extracted
    assert night_codes(register, "motcua", date(2026, 1, 5)) == [SUCCESSOR, PREDECESSOR]
    assert night_codes(register, "motcua", date(2007, 12, 31)) == []  # before both began
    path.write_text(textwrap.dedent(ended), "utf-8")
    assert night_codes(read_register(path), "motcua", date(2026, 1, 5)) == [SUCCESSOR]
    # a source an agency does not use is not extracted for it
    path.write_text(textwrap.dedent(GOOD.replace(", sis: SIS}\n-", "}\n-")), "utf-8")
    assert night_codes(read_register(path), "sis", date(2025, 1, 1)) == [PREDECESSOR]
