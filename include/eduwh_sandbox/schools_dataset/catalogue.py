"""The province the schools are drawn from: the data set's school year, the 14 districts
of 2019 and their communes, school levels, names of people, minorities, subjects and
qualifications."""

from __future__ import annotations

SCHOOL_YEAR = "2019-2020"
DEFAULT_META = {
    "name": "quang-ngai-2019",
    "agency": {"code": "000.23.34.H48", "name": "Sở Giáo dục và Đào tạo Quảng Ngãi"},
    "department_code": "000.23.34.H48",
    "year": 2019,
    "as_of": "2019-12-06",
    "school_year": SCHOOL_YEAR,
}
FIXED_ZIP_TIME = (2019, 12, 1, 0, 0, 0)
TZ = "+07:00"

# (code, name, mountain) — the 14 district-level units of 2019
DISTRICTS = [
    ("01", "Thành phố Quảng Ngãi", False),
    ("02", "Huyện Bình Sơn", False),
    ("03", "Huyện Sơn Tịnh", False),
    ("04", "Huyện Tư Nghĩa", False),
    ("05", "Huyện Nghĩa Hành", False),
    ("06", "Huyện Mộ Đức", False),
    ("07", "Huyện Đức Phổ", False),
    ("08", "Huyện Ba Tơ", True),
    ("09", "Huyện Minh Long", True),
    ("10", "Huyện Sơn Hà", True),
    ("11", "Huyện Sơn Tây", True),
    ("12", "Huyện Trà Bồng", True),
    ("13", "Huyện Tây Trà", True),
    ("14", "Huyện Lý Sơn", False),
]
DISTRICT_WEIGHTS = [14, 11, 7, 9, 6, 8, 9, 5, 3, 6, 3, 4, 3, 2]
COMMUNE_WORDS = ["Nghĩa", "Tịnh", "Bình", "Đức", "Phổ", "Hành", "Sơn", "Ba", "Trà", "Long"]
COMMUNE_TAILS = [
    "An",
    "Hòa",
    "Thuận",
    "Phong",
    "Hiệp",
    "Minh",
    "Thạnh",
    "Lâm",
    "Châu",
    "Kỳ",
    "Trung",
    "Thắng",
    "Phú",
    "Hưng",
    "Lợi",
    "Tân",
    "Xuân",
    "Vinh",
    "Mỹ",
    "Khánh",
]

# level: (schools at full scale, mean pupils per school, grades, managed by the district office)
LEVELS = {
    "Mầm non": (210, 230, ["Nhà trẻ", "3 tuổi", "4 tuổi", "5 tuổi"], True),
    "Tiểu học": (215, 450, ["1", "2", "3", "4", "5"], True),
    "THCS": (150, 380, ["6", "7", "8", "9"], True),
    "TH&THCS": (45, 280, ["1", "2", "3", "4", "5", "6", "7", "8", "9"], True),
    "THPT": (38, 800, ["10", "11", "12"], False),
    "THCS&THPT": (4, 500, ["6", "7", "8", "9", "10", "11", "12"], False),
    "GDTX": (14, 120, ["10", "11", "12"], False),
}
LEVEL_PREFIX = {
    "Mầm non": "Trường Mầm non",
    "Tiểu học": "Trường Tiểu học",
    "THCS": "Trường THCS",
    "TH&THCS": "Trường TH&THCS",
    "THPT": "Trường THPT",
    "THCS&THPT": "Trường THCS&THPT",
    "GDTX": "Trung tâm GDNN-GDTX",
}
PRESCHOOL_CLASS = {"Nhà trẻ": "Nhà trẻ", "3 tuổi": "Mầm", "4 tuổi": "Chồi", "5 tuổi": "Lá"}

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Hoàng",
    "Võ",
    "Phan",
    "Trương",
    "Bùi",
    "Đặng",
    "Đỗ",
    "Ngô",
    "Hồ",
    "Dương",
    "Đinh",
    "Lương",
    "Đoàn",
    "Châu",
    "Tạ",
]
FAMILY_MINORITY = ["Đinh", "Phạm", "Hồ", "Đinh Thị", "Hà", "Cao", "Trương"]
MIDDLE_M = ["Văn", "Minh", "Quốc", "Đức", "Hữu", "Công", "Thanh", "Ngọc", "Gia", "Tấn"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Mỹ", "Kim", "Bảo", "Khánh", "Như", "Diệu"]
GIVEN_M = [
    "An",
    "Bảo",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Huy",
    "Hùng",
    "Khang",
    "Khoa",
    "Kiên",
    "Long",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phát",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tài",
    "Thắng",
    "Thịnh",
    "Tiến",
    "Trung",
    "Tuấn",
    "Vinh",
    "Vũ",
]
GIVEN_F = [
    "Anh",
    "Chi",
    "Diệp",
    "Giang",
    "Hà",
    "Hằng",
    "Hạnh",
    "Hiền",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Ly",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Nhi",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Tâm",
    "Thảo",
    "Thu",
    "Trang",
    "Trâm",
    "Uyên",
    "Vy",
    "Yến",
]
MINORITIES = ["Hrê", "Hrê", "Hrê", "Cor", "Ca Dong", "Xơ Đăng"]
DISABILITIES = [
    "Khuyết tật vận động",
    "Khuyết tật nghe, nói",
    "Khuyết tật nhìn",
    "Khuyết tật trí tuệ",
    "Khuyết tật khác",
]
SUBJECTS = [
    "Toán",
    "Ngữ văn",
    "Tiếng Anh",
    "Vật lý",
    "Hóa học",
    "Sinh học",
    "Lịch sử",
    "Địa lý",
    "GDCD",
    "Tin học",
    "Thể dục",
    "Âm nhạc",
    "Mỹ thuật",
    "Công nghệ",
]
IT_LEVELS = [
    "Chuẩn kỹ năng sử dụng CNTT cơ bản",
    "Chứng chỉ A",
    "Chứng chỉ B",
    "Trung cấp",
    "Cao đẳng",
    "Đại học",
    "",
]
QUALIFICATIONS = ["Trung cấp", "Cao đẳng", "Đại học", "Đại học", "Đại học", "Thạc sĩ"]
