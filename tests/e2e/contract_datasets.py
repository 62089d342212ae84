"""Small data sets written by hand from the contracts, not by the project's generators.

One fictional Department (not the built-in one), another year, each source in the
layout of contracts/sandbox_dataset.md with the fields of its own contract, and the
figures each must give, counted by hand below (record by record, in the comments).
`write(out, sources)` writes any subset of the four sources.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

AGENCY = {"code": "000.00.99.H99", "name": "Sở Giáo dục và Đào tạo Thử Nghiệm"}
DEPARTMENT_CODE = "99"  # csdl.moet's ma_so, unlike the agency code
YEAR, AS_OF, SCHOOL_YEAR = 2021, "2021-11-30", "2021-2022"
SOURCES = ("motcua", "eoffice", "csdl_moet", "sis")


def _procedure(code: str, name: str, level: int, bcci: bool) -> dict:
    return {
        "MaTTHC": code,
        "TenTTHC": name,
        "MaLinhVuc": "GDTrH",
        "TenLinhVuc": "Giáo dục trung học",
        "MucDo": level,
        "CoBCCI": bcci,
        "CoQuanThucHien": AGENCY["code"],
        "QuyetDinhCongBo": "12/QĐ-UBND",
        "NgayCapNhat": "20210105080000",
    }


PROCEDURES = [
    _procedure("1.900001", "Cấp bản sao văn bằng", 3, True),
    _procedure("1.900002", "Chuyển trường", 2, False),
    _procedure("1.900003", "Công nhận trường chuẩn", 4, True),
]


def _dossier(code, procedure, channel, received, due, finished, status, **extra) -> dict:
    record = {
        "MaHoSo": code,
        "MaTTHC": procedure,
        "TenTTHC": "",
        "MaLinhVuc": "GDTrH",
        "TenLinhVuc": "Giáo dục trung học",
        "KenhThucHien": channel,
        "HinhThuc": "0",
        "LoaiDoiTuong": "1",
        "ChuHoSo": "Nguyễn Văn An",
        "SoGiayToChuHoSo": "051090000123",
        "TrichYeuHoSo": "Hồ sơ",
        "NgayNopHoSo": received,
        "NgayTiepNhan": received,
        "NgayHenTra": due,
        "NgayKetThucXuLy": finished,
        "NgayTra": finished,
        "TrangThaiHoSo": status,
        "DonViXuLy": "Phòng GDTrH",
        "NgayCapNhat": finished or received,
    }
    record.update(extra)
    return record


P1, P2, P3 = (p["MaTTHC"] for p in PROCEDURES)
DOSSIERS = [
    # D1 online, resolved early (finished 5 Mar, due 10 Mar)
    _dossier("H99-1", P1, "2", "20210301080000", "20210310170000", "20210305090000", "10"),
    # D2 by BCCI, resolved on time (same calendar day as due), result returned by BCCI
    _dossier(
        "H99-2", P1, "3", "20210401080000", "20210405170000", "20210405160000", "10", HinhThuc="1"
    ),
    # D3 direct, resolved late; the older client software's dd/MM/yyyy timestamps
    _dossier(
        "H99-3", P2, "1", "01/05/2021 08:00:00", "03/05/2021 17:00:00", "06/05/2021 10:00:00", "9"
    ),
    # D4 direct, first version submitted only, then received: in progress within due
    _dossier("H99-4", P2, "1", "20211119080000", "", "", "1"),
    _dossier("H99-4", P2, "1", "20211120080000", "20211205170000", "", "2"),
    # D5 online, in progress and overdue (due 10 Oct)
    _dossier("H99-5", P3, "2", "20211001080000", "20211010170000", "", "4"),
    # D6 direct, withdrawn; D7 direct, stopped
    _dossier("H99-6", P3, "1", "20210601080000", "20210610170000", "20210602100000", "7"),
    _dossier("H99-7", P1, "1", "20210701080000", "20210710170000", "20210703100000", "8"),
    # D8 received in 2020, finished in 2021: carried over, resolved early
    _dossier("H99-8", P2, "1", "20201228080000", "20210108170000", "20210106100000", "10"),
    # D9 received and finished in 2020: not in the 2021 universe
    _dossier("H99-9", P2, "1", "20201201080000", "20201210170000", "20201205100000", "10"),
    # D10 submitted, never received: not counted
    _dossier("H99-10", P1, "2", "20210801080000", "", "", "1"),
    # invalid kinds of motcua.md "What real data looks like", each to quarantine:
    _dossier("", P1, "1", "20210901080000", "20210910170000", "", "2"),  # missing MaHoSo
    _dossier("H99-12", P1, "1", "20210901080000", "20210801170000", "", "2"),  # due < receipt
    _dossier("H99-13", "9.999999", "1", "20210901080000", "20210910170000", "", "2"),  # unknown
    _dossier(  # an unparsable receipt date (its change time, which the portal sets, is fine)
        "H99-14", P1, "1", "2021-13-45", "20210910170000", "", "2", NgayCapNhat="20210901090000"
    ),
]
EXPECTED_PROCEDURES = {
    "total": 3,
    "online_level_3": 1,  # P1
    "online_level_4": 1,  # P3
    "with_dossiers": 3,  # P1 (D1 D2 D7), P2 (D3 D4), P3 (D5 D6)
    "with_bcci_dossiers": 1,  # P1 (D2)
    "online_with_dossiers": 2,  # P1, P3
}
EXPECTED_DOSSIERS = {
    "received": 8,  # D1-D7 new + D8 carried over
    "received_new": 7,
    "carried_over": 1,
    "received_online": 2,  # D1 D5
    "received_direct": 4,  # D3 D4 D6 D7
    "received_bcci": 1,  # D2
    "resolved": 4,  # D1 D2 D3 D8
    "resolved_early": 2,  # D1 D8
    "resolved_on_time": 1,  # D2
    "resolved_late": 1,  # D3
    "in_progress": 2,  # D4 D5
    "in_progress_within_due": 1,  # D4
    "in_progress_overdue": 1,  # D5
    "withdrawn": 1,  # D6
    "stopped": 1,  # D7
    "returned_via_bcci": 1,  # D2
}
QUARANTINED_DOSSIERS = 4


def _document(doc_id: int, kind: str, day: str, **extra) -> dict:
    record = {
        "id": doc_id,
        "loai": kind,
        "so_ky_hieu": f"{doc_id}/CV-SGDĐT",
        "so_den": doc_id if kind == "den" else None,
        "loai_van_ban": "CV",
        "trich_yeu": "Về việc thử nghiệm",
        "ngay_ban_hanh": day,
        "ngay_den": day if kind == "den" else None,
        "co_quan_ban_hanh": {"ma_dinh_danh": "000.00.00.H99", "ten": "UBND tỉnh Thử Nghiệm"},
        "noi_nhan": [{"ma_dinh_danh": "000.00.01.H99", "ten": "Sở Nội vụ"}] if kind == "di" else [],
        "nguoi_ky": "Trần Thị Bình",
        "do_mat": "thuong",
        "do_khan": "thuong",
        "ky_so": True,
        "kenh": "truc_lien_thong",
        "han_xu_ly": None,
        "ngay_hoan_thanh": None,
        "phong_xu_ly": "Văn phòng",
        "trang_thai": "05",
        "cap_nhat_luc": f"{day}T09:00:00+07:00",
        "co_edxml": False,
    }
    record.update(extra)
    return record


DOCUMENTS = [
    _document(1, "den", "2021-02-01"),
    _document(2, "den", "2021-05-05", kenh="thu_dien_tu"),
    _document(3, "di", "2021-06-10"),
    _document(5, "den", "2020-12-20"),  # the year before: not counted in 2021
    # a secret document: only what eoffice.md allows is listed
    {
        "id": 4,
        "loai": "den",
        "do_mat": "mat",
        "ngay_ban_hanh": "2021-03-03",
        "ngay_den": "2021-03-04",
        "cap_nhat_luc": "2021-03-04T10:00:00+07:00",
    },
]
EXPECTED_DOCUMENTS = {"incoming": 2, "outgoing": 1, "secret_excluded": 1}

SCHOOLS = [  # (code, name, level, declared software)
    ("99000101", "Trường THPT Số 1", "THPT", "SMAS"),
    ("99000102", "Trường THCS Số 2", "THCS", "vnEdu"),
]
PUPILS = [  # class, code, name, birth, gender, status
    ("L1", "9900010100001", "Lê Văn Cường", "05/06/2006", "Nam", "Đang học"),
    ("L1", "9900010100002", "Phạm Thị Dung", "07/08/2006", "Nữ", "Đang học"),
    ("L1", "9900010100003", "Võ Văn Em", "09/10/2006", "Nam", "Chuyển trường"),
]
EXPECTED_SCHOOLS = {
    "school_year": SCHOOL_YEAR,
    "schools": 2,
    "classes": 1,
    "students": 2,  # status Đang học
    "teachers": 1,  # Giáo viên, Đang làm việc
    "schools_on_smas": 1,  # 99000101 delivered this school year
    "schools_on_vnedu": 0,
    # covered: 00001 (term 1), 00002 (terms 1 and 2, once), 99999 (unknown to csdl.moet)
    "students_matched_pct": 66.7,
}


def _xlsx(path: Path, title: str, header: list[str], rows: list[list]) -> None:
    """A csdl.moet-style export: title rows, the header, data, a blank and a total row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([f"SỞ GIÁO DỤC VÀ ĐÀO TẠO {AGENCY['name'].upper()}"])
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(["Tổng cộng", len(rows)])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _write_csdl_moet(out: Path) -> None:
    folder = out / "csdl_moet"
    stamp = "2021-10-15T22:00:00+07:00"
    manifest = []

    def add(name, kind, school, title, header, rows):
        _xlsx(folder / "files" / name, title, header, rows)
        manifest.append(
            {
                "file": name,
                "path": f"files/{name}",
                "loai": kind,
                "ma_truong": school,
                "nam_hoc": SCHOOL_YEAR,
                "cap_nhat_luc": stamp,
            }
        )

    add(
        "DanhSachTruong.xlsx",
        "truong",
        None,
        "DANH SÁCH TRƯỜNG",
        ["Mã trường", "Tên trường", "Cấp học", "Loại hình", "Phòng GD&ĐT quản lý"]
        + ["Quận/Huyện", "Xã/Phường", "Phần mềm quản lý trường học"],
        [[c, n, lv, "Công lập", "", "Huyện A", "Xã B", sw] for c, n, lv, sw in SCHOOLS],
    )
    school = SCHOOLS[0][0]
    add(
        f"DanhSachLop_{school}.xlsx",
        "lop",
        school,
        "DANH SÁCH LỚP",
        ["Mã lớp", "Tên lớp", "Khối", "Mã trường", "Năm học"],
        [["L1", "10A1", "10", school, SCHOOL_YEAR]],
    )
    add(
        f"C1-HocSinh_{school}.xlsx",
        "hoc_sinh",
        school,
        "DANH SÁCH HỌC SINH",
        ["Mã lớp", "Mã học sinh", "Họ tên", "Ngày sinh", "Giới tính", "Trạng thái HS"]
        + ["Ngày nhập trạng thái", "Dân tộc", "Loại khuyết tật", "Số định danh cá nhân"],
        [[*p, "05/09/2021", "Kinh", "", f"05120600000{i}"] for i, p in enumerate(PUPILS)],
    )
    add(
        f"CSDL_GiaoVien_{school}.xlsx",
        "giao_vien",
        school,
        "DANH SÁCH CÁN BỘ, GIÁO VIÊN",
        ["Mã cán bộ", "Họ tên", "Ngày sinh", "Giới tính", "Email", "Trạng thái CB"]
        + ["Vị trí việc làm", "Nhóm chức vụ", "Môn dạy", "Trình độ chuyên môn"]
        + ["Trình độ tin học"],
        [
            ["GV1", "Đỗ Văn Giang", "01/01/1980", "Nam", "g@x.vn", "Đang làm việc"]
            + ["Giáo viên", "Giáo viên", "Toán", "Đại học", "Cơ bản"],
            ["NV1", "Hồ Thị Hoa", "02/02/1985", "Nữ", "h@x.vn", "Đang làm việc"]
            + ["Nhân viên", "Nhân viên", "", "Cao đẳng", "Cơ bản"],
        ],
    )
    (folder / "manifest.jsonl").write_text(
        "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in manifest), "utf-8"
    )


def _smas(out: Path, name: str, pupils: list[str]) -> None:
    header = "MaHocSinh;HoTen;NgaySinh;Lop;DiemTBHK;HocLuc;HanhKiem;SoNgayNghi;SLLDT"
    lines = [header] + [f"{p};Học Sinh;01/01/2006;10A1;7,8;Khá;Tốt;0;Có" for p in pupils]
    path = out / "sis" / "smas" / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))


def _write_sis(out: Path) -> None:
    school = SCHOOLS[0][0]
    _smas(out, f"{school}_{SCHOOL_YEAR}_HK1_202110200800", ["9900010100001", "9900010100002"])
    _smas(out, f"{school}_{SCHOOL_YEAR}_HK2_202111250800", ["9900010100002", "9900019999999"])
    # last school year's deliveries, still in the drop folder (sis_exports.md: kept,
    # reported for their own year, never in the checks of the year asked), one of them
    # from a school csdl.moet does not list that year
    _smas(out, f"{school}_2020-2021_HK2_202105200800", ["9900010100001"])
    _smas(out, "99000199_2020-2021_HK2_202105200800", ["9900019900001"])


def write(out: Path, sources=SOURCES, agency: dict | None = None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    meta = {
        "name": "contract-sample",
        "agency": agency or AGENCY,
        "department_code": DEPARTMENT_CODE,
        "year": YEAR,
        "as_of": AS_OF,
        "school_year": SCHOOL_YEAR,
    }
    (out / "dataset.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    if "motcua" in sources:
        _jsonl(out / "motcua" / "thutuc.jsonl", PROCEDURES)
        _jsonl(out / "motcua" / "hoso.jsonl", DOSSIERS)
    if "eoffice" in sources:
        _jsonl(out / "eoffice" / "vanban.jsonl", DOCUMENTS)
    if "csdl_moet" in sources:
        _write_csdl_moet(out)
    if "sis" in sources:
        _write_sis(out)
    return out


def _jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
