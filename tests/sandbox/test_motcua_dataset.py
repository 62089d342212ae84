"""The built-in Quảng Ngãi 2019 motcua data set: determinism, seed figures, mess."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.motcua_dataset.catalogue import META
from eduwh_sandbox.motcua_dataset.figures import TARGETS, count_figures
from eduwh_sandbox.motcua_dataset.generator import generate
from eduwh_sandbox.motcua_dataset.timestamps import parse_ts

FILES = ("dataset.json", "expected.json", "motcua/thutuc.jsonl", "motcua/hoso.jsonl")


def test_generation_is_deterministic(tmp_path):
    # (No timing here: speed is measured in bench/, never asserted in a test.)
    generate(tmp_path / "a")
    generate(tmp_path / "b")
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert sorted(p.name for p in (tmp_path / "a" / "motcua").iterdir()) == [
        "hoso.jsonl",
        "thutuc.jsonl",
    ]


def test_another_seed_gives_other_records_but_the_same_figures(tmp_path, dataset_dir):
    other = generate(tmp_path / "s7", seed=7)
    assert (tmp_path / "s7" / "motcua/hoso.jsonl").read_bytes() != (
        dataset_dir / "motcua/hoso.jsonl"
    ).read_bytes()
    for key, value in TARGETS["dossiers"].items():
        assert other["dossiers"][key] == value


def test_independent_count_gives_the_seed_report_figures(dataset_dir):
    """Numbers from seed/000_192d14e16932da76.txt (as of 06/12/2019): "41 TTHC", "03 thủ tục
    mức độ 3", "15/41 thủ tục có phát sinh hồ sơ ... BCCI", "tiếp nhận 655 hồ sơ ... đã giải
    quyết là 599 hồ sơ (595 sớm và đúng hạn, 04 trễ hạn); ... đang trong hạn giải quyết là 55
    hồ sơ (1 hồ sơ rút)", "qua dịch vụ bưu chính công ích ... 421 hồ sơ (... chưa trả kết quả
    bằng DVBC)". Counted here again from the files a client reads."""
    thutuc = ds.read_jsonl(dataset_dir / "motcua/thutuc.jsonl")
    hoso = ds.read_jsonl(dataset_dir / "motcua/hoso.jsonl")
    f = count_figures(thutuc, hoso, "2019-12-06")
    p, d = f["procedures"], f["dossiers"]
    assert (p["total"], p["online_level_3"], p["online_level_4"], p["with_bcci_dossiers"]) == (
        41,
        3,
        0,
        15,
    )
    assert d["received"] == 655
    assert d["resolved"] == 599
    assert d["resolved_early_or_on_time"] == 595
    assert d["resolved_late"] == 4
    assert d["in_progress"] == d["in_progress_within_due"] == 55
    assert d["withdrawn"] == 1 and d["stopped"] == 0
    assert d["received_bcci"] == 421 and d["returned_via_bcci"] == 0
    assert d["received"] == d["received_new"] + d["carried_over"]
    assert d["received"] == d["resolved"] + d["in_progress"] + d["withdrawn"] + d["stopped"]
    assert d["received_new"] == d["received_online"] + d["received_direct"] + d["received_bcci"]
    # report_figures.md states pct_received_bcci 64.3 = 421 / 655: nothing carried over.
    assert d["carried_over"] == 0 and d["pct_received_bcci"] == 64.3
    assert d["pct_resolved_early_or_on_time"] == 99.3
    # What is still open at the end of 2019 is carried over into 2020.
    next_year = count_figures(thutuc, hoso, "2020-01-15")["dossiers"]
    assert next_year["carried_over"] == next_year["received"] > 0
    # The same figures from only what the portal knew at the end of 06/12/2019.
    from datetime import datetime

    assert (
        count_figures(thutuc, hoso, "2019-12-06", known_at=datetime(2019, 12, 6, 23, 59, 59)) == f
    )
    # A later as-of date gives other figures (the data set goes on to the end of December).
    assert count_figures(thutuc, hoso, "2019-12-31")["dossiers"]["received"] > 655


def test_expected_json_has_the_report_shape(dataset_dir):
    expected = json.loads((dataset_dir / "expected.json").read_text(encoding="utf-8"))
    shape = ds.empty_expected(META)
    for section, keys in shape.items():
        if isinstance(keys, dict):
            assert set(expected[section]) == set(keys), section
    assert expected["agency"] == {
        "code": "000.23.34.H48",
        "name": "Sở Giáo dục và Đào tạo Quảng Ngãi",
    }
    assert (expected["year"], expected["as_of"]) == (2019, "2019-12-06")
    assert all(v is None for v in expected["documents"].values())
    assert all(v is None for v in expected["schools"].values())
    assert expected["dossiers"]["received"] == 655
    assert expected["dossiers"]["pct_received_bcci"] == ds.pct(
        421, expected["dossiers"]["received_new"]
    )
    q = expected["quarantine"]["motcua_hoso"]
    assert set(q) == {"missing_key", "due_before_receipt", "unknown_procedure", "unparsable_date"}
    assert all(n >= 3 for n in q.values())
    meta = json.loads((dataset_dir / "dataset.json").read_text(encoding="utf-8"))
    assert meta == META


def test_catalogue_history(dataset_dir):
    thutuc = ds.read_jsonl(dataset_dir / "motcua/thutuc.jsonl")
    assert len({t["MaTTHC"] for t in thutuc}) == 41
    assert len(thutuc) > 41  # versions
    assert {t["QuyetDinhCongBo"] for t in thutuc} == {"1019/QĐ-UBND"}
    assert {t["CoQuanThucHien"] for t in thutuc} == {"000.23.34.H48"}
    assert all(re.fullmatch(r"[12]\.\d{6}", t["MaTTHC"]) for t in thutuc)
    march = count_figures(thutuc, [], "2019-03-01")["procedures"]
    assert march["online_level_3"] == 2  # 1.005097 reached level 3 in July


def test_dossier_versions_are_consistent(dataset_dir):
    rows = ds.read_jsonl(dataset_dir / "motcua/hoso.jsonl")
    seen = set()
    by_code = defaultdict(list)
    for r in rows:
        cap = parse_ts(r["NgayCapNhat"])  # always parsable, even on invalid rows
        key = (r.get("MaHoSo"), cap)
        assert key not in seen
        seen.add(key)
        if r.get("MaHoSo"):
            by_code[r["MaHoSo"]].append(r)
        for name in ("NgayNopHoSo", "NgayTiepNhan", "NgayKetThucXuLy", "NgayTra"):
            try:
                value = parse_ts(r.get(name))
            except ValueError:
                continue
            assert value is None or value <= cap, (name, r)
    for code, versions in by_code.items():
        caps = [parse_ts(v["NgayCapNhat"]) for v in versions]
        assert caps == sorted(caps) and len(set(caps)) == len(caps), code
    assert max(len(v) for v in by_code.values()) >= 5
    # the file is ordered as the API serves it
    order = [(parse_ts(r["NgayCapNhat"]), r.get("MaHoSo") or "") for r in rows]
    assert order == sorted(order)


def test_the_mess_the_contract_lists(dataset_dir):
    rows = ds.read_jsonl(dataset_dir / "motcua/hoso.jsonl")
    legacy = [r for r in rows if "/" in r["NgayCapNhat"]]
    assert legacy and all(
        re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", r["NgayTiepNhan"] or "00/00/0000 00:00:00")
        for r in legacy
        if r.get("MaHoSo")
    )
    assert any(r["NgayTra"] is None for r in rows) and any(r["NgayTra"] == "" for r in rows)
    names = defaultdict(set)
    for r in rows:
        if r.get("MaHoSo"):
            names[r["MaHoSo"]].add(r["ChuHoSo"])
    mixed = [v for v in names.values() if len(v) == 2]
    assert mixed
    for pair in mixed:
        assert len({unicodedata.normalize("NFC", n) for n in pair}) == 1
    assert all(re.fullmatch(r"\d{12}", r["SoGiayToChuHoSo"]) for r in rows)
    assert any(r.get("QuaTrinhXuLy") for r in rows)
    assert {r["KenhThucHien"] for r in rows} == {"1", "2", "3"}
    # invalid rows: each one single-version and of one kind
    assert any("MaHoSo" not in r for r in rows)
    assert any(r.get("MaHoSo") == "" for r in rows) and any(
        "MaHoSo" in r and r["MaHoSo"] is None for r in rows
    )
    assert any("2019-13-45" in json.dumps(r) for r in rows)
    assert any("31/02/2019 25:00:00" in json.dumps(r) for r in rows)
    # seasonality: diploma copies peak in June-August
    months = defaultdict(int)
    for r in rows:
        if r.get("MaTTHC") == "1.004889" and r["TrangThaiHoSo"] == "2" and r.get("MaHoSo"):
            months[parse_ts(r["NgayTiepNhan"]).month] += 1
    assert months[7] > months[3]


def test_no_dataset_file_outside_the_layout(dataset_dir: Path):
    assert sorted(
        str(p.relative_to(dataset_dir)) for p in dataset_dir.rglob("*") if p.is_file()
    ) == sorted(FILES)
