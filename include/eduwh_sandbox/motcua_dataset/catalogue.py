"""The Department and its 2019 procedure catalogue (TTHC): 41 procedures, their fields,
levels and BCCI, and the catalogue's history in the year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from eduwh_sandbox.motcua_dataset.timestamps import TS_FORMAT

AGENCY_CODE = "000.23.34.H48"
AGENCY_NAME = "Sở Giáo dục và Đào tạo Quảng Ngãi"
YEAR = 2019
AS_OF = date(2019, 12, 6)
DECISION = "1019/QĐ-UBND"

META = {
    "name": "quang-ngai-2019",
    "agency": {"code": AGENCY_CODE, "name": AGENCY_NAME},
    "department_code": AGENCY_CODE,
    "year": YEAR,
    "as_of": AS_OF.isoformat(),
    "school_year": "2019-2020",
}


FIELDS = {
    "G01": "Giáo dục trung học",
    "G02": "Giáo dục thường xuyên",
    "G03": "Quy chế thi, tuyển sinh",
    "G04": "Hệ thống văn bằng, chứng chỉ",
    "G05": "Đào tạo với nước ngoài",
    "G06": "Giáo dục nghề nghiệp",
    "G07": "Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân",
}
UNITS = {
    "GDTrH": "Phòng Giáo dục Trung học",
    "GDTX": "Phòng Giáo dục Thường xuyên - Chuyên nghiệp",
    "KT": "Phòng Khảo thí và Kiểm định chất lượng giáo dục",
    "TCCB": "Phòng Tổ chức cán bộ",
    "KHTC": "Phòng Kế hoạch - Tài chính",
    "VP": "Văn phòng Sở",
}
SEASONS = {  # month weights Jan..Dec
    "diploma": (3, 2, 2, 3, 4, 9, 12, 10, 6, 4, 3, 2),
    "transcript": (2, 1, 2, 2, 3, 5, 7, 8, 14, 5, 3, 2),
    "transfer": (6, 3, 2, 2, 2, 4, 9, 11, 6, 3, 2, 3),
    "exam": (1, 1, 2, 3, 3, 4, 9, 3, 1, 1, 1, 1),
    "tutoring": (3, 2, 2, 2, 2, 3, 6, 9, 10, 5, 3, 2),
    "flat": (1,) * 12,
}


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field: str
    level: int
    bcci: bool  # CoBCCI
    days: int  # legal processing time, working days
    weight: int  # relative volume of dossiers
    season: str
    unit: str
    kind: str = "1"  # LoaiDoiTuong of its usual applicant
    bcci_dossiers: bool = False  # one of the 15 with BCCI dossiers in 2019


P = Procedure
# fmt: off
PROCEDURES: tuple[Procedure, ...] = (
    # Hệ thống văn bằng, chứng chỉ
    P("1.004889", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "G04", 3, True, 3, 200, "diploma", "KT", bcci_dossiers=True),  # noqa: E501
    P("2.001818", "Chỉnh sửa nội dung văn bằng, chứng chỉ", "G04", 2, True, 5, 60, "diploma", "KT", bcci_dossiers=True),  # noqa: E501
    P("1.005092", "Công nhận văn bằng tốt nghiệp các cấp học phổ thông do cơ sở nước ngoài cấp", "G04", 2, True, 20, 12, "flat", "KT", bcci_dossiers=True),  # noqa: E501
    P("1.005089", "Xác minh văn bằng, chứng chỉ tốt nghiệp trung học phổ thông", "G04", 2, True, 5, 10, "diploma", "KT", bcci_dossiers=True),  # noqa: E501
    P("2.001914", "Cấp bản sao chứng chỉ ngoại ngữ, tin học từ sổ gốc", "G04", 2, True, 3, 25, "diploma", "KT", bcci_dossiers=True),  # noqa: E501
    P("1.001000", "Cấp lại giấy chứng nhận tốt nghiệp trung học phổ thông tạm thời", "G04", 2, False, 3, 3, "diploma", "KT"),  # noqa: E501
    # Giáo dục trung học
    P("1.001088", "Chuyển trường đối với học sinh trung học phổ thông", "G01", 3, True, 3, 80, "transfer", "GDTrH", bcci_dossiers=True),  # noqa: E501
    P("1.004831", "Xin học lại tại trường khác đối với học sinh trung học", "G01", 2, True, 3, 20, "transfer", "GDTrH", bcci_dossiers=True),  # noqa: E501
    P("1.004845", "Cấp bản sao học bạ trung học phổ thông", "G01", 2, True, 5, 70, "transcript", "GDTrH", bcci_dossiers=True),  # noqa: E501
    P("1.004475", "Thành lập trường trung học phổ thông công lập hoặc cho phép thành lập trường trung học phổ thông tư thục", "G01", 2, False, 20, 1, "flat", "TCCB", "3"),  # noqa: E501
    P("1.004444", "Cho phép trường trung học phổ thông hoạt động giáo dục", "G01", 2, False, 20, 2, "flat", "GDTrH", "3"),  # noqa: E501
    P("1.004442", "Sáp nhập, chia, tách trường trung học phổ thông", "G01", 2, False, 20, 0, "flat", "TCCB", "3"),  # noqa: E501
    P("1.004440", "Giải thể trường trung học phổ thông", "G01", 2, False, 20, 0, "flat", "TCCB", "3"),  # noqa: E501
    P("1.004545", "Thành lập trường phổ thông dân tộc nội trú có cấp học cao nhất là trung học phổ thông", "G01", 2, False, 20, 0, "flat", "TCCB", "3"),  # noqa: E501
    P("1.004552", "Cho phép trường phổ thông dân tộc nội trú có cấp học cao nhất là trung học phổ thông hoạt động giáo dục", "G01", 2, False, 20, 1, "flat", "GDTrH", "3"),  # noqa: E501
    P("1.004563", "Công nhận trường trung học phổ thông đạt chuẩn quốc gia", "G01", 2, True, 30, 6, "flat", "GDTrH", "3", bcci_dossiers=True),  # noqa: E501
    P("1.005097", "Cấp giấy phép tổ chức hoạt động dạy thêm, học thêm ngoài nhà trường", "G01", 2, True, 10, 50, "tutoring", "GDTrH", bcci_dossiers=True),  # noqa: E501
    P("1.004938", "Tiếp nhận học sinh người nước ngoài học trung học phổ thông", "G01", 2, False, 5, 1, "transfer", "GDTrH"),  # noqa: E501
    # Giáo dục thường xuyên
    P("1.005073", "Thành lập trung tâm ngoại ngữ, tin học", "G02", 2, True, 20, 4, "flat", "GDTX", "2", bcci_dossiers=True),  # noqa: E501
    P("1.005074", "Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục", "G02", 2, True, 15, 5, "flat", "GDTX", "2", bcci_dossiers=True),  # noqa: E501
    P("1.005075", "Giải thể trung tâm ngoại ngữ, tin học", "G02", 2, False, 15, 1, "flat", "GDTX", "2"),  # noqa: E501
    P("1.005076", "Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục trở lại", "G02", 2, False, 15, 1, "flat", "GDTX", "2"),  # noqa: E501
    P("1.004436", "Thành lập trung tâm giáo dục thường xuyên cấp tỉnh", "G02", 2, False, 20, 0, "flat", "TCCB", "3"),  # noqa: E501
    P("1.004437", "Cho phép trung tâm giáo dục thường xuyên hoạt động giáo dục trở lại", "G02", 2, False, 15, 0, "flat", "GDTX", "3"),  # noqa: E501
    P("2.001611", "Cấp phép hoạt động giáo dục kỹ năng sống", "G02", 2, True, 15, 4, "tutoring", "GDTX", "2", bcci_dossiers=True),  # noqa: E501
    P("2.001612", "Đăng ký hoạt động trung tâm học tập cộng đồng", "G02", 2, False, 10, 1, "flat", "GDTX", "3"),  # noqa: E501
    # Quy chế thi, tuyển sinh
    P("1.005094", "Phúc khảo bài thi trung học phổ thông quốc gia", "G03", 2, True, 5, 15, "exam", "KT", bcci_dossiers=True),  # noqa: E501
    P("1.005095", "Xét đặc cách tốt nghiệp trung học phổ thông", "G03", 2, False, 10, 2, "exam", "KT"),  # noqa: E501
    P("1.005142", "Xét tuyển sinh vào trường phổ thông dân tộc nội trú", "G03", 2, False, 10, 2, "exam", "GDTrH"),  # noqa: E501
    P("2.002478", "Đăng ký dự thi cấp chứng chỉ ứng dụng công nghệ thông tin", "G03", 2, True, 5, 3, "flat", "KT"),  # noqa: E501
    # Đào tạo với nước ngoài
    P("2.002481", "Cấp giấy chứng nhận đăng ký hoạt động dịch vụ tư vấn du học", "G05", 2, True, 15, 4, "flat", "KHTC", "2", bcci_dossiers=True),  # noqa: E501
    P("1.005063", "Đăng ký bổ sung hoạt động dịch vụ tư vấn du học", "G05", 2, False, 10, 1, "flat", "KHTC", "2"),  # noqa: E501
    P("1.005064", "Cho phép liên kết giáo dục với nước ngoài ở cấp trung học phổ thông", "G05", 2, False, 30, 0, "flat", "KHTC", "3"),  # noqa: E501
    P("1.005065", "Gia hạn liên kết giáo dục với nước ngoài", "G05", 2, False, 20, 0, "flat", "KHTC", "3"),  # noqa: E501
    # Giáo dục nghề nghiệp
    P("1.004500", "Thành lập trung tâm kỹ thuật tổng hợp - hướng nghiệp", "G06", 2, False, 20, 0, "flat", "TCCB", "3"),  # noqa: E501
    P("1.004501", "Công nhận trung tâm giáo dục nghề nghiệp - giáo dục thường xuyên đạt chuẩn", "G06", 2, False, 20, 1, "flat", "GDTX", "3"),  # noqa: E501
    P("1.004502", "Cấp giấy chứng nhận nghề phổ thông", "G06", 1, True, 10, 2, "exam", "GDTX"),
    # Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân
    P("1.005040", "Cấp giấy chứng nhận kiểm định chất lượng giáo dục trường trung học phổ thông", "G07", 2, True, 30, 3, "flat", "KT", "3"),  # noqa: E501
    P("1.005041", "Cho phép thành lập cơ sở giáo dục có vốn đầu tư nước ngoài", "G07", 2, False, 30, 0, "flat", "KHTC", "2"),  # noqa: E501
    P("1.004999", "Chuyển đổi trường trung học phổ thông tư thục sang hoạt động không vì lợi nhuận", "G07", 2, False, 20, 0, "flat", "TCCB", "3"),  # noqa: E501
    P("1.005001", "Đề nghị miễn, giảm học phí, hỗ trợ chi phí học tập cho học sinh trung học phổ thông", "G07", 1, False, 10, 3, "transcript", "KHTC"),  # noqa: E501
)
# fmt: on
PROC_BY_CODE = {p.code: p for p in PROCEDURES}

# Catalogue history (MaTTHC -> list of (NgayCapNhat, changes)).
RENAMED_MARCH = (
    "1.004831",
    datetime(2019, 3, 20, 9, 12, 40),
    {"TenTTHC": "Xin học lại tại trường khác đối với học sinh trung học phổ thông"},
)
OLD_NAME_MARCH = "Xin học lại tại trường khác đối với học sinh trung học"
LEVEL3_JULY = ("1.005097", datetime(2019, 7, 15, 14, 5, 11), {"MucDo": 3})
BCCI_OCTOBER = ("1.004502", datetime(2019, 10, 1, 8, 30, 0), {"CoBCCI": True})
RENAMED_DECEMBER = (
    "1.005073",
    datetime(2019, 12, 16, 10, 44, 3),
    {"TenTTHC": "Cho phép thành lập trung tâm ngoại ngữ, tin học"},
)


def catalogue_versions() -> list[dict[str, Any]]:
    base = datetime(2017, 6, 5, 8, 0, 0)
    current: dict[str, dict[str, Any]] = {}
    rows = []
    for i, p in enumerate(PROCEDURES):
        rec = {
            "MaTTHC": p.code,
            "TenTTHC": OLD_NAME_MARCH if p.code == RENAMED_MARCH[0] else p.name,
            "MaLinhVuc": p.field,
            "TenLinhVuc": FIELDS[p.field],
            "MucDo": 2 if p.code == LEVEL3_JULY[0] else p.level,
            "CoBCCI": False if p.code == BCCI_OCTOBER[0] else p.bcci,
            "CoQuanThucHien": AGENCY_CODE,
            "QuyetDinhCongBo": DECISION,
            "NgayCapNhat": (base + timedelta(minutes=7 * i, seconds=13 * i)).strftime(TS_FORMAT),
        }
        current[p.code] = rec
        rows.append(rec)
    for code, when, changes in (RENAMED_MARCH, LEVEL3_JULY, BCCI_OCTOBER, RENAMED_DECEMBER):
        rec = {**current[code], **changes, "NgayCapNhat": when.strftime(TS_FORMAT)}
        current[code] = rec
        rows.append(rec)
    return rows


def procedure_state(code: str, when: datetime) -> dict[str, Any]:
    """Name and level of a procedure as its catalogue stood at ``when``."""
    p = PROC_BY_CODE[code]
    name = p.name
    if code == RENAMED_MARCH[0] and when < RENAMED_MARCH[1]:
        name = OLD_NAME_MARCH
    if code == RENAMED_DECEMBER[0] and when < RENAMED_DECEMBER[1]:
        name = PROC_BY_CODE[code].name
    elif code == RENAMED_DECEMBER[0]:
        name = RENAMED_DECEMBER[2]["TenTTHC"]
    level = p.level
    if code == LEVEL3_JULY[0] and when < LEVEL3_JULY[1]:
        level = 2
    return {"name": name, "level": level}
