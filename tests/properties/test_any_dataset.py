"""Property: whatever data set in the contracts' layout arrives, the night holds.

Hypothesis writes small data sets (any non-empty subset of the one-stop portal and
e-Office, any agency code of the QCVN 102 form, random dossiers and documents within
the contracts' formats, and the invalid kinds motcua.md lists: missing `MaHoSo`,
`NgayHenTra` before `NgayTiepNhan`, unknown `MaTTHC`, unparsable dates). Each one is
served by the sandbox over HTTP, landed by the loaders and built by dbt, twice:
- the night never crashes (the loaders and `dbt build` of the marts compared below,
  with every model, seed and snapshot upstream of them and their tests, succeed);
- every invalid dossier is in quarantine with a reason, and only those;
- `received = resolved + in_progress + withdrawn + stopped` (motcua.md "Figures");
- a second night changes no mart row.
Examples are few and small: each costs two dbt builds (of those marts' part of the
project: the school domain has no source here).
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from tests.conftest import new_database

from eduwh import warehouse
from eduwh.land import ensure_landing_tables
from eduwh.land import eoffice as eoffice_load
from eduwh.land import motcua as motcua_load
from eduwh.warehouse.dbt import run_dbt
from eduwh_sandbox.server import SandboxServer

pytestmark = pytest.mark.timeout(900)
AS_OF = date(2021, 11, 30)
NIGHT_END = datetime(2021, 12, 1)
TS = "%Y%m%d%H%M%S"
MARTS = ("rpt_dossier_figures", "rpt_document_figures", "fct_dossier", "fct_document")
INVALID_KINDS = ("missing_code", "due_before_receipt", "unknown_procedure", "bad_date")

agency_codes = st.from_regex(r"000\.[0-9]{2}\.[0-9]{2}\.H[0-9]{2}", fullmatch=True)
days = st.integers(min_value=0, max_value=400)  # receipt: up to 400 days before the as-of


@st.composite
def dossiers(draw, procedures: list[str]) -> dict:
    received = datetime.combine(AS_OF, datetime.min.time()) - timedelta(days=draw(days))
    received += timedelta(hours=draw(st.integers(7, 17)))
    status = draw(st.sampled_from([str(n) for n in range(1, 11)]))
    due = received + timedelta(days=draw(st.integers(0, 30)), hours=draw(st.integers(0, 8)))
    finished = None
    if status in ("7", "8", "9", "10"):
        finished = received + timedelta(days=draw(st.integers(0, 40)))
        latest = datetime.combine(AS_OF, datetime.max.time()).replace(microsecond=0)
        finished = min(finished, latest)
    not_received = status in ("1", "3") and draw(st.booleans())
    stamp = (finished or received) + timedelta(minutes=draw(st.integers(0, 59)))
    return {
        "MaTTHC": draw(st.sampled_from(procedures)),
        "KenhThucHien": draw(st.sampled_from(["1", "2", "3"])),
        "HinhThuc": draw(st.sampled_from(["0", "1"])),
        "LoaiDoiTuong": "1",
        "ChuHoSo": draw(st.sampled_from(["Nguyễn Văn A", "Nguyễn Văn A"])),  # NFC, NFD
        "SoGiayToChuHoSo": "051090000123",
        "TrichYeuHoSo": "",
        "NgayNopHoSo": received.strftime(TS),
        "NgayTiepNhan": "" if not_received else received.strftime(TS),
        "NgayHenTra": "" if not_received else due.strftime(TS),
        "NgayKetThucXuLy": finished.strftime(TS) if finished else "",
        "NgayTra": finished.strftime(TS) if finished else "",
        "TrangThaiHoSo": status,
        "DonViXuLy": "Văn phòng",
        "NgayCapNhat": min(stamp, datetime.combine(AS_OF, datetime.max.time())).strftime(TS),
    }


def _make_invalid(record: dict, kind: str) -> dict:
    bad = dict(record)
    if kind == "missing_code":
        bad["MaHoSo"] = ""
    elif kind == "due_before_receipt":
        received = datetime.strptime(bad["NgayNopHoSo"], TS)
        bad["NgayTiepNhan"] = received.strftime(TS)
        bad["NgayHenTra"] = (received - timedelta(days=2)).strftime(TS)
        bad["TrangThaiHoSo"] = "2"
    elif kind == "unknown_procedure":
        bad["MaTTHC"] = "9.999999"
    else:
        bad["NgayTiepNhan"] = "31/02/2021 25:61:00"
        bad["TrangThaiHoSo"] = "2"
    return bad


@st.composite
def datasets(draw) -> dict:
    agency = draw(agency_codes)
    sources = draw(st.sets(st.sampled_from(["motcua", "eoffice"]), min_size=1))
    procedures = [f"1.{n:06d}" for n in range(draw(st.integers(1, 4)))]
    valid = draw(st.lists(dossiers(procedures), min_size=0, max_size=25))
    for number, record in enumerate(valid):
        record["MaHoSo"] = f"{agency}-{number:04d}"
    invalid = [
        {**_make_invalid(base, kind), "TrichYeuHoSo": f"invalid {number}"}
        for number, (base, kind) in enumerate(
            draw(
                st.lists(
                    st.tuples(dossiers(procedures), st.sampled_from(INVALID_KINDS)), max_size=4
                )
            )
        )
    ]
    for number, record in enumerate(invalid):
        if record.get("MaHoSo") is None:
            record["MaHoSo"] = f"{agency}-bad-{number}"
    documents = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["den", "di"]),
                st.sampled_from(["thuong", "thuong", "mat", "toi_mat"]),
                st.integers(0, 330),
            ),
            max_size=12,
        )
    )
    return {
        "agency": agency,
        "sources": sources,
        "procedures": procedures,
        "dossiers": valid + invalid,
        "invalid": len(invalid),
        "documents": documents,
    }


def _write(out: Path, example: dict) -> None:
    agency = example["agency"]
    meta = {
        "name": "property",
        "agency": {"code": agency, "name": f"Sở Giáo dục và Đào tạo {agency}"},
        "department_code": agency,
        "year": AS_OF.year,
        "as_of": AS_OF.isoformat(),
    }
    (out / "dataset.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    if "motcua" in example["sources"]:
        thutuc = [
            {
                "MaTTHC": code,
                "TenTTHC": f"Thủ tục {code}",
                "MaLinhVuc": "GD",
                "TenLinhVuc": "Giáo dục",
                "MucDo": 2 + n % 3,
                "CoBCCI": n % 2 == 0,
                "CoQuanThucHien": agency,
                "QuyetDinhCongBo": "1/QĐ-UBND",
                "NgayCapNhat": "20200101080000",
            }
            for n, code in enumerate(example["procedures"])
        ]
        _jsonl(out / "motcua" / "thutuc.jsonl", thutuc)
        _jsonl(out / "motcua" / "hoso.jsonl", example["dossiers"])
    if "eoffice" in example["sources"]:
        rows = []
        for n, (kind, secrecy, before) in enumerate(example["documents"], start=1):
            day = (AS_OF - timedelta(days=before)).isoformat()
            base = {"id": n, "loai": kind, "do_mat": secrecy, "ngay_ban_hanh": day}
            base["ngay_den"] = day if kind == "den" else None
            base["cap_nhat_luc"] = f"{day}T10:00:00+07:00"
            if secrecy == "thuong":
                base.update(
                    so_ky_hieu=f"{n}/CV",
                    so_den=n if kind == "den" else None,
                    loai_van_ban="CV",
                    trich_yeu="Thử",
                    co_quan_ban_hanh={"ma_dinh_danh": agency, "ten": "Sở"},
                    noi_nhan=[],
                    nguoi_ky="Lê Văn B",
                    do_khan="thuong",
                    ky_so=kind == "di",
                    kenh="truc_lien_thong",
                    han_xu_ly=None,
                    ngay_hoan_thanh=None,
                    phong_xu_ly="Văn phòng",
                    trang_thai="05",
                    co_edxml=False,
                )
            rows.append(base)
        _jsonl(out / "eoffice" / "vanban.jsonl", rows)


def _jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")


def _night(settings, data: Path) -> None:
    with SandboxServer(data) as sandbox:
        urls = sandbox.urls
        night = dataclasses.replace(
            settings,
            motcua_base_url=urls.get("motcua"),
            motcua_client_secret="sandbox-secret",
            eoffice_base_url=urls.get("eoffice"),
            eoffice_client_secret="sandbox-secret",
        )
        ensure_landing_tables(night)
        if night.motcua_base_url:
            motcua_load.extract_load(night, NIGHT_END)
        if night.eoffice_base_url:
            eoffice_load.extract_load(night, NIGHT_END)
    selected = [f"+{table}" for table in MARTS]
    run_dbt(
        settings,
        ["build", "--select", *selected, "--vars", f"{{report_as_of_dates: ['{AS_OF}']}}"],
    )


def _marts(settings) -> dict:
    with warehouse.connect(settings, "eduwh_reader") as conn:
        return {
            table: sorted(
                map(repr, conn.execute(f"select * from marts.{table}").fetchall())  # noqa: S608
            )
            for table in MARTS
        }


@hsettings(
    max_examples=3,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(example=datasets())
def test_any_small_data_set_holds(settings, example):
    agency = example["agency"]
    built = dataclasses.replace(
        new_database(settings), agency_code=agency, agency_name=None, moet_department_code=None
    )
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        _write(data, example)
        _night(built, data)
        first = _marts(built)
        _night(built, data)
        assert _marts(built) == first, "a second night changed the marts"
    with warehouse.connect(built, "eduwh_transformer") as conn:
        quarantined = conn.execute(
            "select count(*), count(*) filter (where reason <> '') from meta.quarantine"
            " where source = 'motcua' and entity = 'hoso'"
        ).fetchone()
        figures = conn.execute(
            "select dossiers_received, dossiers_resolved, dossiers_in_progress,"
            " dossiers_withdrawn, dossiers_stopped from marts.rpt_dossier_figures"
            " where agency_code = %s and as_of_date = %s",
            (agency, AS_OF),
        ).fetchone()
    if "motcua" in example["sources"]:
        assert quarantined == (example["invalid"], example["invalid"])
        received, resolved, in_progress, withdrawn, stopped = figures
        assert received == resolved + in_progress + withdrawn + stopped
    else:
        assert quarantined == (0, 0)
