"""Validation of the fields since 2022 (contracts/motcua.md "Fields since 2022").

Missing fields are "unknown", never invalid: a version from before 2022 stays valid.
A value outside the contract's codes goes to quarantine with its reason and field.
"""

from __future__ import annotations

import pytest

from eduwh.extract.motcua import INVALID_FIELD, UNKNOWN_CODE, validate_hoso, validate_thutuc

PROCEDURE_2019 = {"MaTTHC": "1.004889", "MucDo": 3, "NgayCapNhat": "20190301080000"}
PROCEDURE_2025 = {
    **PROCEDURE_2019,
    "DVCTrucTuyen": "toan_trinh",
    "DuDieuKienToanTrinh": True,
    "CoPhiLePhi": "false",
    "YeuCauKetQuaGiay": 1,
    "ThoiHanGiaiQuyet": 5,
    "DonViTinh": "ngay_lam_viec",
}
DOSSIER_2019 = {
    "MaHoSo": "X-1",
    "MaTTHC": "1.004889",
    "TrangThaiHoSo": "10",
    "NgayTiepNhan": "20250701080000",
    "NgayHenTra": "20250708170000",
    "NgayCapNhat": "20250708170000",
}
DOSSIER_2025 = {
    **DOSSIER_2019,
    "DuocThanhToanTrucTuyen": "2",
    "DanhSachPhiLePhi": [
        {"TenPhiLePhi": "Lệ phí", "Gia": 0},
        {"TenPhiLePhi": "Phí", "Gia": "50000"},
    ],
    "TaiLieuNop": [
        {"TenTaiLieu": "Đơn", "DuongDan": "https://x/1.pdf", "DuocSoHoa": 1, "DuocLayTuKhoDMQG": 0}
    ],
    "HoSoCoThanhPhanSoHoa": 1,
    "MaKetQua": "KQ-1",
    "DuongDanTepTinKetQua": "https://x/kq.pdf",
    "QuaTrinhXuLy": [
        {"TrangThai": "2", "ThoiDiem": "20250701080000"},
        {"TrangThai": "5", "ThoiDiem": "02/07/2025 09:00:00"},
        {"TrangThai": 4, "ThoiDiem": "20250704090000"},
        {"TrangThai": "9", "ThoiDiem": "20250707164500"},
    ],
}
KNOWN = {"1.004889"}


def test_versions_without_the_new_fields_stay_valid():
    assert validate_thutuc(PROCEDURE_2019) is None
    assert validate_hoso(DOSSIER_2019, KNOWN) is None


def test_versions_with_every_new_field_are_valid():
    assert validate_thutuc(PROCEDURE_2025) is None
    assert validate_hoso(DOSSIER_2025, KNOWN) is None
    # empty DVCTrucTuyen = no online service; null = unknown
    assert validate_thutuc({**PROCEDURE_2025, "DVCTrucTuyen": ""}) is None
    assert validate_thutuc({**PROCEDURE_2025, "DVCTrucTuyen": None, "DonViTinh": None}) is None


@pytest.mark.parametrize(
    "change, reason, detail",
    [
        ({"DVCTrucTuyen": "muc_do_4"}, UNKNOWN_CODE, "DVCTrucTuyen='muc_do_4'"),
        ({"DonViTinh": "tuan"}, UNKNOWN_CODE, "DonViTinh='tuan'"),
        ({"CoPhiLePhi": "co"}, INVALID_FIELD, "CoPhiLePhi='co'"),
        ({"YeuCauKetQuaGiay": 2}, INVALID_FIELD, "YeuCauKetQuaGiay=2"),
        ({"ThoiHanGiaiQuyet": "năm ngày"}, INVALID_FIELD, "ThoiHanGiaiQuyet='năm ngày'"),
        ({"ThoiHanGiaiQuyet": -1}, INVALID_FIELD, "ThoiHanGiaiQuyet=-1"),
    ],
)
def test_catalogue_codes_outside_the_contract(change, reason, detail):
    problem = validate_thutuc({**PROCEDURE_2025, **change})
    assert (problem.reason, problem.detail) == (reason, detail)


@pytest.mark.parametrize(
    "change, reason, detail",
    [
        ({"DuocThanhToanTrucTuyen": "3"}, UNKNOWN_CODE, "DuocThanhToanTrucTuyen='3'"),
        ({"DuocThanhToanTrucTuyen": True}, INVALID_FIELD, "DuocThanhToanTrucTuyen=True"),
        (
            {"DanhSachPhiLePhi": {"Gia": 0}},
            INVALID_FIELD,
            "DanhSachPhiLePhi is not a list of objects",
        ),
        (
            {"DanhSachPhiLePhi": [{"TenPhiLePhi": "Phí", "Gia": "miễn"}]},
            INVALID_FIELD,
            "DanhSachPhiLePhi[0].Gia='miễn'",
        ),
        (
            {"TaiLieuNop": [{"DuongDan": "x", "DuocSoHoa": "có"}]},
            INVALID_FIELD,
            "TaiLieuNop[0].DuocSoHoa='có'",
        ),
        ({"HoSoCoThanhPhanSoHoa": 2}, UNKNOWN_CODE, "HoSoCoThanhPhanSoHoa=2"),
        (
            {"QuaTrinhXuLy": [{"TrangThai": "11", "ThoiDiem": "20250701080000"}]},
            UNKNOWN_CODE,
            "QuaTrinhXuLy[0].TrangThai='11'",
        ),
        (
            {"QuaTrinhXuLy": [{"TrangThai": "2", "ThoiDiem": "20250701080000"}, {"ThoiDiem": ""}]},
            UNKNOWN_CODE,
            "QuaTrinhXuLy[1].TrangThai=None",
        ),
        (
            {"QuaTrinhXuLy": [{"TrangThai": "9", "ThoiDiem": "07/07/2025"}]},
            "unparsable_date",
            "QuaTrinhXuLy[0].ThoiDiem='07/07/2025'",
        ),
    ],
)
def test_dossier_codes_outside_the_contract(change, reason, detail):
    problem = validate_hoso({**DOSSIER_2025, **change}, KNOWN)
    assert (problem.reason, problem.detail) == (reason, detail)


def test_older_problems_come_first():
    # an unknown procedure is reported as such even with a bad payment code
    problem = validate_hoso({**DOSSIER_2025, "MaTTHC": "9.9", "DuocThanhToanTrucTuyen": "x"}, KNOWN)
    assert problem.reason == "unknown_procedure"
