"""Who files the dossiers and what they ask for: applicants' names and identity numbers,
the one-stop staff, the dossiers' summaries."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from eduwh_sandbox.motcua_dataset.catalogue import Procedure

SURNAMES = (
    "Nguyễn",
    "Nguyễn",
    "Nguyễn",
    "Trần",
    "Trần",
    "Lê",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Võ",
    "Phan",
    "Hoàng",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Ngô",
    "Dương",
    "Trương",
    "Đinh",
    "Lưu",
)
MIDDLE_M = ("Văn", "Minh", "Quốc", "Hữu", "Đức", "Thanh", "Công", "Xuân", "Anh", "Tấn")
MIDDLE_F = ("Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hoài", "Mỹ", "Phương", "Bảo")
GIVEN_M = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Thắng",
    "Trí",
    "Tuấn",
    "Vinh",
    "Việt",
    "Lộc",
)
GIVEN_F = (
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Linh",
    "Mai",
    "Nga",
    "Ngọc",
    "Nhung",
    "Phương",
    "Quỳnh",
    "Tâm",
    "Thảo",
    "Trang",
    "Uyên",
    "Vy",
    "Yến",
    "Diễm",
    "Oanh",
    "Thủy",
)
STAFF = (
    "Nguyễn Thị Thu Hà",
    "Trần Văn Lực",
    "Lê Thị Kim Oanh",
    "Phạm Quốc Bảo",
    "Võ Thị Mỹ Duyên",
    "Huỳnh Tấn Phát",
    "Đặng Thị Hồng Nhung",
)


@dataclass
class Applicant:
    name: str  # NFC
    ident: str  # 12 digits (fake)


def random_applicant(rng: random.Random) -> Applicant:
    female = rng.random() < 0.55
    name = " ".join(
        (
            rng.choice(SURNAMES),
            rng.choice(MIDDLE_F if female else MIDDLE_M),
            rng.choice(GIVEN_F if female else GIVEN_M),
        )
    )
    born = rng.randint(1965, 2003)
    century = (0 if born < 2000 else 2) + (1 if female else 0)
    ident = f"051{century}{born % 100:02d}{rng.randint(0, 999999):06d}"
    return Applicant(unicodedata.normalize("NFC", name), ident)


SUMMARIES = {
    "G04": (
        "bằng tốt nghiệp THPT năm {y}",
        "chứng chỉ tin học ứng dụng cơ bản",
        "bằng tốt nghiệp bổ túc THPT năm {y}",
    ),
    "G01": ("năm học 2019-2020", "học sinh lớp {g}", "năm học 2018-2019"),
}


def dossier_summary(p: Procedure, rng: random.Random) -> str:
    options = SUMMARIES.get(p.field)
    if not options:
        return p.name
    tail = rng.choice(options).format(y=rng.randint(1995, 2019), g=rng.choice((10, 11, 12)))
    return f"{p.name} - {tail}"
