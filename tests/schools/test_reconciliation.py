"""Reconciliation on a hand-made province of three schools, the answer stated by hand.

School A (declares SMAS): pupils a1 a2 a3 enrolled, a4 moved away ("Chuyển trường").
  SMAS: a first delivery (a1 a2), then a corrected one (a1 a2 a3 + x9 unknown) -> latest wins.
School B (declares vnEdu, delivers SMAS in Windows-1258): pupils b1 b2 b3; SMAS has b1 b2.
School C (declares SMAS, delivers vnEdu): pupils c1 c2; vnEdu has c1 c2 and a4 (A's pupil:
  matching is within the school, so a4 is only on the vendor side at C).

               csdl enrolled  vendor  matched  only csdl  only vendor  as declared
    A               3            4       3         0          1           yes
    B               3            2       2         1          0           no (SMAS)
    C               2            3       2         0          1           no (vnEdu)
Province: 3 schools, 3 classes, 8 students, 2 teachers, 2 schools on SMAS, 1 on vnEdu,
matched 7 of 9 pupils in the exports = 77.8 %.
"""

from __future__ import annotations

import unicodedata

import psycopg
import pytest

from eduwh import warehouse
from eduwh.land.schools import extract_load_moet, load_sis
from eduwh.warehouse.dbt import run_dbt
from eduwh_sandbox import dataset as ds
from eduwh_sandbox.schools_dataset.catalogue import DEFAULT_META
from eduwh_sandbox.schools_dataset.spreadsheets import to_cp1258, xlsx_bytes
from tests.schools.conftest import API_KEY, new_database, serve_moet

YEAR = "2019-2020"
SCHOOLS = {"54019001": ("A", "SMAS"), "54019002": ("B", "vnEdu"), "54019003": ("C", "SMAS")}
PUPILS = {
    "54019001": [
        ("a1", "Đang học"),
        ("a2", "Đang học"),
        ("a3", "Đang học"),
        ("a4", "Chuyển trường"),
    ],
    "54019002": [("b1", "Đang học"), ("b2", "Đang học"), ("b3", "Đang học")],
    "54019003": [("c1", "Đang học"), ("c2", "Đang học")],
}
STAFF = {"54019001": "Giáo viên", "54019002": "Giáo viên", "54019003": "Nhân viên"}


def _smas(codes: list[str]) -> str:
    lines = ["MaHocSinh;HoTen;NgaySinh;Lop;DiemTBHK;HocLuc;HanhKiem;SoNgayNghi;SLLDT"]
    lines += [f"{c};Nguyễn Văn Điền {c};01/02/2010;4A;7,5;Khá;Tốt;0;Có" for c in codes]
    return "\r\n".join(lines) + "\r\n"


def _build(root):
    ds.write_dataset_json(root, DEFAULT_META)
    files = root / "csdl_moet" / "files"
    files.mkdir(parents=True)
    manifest = []

    def moet(name, kind, school, rows):
        path = f"files/{name.rsplit('.', 1)[0]}.v1.xlsx"
        (root / "csdl_moet" / path).write_bytes(xlsx_bytes(rows))
        manifest.append(
            {
                "file": name,
                "path": path,
                "loai": kind,
                "ma_truong": school,
                "nam_hoc": YEAR,
                "cap_nhat_luc": "2019-11-01T08:00:00+07:00",
            }
        )

    moet(
        "DanhSachTruong.xlsx",
        "truong",
        None,
        [
            ["DANH SÁCH TRƯỜNG"],
            ["Mã trường", "Tên trường", "Cấp học", "Phần mềm quản lý trường học"],
        ]
        + [[code, f"Trường Tiểu học {n}", "Tiểu học", sw] for code, (n, sw) in SCHOOLS.items()]
        + [["Tổng cộng", "3"]],
    )
    for code, pupils in PUPILS.items():
        moet(
            f"DanhSachLop_{code}.xlsx",
            "lop",
            code,
            [
                ["Mã lớp", "Tên lớp", "Khối", "Mã trường", "Năm học"],
                [f"{code}001", "4A", 4, code, YEAR],
            ],
        )
        header = ["Mã lớp", "Mã học sinh", "Họ tên", "Ngày sinh", "Giới tính", "Trạng thái HS"]
        if code == "54019002":
            header = [unicodedata.normalize("NFD", h).upper() for h in header]
        moet(
            f"C1-HocSinh_{code}.xlsx",
            "hoc_sinh",
            code,
            [["SỞ GD&ĐT QUẢNG NGÃI"], ["DANH SÁCH HỌC SINH"], header]
            + [
                [f"{code}001", f"{code}{p}", f"Lê Thị {p}", "01/02/2010", "Nữ", status]
                for p, status in pupils
            ],
        )
        moet(
            f"CSDL_GiaoVien_{code}.xlsx",
            "giao_vien",
            code,
            [
                ["Mã cán bộ", "Họ tên", "Vị trí việc làm", "Trạng thái CB"],
                [f"CB{code}", "Phạm Văn Giáo", STAFF[code], "Đang làm việc"],
            ],
        )
    ds.write_jsonl(root / "csdl_moet" / "manifest.jsonl", manifest)

    smas, vnedu = root / "sis" / "smas", root / "sis" / "vnedu"
    smas.mkdir(parents=True)
    vnedu.mkdir(parents=True)
    a = "54019001"
    (smas / f"{a}_{YEAR}_HK1_201911301000.csv").write_bytes(
        b"\xef\xbb\xbf" + _smas([f"{a}a1", f"{a}a2"]).encode()
    )
    (smas / f"{a}_{YEAR}_HK1_201912011000.csv").write_bytes(
        b"\xef\xbb\xbf" + _smas([f"{a}a1", f"{a}a2", f"{a}a3", f"{a}x9"]).encode()
    )
    b = "54019002"
    (smas / f"{b}_{YEAR}_HK1_201912011100.csv").write_bytes(to_cp1258(_smas([f"{b}b1", f"{b}b2"])))
    c = "54019003"
    head = [
        "MaVnedu",
        "MaHocSinh",
        "HoTen",
        "NgaySinh",
        "Lop",
        "KetQuaHocTap",
        "RenLuyen",
        "SoBuoiNghi",
        "SoLienLacDienTu",
    ]
    rows = [
        [f"VN{i}", code, "Đỗ Thị Hoa", "03/04/2010", "4A", "Tốt", "Tốt", 0, "1"]
        for i, code in enumerate([f"{c}c1", f"{c}c2", f"{a}a4"])
    ]
    (vnedu / f"{c}_{YEAR}_HK1_201912011200.xlsx").write_bytes(
        xlsx_bytes([head] + rows, sheet="DanhSach")
    )


@pytest.fixture(scope="module")
def hand_made(settings, tmp_path_factory):
    root = tmp_path_factory.mktemp("hand") / "province"
    _build(root)
    db = new_database(settings)
    with serve_moet(root) as server:
        extract_load_moet(db, school_year=YEAR, base_url=server.base_url + "/moet", api_key=API_KEY)
    load_sis(db, drop_dir=root / "sis")
    run_dbt(db, ["build", "--select", "+tag:schools", "--quiet"])
    return db


def test_reconciliation_per_school(hand_made):
    with warehouse.connect(hand_made, role="eduwh_reader") as conn:
        rows = conn.execute(
            "select school_code, students_csdl, students_vendor, students_matched,"
            " students_only_csdl, students_only_vendor, declared_software,"
            " delivered_software, delivered_as_declared"
            " from marts.rpt_sis_reconciliation order by school_code"
        ).fetchall()
    assert rows == [
        ("54019001", 3, 4, 3, 0, 1, "SMAS", "SMAS", True),
        ("54019002", 3, 2, 2, 1, 0, "vnEdu", "SMAS", False),
        ("54019003", 2, 3, 2, 0, 1, "SMAS", "vnEdu", False),
    ]


def test_province_figures(hand_made):
    with warehouse.connect(hand_made, role="eduwh_reader") as conn:
        conn.row_factory = psycopg.rows.dict_row
        row = conn.execute("select * from marts.rpt_school_figures").fetchone()
    assert {
        k: row[k]
        for k in (
            "school_year",
            "schools",
            "classes",
            "students",
            "teachers",
            "schools_on_smas",
            "schools_on_vnedu",
            "students_in_vendor_exports",
            "students_matched",
        )
    } == {
        "school_year": YEAR,
        "schools": 3,
        "classes": 3,
        "students": 8,
        "teachers": 2,
        "schools_on_smas": 2,
        "schools_on_vnedu": 1,
        "students_in_vendor_exports": 9,
        "students_matched": 7,
    }
    assert float(row["students_matched_pct"]) == 77.8
