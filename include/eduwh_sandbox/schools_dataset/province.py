"""The province in memory: schools, pupils and staff (``build_province``), and the planted
personal data a test looks for."""

from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from eduwh_sandbox.schools_dataset.catalogue import (
    COMMUNE_TAILS,
    COMMUNE_WORDS,
    DISABILITIES,
    DISTRICT_WEIGHTS,
    DISTRICTS,
    FAMILY,
    FAMILY_MINORITY,
    GIVEN_F,
    GIVEN_M,
    IT_LEVELS,
    LEVEL_PREFIX,
    LEVELS,
    MIDDLE_F,
    MIDDLE_M,
    MINORITIES,
    PRESCHOOL_CLASS,
    QUALIFICATIONS,
    SUBJECTS,
)


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


def weighted_choice(rng: random.Random, items: list, weights: list):
    return rng.choices(items, weights)[0]


class PersonNames:
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


def birth_date(rng: random.Random, year: int) -> date:
    return date(year, rng.randint(1, 12), rng.randint(1, 28))  # never 29/02: kept for planting


def _plan_counts(scale: float) -> dict[str, int]:
    return {level: max(1, round(n * scale)) for level, (n, *_rest) in LEVELS.items()}


def build_province(rng: random.Random, scale: float) -> list[School]:
    names = PersonNames(rng)
    schools: list[School] = []
    per_district: dict[str, int] = defaultdict(int)
    for level, count in _plan_counts(scale).items():
        _, mean, grades, by_office = LEVELS[level]
        for _ in range(count):
            district = weighted_choice(rng, DISTRICTS, DISTRICT_WEIGHTS)
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
                declared = weighted_choice(rng, ["Khác", "", "SMAS", "vnEdu"], [50, 35, 8, 7])
            elif level == "GDTX":
                declared = weighted_choice(rng, ["vnEdu", "SMAS", ""], [50, 30, 20])
            else:
                declared = weighted_choice(rng, ["SMAS", "vnEdu", "Khác", ""], [55, 40, 3, 2])
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
    rng: random.Random, names: PersonNames, school: School, grades: list[str], size: int
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
                birth = birth_date(rng, birth_year if rng.random() < 0.9 else birth_year - 1)
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
        birth = birth_date(rng, rng.randint(1962, 1997))
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
