"""The several-agencies data set quang-ngai-2025-merged and AgencySandbox, over real HTTP.

Figures asserted here are counted in the test from the jsonl files written, with rules
of contracts/agencies.md and motcua.md, and compared with the data set's expected.json.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from eduwh_sandbox import dataset as ds
from eduwh_sandbox import merged_dataset
from eduwh_sandbox.plugin import AgencySandbox

from .httpclient import Http

QN, KT = merged_dataset.QN["code"], merged_dataset.KT["code"]
EVERYTHING = {"TuNgay": "20000101000000", "DenNgay": "20300101000000"}


@pytest.fixture(scope="module")
def merged(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("merged")
    merged_dataset.generate(out)
    return out


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_generated_deterministically(merged, tmp_path):
    merged_dataset.generate(tmp_path / "again")
    assert _digest(tmp_path / "again") == _digest(merged)


def test_built_in_through_the_plugin(tmp_path):
    from eduwh_sandbox.plugin import generate_builtin

    expected = generate_builtin(tmp_path / "m", merged_dataset.NAME)
    assert [r["agency"]["code"] for r in expected["reports"]] == [QN, KT, QN, QN]
    assert expected == json.loads((tmp_path / "m" / "expected.json").read_text("utf-8"))
    assert (tmp_path / "m" / "agencies.yml").exists()


def test_register_is_the_contracts(merged):
    register = yaml.safe_load((merged / "agencies.yml").read_text("utf-8"))
    by_code = {a["code"]: a for a in register}
    assert set(by_code) == {QN, KT}
    kt = by_code[KT]
    assert kt["valid_to"] == date(2025, 6, 30) and kt["successor"] == QN
    assert by_code[QN]["valid_to"] is None and "successor" not in by_code[QN]
    assert {a["sources"]["motcua"] for a in register} == {"MOTCUA", "MOTCUA_KT"}
    assert {a["sources"]["csdl_moet"] for a in register} == {"MOET"}
    assert {a["province_code"] for a in register} == {"51", "62"}
    for code in (QN, KT):
        assert ds.read_dataset_json(merged / code)["agency"]["code"] == code


def _read_all(base: str, agency: str) -> list[dict]:
    client, rows, page = Http(base), [], 1
    while True:
        status, _, body = client.get(
            "/api/v1/hoso", MaCoQuan=agency, page=page, page_size=500, **EVERYTHING
        )
        assert status == 200, body
        rows += body["data"]
        if page * 500 >= body["total"]:
            return rows
        page += 1


def test_each_portal_serves_its_agency_only(merged):
    with AgencySandbox(merged, clock="2026-01-31T23:59:59") as sandbox:
        settings = sandbox.settings
        assert settings["MOTCUA_BASE_URL"] != settings["MOTCUA_KT_BASE_URL"]
        for prefix, code in (("MOTCUA", QN), ("MOTCUA_KT", KT)):
            served = _read_all(settings[f"{prefix}_BASE_URL"], code)
            path = merged / code / "motcua" / "hoso.jsonl"
            assert {ds.dumps_line(r) for r in served} <= set(ds.read_jsonl_lines(path))
            keys = {r.get("MaHoSo") for r in ds.read_jsonl(path)} - {None, ""}
            assert {r.get("MaHoSo") for r in served} - {None, ""} == keys
        other = _read_all(settings["MOTCUA_KT_BASE_URL"], QN)
        assert other == []


def test_faults_on_one_prefix_hit_only_that_instance(merged):
    with AgencySandbox(merged, faults={"MOTCUA_KT": "bad-night"}) as sandbox:
        assert sandbox.servers["MOTCUA_KT"].faults["motcua"].active
        assert not sandbox.servers["MOTCUA"].faults["motcua"].active
        assert len(_read_all(sandbox.settings["MOTCUA_BASE_URL"], QN)) > 0


def test_shared_moet_lists_each_departments_exports(tmp_path):
    """Two agency folders sharing MOET: each ma_so lists only its own folder's files."""
    for code, dept in ((QN, QN), (KT, "62")):
        folder = tmp_path / code
        ds.write_dataset_json(
            folder,
            {
                "agency": {"code": code, "name": code},
                "department_code": dept,
                "as_of": "2025-12-31",
            },
        )
        (folder / "csdl_moet" / "files").mkdir(parents=True)
        (folder / "csdl_moet" / "files" / "DanhSachTruong.v1.xlsx").write_bytes(code.encode())
        ds.write_jsonl(
            folder / "csdl_moet" / "manifest.jsonl",
            [
                {
                    "file": "DanhSachTruong.xlsx",
                    "path": "files/DanhSachTruong.v1.xlsx",
                    "loai": "truong",
                    "ma_truong": None,
                    "nam_hoc": "2024-2025",
                    "cap_nhat_luc": "2024-09-20T16:30:00+07:00",
                }
            ],
        )
    register = [{"code": code, "name": code, "sources": {"csdl_moet": "MOET"}} for code in (QN, KT)]
    (tmp_path / "agencies.yml").write_text(yaml.safe_dump(register), "utf-8")
    import urllib.request

    with AgencySandbox(tmp_path) as sandbox:
        base, key = sandbox.settings["MOET_BASE_URL"], sandbox.settings["MOET_API_KEY"]

        def get(path: str) -> bytes:
            req = urllib.request.Request(base + path, headers={"X-Api-Key": key})
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.read()

        for dept, code in ((QN, QN), ("62", KT)):
            data = json.loads(get(f"/api/v1/exports?ma_so={dept}&nam_hoc=2024-2025"))["data"]
            assert len(data) == 1
            assert get(data[0]["url"]) == code.encode()
        assert json.loads(get("/api/v1/exports?ma_so=99&nam_hoc=2024-2025"))["data"] == []


# ------------------------------------------------------------ the sum rule, counted here
def _ts(value, default):
    if not value:
        return default
    for fmt in ("%Y%m%d%H%M%S", "%d/%m/%Y %H:%M:%S"):
        try:
            return datetime.strptime(value.strip(), fmt)
        except ValueError:
            pass
    return default


def _latest(records: list[dict], known: set[str]) -> dict[str, dict]:
    """The latest valid version of every MaHoSo (contracts/agencies.md: latest wins)."""
    out: dict[str, dict] = {}
    fields = (
        "NgayNopHoSo",
        "NgayTiepNhan",
        "NgayHenTra",
        "NgayKetThucXuLy",
        "NgayTra",
        "NgayCapNhat",
    )
    for r in records:
        if not r.get("MaHoSo") or r.get("MaTTHC") not in known:
            continue
        if any(r.get(f) and _ts(r[f], None) is None for f in fields):
            continue
        got, due = _ts(r.get("NgayTiepNhan"), None), _ts(r.get("NgayHenTra"), None)
        if got and due and due.date() < got.date():
            continue
        t = _ts(r["NgayCapNhat"], None)
        if r["MaHoSo"] not in out or t > _ts(out[r["MaHoSo"]]["NgayCapNhat"], None):
            out[r["MaHoSo"]] = r
    return out


def _counts(record: dict) -> bool:
    """Received by the Department (contracts/motcua.md: statuses 1 and 3 are not)."""
    return str(record.get("TrangThaiHoSo")) in {"2", "4", "5", "6", "7", "8", "9", "10"}


def _received(latest: dict[str, dict], first: date, last: date) -> set[str]:
    return {
        k
        for k, r in latest.items()
        if _counts(r)
        and _ts(r.get("NgayTiepNhan"), None)
        and first <= _ts(r["NgayTiepNhan"], None).date() <= last
    }


def _carried_into(latest: dict[str, dict], first: date) -> set[str]:
    out = set()
    for k, r in latest.items():
        got, done = _ts(r.get("NgayTiepNhan"), None), _ts(r.get("NgayKetThucXuLy"), None)
        if not _counts(r) or got is None or got.date() >= first:
            continue
        if done is None or done.date() >= first:
            out.add(k)
    return out


def test_successor_figures_are_own_plus_predecessor_once(merged):
    expected = json.loads((merged / "expected.json").read_text("utf-8"))
    successor, kon_tum, next_year, before = expected["reports"]
    known = {r["MaTTHC"] for r in ds.read_jsonl(merged / QN / "motcua" / "thutuc.jsonl")}
    qn = ds.read_jsonl(merged / QN / "motcua" / "hoso.jsonl")
    kt = ds.read_jsonl(merged / KT / "motcua" / "hoso.jsonl")
    kt_keys = {r.get("MaHoSo") for r in kt}
    both = kt_keys & {r.get("MaHoSo") for r in qn}
    assert both, "some of Kon Tum's dossiers are taken over by the successor's portal"
    for r in qn:
        if r.get("MaHoSo") in both:
            assert _ts(r["NgayCapNhat"], None) > merged_dataset.KT_CUTOFF
    for r in kt:  # Kon Tum's portal is read-only after 30 June
        assert (_ts(r.get("NgayCapNhat"), datetime.min)) <= merged_dataset.KT_CUTOFF

    universe = _latest(qn + kt, known)
    year = _received(universe, date(2025, 1, 1), date(2025, 12, 31))
    own = year - kt_keys
    of_kt = year & kt_keys
    assert len(year) == len(own) + len(of_kt)  # each dossier once
    assert successor["dossiers"]["received_new"] == len(year)
    assert successor["of_which"][KT]["dossiers"]["received_new"] == len(of_kt)
    assert successor["covers"] == [{**merged_dataset.KT, "until": "2025-06-30"}]

    alone = _latest(kt, known)
    kt_year = _received(alone, date(2025, 1, 1), date(2025, 6, 30))
    assert kon_tum["agency"]["code"] == KT and kon_tum["as_of"] == "2025-06-30"
    assert kon_tum["dossiers"]["received_new"] == len(kt_year)

    carried = _carried_into(universe, date(2026, 1, 1))
    assert carried and next_year["dossiers"]["carried_over"] == len(carried)
    assert next_year["as_of"] == merged_dataset.AS_OF_2026

    # before the merger the successor's report is its own dossiers only: not Kon Tum's,
    # whose later versions its portal took over
    own = [r for r in qn if r.get("MaHoSo") not in kt_keys]
    own_then = _received(_latest(own, known), date(2025, 1, 1), date(2025, 6, 30))
    assert before["as_of"] == "2025-06-30" and before["covers"] == []
    assert before["dossiers"]["received_new"] == len(own_then)


def _documents_received(folder: Path, first: date, last: date) -> set[int]:
    """Incoming, not secret, ngay_den in [first, last]: the latest version of each id."""
    latest: dict[int, dict] = {}
    for r in ds.read_jsonl(folder / "eoffice" / "vanban.jsonl"):
        if r["id"] not in latest or r["cap_nhat_luc"] > latest[r["id"]]["cap_nhat_luc"]:
            latest[r["id"]] = r
    return {
        i
        for i, r in latest.items()
        if r["loai"] == "den"
        and r["do_mat"] == "thuong"
        and r["ngay_den"]
        and first <= date.fromisoformat(r["ngay_den"]) <= last
    }


def test_each_agency_has_its_own_eoffice_and_the_successor_counts_both(merged):
    """Kon Tum's e-Office is read-only after 30 June (no document dated or changed later);
    the successor's 2025 incoming documents are its own plus Kon Tum's to 30 June."""
    kt_docs = ds.read_jsonl(merged / KT / "eoffice" / "vanban.jsonl")
    assert kt_docs and all(r["cap_nhat_luc"] <= "2025-06-30T23:59:59+07:00" for r in kt_docs)
    successor, kon_tum, _, before = json.loads((merged / "expected.json").read_text("utf-8"))[
        "reports"
    ]
    year = (date(2025, 1, 1), date(2025, 12, 31))
    own = _documents_received(merged / QN, *year)
    of_kt = _documents_received(merged / KT, date(2025, 1, 1), date(2025, 6, 30))
    assert own and of_kt
    assert successor["documents"]["incoming"] == len(own) + len(of_kt)
    assert kon_tum["documents"]["incoming"] == len(of_kt)
    assert before["documents"]["incoming"] == len(
        _documents_received(merged / QN, date(2025, 1, 1), date(2025, 6, 30))
    )


def _exports(folder: Path, school_year: str) -> list[dict]:
    return [
        e
        for e in ds.read_jsonl(folder / "csdl_moet" / "manifest.jsonl")
        if e["nam_hoc"] == school_year
    ]


def test_schools_before_the_merger_per_department_after_it_under_the_successor(merged):
    """2024-2025: each Department's own exports, its own school codes, a district of its
    province; 2025-2026: only the successor's folder, every school of both, codes kept,
    district and district office empty, the commune a 2025 commune of the crosswalk."""
    from python_calamine import CalamineWorkbook

    def school_list(folder: Path, school_year: str) -> list[list]:
        (entry,) = [e for e in _exports(folder, school_year) if e["loai"] == "truong"]
        rows = CalamineWorkbook.from_path(str(folder / "csdl_moet" / entry["path"]))
        rows = rows.get_sheet_by_index(0).to_python()
        header = next(i for i, row in enumerate(rows) if "Mã trường" in map(str, row))
        names = [str(c) for c in rows[header]]
        body = [dict(zip(names, row, strict=False)) for row in rows[header + 1 :]]
        return [r for r in body if str(r.get("Mã trường") or "").isdigit()]

    before = {code: school_list(merged / code, "2024-2025") for code in (QN, KT)}
    assert not _exports(merged / KT, "2025-2026")
    assert {r["Mã trường"][:2] for r in before[KT]} == {"62"}
    assert all(r["Quận/Huyện"] and r["Xã/Phường"] for rows in before.values() for r in rows)
    after = school_list(merged / QN, "2025-2026")
    codes = lambda rows: {r["Mã trường"] for r in rows}  # noqa: E731
    assert codes(after) == codes(before[QN]) | codes(before[KT])
    assert all(r["Quận/Huyện"] == "" and r["Phòng GD&ĐT quản lý"] == "" for r in after)
    crosswalk = Path(merged_dataset.__file__).parents[2] / "dbt_project/seeds"
    new_communes = {
        line.split(",")[11]
        for line in (crosswalk / "admin_units_crosswalk_2025.csv").read_text("utf-8").splitlines()
    }
    assert {r["Xã/Phường"] for r in after} <= new_communes


def test_serve_prints_every_prefixs_url(merged):
    """`eduwh sandbox serve --data DIR` with agencies.yml: one URL per prefix of the register."""
    import signal
    import subprocess
    import sys

    code = (
        "import sys; from eduwh_sandbox.cli import serve_main;"
        " serve_main(sys.argv[1], None, 'MOTCUA_KT=bad-night', 0)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(merged)], stdout=subprocess.PIPE, text=True
    )
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line.strip())
            if line.startswith("credentials"):
                break
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C: the sandbox stops and removes its views
        assert proc.wait(timeout=20) == 0
    names = {line.split("=", 1)[0] for line in lines if "=" in line and " " not in line}
    assert {"MOTCUA_BASE_URL", "MOTCUA_KT_BASE_URL", "EDUWH_AGENCIES_FILE"} <= names
    kt = next(line for line in lines if line.startswith("MOTCUA_KT_BASE_URL="))
    assert kt.split("=", 1)[1].startswith("http://127.0.0.1:")
