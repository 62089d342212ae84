"""Who writes to the Department and what: QCVN 102 agencies, the Department's
phòng, document types, urgencies, subjects and signers (the documents are drawn from them)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_AGENCY = ("000.23.34.H48", "Sở Giáo dục và Đào tạo Quảng Ngãi")

# --------------------------------------------------------------------------- agencies
# QCVN 102 identifiers (form NNN.NN.NN.XNN). Province H48 = Quảng Ngãi, G22 = the
# Ministry of Education and Training. Identifiers other than the Department's are
# illustrative, in the standard's form.


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    level: str  # ministry | province | department | district | district_office | unit
    short: str  # the notation part, e.g. BGDĐT, UBND, STC
    signer: str  # position of the usual signer


# fmt: off
AGENCIES: tuple[Agency, ...] = (
    Agency("000.00.00.G22", "Bộ Giáo dục và Đào tạo", "ministry", "BGDĐT", "Thứ trưởng"),
    Agency("000.00.12.G22", "Cục Quản lý chất lượng - Bộ Giáo dục và Đào tạo", "ministry", "QLCL", "Cục trưởng"),  # noqa: E501
    Agency("000.00.31.H48", "Ủy ban nhân dân tỉnh Quảng Ngãi", "province", "UBND", "Phó Chủ tịch"),
    Agency("000.00.32.H48", "Văn phòng Ủy ban nhân dân tỉnh Quảng Ngãi", "province", "VP", "Phó Chánh Văn phòng"),  # noqa: E501
    Agency("000.02.34.H48", "Sở Nội vụ tỉnh Quảng Ngãi", "department", "SNV", "Giám đốc"),
    Agency("000.04.34.H48", "Sở Kế hoạch và Đầu tư tỉnh Quảng Ngãi", "department", "SKHĐT", "Phó Giám đốc"),  # noqa: E501
    Agency("000.05.34.H48", "Sở Tài chính tỉnh Quảng Ngãi", "department", "STC", "Phó Giám đốc"),
    Agency("000.15.34.H48", "Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ngãi", "department", "SLĐTBXH", "Giám đốc"),  # noqa: E501
    Agency("000.20.34.H48", "Sở Thông tin và Truyền thông tỉnh Quảng Ngãi", "department", "STTTT", "Giám đốc"),  # noqa: E501
    Agency("000.22.34.H48", "Sở Y tế tỉnh Quảng Ngãi", "department", "SYT", "Phó Giám đốc"),
    Agency("000.12.35.H48", "Phòng Giáo dục và Đào tạo thành phố Quảng Ngãi", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.12.36.H48", "Phòng Giáo dục và Đào tạo huyện Bình Sơn", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.12.37.H48", "Phòng Giáo dục và Đào tạo huyện Sơn Tịnh", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.12.38.H48", "Phòng Giáo dục và Đào tạo huyện Tư Nghĩa", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.12.39.H48", "Phòng Giáo dục và Đào tạo huyện Nghĩa Hành", "district_office", "PGDĐT", "Phó Trưởng phòng"),  # noqa: E501
    Agency("000.12.40.H48", "Phòng Giáo dục và Đào tạo huyện Mộ Đức", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.12.41.H48", "Phòng Giáo dục và Đào tạo thị xã Đức Phổ", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.12.42.H48", "Phòng Giáo dục và Đào tạo huyện Ba Tơ", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.12.47.H48", "Phòng Giáo dục và Đào tạo huyện Lý Sơn", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.00.36.H48", "Ủy ban nhân dân huyện Bình Sơn", "district", "UBND", "Chủ tịch"),
    Agency("000.00.42.H48", "Ủy ban nhân dân huyện Ba Tơ", "district", "UBND", "Phó Chủ tịch"),
    Agency("001.23.34.H48", "Trường THPT chuyên Lê Khiết", "unit", "THPTLK", "Hiệu trưởng"),
    Agency("002.23.34.H48", "Trường THPT Trần Quốc Tuấn", "unit", "THPTTQT", "Hiệu trưởng"),
    Agency("003.23.34.H48", "Trường THPT Bình Sơn", "unit", "THPTBS", "Hiệu trưởng"),
    Agency("004.23.34.H48", "Trường Phổ thông Dân tộc nội trú tỉnh", "unit", "PTDTNT", "Hiệu trưởng"),  # noqa: E501
    Agency("005.23.34.H48", "Trung tâm Giáo dục thường xuyên tỉnh", "unit", "TTGDTX", "Giám đốc"),
)
# fmt: on
AGENCY_BY_CODE = {a.code: a for a in AGENCIES}
# Who writes to the Department, relative weights.
SENDER_WEIGHTS = {
    "ministry": 22,
    "province": 30,
    "department": 16,
    "district_office": 14,
    "district": 4,
    "unit": 14,
}
AXIS_HUBS = ("000.00.00.G01", "000.00.31.H48")  # national axis (VPCP), provincial axis

DEPARTMENTS = {  # phòng of the Sở and the notation suffix of their công văn
    "VP": "Văn phòng Sở",
    "GDTrH": "Phòng Giáo dục Trung học",
    "GDMNTH": "Phòng Giáo dục Mầm non - Tiểu học",
    "GDTX": "Phòng Giáo dục Thường xuyên - Chuyên nghiệp",
    "KTKĐ": "Phòng Khảo thí và Kiểm định chất lượng giáo dục",
    "TCCB": "Phòng Tổ chức cán bộ",
    "KHTC": "Phòng Kế hoạch - Tài chính",
    "TTr": "Thanh tra Sở",
}
DEPT_WEIGHTS = {
    "VP": 18,
    "GDTrH": 22,
    "GDMNTH": 14,
    "GDTX": 8,
    "KTKĐ": 10,
    "TCCB": 12,
    "KHTC": 11,
    "TTr": 5,
}

# Type code (listing) -> (QCVN Type 1 legal / 2 administrative, TypeDetail, name, weight in, out)
DOCUMENT_TYPES: dict[str, tuple[str, str, str, int, int]] = {
    "CV": ("2", "24", "Công văn", 58, 62),
    "QD": ("2", "1", "Quyết định", 10, 12),
    "BC": ("2", "11", "Báo cáo", 6, 8),
    "KH": ("2", "8", "Kế hoạch", 6, 6),
    "TTr": ("2", "13", "Tờ trình", 2, 3),
    "TB": ("2", "6", "Thông báo", 7, 4),
    "GM": ("2", "26", "Giấy mời", 7, 4),
    "HD": ("2", "5", "Hướng dẫn", 2, 1),
    "CT": ("1", "3", "Chỉ thị", 1, 0),
    "K": ("2", "99", "Văn bản khác", 1, 0),
}
URGENCY = {"thuong": ("0", 86), "khan": ("1", 10), "thuong_khan": ("2", 3), "hoa_toc": ("3", 1)}
SUBJECTS = (
    "V/v triển khai nhiệm vụ năm học {sy}",
    "V/v tổ chức kỳ thi chọn học sinh giỏi cấp tỉnh năm học {sy}",
    "V/v báo cáo số liệu thống kê giáo dục đầu năm học {sy}",
    "V/v hướng dẫn thực hiện chương trình giáo dục phổ thông",
    "V/v tăng cường công tác phòng, chống dịch bệnh trong trường học",
    "V/v tổ chức Kỳ thi trung học phổ thông quốc gia năm {y}",
    "V/v góp ý dự thảo văn bản quy phạm pháp luật",
    "V/v cử cán bộ tham dự tập huấn ứng dụng công nghệ thông tin",
    "V/v thực hiện chế độ chính sách đối với giáo viên",
    "V/v kiểm tra công tác tuyển sinh vào lớp 10 năm học {sy}",
    "V/v đánh giá, xếp loại chuẩn hiệu trưởng năm học {sy}",
    "V/v cập nhật dữ liệu lên Cơ sở dữ liệu ngành giáo dục",
    "V/v gửi, nhận văn bản điện tử có ký số trên trục liên thông",
    "V/v thực hiện dự toán ngân sách năm {y}",
    "V/v tổ chức các hoạt động chào mừng ngày Nhà giáo Việt Nam 20/11",
    "V/v công tác an toàn giao thông cho học sinh",
)
SIGNERS = (
    "Nguyễn Văn Hùng",
    "Trần Thị Thu Hà",
    "Lê Quang Minh",
    "Phạm Đức Thắng",
    "Võ Thị Kim Oanh",
    "Huỳnh Tấn Lộc",
    "Đặng Ngọc Sơn",
    "Bùi Thị Hồng Nhung",
)
OWN_SIGNERS = (
    ("Giám đốc", "GIÁM ĐỐC"),
    ("Phó Giám đốc", "KT. GIÁM ĐỐC"),
    ("Phó Giám đốc", "KT. GIÁM ĐỐC"),
    ("Chánh Văn phòng", "TL. GIÁM ĐỐC"),
)
