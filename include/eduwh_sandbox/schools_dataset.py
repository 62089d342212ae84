"""The school data of the built-in Quảng Ngãi data set: csdl.moet exports, SMAS and vnEdu
deliveries, school year 2019-2020 (contracts/csdl_moet.md, contracts/sis_exports.md).

``generate_schools(out_dir, meta, seed=2019, scale=1.0)`` writes, in the layout of
contracts/sandbox_dataset.md::

    csdl_moet/manifest.jsonl      one line per version of an export file
    csdl_moet/files/*.xlsx        the versions' bytes
    sis/smas/*.csv                SMAS deliveries
    sis/vnedu/*.xlsx              vnEdu deliveries
    expected.json                 its "schools" section (and the quarantine of the school
                                  files, and a reconciliation summary) merged in

Orders of magnitude (approximate, rounded; from the Quảng Ngãi statistical yearbook
2019 — Niên giám thống kê tỉnh Quảng Ngãi — and MOET's school-year statistics for
2019-2020): about 680 schools of all levels (about 210 pre-schools, 215 primary, 150
lower secondary, 45 primary + lower secondary, 38 upper secondary, a few lower + upper
secondary, 14 continuing-education centres) and about 250,000 pupils, about 15,000
teachers and staff, in 14 districts. ``scale`` shrinks the number of schools (tests build
a province of about 20 schools in a few seconds); the built-in data set uses 1.0.

What real exports do, and this data set does on purpose:

- 1-4 title rows before the header; a ``Tổng cộng`` row after the data (sometimes after
  a blank row); blank spacer rows at the end;
- two template versions: ``2018`` (the contract's column order) and ``2019`` (an ``STT``
  column first, columns moved, extra unknown columns);
- header text in NFD in some files, in capitals with extra spaces in others;
- dates as text ``dd/mm/yyyy`` in most files, as real Excel date cells in some;
- versions: the province's school list and some schools' student lists are exported
  again later (a status changed, a pupil added); a few files change after the as-of
  date (invisible at the default clock);
- SMAS files in UTF-8 with BOM, or in Windows-1258 (older servers); a corrected
  re-delivery with a later stamp for some (school, term); students present on one side
  only; schools that declare one vendor and deliver from the other, from both, or
  deliver nothing;
- bad files for the quarantine, each with the reason a reader must give:
  ``wrong_encoding`` (a SMAS file in UTF-16), ``no_header_row`` (a vnEdu file without
  its header), ``missing_column:MaHocSinh`` (SMAS), ``corrupt_xlsx`` (a truncated vnEdu
  file and a truncated csdl.moet class list), ``missing_column:Mã cán bộ`` (a csdl.moet
  staff list). Bad SIS files carry the latest stamp of their (school, term): a loader
  that let them win would lose the earlier good delivery.

Names, birth dates, identity numbers and e-mails are fake but realistic. Planted unique
values (``result["planted"]``) let tests scan the warehouse for personal data.

The figures are counted afterwards by ``expected_schools`` from the records as written
(latest version at the clock of each file, bad files left out), an independent reading
of the definitions:

- ``schools``: rows of the province's school list; ``classes``: rows of the class lists
  of the school year; ``students``: pupils with ``Trạng thái HS`` = ``Đang học``;
  ``teachers``: staff with ``Vị trí việc làm`` = ``Giáo viên`` and ``Trạng thái CB`` =
  ``Đang làm việc``;
- ``schools_on_smas`` / ``schools_on_vnedu``: schools with at least one readable
  delivery of that vendor in the school year (what is delivered, not what is declared);
- ``students_matched_pct``: of the distinct pupils (``MaHocSinh``) of a school in the
  latest delivery of each (vendor, school, term), both terms, the share whose code is a
  pupil of the same school in csdl.moet (any status), one decimal.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import random
import time as clock_time
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from eduwh_sandbox import dataset as ds

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


# ------------------------------------------------------------------ the province, in memory
@dataclass
class Student:
    code: str
    class_code: str
    class_name: str
    name: str
    birth: date
    gender: str
    status: str
    status_date: date
    ethnicity: str
    disability: str
    identity: str


@dataclass
class Staff:
    code: str
    name: str
    birth: date
    gender: str
    email: str
    status: str
    position: str
    role: str
    subject: str
    qualification: str
    it_level: str


@dataclass
class School:
    code: str
    name: str
    level: str
    ownership: str
    office: str
    district: str
    commune: str
    declared: str  # SMAS | vnEdu | Khác | ""
    mountain: bool
    classes: list[tuple[str, str, str]] = field(default_factory=list)  # (code, name, grade)
    students: list[Student] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)
    delivers: tuple[str, ...] = ()  # vendors that deliver: "smas", "vnedu"
    template: str = "2018"
    cp1258: bool = False


@dataclass
class FileVersion:
    """One written file (csdl.moet version or SIS delivery), as records for the count."""

    source: str  # csdl_moet | smas | vnedu
    name: str  # API file name, or the delivery's file name
    path: str  # relative to the source folder
    kind: str  # truong | lop | hoc_sinh | giao_vien | delivery
    school: str | None
    changed: datetime
    records: list[dict[str, str]]  # keyed by the contract's column names
    bad: str | None = None  # the reason a reader must give
    term: int | None = None


def _weighted(rng: random.Random, items: list, weights: list):
    return rng.choices(items, weights)[0]


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.identities: set[str] = set()
        self.emails: set[str] = set()

    def person(self, gender: str, minority: bool) -> str:
        rng = self.rng
        family = rng.choice(FAMILY_MINORITY if minority and rng.random() < 0.8 else FAMILY)
        if gender == "Nữ":
            middle, given = rng.choice(MIDDLE_F), rng.choice(GIVEN_F)
        else:
            middle, given = rng.choice(MIDDLE_M), rng.choice(GIVEN_M)
        if family.endswith(" Thị"):
            return f"{family} {given}" if gender == "Nữ" else f"{family[:-4]} {middle} {given}"
        return f"{family} {middle} {given}"

    def identity(self, birth: date, gender: str) -> str:
        century = 0 if birth.year < 2000 else 2
        digit = century + (1 if gender == "Nữ" else 0)
        while True:  # 051 = Quảng Ngãi; the range 999000-999999 is kept for planted values
            value = f"051{digit}{birth.year % 100:02d}{self.rng.randrange(0, 999000):06d}"
            if value not in self.identities:
                self.identities.add(value)
                return value

    def email(self, name: str, school_code: str) -> str:
        ascii_name = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
        ascii_name = "".join(c for c in ascii_name if not unicodedata.combining(c)).lower()
        parts = ascii_name.split()
        base = parts[-1] + "".join(p[0] for p in parts[:-1])
        candidate = f"{base}.{school_code[-4:]}@quangngai.edu.vn"
        n = 1
        while candidate in self.emails:
            n += 1
            candidate = f"{base}{n}.{school_code[-4:]}@quangngai.edu.vn"
        self.emails.add(candidate)
        return candidate


def _birth(rng: random.Random, year: int) -> date:
    return date(year, rng.randint(1, 12), rng.randint(1, 28))  # never 29/02: kept for planting


def _plan_counts(scale: float) -> dict[str, int]:
    return {level: max(1, round(n * scale)) for level, (n, *_rest) in LEVELS.items()}


def build_province(rng: random.Random, scale: float) -> list[School]:
    names = _Names(rng)
    schools: list[School] = []
    per_district: dict[str, int] = defaultdict(int)
    for level, count in _plan_counts(scale).items():
        _, mean, grades, by_office = LEVELS[level]
        for _ in range(count):
            district = _weighted(rng, DISTRICTS, DISTRICT_WEIGHTS)
            dcode, dname, mountain = district
            per_district[dcode] += 1
            code = f"54{dcode}{per_district[dcode]:04d}"
            commune_name = f"{rng.choice(COMMUNE_WORDS)} {rng.choice(COMMUNE_TAILS)}"
            commune = ("Phường " if dcode == "01" and rng.random() < 0.5 else "Xã ") + commune_name
            ownership = "Công lập"
            if level == "Mầm non" and rng.random() < 0.12:
                ownership = rng.choice(["Tư thục", "Dân lập"])
            elif level in ("Tiểu học", "THPT") and rng.random() < 0.03:
                ownership = "Tư thục"
            if level == "Mầm non":
                declared = _weighted(rng, ["Khác", "", "SMAS", "vnEdu"], [50, 35, 8, 7])
            elif level == "GDTX":
                declared = _weighted(rng, ["vnEdu", "SMAS", ""], [50, 30, 20])
            else:
                declared = _weighted(rng, ["SMAS", "vnEdu", "Khác", ""], [55, 40, 3, 2])
            short = dname.split(" ", 1)[1] if dname.startswith("Huyện") else "TP Quảng Ngãi"
            school = School(
                code=code,
                name=f"{LEVEL_PREFIX[level]} {commune_name}"
                + (f" số {per_district[dcode]}" if rng.random() < 0.15 else ""),
                level=level,
                ownership=ownership,
                office=f"Phòng GD&ĐT {short}" if by_office else "",
                district=dname,
                commune=commune,
                declared=declared,
                mountain=mountain,
                template="2019" if rng.random() < 0.55 else "2018",
            )
            size = max(40, int(rng.gauss(mean, mean * 0.3)))
            _fill_school(rng, names, school, grades, size)
            schools.append(school)
    return schools


def _fill_school(
    rng: random.Random, names: _Names, school: School, grades: list[str], size: int
) -> None:
    per_grade = max(1, size // len(grades))
    class_size = 25 if school.level == "Mầm non" else rng.choice([30, 33, 35, 38])
    n_class = n_student = 0
    for grade in grades:
        n_classes = max(1, round(per_grade / class_size))
        for k in range(n_classes):
            n_class += 1
            class_code = f"{school.code}{n_class:03d}"
            if school.level == "Mầm non":
                class_name = f"{PRESCHOOL_CLASS[grade]} {k + 1}"
                birth_year = 2019 - {"Nhà trẻ": 2, "3 tuổi": 3, "4 tuổi": 4, "5 tuổi": 5}[grade]
            else:
                class_name = f"{grade}{'ABCDEFGHIK'[k % 10]}" + (str(k // 10) if k >= 10 else "")
                birth_year = 2019 - 5 - int(grade)
            school.classes.append((class_code, class_name, grade))
            for _ in range(max(5, int(rng.gauss(class_size, 3)))):
                n_student += 1
                gender = "Nữ" if rng.random() < 0.49 else "Nam"
                minority = school.mountain and rng.random() < 0.75 or rng.random() < 0.01
                ethnicity = rng.choice(MINORITIES) if minority else "Kinh"
                r = rng.random()
                status = (
                    "Đang học"
                    if r < 0.965
                    else "Chuyển trường"
                    if r < 0.98
                    else "Thôi học"
                    if r < 0.993
                    else "Bảo lưu"
                )
                status_date = (
                    date(2019, 9, 5)
                    if status == "Đang học"
                    else date(2019, rng.randint(9, 11), rng.randint(1, 28))
                )
                birth = _birth(rng, birth_year if rng.random() < 0.9 else birth_year - 1)
                school.students.append(
                    Student(
                        code=f"{school.code}{n_student:05d}",
                        class_code=class_code,
                        class_name=class_name,
                        name=names.person(gender, minority),
                        birth=birth,
                        gender=gender,
                        status=status,
                        status_date=status_date,
                        ethnicity=ethnicity,
                        disability=rng.choice(DISABILITIES) if rng.random() < 0.007 else "",
                        identity=names.identity(birth, gender) if rng.random() < 0.88 else "",
                    )
                )
    n_staff = max(4, round(len(school.students) / rng.uniform(13, 18)))
    for i in range(1, n_staff + 1):
        gender = "Nữ" if rng.random() < (0.9 if school.level == "Mầm non" else 0.68) else "Nam"
        name = names.person(gender, school.mountain and rng.random() < 0.2)
        if i <= 2 or (i == 3 and n_staff > 40):
            position, role = "Cán bộ quản lý", "Hiệu trưởng" if i == 1 else "Phó hiệu trưởng"
        elif rng.random() < 0.84:
            position, role = "Giáo viên", rng.choice(["Giáo viên", "Giáo viên", "Tổ trưởng"])
        else:
            position, role = (
                "Nhân viên",
                rng.choice(["Kế toán", "Văn thư", "Thư viện", "Y tế", "Bảo vệ"]),
            )
        r = rng.random()
        status = "Đang làm việc" if r < 0.96 else "Nghỉ hưu" if r < 0.98 else "Chuyển công tác"
        birth = _birth(rng, rng.randint(1962, 1997))
        school.staff.append(
            Staff(
                code=f"CB{school.code}{i:03d}",
                name=name,
                birth=birth,
                gender=gender,
                email=names.email(name, school.code) if rng.random() < 0.93 else "",
                status=status,
                position=position,
                role=role,
                subject=(
                    rng.choice(SUBJECTS)
                    if position == "Giáo viên" and school.level not in ("Mầm non", "Tiểu học")
                    else ""
                ),
                qualification=rng.choice(QUALIFICATIONS),
                it_level=rng.choice(IT_LEVELS),
            )
        )


# ------------------------------------------------------------------ planted personal data
def plant(schools: list[School], rng: random.Random) -> dict[str, list[str]]:
    """Unique values no other record has, on pupils and staff of schools that deliver."""
    planted: dict[str, list[str]] = {
        "names": [],
        "identity_numbers": [],
        "birth_dates": [],
        "emails": [],
        "student_codes": [],
    }
    targets = [s for s in schools if s.delivers] or schools
    for i, school in enumerate(targets[:4]):
        student = next(s for s in school.students if s.status == "Đang học")
        student.name = [
            "Nguyễn Thị Hồng Nhung Mẫu",
            "Trương Văn Quốc Bảo Mẫu",
            "Đinh Thị Ánh Tuyết Mẫu",
            "Lê Hoàng Khắc Việt Mẫu",
        ][i]
        student.birth = date(2008, 2, 29) if i % 2 == 0 else date(2012, 2, 29)
        student.identity = f"0513{student.birth.year % 100:02d}999{i:03d}"
        staff = school.staff[-1]
        staff.name = [
            "Phan Thị Diễm Kiều Mẫu",
            "Võ Đình Trọng Nghĩa Mẫu",
            "Huỳnh Thị Mỹ Dung Mẫu",
            "Đặng Quang Vĩnh Phúc Mẫu",
        ][i]
        staff.birth = date(1976 + 4 * i, 2, 29)
        staff.email = f"mau.kiemtra{i + 1:02d}@quangngai.edu.vn"
        planted["names"] += [student.name, staff.name]
        planted["identity_numbers"].append(student.identity)
        planted["birth_dates"] += [
            student.birth.strftime("%d/%m/%Y"),
            staff.birth.strftime("%d/%m/%Y"),
        ]
        planted["emails"].append(staff.email)
        planted["student_codes"].append(student.code)
    return planted


# ------------------------------------------------------------------ writing files
class _FixedZip(zipfile.ZipFile):
    """A zip whose entries carry a fixed time: the same workbook gives the same bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compresslevel=6)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as handle:
            self.writestr(arcname or Path(filename).name, handle.read())


def xlsx_bytes(rows: list[list[Any]], sheet: str = "Sheet1") -> bytes:
    """A one-sheet workbook (openpyxl write-only), byte-for-byte deterministic."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "csdl.moet.gov.vn"
    workbook.properties.created = workbook.properties.modified = datetime(2019, 12, 1)
    worksheet = workbook.create_sheet(sheet)
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    archive = _FixedZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def to_cp1258(text: str) -> bytes:
    """Vietnamese text in Windows-1258: precomposed where the code page has the letter,
    else the base letter (with its circumflex/breve/horn) plus a combining tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        tone = ""
        for mark in marks:
            candidate = unicodedata.normalize("NFC", base + mark)
            try:
                candidate.encode("cp1258")
                base = candidate
            except UnicodeEncodeError:
                tone += mark
        out += (base + tone).encode("cp1258")
    return bytes(out)


def _header_text(name: str, style: str) -> str:
    if style == "nfd":
        return unicodedata.normalize("NFD", name)
    if style == "upper":
        return f" {name.upper()}  "
    if style == "lower":
        return name.lower()
    return name


def _sheet_rows(
    rng: random.Random,
    title: list[str],
    headers: list[str],
    records: list[dict[str, Any]],
    style: str,
    excel_dates: bool,
    total_label: str,
) -> list[list[Any]]:
    rows: list[list[Any]] = [[t] for t in title]
    rows.append([_header_text(h, style) for h in headers])
    for n, record in enumerate(records, 1):
        row = []
        for h in headers:
            value = n if h == "STT" else record.get(h, "")
            if isinstance(value, date):
                value = (
                    datetime(value.year, value.month, value.day)
                    if excel_dates
                    else value.strftime("%d/%m/%Y")
                )
            row.append(value)
        rows.append(row)
    footer = rng.random()
    if footer < 0.4:
        rows += [[], [f"Tổng cộng: {len(records)} {total_label}"]]
    elif footer < 0.75:
        rows.append(["Tổng cộng", "", f"{len(records)}"])
    else:
        rows += [[], []]
    return rows


def _title(rng: random.Random, school: School | None, what: str, exported: datetime) -> list[str]:
    lines = ["SỞ GIÁO DỤC VÀ ĐÀO TẠO QUẢNG NGÃI"]
    if school:
        lines.append(school.name.upper())
    lines.append(what)
    lines.append(f"Ngày xuất: {exported:%d/%m/%Y %H:%M}")
    return lines[: rng.randint(1, 4)] if rng.random() < 0.9 else lines


def _student_record(s: Student) -> dict[str, Any]:
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


def _staff_record(s: Staff) -> dict[str, Any]:
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


def _as_text(record: dict[str, Any]) -> dict[str, str]:
    return {
        k: (v.strftime("%d/%m/%Y") if isinstance(v, date) else str(v)) for k, v in record.items()
    }


def _write_xlsx_file(target: Path, rows: list[list[Any]], sheet: str, keep: float) -> None:
    data = xlsx_bytes(rows, sheet)
    if keep < 1:
        data = data[: int(len(data) * keep)]
    target.write_bytes(data)


class _Writer:
    """Collects what is written; the xlsx files themselves are written by a small process
    pool at full scale (openpyxl spends ~10 µs per cell: 4-5 M cells on one core take
    about 45 s, on two about half that)."""

    MAX_IN_FLIGHT = 32

    def __init__(
        self, out_dir: Path, rng: random.Random, workers: int = 0, school_year: str = SCHOOL_YEAR
    ):
        self.out = out_dir
        self.rng = rng
        self.school_year = school_year  # of the files written next (a writer may do several)
        self.manifest: list[dict[str, Any]] = []
        self.files: list[FileVersion] = []
        self.versions: dict[str, int] = defaultdict(int)
        self.pool = None
        self.pending: list[Any] = []
        if workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))

    def xlsx(
        self, target: Path, rows: list[list[Any]], sheet: str = "Sheet1", keep: float = 1.0
    ) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.pool is None:
            _write_xlsx_file(target, rows, sheet, keep)
            return
        self.pending.append(self.pool.submit(_write_xlsx_file, target, rows, sheet, keep))
        if len(self.pending) > self.MAX_IN_FLIGHT:
            self.pending.pop(0).result()

    def close(self) -> None:
        for future in self.pending:
            future.result()
        self.pending = []
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    def moet(
        self,
        name: str,
        kind: str,
        school: School | None,
        changed: datetime,
        headers: list[str],
        records: list[dict[str, Any]],
        what: str,
        label: str,
        bad: str | None = None,
    ) -> None:
        rng = self.rng
        self.versions[name] += 1
        version = self.versions[name]
        style = _weighted(rng, ["nfc", "nfd", "upper", "lower"], [70, 15, 10, 5])
        excel_dates = rng.random() < 0.2
        if bad and bad.startswith("missing_column:"):
            headers = [h for h in headers if h != bad.split(":", 1)[1]]
        rows = _sheet_rows(
            rng,
            _title(rng, school, what, changed - timedelta(minutes=5)),
            headers,
            records,
            style,
            excel_dates,
            label,
        )
        stem, ext = name.rsplit(".", 1)
        path = f"files/{stem}.v{version}.{ext}"
        self.xlsx(self.out / "csdl_moet" / path, rows, keep=0.5 if bad == "corrupt_xlsx" else 1)
        self.manifest.append(
            {
                "file": name,
                "path": path,
                "loai": kind,
                "ma_truong": school.code if school else None,
                "nam_hoc": self.school_year,
                "cap_nhat_luc": changed.strftime("%Y-%m-%dT%H:%M:%S") + TZ,
            }
        )
        self.files.append(
            FileVersion(
                "csdl_moet",
                name,
                path,
                kind,
                school.code if school else None,
                changed,
                [_as_text(r) for r in records],
                bad,
            )
        )

    def delivery(
        self,
        vendor: str,
        school: School,
        term: int,
        stamp: datetime,
        records: list[dict[str, str]],
        bad: str | None = None,
    ) -> None:
        name = f"{school.code}_{self.school_year}_HK{term}_{stamp:%Y%m%d%H%M}"
        folder = self.out / "sis" / vendor
        folder.mkdir(parents=True, exist_ok=True)
        headers = list(SMAS if vendor == "smas" else VNEDU)
        if bad and bad.startswith("missing_column:"):
            headers.remove(bad.split(":", 1)[1])
        if vendor == "smas":
            name += ".csv"
            buffer = io.StringIO(newline="")
            writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
            writer.writerow(headers)
            for r in records:
                writer.writerow([r.get(h, "") for h in headers])
            text = buffer.getvalue()
            if bad == "wrong_encoding":
                data = text.encode("utf-16")
            elif school.cp1258:
                data = to_cp1258(text)
            else:
                data = b"\xef\xbb\xbf" + text.encode("utf-8")
        else:
            name += ".xlsx"
            rows: list[list[Any]] = [] if bad == "no_header_row" else [headers]
            rows += [[r.get(h, "") for h in headers] for r in records]
            self.xlsx(folder / name, rows, "DanhSach", keep=0.66 if bad == "corrupt_xlsx" else 1)
            data = None
        if data is not None:
            (folder / name).write_bytes(data)
        self.files.append(
            FileVersion(
                vendor, name, f"{vendor}/{name}", "delivery", school.code, stamp, records, bad, term
            )
        )


def _vendor_record(vendor: str, s: Student, rng: random.Random) -> dict[str, str]:
    score = round(rng.uniform(4.5, 9.6), 1)
    absences = str(min(int(rng.expovariate(0.5)), 30))
    birth = s.birth.strftime("%d/%m/%Y")
    if vendor == "smas":
        academic = (
            "Giỏi"
            if score >= 8
            else "Khá"
            if score >= 6.5
            else "Trung bình"
            if score >= 5
            else "Yếu"
        )
        return {
            "MaHocSinh": s.code,
            "HoTen": s.name,
            "NgaySinh": birth,
            "Lop": s.class_name,
            "DiemTBHK": f"{score:.1f}".replace(".", ","),
            "HocLuc": academic,
            "HanhKiem": _weighted(rng, ["Tốt", "Khá", "Trung bình", "Yếu"], [70, 22, 7, 1]),
            "SoNgayNghi": absences,
            "SLLDT": "Có" if rng.random() < 0.62 else "Không",
        }
    academic = (
        "Tốt" if score >= 8 else "Khá" if score >= 6.5 else "Đạt" if score >= 5 else "Chưa đạt"
    )
    return {
        "MaVnedu": f"VN{int(hashlib.md5(s.code.encode()).hexdigest()[:8], 16):010d}",
        "MaHocSinh": s.code,
        "HoTen": s.name,
        "NgaySinh": birth,
        "Lop": s.class_name,
        "KetQuaHocTap": academic,
        "RenLuyen": _weighted(rng, ["Tốt", "Khá", "Đạt", "Chưa đạt"], [72, 20, 7, 1]),
        "SoBuoiNghi": absences,
        "SoLienLacDienTu": "1" if rng.random() < 0.58 else "0",
    }


def _assign_vendors(schools: list[School], rng: random.Random) -> dict[str, list[str]]:
    """Who delivers what; the special cases go to the first eligible schools so that even a
    small province has each of them."""
    cases: dict[str, list[str]] = defaultdict(list)
    eligible = [s for s in schools if s.level != "Mầm non"]
    for i, school in enumerate(eligible):
        declared = {"SMAS": "smas", "vnEdu": "vnedu"}.get(school.declared)
        if i == 0:
            school.declared = "SMAS"
            school.delivers = ("vnedu",)
            cases["declares_smas_delivers_vnedu"].append(school.code)
        elif i == 1:
            school.declared = "vnEdu"
            school.delivers = ("smas", "vnedu")
            cases["delivers_both"].append(school.code)
        elif i == 2:
            school.declared = "vnEdu"
            school.delivers = ()
            cases["declared_but_no_delivery"].append(school.code)
        elif declared and rng.random() < 0.97:
            school.delivers = (declared,)
        elif declared:
            school.delivers = ()
            cases["declared_but_no_delivery"].append(school.code)
        elif rng.random() < 0.3:
            school.delivers = ("smas",)
            cases["declares_other_delivers_smas"].append(school.code)
        if "smas" in school.delivers:
            school.cp1258 = rng.random() < 0.3 or i == 1
    for school in schools:  # some pre-schools declare a vendor and do deliver
        if school.level == "Mầm non" and school.declared in ("SMAS", "vnEdu"):
            school.delivers = ({"SMAS": "smas", "vnEdu": "vnedu"}[school.declared],)
    return cases


def _write_all(
    out_dir: Path,
    schools: list[School],
    rng: random.Random,
    cases: dict[str, list[str]],
    workers: int,
) -> _Writer:
    w = _Writer(out_dir, rng, workers)
    try:
        _write_files(w, schools, rng, cases)
    finally:
        w.close()
    return w


def _write_files(
    w: _Writer, schools: list[School], rng: random.Random, cases: dict[str, list[str]]
) -> None:
    # the province's school list: v1 in September, v2 in November (a renamed school,
    # a declaration corrected)
    truong_v1 = [_truong_record(s) for s in schools]
    w.moet(
        "DanhSachTruong.xlsx",
        "truong",
        None,
        datetime(2019, 9, 20, 16, 30),
        TRUONG,
        truong_v1,
        "DANH SÁCH TRƯỜNG HỌC NĂM HỌC 2019-2020",
        "trường",
    )
    changed_students: set[str] = set()
    late_schools: set[str] = set()
    for i, school in enumerate(schools):
        first = datetime(2019, 9, 25) + timedelta(
            days=rng.randint(0, 40),
            hours=rng.randint(7, 22),
            minutes=rng.choice([0, 10, 20, 30, 40, 50]),
        )
        hs_name = f"C1-HocSinh_{school.code}.xlsx"
        gv_name = f"CSDL_GiaoVien_{school.code}.xlsx"
        lop_name = f"DanhSachLop_{school.code}.xlsx"
        lop_records = [
            {
                "Mã lớp": c,
                "Tên lớp": n,
                "Khối": g if not g.isdigit() else int(g),
                "Mã trường": school.code,
                "Năm học": SCHOOL_YEAR,
                "Buổi học": "2 buổi/ngày",
            }
            for c, n, g in school.classes
        ]
        w.moet(
            lop_name,
            "lop",
            school,
            first,
            LOP_2019 if school.template == "2019" else LOP_2018,
            lop_records,
            "DANH SÁCH LỚP HỌC",
            "lớp",
            bad="corrupt_xlsx" if i == len(schools) - 1 else None,
        )
        hs_headers = HOC_SINH_2019 if school.template == "2019" else HOC_SINH_2018
        redo = rng.random() < 0.06 or i in (1, 3)
        students = school.students
        if redo:  # v1 before a status change and a late enrolment; v2 is the truth
            late, moved = students[-1], students[len(students) // 2]
            moved.status, moved.status_date = "Đang học", date(2019, 9, 5)
            v1 = [_student_record(s) for s in students if s is not late]
            moved.status, moved.status_date = "Chuyển trường", date(2019, 11, 18)
            w.moet(
                hs_name, "hoc_sinh", school, first, hs_headers, v1, "DANH SÁCH HỌC SINH", "học sinh"
            )
            second = datetime(2019, 11, 20) + timedelta(days=rng.randint(0, 15), hours=20)
            w.moet(
                hs_name,
                "hoc_sinh",
                school,
                second,
                hs_headers,
                [_student_record(s) for s in students],
                "DANH SÁCH HỌC SINH",
                "học sinh",
            )
            changed_students.add(school.code)
        else:
            w.moet(
                hs_name,
                "hoc_sinh",
                school,
                first,
                hs_headers,
                [_student_record(s) for s in students],
                "DANH SÁCH HỌC SINH",
                "học sinh",
            )
        w.moet(
            gv_name,
            "giao_vien",
            school,
            first + timedelta(minutes=7),
            GIAO_VIEN_2019 if school.template == "2019" else GIAO_VIEN_2018,
            [_staff_record(s) for s in school.staff],
            "DANH SÁCH CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN",
            "cán bộ",
            bad="missing_column:Mã cán bộ" if i == len(schools) - 2 else None,
        )
        if i in (0, 2, 4):  # changes after the as-of date: invisible at the default clock
            late_schools.add(school.code)
    truong_v2 = [_truong_record(s) for s in schools]
    truong_v2[0]["Tên trường"] += " (cơ sở chính)"
    w.moet(
        "DanhSachTruong.xlsx",
        "truong",
        None,
        datetime(2019, 11, 28, 9, 15),
        TRUONG,
        truong_v2,
        "DANH SÁCH TRƯỜNG HỌC NĂM HỌC 2019-2020",
        "trường",
    )
    by_code = {s.code: s for s in schools}
    for code in sorted(late_schools):
        school = by_code[code]
        extra = Staff(
            code=f"CB{code}999",
            name="Trần Văn Mới",
            birth=date(1995, 5, 5),
            gender="Nam",
            email="",
            status="Đang làm việc",
            position="Giáo viên",
            role="Giáo viên",
            subject="",
            qualification="Đại học",
            it_level="",
        )
        school_staff = [_staff_record(s) for s in school.staff + [extra]]
        w.moet(
            f"CSDL_GiaoVien_{code}.xlsx",
            "giao_vien",
            school,
            datetime(2019, 12, 10, 21, 0),
            GIAO_VIEN_2019 if school.template == "2019" else GIAO_VIEN_2018,
            school_staff,
            "DANH SÁCH CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN",
            "cán bộ",
        )

    # SIS deliveries of the first term
    redelivered: list[str] = []
    for i, school in enumerate(s for s in schools if s.delivers):
        enrolled = [s for s in school.students if s.status == "Đang học"]
        for vendor in school.delivers:
            # the vendor's own list: a few pupils missing, a few the csdl.moet does not know
            records = [_vendor_record(vendor, s, rng) for s in enrolled if rng.random() > 0.015]
            for k in range(rng.choice([0, 0, 1, 2])):
                ghost = Student(
                    code=f"{school.code}9{k:04d}",
                    class_code="",
                    class_name=enrolled[0].class_name if enrolled else "1A",
                    name=_Names(rng).person("Nam", False),
                    birth=_birth(rng, 2010),
                    gender="Nam",
                    status="Đang học",
                    status_date=date(2019, 9, 5),
                    ethnicity="Kinh",
                    disability="",
                    identity="",
                )
                records.append(_vendor_record(vendor, ghost, rng))
            stamp = datetime(2019, 11, 25, 23, 0) + timedelta(
                days=rng.randint(0, 8), minutes=rng.randint(0, 50)
            )
            if i in (0, 3) or rng.random() < 0.05:  # a first delivery missing a block
                partial = records[: max(1, len(records) * 4 // 5)]
                w.delivery(vendor, school, 1, stamp - timedelta(days=3), partial)
                redelivered.append(f"{vendor}:{school.code}")
            w.delivery(vendor, school, 1, stamp, records)
    # bad deliveries: each the latest stamp of its (vendor, school, term)
    smas = [s for s in schools if "smas" in s.delivers]
    vnedu = [s for s in schools if "vnedu" in s.delivers]
    late = datetime(2019, 12, 5, 23, 40)
    bad_cases = [
        ("smas", smas[0] if smas else None, "wrong_encoding"),
        ("smas", smas[-1] if smas else None, "missing_column:MaHocSinh"),
        ("vnedu", vnedu[0] if vnedu else None, "no_header_row"),
        ("vnedu", vnedu[-1] if vnedu else None, "corrupt_xlsx"),
    ]
    for n, (vendor, school, reason) in enumerate(bad_cases):
        if school is None:
            continue
        enrolled = [s for s in school.students if s.status == "Đang học"][:40]
        w.delivery(
            vendor,
            school,
            1,
            late + timedelta(minutes=n),
            [_vendor_record(vendor, s, rng) for s in enrolled],
            bad=reason,
        )
    cases["redelivered"] = redelivered
    cases["students_changed_v2"] = sorted(changed_students)
    cases["changed_after_as_of"] = sorted(late_schools)


def _truong_record(s: School) -> dict[str, Any]:
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


# ------------------------------------------------------------------ the independent count
def expected_schools(
    files: list[FileVersion], clock: datetime, school_year: str = SCHOOL_YEAR
) -> dict[str, Any]:
    """The schools section of report_figures.md, a reconciliation summary and the files a
    reader must quarantine — counted from the written records (see the module doc)."""
    quarantine: dict[str, dict[str, int]] = {"csdl_moet": {}, "sis": {}}
    latest: dict[str, FileVersion] = {}
    for f in files:
        if f.source != "csdl_moet" or f.changed > clock:
            continue
        if f.name not in latest or f.changed > latest[f.name].changed:
            latest[f.name] = f
    moet = [f for f in latest.values() if f.bad is None]
    for f in latest.values():
        if f.bad:
            quarantine["csdl_moet"][f.bad] = quarantine["csdl_moet"].get(f.bad, 0) + 1
    schools = [r for f in moet if f.kind == "truong" for r in f.records]
    classes = [
        r
        for f in moet
        if f.kind == "lop"
        for r in f.records
        if r.get("Năm học", school_year) == school_year
    ]
    pupils: dict[str, set[str]] = defaultdict(set)  # school -> every pupil code
    enrolled = 0
    for f in moet:
        if f.kind == "hoc_sinh":
            for r in f.records:
                pupils[f.school or ""].add(r["Mã học sinh"])
                enrolled += r["Trạng thái HS"] == "Đang học"
    teachers = sum(
        1
        for f in moet
        if f.kind == "giao_vien"
        for r in f.records
        if r["Vị trí việc làm"] == "Giáo viên" and r["Trạng thái CB"] == "Đang làm việc"
    )

    deliveries: dict[tuple[str, str], dict[int, FileVersion]] = defaultdict(dict)
    for f in files:
        if f.source == "csdl_moet" or f.changed > clock:
            continue
        if f.bad:
            quarantine["sis"][f.bad] = quarantine["sis"].get(f.bad, 0) + 1
            continue
        terms = deliveries[(f.source, f.school or "")]
        if f.term not in terms or f.changed > terms[f.term].changed:
            terms[f.term] = f
    vendor_pupils: dict[str, set[str]] = defaultdict(set)
    on: dict[str, set[str]] = {"smas": set(), "vnedu": set()}
    for (vendor, school), terms in deliveries.items():
        on[vendor].add(school)
        for latest in terms.values():  # both terms count (sis_exports.md)
            vendor_pupils[school] |= {r["MaHocSinh"] for r in latest.records if r["MaHocSinh"]}
    in_vendor = sum(len(v) for v in vendor_pupils.values())
    matched = sum(len(v & pupils.get(school, set())) for school, v in vendor_pupils.items())
    declared = {r["Mã trường"]: r["Phần mềm quản lý trường học"] for r in schools}
    mismatch = 0
    for code, software in declared.items():
        delivered = {v for v in ("smas", "vnedu") if code in on[v]}
        wanted = {"SMAS": {"smas"}, "vnEdu": {"vnedu"}}.get(software, set())
        mismatch += delivered != wanted
    section = {
        "school_year": school_year,
        "schools": len(schools),
        "classes": len(classes),
        "students": enrolled,
        "teachers": teachers,
        "schools_on_smas": len(on["smas"]),
        "schools_on_vnedu": len(on["vnedu"]),
        "students_matched_pct": ds.pct(matched, in_vendor),
    }
    reconciliation = {
        "schools_delivering": len(on["smas"] | on["vnedu"]),
        "schools_on_both": len(on["smas"] & on["vnedu"]),
        "schools_declared_smas": sum(v == "SMAS" for v in declared.values()),
        "schools_declared_vnedu": sum(v == "vnEdu" for v in declared.values()),
        "schools_declared_not_delivered_as_declared": mismatch,
        "students_in_vendor_exports": in_vendor,
        "students_matched": matched,
        "students_only_in_vendor_exports": in_vendor - matched,
    }
    return {"schools": section, "reconciliation": reconciliation, "quarantine": quarantine}


# ------------------------------------------------------------------ entry point
def generate_schools(
    out_dir: Path, meta: dict[str, Any] | None = None, seed: int = 2019, scale: float = 1.0
) -> dict[str, Any]:
    """Write the school sources of the data set into ``out_dir`` (see the module doc) and
    merge the schools figures into ``expected.json``. Returns the figures, the special
    cases (school codes), the planted personal data, file counts and the time taken."""
    started = clock_time.perf_counter()
    out_dir = Path(out_dir)
    meta = dict(meta or DEFAULT_META)
    if not ds.read_dataset_json(out_dir):
        ds.write_dataset_json(out_dir, meta)
    for folder in ("csdl_moet", "sis"):
        target = out_dir / folder
        if target.exists():
            for path in sorted(target.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
    rng = random.Random(f"schools:{seed}:{scale}")
    schools = build_province(rng, scale)
    cases = _assign_vendors(schools, rng)
    planted = plant(schools, rng)
    workers = min(4, os.cpu_count() or 1) if scale >= 0.25 else 0
    writer = _write_all(out_dir, schools, rng, cases, workers)
    ds.write_jsonl(out_dir / "csdl_moet" / "manifest.jsonl", writer.manifest)
    (out_dir / "sis" / "smas").mkdir(parents=True, exist_ok=True)
    (out_dir / "sis" / "vnedu").mkdir(parents=True, exist_ok=True)

    clock = ds.default_clock(meta) or datetime(2019, 12, 6, 23, 59, 59)
    figures = expected_schools(writer.files, clock, meta.get("school_year", SCHOOL_YEAR))
    expected_path = out_dir / ds.EXPECTED_FILE
    if expected_path.exists():
        import json

        expected = json.loads(expected_path.read_text(encoding="utf-8"))
    else:
        expected = ds.empty_expected(meta)
    expected["schools"] = figures["schools"]
    expected["schools_reconciliation"] = figures["reconciliation"]
    expected.setdefault("quarantine", {})
    expected["quarantine"]["csdl_moet"] = figures["quarantine"]["csdl_moet"]
    expected["quarantine"]["sis"] = figures["quarantine"]["sis"]
    ds.write_json(expected_path, expected)
    return {
        **figures,
        "cases": dict(cases),
        "planted": planted,
        "files": {
            "csdl_moet_versions": len(writer.manifest),
            "smas": sum(f.source == "smas" for f in writer.files),
            "vnedu": sum(f.source == "vnedu" for f in writer.files),
        },
        "staff": sum(len(s.staff) for s in schools),
        "pupils_all_statuses": sum(len(s.students) for s in schools),
        "seconds": round(clock_time.perf_counter() - started, 1),
    }
