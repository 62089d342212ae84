"""The built-in Quảng Ngãi 2025 data set (Decision 766 indicators): determinism, formats,
history, expected.json, a hand-counted case, and the sandbox serving it."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from eduwh import cli
from eduwh_sandbox import dataset as ds
from eduwh_sandbox.indicators_dataset.catalogue import META
from eduwh_sandbox.indicators_dataset.figures import (
    INDICATORS,
    THRESHOLDS,
    count_indicators,
    indicators_of_year,
)
from eduwh_sandbox.indicators_dataset.generator import generate
from eduwh_sandbox.indicators_dataset.working_days import is_working_day, working_seconds
from eduwh_sandbox.motcua_dataset.catalogue import META as META_2019
from eduwh_sandbox.motcua_dataset.figures import count_figures, invalid_reason
from eduwh_sandbox.motcua_dataset.timestamps import TIMESTAMP_FIELDS, parse_ts
from eduwh_sandbox.server import SandboxServer

from .httpclient import Http

FILES = ("dataset.json", "expected.json", "motcua/thutuc.jsonl", "motcua/hoso.jsonl")
AGENCY = META_2019["agency"]["code"]
TS = re.compile(r"^\d{14}$")
LEGACY = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}$")
MONTHS = [f"2025-{i:02d}" for i in range(1, 13)]


@pytest.fixture(scope="module")
def set2025(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("qn2025")
    generate(out)
    return out


@pytest.fixture(scope="module")
def records(set2025):
    return (
        ds.read_jsonl(set2025 / "motcua/thutuc.jsonl"),
        ds.read_jsonl(set2025 / "motcua/hoso.jsonl"),
        json.loads((set2025 / "expected.json").read_text("utf-8")),
    )


def _valid(hoso, thutuc):
    codes = {v["MaTTHC"] for v in thutuc}
    return [r for r in hoso if invalid_reason(r, codes) is None]


def _latest(rows):
    latest = {}
    for r in rows:
        t = parse_ts(r["NgayCapNhat"])
        if r["MaHoSo"] not in latest or t > latest[r["MaHoSo"]][0]:
            latest[r["MaHoSo"]] = (t, r)
    return [r for _, r in latest.values()]


def test_generation_is_deterministic_and_the_cli_writes_it(tmp_path, set2025):
    out = tmp_path / "again"
    assert cli.main(["sandbox", "generate", "--out", str(out), "--dataset", "quang-ngai-2025"]) == 0
    for name in FILES:
        assert (out / name).read_bytes() == (set2025 / name).read_bytes(), name
    assert sorted(p.name for p in out.iterdir()) == ["dataset.json", "expected.json", "motcua"]
    meta = ds.read_dataset_json(out)
    assert meta == {
        "name": "quang-ngai-2025",
        "agency": META_2019["agency"],
        "department_code": META_2019["department_code"],
        "year": 2025,
        "as_of": "2025-12-31",
        "school_year": "2025-2026",
    }


def test_records_follow_the_contract_formats(records):
    thutuc, hoso, expected = records
    codes = {v["MaTTHC"] for v in thutuc}
    reasons = Counter(invalid_reason(r, codes) for r in hoso)
    assert {k: v for k, v in reasons.items() if k} == {
        k: v for k, v in expected["quarantine"]["motcua_hoso"].items() if v
    }
    assert all(expected["quarantine"]["motcua_hoso"].values())
    clock = datetime(2025, 12, 31, 23, 59, 59)
    statuses = {str(i) for i in range(1, 11)}
    valid = _valid(hoso, thutuc)
    for r in valid:
        for f in TIMESTAMP_FIELDS:
            v = r.get(f)
            assert v in ("", None) or TS.match(v) or LEGACY.match(v), (f, v)
        assert parse_ts(r["NgayCapNhat"]) <= clock
        assert r["KenhThucHien"] in ("1", "2", "3")
        assert r["HinhThuc"] in ("0", "1")
        assert r["LoaiDoiTuong"] in ("1", "2", "3")
        assert r["TrangThaiHoSo"] in statuses
        if LEGACY.match(r["NgayCapNhat"]):
            assert r["NgayCapNhat"][6:10] in ("2022", "2023")  # dossiers of 2022
        steps = r.get("QuaTrinhXuLy")
        if steps is not None:
            times = [parse_ts(s["ThoiDiem"]) for s in steps]
            assert times == sorted(times) and all(s["TrangThai"] in statuses for s in steps)
            assert steps[-1]["TrangThai"] == r["TrangThaiHoSo"]
        if "TaiLieuNop" in r:  # the fields since 2022, always together, with their steps
            assert steps
            assert r["DuocThanhToanTrucTuyen"] in ("0", "1", "2")
            assert r["HoSoCoThanhPhanSoHoa"] in (0, 1)
            assert all(isinstance(f["Gia"], int) and f["Gia"] >= 0 for f in r["DanhSachPhiLePhi"])
            for doc in r["TaiLieuNop"]:
                assert doc["DuocSoHoa"] in (0, 1) and doc["DuocLayTuKhoDMQG"] in (0, 1)
                assert doc["DuongDan"] == "" or doc["DuongDan"].startswith("https://")
            assert isinstance(r["MaKetQua"], str) and isinstance(r["DuongDanTepTinKetQua"], str)
        else:
            assert parse_ts(r["NgayCapNhat"]) < datetime(2022, 12, 31) or r["NgayTiepNhan"] in (
                "",
                None,
            )
    by_key = defaultdict(list)
    for r in valid:
        by_key[r["MaHoSo"]].append(parse_ts(r["NgayCapNhat"]))
    assert all(len(set(v)) == len(v) for v in by_key.values())
    assert 3000 <= len(by_key) <= 6000
    received = [r for r in _latest(valid) if r["NgayTiepNhan"]]
    for r in received:
        assert r["NgayTiepNhan"] and parse_ts(r["NgayTiepNhan"]).year >= 2022
    # The catalogue: before Decree 42 MucDo alone; after it the new fields, in their sets.
    for v in thutuc:
        assert TS.match(v["NgayCapNhat"]) and v["CoQuanThucHien"] == AGENCY
        assert isinstance(v["MucDo"], int) and 1 <= v["MucDo"] <= 4
        if v["NgayCapNhat"] < "20220801000000":
            assert "DVCTrucTuyen" not in v and "CoPhiLePhi" not in v
        if "DVCTrucTuyen" in v:
            assert v["DVCTrucTuyen"] in ("toan_trinh", "mot_phan", "")
            assert v["DonViTinh"] in ("ngay_lam_viec", "ngay", "gio")
            assert isinstance(v["ThoiHanGiaiQuyet"], int) and v["ThoiHanGiaiQuyet"] > 0
            assert {type(v[k]) for k in ("DuDieuKienToanTrinh", "CoPhiLePhi")} == {bool}
            assert v["MucDo"] == {"toan_trinh": 4, "mot_phan": 3}.get(v["DVCTrucTuyen"], v["MucDo"])
    current = {v["MaTTHC"]: v for v in thutuc}  # ordered by NgayCapNhat: the last wins
    assert len(current) == 41
    assert sum("DVCTrucTuyen" not in v for v in current.values()) == 3  # never re-published


def test_the_history_is_plausible(records):
    thutuc, hoso, _ = records
    years = {
        y: indicators_of_year(thutuc, hoso, y, date(y, 12, 31))["indicators_766_year"]
        for y in (2022, 2025)
    }
    for indicator in ("3.1", "3.3", "3.6", "4.1", "4.2", "4.3", "4.4"):
        assert years[2025][indicator]["rate"] > years[2022][indicator]["rate"] + 10, indicator
    latest = _latest(_valid(hoso, thutuc))
    share = {}
    for y in (2022, 2025):
        got = [r for r in latest if r["NgayTiepNhan"] and parse_ts(r["NgayTiepNhan"]).year == y]
        share[y] = sum(r["KenhThucHien"] == "2" for r in got) / len(got)
    assert share[2025] > share[2022] + 0.25

    def requests(r):
        runs, prev = 0, None
        for s in r.get("QuaTrinhXuLy") or []:
            runs += s["TrangThai"] == "5" and prev != "5"
            prev = s["TrangThai"]
        return runs

    assert sum(requests(r) == 2 for r in latest) >= 20
    assert sum(requests(r) == 1 for r in latest) >= 100
    waiting = [r for r in latest if r["TrangThaiHoSo"] == "5"]
    assert len(waiting) >= 3
    late_in_the_day = [
        r
        for r in latest
        if r["NgayHenTra"]
        and r["NgayKetThucXuLy"]
        and parse_ts(r["NgayKetThucXuLy"]).date() == parse_ts(r["NgayHenTra"]).date()
        and parse_ts(r["NgayKetThucXuLy"]) > parse_ts(r["NgayHenTra"])
    ]
    assert len(late_in_the_day) >= 30
    no_due = [r for r in latest if r["NgayTiepNhan"] and not r["NgayHenTra"]]
    assert len(no_due) >= 30
    fees = [r for r in latest if r.get("DanhSachPhiLePhi")]
    assert sum(all(f["Gia"] == 0 for f in r["DanhSachPhiLePhi"]) for r in fees) >= 30
    assert sum(any(f["Gia"] == 0 for f in r["DanhSachPhiLePhi"]) for r in fees) > sum(
        all(f["Gia"] == 0 for f in r["DanhSachPhiLePhi"]) for r in fees
    )
    assert {r["DuocThanhToanTrucTuyen"] for r in fees} == {"0", "1", "2"}
    assert any(
        r["TrangThaiHoSo"] == "10" and not any(s["TrangThai"] == "9" for s in r["QuaTrinhXuLy"])
        for r in latest
        if r.get("QuaTrinhXuLy")
    )
    assert {"7", "8", "1", "3"} <= {r["TrangThaiHoSo"] for r in latest}
    # Electronic result code without a link, and a link without a code.
    assert any(r.get("MaKetQua") and not r.get("DuongDanTepTinKetQua") for r in latest)
    assert any(r.get("DuongDanTepTinKetQua") and not r.get("MaKetQua") for r in latest)


def _rate(n, d):
    if not d:
        return None
    return float((Decimal(n) * 100 / Decimal(d)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def test_expected_json_holds_every_month(records):
    thutuc, hoso, expected = records
    assert (expected["year"], expected["as_of"]) == (2025, "2025-12-31")
    figures = count_figures(thutuc, hoso, date(2025, 12, 31))
    assert expected["procedures"] == figures["procedures"]
    assert expected["dossiers"] == figures["dossiers"]
    assert expected["dossiers"]["carried_over"] > 0
    assert set(ds.empty_expected(META)) <= set(expected)
    months = expected["indicators_766"]
    assert list(months) == MONTHS
    for month, row in months.items():
        assert list(row) == list(INDICATORS), month
        for key, f in row.items():
            assert set(f) == {"numerator", "denominator", "rate", "threshold", "score_ratio"}
            assert f["threshold"] == THRESHOLDS[key]
            assert f["denominator"] > 0, (month, key)
            if key == "2.2":
                avg = Decimal(str(f["numerator"])) / f["denominator"]
                assert abs(f["rate"] - float(avg)) <= 0.051
                continue
            assert 0 <= f["numerator"] <= f["denominator"]
            assert f["rate"] == _rate(f["numerator"], f["denominator"]), (month, key)
            if f["threshold"]:
                ratio = min(Decimal(1), Decimal(str(f["rate"])) / f["threshold"])
                assert f["score_ratio"] == float(ratio.quantize(Decimal("0.0001"), ROUND_HALF_UP))
            else:
                assert f["score_ratio"] is None
    # Counts by NgayTiepNhan add up over the months to the year's.
    year = expected["indicators_766_year"]
    for key in ("3.3", "3.6", "4.1", "4.2", "4.3", "4.4"):
        for part in ("numerator", "denominator"):
            assert sum(months[mo][key][part] for mo in MONTHS) == year[key][part], key
    # 2.2 counts what finished by the end of each month: the year counts more.
    assert sum(months[mo]["2.2"]["denominator"] for mo in MONTHS) < year["2.2"]["denominator"]
    assert year["3.3"]["denominator"] == expected["dossiers"]["received_new"]
    # 2.1 is not Biểu 06: time of day and supplements count.
    assert year["2.1"]["denominator"] == expected["dossiers"]["received"]
    assert year["2.1"]["numerator"] != expected["dossiers"]["resolved_early_or_on_time"]
    assert set(expected["indicators_766_details"]) == set(MONTHS)
    # As the sandbox answers on the as-of night: the same figures.
    at_clock = indicators_of_year(thutuc, hoso, 2025, date(2025, 12, 31))
    assert at_clock["indicators_766"] == months


# ----------------------------------------------------------------- a hand-made case


def _proc(code, when, **fields):
    return {
        "MaTTHC": code,
        "TenTTHC": f"Thủ tục {code}",
        "MaLinhVuc": "G04",
        "TenLinhVuc": "Hệ thống văn bằng, chứng chỉ",
        "CoBCCI": True,
        "CoQuanThucHien": AGENCY,
        "QuyetDinhCongBo": "1/QĐ-UBND",
        "NgayCapNhat": when,
        **fields,
    }


NEW = {"DuDieuKienToanTrinh": False, "ThoiHanGiaiQuyet": 5, "DonViTinh": "ngay_lam_viec"}
P1 = {
    "MucDo": 4,
    "DVCTrucTuyen": "toan_trinh",
    **NEW,
    "DuDieuKienToanTrinh": True,
    "ThoiHanGiaiQuyet": 3,
    "CoPhiLePhi": True,
    "YeuCauKetQuaGiay": True,
}
P3 = {"MucDo": 2, "DVCTrucTuyen": "", **NEW, "CoPhiLePhi": False, "YeuCauKetQuaGiay": False}
HAND_THUTUC = [
    _proc("1.000001", "20221001080000", **P1),
    _proc("1.000002", "20211201080000", MucDo=3),  # before Decree 42: level 3 is mot_phan
    _proc("1.000003", "20221001080000", **P3),
    _proc("1.000003", "20250410080000", **{**P3, "MucDo": 4, "DVCTrucTuyen": "toan_trinh"}),
]


def _steps(*pairs):
    return [{"TrangThai": s, "ThoiDiem": t, "NguoiXuLy": "X", "NoiDung": ""} for s, t in pairs]


def _dossier(code, proc, channel, received, due, steps, **fields):
    finished = next((t for s, t in steps if s in ("9", "10", "7", "8")), "")
    return {
        "MaHoSo": code,
        "MaTTHC": proc,
        "KenhThucHien": channel,
        "HinhThuc": "0",
        "NgayNopHoSo": received,
        "NgayTiepNhan": received,
        "NgayHenTra": due,
        "NgayKetThucXuLy": finished,
        "NgayTra": "",
        "TrangThaiHoSo": steps[-1][0],
        "NgayCapNhat": steps[-1][1],
        "QuaTrinhXuLy": _steps(*steps),
        **fields,
    }


def _hand_hoso():
    a = _dossier(  # online, one supplement of 72 h that saves it, paid, e-result, reused data
        "A", "1.000001", "2", "20250303090000", "20250306170000",
        [("1", "20250228200000"), ("2", "20250303090000"), ("4", "20250303100000"),
         ("5", "20250304090000"), ("4", "20250307090000"), ("9", "20250307160000"),
         ("10", "20250310080000")],
        DuocThanhToanTrucTuyen="1", DanhSachPhiLePhi=[{"TenPhiLePhi": "Phí", "Gia": 20000}],
        MaKetQua="KQ1", DuongDanTepTinKetQua="https://kq/1.pdf", HoSoCoThanhPhanSoHoa=0,
        TaiLieuNop=[{"TenTaiLieu": "Đơn", "DuongDan": "https://t/1", "DuocSoHoa": 1,
                     "DuocLayTuKhoDMQG": 1}],
    )  # fmt: skip
    b = _dossier(  # finished on its due day, four hours after the due time; fee of 0
        "B", "1.000001", "1", "20250311080000", "20250314110000",
        [("2", "20250311080000"), ("9", "20250314150000")],
        DuocThanhToanTrucTuyen="0", DanhSachPhiLePhi=[{"TenPhiLePhi": "Phí", "Gia": 0}],
        MaKetQua="", DuongDanTepTinKetQua="", HoSoCoThanhPhanSoHoa=0,
        TaiLieuNop=[{"TenTaiLieu": "Đơn", "DuongDan": "https://t/2", "DuocSoHoa": 0,
                     "DuocLayTuKhoDMQG": 0}],
    )  # fmt: skip
    c = _dossier(  # no due date, two supplement requests (late whatever its times)
        "C", "1.000003", "1", "20250319100000", "",
        [("2", "20250319100000"), ("4", "20250319110000"), ("5", "20250320090000"),
         ("4", "20250321090000"), ("5", "20250324090000"), ("4", "20250325090000"),
         ("9", "20250325150000")],
        DuocThanhToanTrucTuyen="0", DanhSachPhiLePhi=[], HoSoCoThanhPhanSoHoa=1,
        TaiLieuNop=[{"TenTaiLieu": "Đơn", "DuongDan": "", "DuocSoHoa": 0,
                     "DuocLayTuKhoDMQG": 0}],
    )  # fmt: skip
    d = _dossier(  # by post; waiting for its supplement at the end of March
        "D", "1.000002", "3", "20250328140000", "20250402170000",
        [("2", "20250328140000"), ("4", "20250328150000"), ("5", "20250331100000"),
         ("4", "20250401090000"), ("9", "20250401160000")],
    )  # fmt: skip
    e = _dossier(  # received in February, finished late in March; no steps
        "E", "1.000003", "1", "20250224090000", "20250303170000", [("9", "20250305100000")]
    )
    del e["QuaTrinhXuLy"]
    a["NgayNopHoSo"] = "20250228200000"  # submitted online in February
    refused = _dossier(
        "F",
        "1.000001",
        "2",
        "20250320090000",
        "",
        [("1", "20250319090000"), ("3", "20250320090000")],
    )
    invalid = dict(b, MaHoSo="", NgayTiepNhan="20250312080000")
    c_before = dict(
        c, TrangThaiHoSo="5", NgayKetThucXuLy="", NgayCapNhat="20250320090500",
        QuaTrinhXuLy=c["QuaTrinhXuLy"][:3],
    )  # fmt: skip
    return [c_before, a, b, c, d, e, refused, invalid]


def test_hand_counted_march_2025():
    got = count_indicators(
        HAND_THUTUC, _hand_hoso(), date(2025, 3, 1), date(2025, 3, 31), date(2025, 12, 31)
    )
    f, details = got["indicators"], got["details"]

    def nd(key):
        return f[key]["numerator"], f[key]["denominator"], f[key]["rate"], f[key]["score_ratio"]

    # 2.1: A, B, C, E finished in March, D unfinished at its end: 5. On time: A (ended
    # 03-07 16:00, less 72 h of supplement = 03-04 16:00 <= 03-06 17:00) and D (waiting:
    # ends at its request 03-31 10:00 <= 04-02 17:00). B ends 15:00 > 11:00 on its due
    # day, C had two requests, E ended 03-05 after 03-03.
    assert nd("2.1") == (2, 5, 40.0, None)
    # 2.2 (finished by the end of March): A 103 h - 72 h = 31 h; B 79 h; C 149 h - 48 h
    # weekend - 2 x 24 h = 53 h (D finishes in April). 163 h = 6.79 working days over 3
    # dossiers: 2.26 -> 2.3.
    assert nd("2.2") == (6.79, 3, 2.3, None)
    # 3.1: toan_trinh, MucDo 3 before Decree 42 (mot_phan), none: 2/3; P3 rises in April.
    assert nd("3.1") == (2, 3, 66.67, 0.8334)
    assert (details["3.1_full_online"]["numerator"], details["3.1_full_online"]["denominator"]) == (
        1,
        1,
    )
    # 3.3: A, B, C, D received in March (F refused, E in February); A online with its
    # electronic result (P1 wants a paper result).
    assert nd("3.3") == (1, 4, 25.0, 0.5)
    assert details["3.3_direct"]["rate"] == 50.0 and details["3.3_postal"]["rate"] == 25.0
    # 3.6 counts dossiers started (submitted) in the period: A was submitted in February;
    # B's only fee is 0.
    assert nd("3.6") == (0, 0, None, None)
    # 4.1: P1 dossiers A and B; A has the link.
    assert nd("4.1") == (1, 2, 50.0, None)
    # 4.2: A has files and its result link; B files but no result link; C no file; D none.
    assert nd("4.2") == (1, 4, 25.0, 0.3125)
    # 4.3: A reuses digitised data, C is flagged HoSoCoThanhPhanSoHoa.
    assert nd("4.3") == (2, 4, 50.0, 0.625)
    assert nd("4.4") == (1, 4, 25.0, None)

    april = count_indicators(
        HAND_THUTUC, _hand_hoso(), date(2025, 4, 1), date(2025, 4, 30), date(2025, 12, 31)
    )["indicators"]
    assert april["3.1"]["rate"] == 100.0 and april["3.1"]["score_ratio"] == 1.0
    # D ended on 04-01 16:00, less 23 h of supplement: 03-31 17:00 <= 04-02 17:00.
    assert (april["2.1"]["numerator"], april["2.1"]["denominator"]) == (1, 1)
    assert april["3.3"]["denominator"] == 0 and april["3.3"]["rate"] is None
    assert april["2.2"]["denominator"] == 0  # D was received in March
    february = count_indicators(
        HAND_THUTUC, _hand_hoso(), date(2025, 2, 1), date(2025, 2, 28), date(2025, 12, 31)
    )["indicators"]
    assert (february["3.6"]["numerator"], february["3.6"]["denominator"]) == (1, 1)
    # E: received in February, finished 03-05 after the end of February: not in 2.2 there,
    # in the 2.1 universe as unfinished at the end of February (due 03-03: on time then).
    assert february["2.2"]["denominator"] == 0
    assert (february["2.1"]["numerator"], february["2.1"]["denominator"]) == (1, 1)
    # Cut at an as-of date inside the period (the versions known then): on 2025-03-20
    # A, B and E are finished, C waits for its first supplement since 09:00: no due
    # date, 23 h = 0.96 working days used of its 5: on time. D is not received yet.
    cut = count_indicators(
        HAND_THUTUC, _hand_hoso(), date(2025, 3, 1), date(2025, 3, 31), date(2025, 3, 20)
    )["indicators"]
    assert (cut["2.1"]["numerator"], cut["2.1"]["denominator"]) == (2, 4)
    assert cut["3.3"]["denominator"] == 3
    assert (cut["2.2"]["numerator"], cut["2.2"]["denominator"]) == (4.58, 2)  # A 31 h, B 79 h


def test_working_days_follow_the_vietnam_calendar():
    assert not is_working_day(date(2025, 1, 29))  # Tết
    assert not is_working_day(date(2025, 5, 2))  # the day off swapped ...
    # ... for Saturday 2025-04-26: the contract excludes every Saturday.
    assert not is_working_day(date(2025, 4, 26))
    assert not is_working_day(date(2025, 9, 1))
    assert is_working_day(date(2025, 9, 3))
    # Friday 2025-04-25 08:00 to Monday 2025-04-28 08:00: 16 h of Friday, 8 h of Monday.
    assert working_seconds(datetime(2025, 4, 25, 8), datetime(2025, 4, 28, 8)) == 86400
    # Tuesday 2025-04-29 12:00 to Tuesday 2025-05-06 12:00: 04-30, 05-01, 05-02 are off.
    assert working_seconds(datetime(2025, 4, 29, 12), datetime(2025, 5, 6, 12)) == 2 * 86400


# ------------------------------------------------------------------------- served


def test_the_sandbox_serves_the_2025_set(set2025, records):
    thutuc, hoso, _ = records
    with SandboxServer(set2025) as server:
        assert server.clock == datetime(2025, 12, 31, 23, 59, 59)
        assert set(server.urls) == {"motcua"}
        client = Http(server.motcua_base_url)
        status, _, body = client.get("/api/v1/thutuc", MaCoQuan=AGENCY, page_size=500)
        assert status == 200 and body["total"] == 41
        assert sum("DVCTrucTuyen" in v for v in body["data"]) == 38
        rows, page = [], 1
        window = {"MaCoQuan": AGENCY, "TuNgay": "20250101000000", "DenNgay": "20260101000000"}
        while True:
            status, _, body = client.get("/api/v1/hoso", page=page, page_size=500, **window)
            assert status == 200
            rows += body["data"]
            if page * 500 >= body["total"]:
                break
            page += 1
        latest = {}
        for r in hoso:
            key = r.get("MaHoSo") or id(r)
            t = parse_ts(r["NgayCapNhat"])
            if key not in latest or t > latest[key][0]:
                latest[key] = (t, r)
        in_2025 = [r for t, r in latest.values() if t.year == 2025]
        assert len(rows) == len(in_2025)
        assert any("DuocThanhToanTrucTuyen" in r for r in rows)
        # Before Decree 42 the catalogue has no DVCTrucTuyen.
        server.clock = datetime(2022, 6, 30, 23, 59, 59)
        status, _, body = client.get("/api/v1/thutuc", MaCoQuan=AGENCY, page_size=500)
        assert body["total"] == 41 and not any("DVCTrucTuyen" in v for v in body["data"])
