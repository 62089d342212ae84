"""What the exports carry: the column headers of each file and version (csdl.moet 2018
and 2019, SMAS, vnEdu) and the record of a school, a pupil and a staff member."""

from __future__ import annotations

from datetime import date
from typing import Any

from eduwh_sandbox.schools_dataset.province import School, Staff, Student

HOC_SINH_2018 = [
    "Mã lớp",
    "Mã học sinh",
    "Họ tên",
    "Ngày sinh",
    "Giới tính",
    "Trạng thái HS",
    "Ngày nhập trạng thái",
    "Dân tộc",
    "Loại khuyết tật",
    "Số định danh cá nhân",
]
HOC_SINH_2019 = [
    "STT",
    "Mã học sinh",
    "Họ tên",
    "Số định danh cá nhân",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Mã lớp",
    "Khu vực",
    "Trạng thái HS",
    "Ngày nhập trạng thái",
    "Loại khuyết tật",
    "Ghi chú",
]
GIAO_VIEN_2018 = [
    "Mã cán bộ",
    "Họ tên",
    "Ngày sinh",
    "Giới tính",
    "Email",
    "Trạng thái CB",
    "Vị trí việc làm",
    "Nhóm chức vụ",
    "Môn dạy",
    "Trình độ chuyên môn",
    "Trình độ tin học",
]
GIAO_VIEN_2019 = [
    "STT",
    "Họ tên",
    "Mã cán bộ",
    "Giới tính",
    "Ngày sinh",
    "Hạng chức danh nghề nghiệp",
    "Vị trí việc làm",
    "Nhóm chức vụ",
    "Trạng thái CB",
    "Môn dạy",
    "Email",
    "Trình độ chuyên môn",
    "Trình độ tin học",
    "Ghi chú",
]
LOP_2018 = ["Mã lớp", "Tên lớp", "Khối", "Mã trường", "Năm học"]
LOP_2019 = ["STT", "Năm học", "Mã trường", "Khối", "Mã lớp", "Tên lớp", "Buổi học"]
TRUONG = [
    "STT",
    "Mã trường",
    "Tên trường",
    "Cấp học",
    "Loại hình",
    "Phòng GD&ĐT quản lý",
    "Quận/Huyện",
    "Xã/Phường",
    "Phần mềm quản lý trường học",
    "Ghi chú",
]
SMAS = [
    "MaHocSinh",
    "HoTen",
    "NgaySinh",
    "Lop",
    "DiemTBHK",
    "HocLuc",
    "HanhKiem",
    "SoNgayNghi",
    "SLLDT",
]
VNEDU = [
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


def student_record(s: Student) -> dict[str, Any]:
    return {
        "Mã lớp": s.class_code,
        "Mã học sinh": s.code,
        "Họ tên": s.name,
        "Ngày sinh": s.birth,
        "Giới tính": s.gender,
        "Trạng thái HS": s.status,
        "Ngày nhập trạng thái": s.status_date,
        "Dân tộc": s.ethnicity,
        "Loại khuyết tật": s.disability,
        "Số định danh cá nhân": s.identity,
        "Khu vực": "Khu vực 1" if s.ethnicity != "Kinh" else "Khu vực 2",
        "Ghi chú": "",
    }


def staff_record(s: Staff) -> dict[str, Any]:
    return {
        "Mã cán bộ": s.code,
        "Họ tên": s.name,
        "Ngày sinh": s.birth,
        "Giới tính": s.gender,
        "Email": s.email,
        "Trạng thái CB": s.status,
        "Vị trí việc làm": s.position,
        "Nhóm chức vụ": s.role,
        "Môn dạy": s.subject,
        "Trình độ chuyên môn": s.qualification,
        "Trình độ tin học": s.it_level,
        "Hạng chức danh nghề nghiệp": "Hạng III",
        "Ghi chú": "",
    }


def as_text(record: dict[str, Any]) -> dict[str, str]:
    return {
        k: (v.strftime("%d/%m/%Y") if isinstance(v, date) else str(v)) for k, v in record.items()
    }


def truong_record(s: School) -> dict[str, Any]:
    return {
        "Mã trường": s.code,
        "Tên trường": s.name,
        "Cấp học": s.level,
        "Loại hình": s.ownership,
        "Phòng GD&ĐT quản lý": s.office,
        "Quận/Huyện": s.district,
        "Xã/Phường": s.commune,
        "Phần mềm quản lý trường học": s.declared,
        "Ghi chú": "",
    }
