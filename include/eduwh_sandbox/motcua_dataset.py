"""The built-in Quảng Ngãi 2019 data set of the one-stop portal (motcua).

``generate(out_dir, seed)`` writes, in the layout of contracts/sandbox_dataset.md::

    dataset.json
    motcua/thutuc.jsonl     every version of every procedure (41 as of 2019-12-06)
    motcua/hoso.jsonl       every version of every dossier (1 -> 2 -> 4 -> 9 -> 10 ...)
    expected.json           report_figures.md shape + "quarantine" block

The figures of the seed report (000_192d14e16932da76.txt, as of 2019-12-06) are built
in by construction and then *re-counted* from the written records by
``count_figures`` (an independent reading of the definitions of contracts/motcua.md);
generation fails loudly when the two disagree.

What a client must cope with (all deliberate):

- every dossier is stored once per version; some versions only re-save the same state
  with a later ``NgayCapNhat``;
- "not reached yet" is ``""`` in most dossiers and ``null`` in some;
- about 5 % of the dossiers carry every timestamp (``NgayCapNhat`` and the
  ``QuaTrinhXuLy`` steps included) as ``dd/MM/yyyy HH:mm:ss``;
- ``ChuHoSo`` is NFC in most versions and NFD in some versions of the same dossier,
  and some applicants file several dossiers (same name and identity number);
- invalid rows, each a separate single-version dossier that no figure counts:
  missing ``MaHoSo`` (key absent, ``""`` or ``null``), ``NgayHenTra`` days before
  ``NgayTiepNhan``, unknown ``MaTTHC``, unparsable date in ``NgayNopHoSo`` /
  ``NgayTiepNhan`` / ``NgayHenTra`` / ``NgayKetThucXuLy`` (``NgayCapNhat`` is always
  valid, so the server can place every row in time);
- traps for the figures: dossiers received in late 2018 (finished in 2018 or carried
  over), refused dossiers (status 3, two of them with ``NgayTiepNhan`` set), online
  submissions in the period received only after the as-of date, dossiers received
  after the as-of date (one by BCCI on a procedure that has no BCCI dossier in the
  period), and dossiers in progress at the as-of date that are resolved later in
  December, some of them returned by BCCI (``HinhThuc`` = 1);
- the catalogue has history: a procedure renamed in March, one raised from level 2 to
  level 3 in July, one opened for BCCI in October, one renamed after the as-of date.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.dataset import add_working_days, is_working_day

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

TS_FORMAT = "%Y%m%d%H%M%S"
LEGACY_FORMAT = "%d/%m/%Y %H:%M:%S"
TIMESTAMP_FIELDS = (
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "NgayCapNhat",
)
STATUS_GROUP = {
    "1": "not_received",
    "2": "in_progress",
    "3": "not_received",
    "4": "in_progress",
    "5": "in_progress",
    "6": "in_progress",
    "7": "withdrawn",
    "8": "stopped",
    "9": "resolved",
    "10": "resolved",
}

# The seed report's figures (000_192d14e16932da76.txt, lines 23-29, 75-77, 185-190):
# 41 procedures, 3 at level 3, 15 with BCCI dossiers; 655 received, 599 resolved
# (595 early or on time, 4 late), 55 in progress (within due), 1 withdrawn,
# 421 received through BCCI, none returned through BCCI.
TARGETS = {
    "procedures": {
        "total": 41,
        "online_level_3": 3,
        "online_level_4": 0,
        "with_bcci_dossiers": 15,
    },
    "dossiers": {
        "received": 655,
        "resolved": 599,
        "resolved_early_or_on_time": 595,
        "resolved_late": 4,
        "in_progress": 55,
        "in_progress_within_due": 55,
        "in_progress_overdue": 0,
        "withdrawn": 1,
        "stopped": 0,
        "received_bcci": 421,
        "returned_via_bcci": 0,
        "pct_received_bcci": 64.3,
    },
}


# --------------------------------------------------------------------------- time


def parse_ts(value: Any) -> datetime | None:
    """A contract timestamp: ``yyyyMMddHHmmss`` or ``dd/MM/yyyy HH:mm:ss``.

    ``None`` for "not reached yet" (empty or null); ``ValueError`` when unparsable.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    s = value.strip()
    if len(s) == 14 and s.isdigit():
        return datetime.strptime(s, TS_FORMAT)
    return datetime.strptime(s, LEGACY_FORMAT)


def parse_clock(value: str | datetime | None) -> datetime | None:
    """``2019-12-06T23:59:59`` (ISO) or ``yyyyMMddHHmmss``; None stays None."""
    if value is None or isinstance(value, datetime):
        return value
    s = value.strip()
    if len(s) == 14 and s.isdigit():
        return datetime.strptime(s, TS_FORMAT)
    if len(s) == 10:
        return datetime.combine(date.fromisoformat(s), time(23, 59, 59))
    return datetime.fromisoformat(s).replace(tzinfo=None)


def working_days_between(start: date, end: date) -> list[date]:
    out, d = [], start
    while d <= end:
        if is_working_day(d):
            out.append(d)
        d += timedelta(days=1)
    return out


# ---------------------------------------------------------------------- catalogue

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


def _catalogue_versions() -> list[dict[str, Any]]:
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


def _procedure_state(code: str, when: datetime) -> dict[str, Any]:
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


# ---------------------------------------------------------------------- applicants

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


def _applicant(rng: random.Random) -> Applicant:
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


# ------------------------------------------------------------------------ dossiers


@dataclass
class Event:
    at: datetime
    status: str | None  # None: a re-save of the same state
    changes: dict[str, datetime] = field(default_factory=dict)
    note: str = ""


@dataclass
class Plan:
    proc: Procedure
    kind: str  # category, for the record only
    receipt: datetime | None
    due: datetime | None
    events: list[Event] = field(default_factory=list)
    channel: str = "1"
    return_by_bcci: bool = False
    applicant: Applicant | None = None
    legacy: bool = False
    null_empty: bool = False
    nfd_versions: set[int] = field(default_factory=set)
    steps: bool = False
    code: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)  # invalid rows
    drop_key: bool = False
    only_last: bool = False


class _Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.plans: list[Plan] = []

    # -- time helpers
    def at(self, d: date, after: datetime | None = None) -> datetime:
        """A working-hours time on ``d``, later than ``after``."""
        rng = self.rng
        if after is not None and after.date() >= d:
            step = timedelta(minutes=rng.randint(8, 75), seconds=rng.randint(0, 59))
            end = datetime.combine(after.date(), time(23, 59, 58))
            t = min(after + step, end)
            return t if t > after else after + timedelta(seconds=1)
        minute = rng.randint(7 * 60 + 30, 16 * 60 + 40)
        return datetime.combine(d, time(minute // 60, minute % 60, rng.randint(0, 59)))

    def due_of(self, d: date, p: Procedure) -> datetime:
        return datetime.combine(add_working_days(d, p.days), time(17, 0, 0))

    def pick_proc(self, pool: list[Procedure] | None = None) -> Procedure:
        pool = pool or [p for p in PROCEDURES if p.weight > 0]
        return self.rng.choices(pool, weights=[p.weight for p in pool])[0]

    def pick_day(self, p: Procedure, first: date, last: date) -> date:
        months = (
            [m for m in range(first.month, last.month + 1)] if first.year == last.year else None
        )
        if months:
            w = [SEASONS[p.season][m - 1] for m in months]
            m = self.rng.choices(months, weights=w)[0]
            lo = max(first, date(first.year, m, 1))
            hi = min(
                last,
                (date(first.year, m, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1),
            )
        else:
            lo, hi = first, last
        days = working_days_between(lo, hi)
        return self.rng.choice(days)

    # -- lifecycles
    def lifecycle(
        self,
        plan: Plan,
        finish_day: date | None,
        final: str | None,
        until: date | None = None,
        supplement_by: date | None = None,
    ) -> None:
        """Events from receipt to ``final`` status (9+10, 7, 8) on ``finish_day``."""
        rng = self.rng
        t = plan.receipt
        assert t is not None
        plan.events.append(Event(t, "2", {"NgayTiepNhan": t}, "Tiếp nhận hồ sơ"))
        last_day = finish_day or until
        if last_day is not None and last_day > t.date():
            mid = rng.choice(
                working_days_between(t.date(), last_day - timedelta(days=1)) or [t.date()]
            )
        else:
            mid = t.date()
        if rng.random() < 0.85 or supplement_by is not None:
            t = self.at(mid, t)
            plan.events.append(Event(t, "4", {}, f"Chuyển {UNITS[plan.proc.unit]} xử lý"))
        if supplement_by is not None:
            t = self.at(max(supplement_by, t.date()), t)
            plan.events.append(Event(t, "5", {}, "Yêu cầu bổ sung hồ sơ"))
        if finish_day is None:
            return
        t = self.at(finish_day, t)
        if final == "resolved":
            plan.events.append(Event(t, "9", {"NgayKetThucXuLy": t}, "Đã có kết quả"))
            if rng.random() < 0.9:
                back = add_working_days(finish_day, rng.choice((0, 0, 1, 1, 2, 3)))
                t = self.at(back, t)
                plan.events.append(Event(t, "10", {"NgayTra": t}, "Đã trả kết quả"))
        elif final == "withdrawn":
            plan.events.append(Event(t, "7", {"NgayKetThucXuLy": t}, "Công dân xin rút hồ sơ"))
        elif final == "stopped":
            plan.events.append(Event(t, "8", {"NgayKetThucXuLy": t}, "Dừng xử lý"))

    def finish_for(self, d: date, due: date, how: str, earliest: date | None = None) -> date | None:
        rng = self.rng
        lo = max(d, earliest) if earliest else d
        if how == "early":
            days = [x for x in working_days_between(lo, due - timedelta(days=1))]
            return rng.choice(days) if days else None
        if how == "on_time":
            return due if due >= lo else None
        f = add_working_days(due, rng.randint(1, 4))
        return f if f >= lo else None

    def new_plan(self, p: Procedure, kind: str, d: date, after: datetime | None = None) -> Plan:
        receipt = self.at(d, after)
        plan = Plan(p, kind, receipt, self.due_of(d, p))
        self.plans.append(plan)
        return plan

    # -- categories
    def resolved_in_period(self, n_early: int, n_on_time: int, n_late: int) -> None:
        hows = ["early"] * n_early + ["on_time"] * n_on_time + ["late"] * n_late
        self.rng.shuffle(hows)
        forced = [p for p in PROCEDURES if p.bcci_dossiers] * 2
        for i, how in enumerate(hows):
            for _ in range(1000):
                p = forced[i] if i < len(forced) else self.pick_proc()
                d = self.pick_day(p, date(2019, 1, 2), date(2019, 11, 29))
                due = add_working_days(d, p.days)
                f = self.finish_for(d, due, how)
                if f is not None and f <= AS_OF:
                    break
            else:
                raise RuntimeError("could not place a resolved dossier")
            plan = self.new_plan(p, f"resolved_{how}", d)
            self.lifecycle(plan, f, "resolved")

    def carried_over(self, hows: list[str]) -> None:
        for how in hows:
            for _ in range(1000):
                p = self.pick_proc([q for q in PROCEDURES if q.weight >= 10])
                d = self.rng.choice(working_days_between(date(2018, 12, 17), date(2018, 12, 28)))
                due = add_working_days(d, p.days)
                f = self.finish_for(d, due, how, earliest=date(2019, 1, 2))
                if f is not None:
                    break
            else:
                raise RuntimeError("could not place a carried-over dossier")
            plan = self.new_plan(p, f"carried_over_{how}", d)
            self.lifecycle(plan, f, "resolved")

    def finished_2018(self, n: int) -> None:
        for i in range(n):
            for _ in range(1000):
                p = self.pick_proc()
                d = self.rng.choice(working_days_between(date(2018, 10, 1), date(2018, 12, 20)))
                due = add_working_days(d, p.days)
                f = self.finish_for(d, due, "early" if i % 3 else "on_time")
                if f is not None and f <= date(2018, 12, 28):
                    break
            plan = self.new_plan(p, "finished_2018", d)
            self.lifecycle(plan, f, "resolved")

    def in_progress(
        self, n: int, n_supplement: int, n_finish_later: int, n_bcci_return: int
    ) -> None:
        for i in range(n):
            for _ in range(1000):
                p = self.pick_proc()
                d = self.rng.choice(working_days_between(date(2019, 11, 18), AS_OF))
                if i == 0:
                    d = AS_OF
                if add_working_days(d, p.days) >= AS_OF:
                    break
            after = datetime.combine(AS_OF, time(16, 50)) if i == 0 else None
            plan = self.new_plan(p, "in_progress", d, after)
            due = plan.due.date()
            if i < n_supplement:
                sup = self.rng.choice(working_days_between(d, AS_OF))
                self.lifecycle(plan, None, None, until=AS_OF, supplement_by=sup)
                if i % 2 == 0:  # the applicant supplements after the as-of date, goes on
                    t = self.at(date(2019, 12, 10) + timedelta(days=i % 3), plan.events[-1].at)
                    plan.events.append(Event(t, "4", {}, "Đã bổ sung hồ sơ"))
                continue
            if i < n_supplement + n_finish_later:
                lo = max(date(2019, 12, 9), d + timedelta(days=1))
                f = self.rng.choice(
                    working_days_between(
                        lo, max(lo, min(due + timedelta(days=2), date(2019, 12, 27)))
                    )
                )
                self.lifecycle(plan, f, "resolved", until=f)
                if i < n_supplement + n_bcci_return:
                    plan.return_by_bcci = True
            else:
                self.lifecycle(plan, None, None, until=AS_OF)

    def withdrawn(self) -> None:
        p = PROC_BY_CODE["1.005092"]
        plan = self.new_plan(p, "withdrawn", date(2019, 10, 14))
        self.lifecycle(plan, date(2019, 10, 21), "withdrawn")

    def after_as_of(self, n: int) -> None:
        for i in range(n):
            p = self.pick_proc()
            d = self.rng.choice(working_days_between(date(2019, 12, 9), date(2019, 12, 27)))
            plan = self.new_plan(p, "after_as_of", d)
            due = plan.due.date()
            f = due if due <= date(2019, 12, 31) and i % 2 == 0 else None
            self.lifecycle(plan, f, "resolved" if f else None, until=date(2019, 12, 31))
            if f and i % 4 == 0:
                plan.return_by_bcci = True

    def not_received(self) -> None:
        rng = self.rng
        online = [p for p in PROCEDURES if p.level >= 3]
        # Submitted online, never received (stays status 1).
        for d in (date(2019, 8, 17), date(2019, 10, 5)):
            p = rng.choice(online)
            plan = Plan(p, "not_received", None, None, channel="2")
            plan.events.append(Event(self.at(d), "1", {}, "Nộp trực tuyến"))
            self.plans.append(plan)
        # Submitted online in the period, received only after the as-of date.
        for d, recv in (
            (date(2019, 12, 5), date(2019, 12, 9)),
            (date(2019, 12, 6), date(2019, 12, 9)),
            (date(2019, 12, 6), date(2019, 12, 10)),
        ):
            p = rng.choice(online)
            sub = datetime.combine(d, time(21, rng.randint(0, 59), rng.randint(0, 59)))
            plan = Plan(p, "received_after_as_of", None, None, channel="2")
            plan.events.append(Event(sub, "1", {"NgayNopHoSo": sub}, "Nộp trực tuyến"))
            plan.receipt = self.at(recv, sub)
            plan.due = self.due_of(recv, p)
            self.lifecycle(plan, None, None, until=date(2019, 12, 20))
            self.plans.append(plan)
        # Receipt refused (status 3); two of them with NgayTiepNhan set.
        for i, d in enumerate(
            (date(2019, 3, 12), date(2019, 6, 24), date(2019, 8, 6), date(2019, 11, 14))
        ):
            p = self.pick_proc()
            sub = self.at(d)
            plan = Plan(p, "refused", None, None, channel=rng.choice("123"))
            plan.events.append(Event(sub, "1", {"NgayNopHoSo": sub}, "Nộp hồ sơ"))
            t = self.at(add_working_days(d, 1), sub)
            changes: dict[str, Any] = {"NgayTiepNhan": t} if i % 2 else {}
            plan.events.append(
                Event(t, "3", changes, "Từ chối tiếp nhận: hồ sơ không thuộc thẩm quyền")
            )
            self.plans.append(plan)

    def invalid(self) -> dict[str, int]:
        """Single-version dossiers with exactly one defect each (quarantine)."""
        rng = self.rng
        kinds = {
            "missing_key": [{"_drop": True}, {"MaHoSo": ""}, {"MaHoSo": None}],
            "due_before_receipt": [{"_due_days": -3}, {"_due_days": -10}, {"_due_days": -1}],
            "unknown_procedure": [
                {"MaTTHC": "1.009999"},
                {"MaTTHC": "2.000000"},
                {"MaTTHC": "1.00488"},
            ],
            "unparsable_date": [
                {"NgayNopHoSo": "2019-13-45"},
                {"NgayTiepNhan": "31/02/2019 25:00:00"},
                {"NgayHenTra": "2019-13-45"},
                {"NgayKetThucXuLy": "31/02/2019 25:00:00"},
            ],
        }
        counts = {}
        for kind, variants in kinds.items():
            counts[kind] = len(variants)
            for v in variants:
                p = self.pick_proc([q for q in PROCEDURES if q.weight >= 10])
                d = self.pick_day(p, date(2019, 2, 11), date(2019, 11, 15))
                plan = self.new_plan(p, f"invalid_{kind}", d)
                f = self.finish_for(d, plan.due.date(), "early") or plan.due.date()
                self.lifecycle(plan, f, "resolved")
                plan.only_last = True  # one version only: the final state
                plan.overrides = {k: val for k, val in v.items() if not k.startswith("_")}
                plan.drop_key = bool(v.get("_drop"))
                if "_due_days" in v:
                    plan.overrides["_due"] = plan.receipt + timedelta(days=v["_due_days"])
                plan.channel = rng.choice("113")
        return counts

    # -- channels, applicants, mess
    def assign_channels(self, n_bcci: int, online_share: float) -> None:
        rng = self.rng
        counted_new = [
            p for p in self.plans if p.kind.startswith(("resolved_", "in_progress", "withdrawn"))
        ]
        online_ok = [
            p for p in counted_new if _procedure_state(p.proc.code, p.receipt)["level"] >= 3
        ]
        online = set(map(id, rng.sample(online_ok, round(len(online_ok) * online_share))))
        for p in counted_new:
            p.channel = "2" if id(p) in online else "1"
        bcci_ok = [p for p in counted_new if p.channel == "1" and p.proc.bcci_dossiers]
        chosen: list[Plan] = []
        for proc in [q for q in PROCEDURES if q.bcci_dossiers]:
            mine = [p for p in bcci_ok if p.proc is proc]
            if not mine:
                raise RuntimeError(f"no dossier can carry BCCI for {proc.code}")
            chosen.append(rng.choice(mine))
        rest = [p for p in bcci_ok if all(p is not c for c in chosen)]
        if len(rest) < n_bcci - len(chosen):
            raise RuntimeError("not enough dossiers for the BCCI target")
        chosen += rng.sample(rest, n_bcci - len(chosen))
        for p in chosen:
            p.channel = "3"
        # The others: plausible channels, never counted.
        for p in self.plans:
            if p.kind.startswith(("resolved_", "in_progress", "withdrawn")) or p.kind in (
                "not_received",
                "received_after_as_of",
                "refused",
            ):
                continue
            level = _procedure_state(p.proc.code, p.receipt)["level"]
            r = rng.random()
            if p.kind.startswith("invalid"):
                continue
            bcci = p.proc.bcci_dossiers or (p.proc.bcci and p.receipt >= BCCI_OCTOBER[1])
            p.channel = "2" if level >= 3 and r < 0.2 else "3" if bcci and r < 0.7 else "1"
        # A dossier received after the as-of date by BCCI on a procedure without
        # BCCI dossiers in the period (CoBCCI opened in October).
        extra = self.new_plan(PROC_BY_CODE[BCCI_OCTOBER[0]], "after_as_of", date(2019, 12, 12))
        self.lifecycle(extra, date(2019, 12, 20), "resolved")
        extra.channel = "3"

    def finish(self) -> None:
        rng = self.rng
        people: list[Applicant] = []
        for plan in self.plans:
            if people and rng.random() < 0.08:
                plan.applicant = rng.choice(people)
            else:
                plan.applicant = _applicant(rng)
                people.append(plan.applicant)
            plan.legacy = rng.random() < 0.05
            plan.null_empty = rng.random() < 0.2
            plan.steps = rng.random() < 0.4
            n = len(plan.events)
            if n >= 2 and rng.random() < 0.1:
                plan.nfd_versions = {rng.randrange(1, n)}
            if rng.random() < 0.15:  # a re-save of the final state, days later
                last = plan.events[-1].at
                when = self.at(add_working_days(last.date(), rng.randint(1, 5)))
                plan.events.append(Event(when, None, {}, ""))
        # Codes: agency-yyMMdd-seq by the day the dossier entered the system.
        per_day: Counter[str] = Counter()
        for plan in sorted(self.plans, key=lambda p: p.events[0].at):
            day = plan.events[0].at.strftime("%y%m%d")
            per_day[day] += 1
            plan.code = f"{AGENCY_CODE}-{day}-{per_day[day]:04d}"

    # -- records
    def records(self, plan: Plan) -> list[dict[str, Any]]:
        fmt = LEGACY_FORMAT if plan.legacy else TS_FORMAT
        empty = None if plan.null_empty else ""

        def ts(v: datetime | None) -> str | None:
            return v.strftime(fmt) if v else empty

        p = plan.proc
        app = plan.applicant
        assert app is not None
        first = plan.events[0]
        submitted = plan.receipt
        if plan.channel == "3" and plan.receipt is not None:
            submitted = datetime.combine(
                plan.receipt.date() - timedelta(days=self.rng.randint(1, 3)),
                time(self.rng.randint(7, 16), self.rng.randint(0, 59)),
            )
        elif plan.channel == "2" and plan.receipt is not None and first.status == "2":
            submitted = plan.receipt - timedelta(
                hours=self.rng.randint(1, 60), minutes=self.rng.randint(0, 59)
            )
        if first.status == "1":
            submitted = first.at
        state: dict[str, Any] = {
            "MaHoSo": plan.code,
            "MaTTHC": p.code,
            "TenTTHC": None,
            "MaLinhVuc": p.field,
            "TenLinhVuc": FIELDS[p.field],
            "KenhThucHien": plan.channel,
            "HinhThuc": "1" if plan.return_by_bcci else "0",
            "LoaiDoiTuong": p.kind,
            "ChuHoSo": app.name,
            "SoGiayToChuHoSo": app.ident,
            "TrichYeuHoSo": _summary(p, self.rng),
            "NgayNopHoSo": ts(submitted),
            "NgayTiepNhan": empty,
            "NgayHenTra": empty,
            "NgayKetThucXuLy": empty,
            "NgayTra": empty,
            "TrangThaiHoSo": None,
            "DonViXuLy": UNITS[p.unit],
            "NgayCapNhat": None,
        }
        anchor = plan.receipt or first.at
        state["TenTTHC"] = _procedure_state(p.code, anchor)["name"]
        steps: list[dict[str, Any]] = []
        out = []
        cap_prev: datetime | None = None
        events = plan.events
        if plan.channel == "2" and first.status == "2":  # submitted online, then received
            events = [Event(submitted, "1", {}, "Nộp hồ sơ trực tuyến"), *events]
        for i, ev in enumerate(events):
            if ev.status is not None:
                state["TrangThaiHoSo"] = ev.status
                for k, v in ev.changes.items():
                    state[k] = ts(v)
                if ev.status == "2" or "NgayTiepNhan" in ev.changes:
                    state["NgayHenTra"] = ts(plan.due)
                if plan.steps:
                    steps.append(
                        {
                            "TrangThai": ev.status,
                            "ThoiDiem": ts(ev.at),
                            "NguoiXuLy": self.rng.choice(STAFF),
                            "NoiDung": ev.note,
                        }
                    )
            cap = ev.at + timedelta(minutes=self.rng.randint(1, 9), seconds=self.rng.randint(0, 59))
            if cap_prev is not None and cap <= cap_prev:
                cap = cap_prev + timedelta(seconds=1)
            cap_prev = cap
            rec = dict(state)
            rec["NgayCapNhat"] = cap.strftime(fmt)
            if i in plan.nfd_versions:
                rec["ChuHoSo"] = unicodedata.normalize("NFD", app.name)
            if plan.steps:
                rec["QuaTrinhXuLy"] = [dict(s) for s in steps]
            for k, v in plan.overrides.items():
                if k == "_due":
                    rec["NgayHenTra"] = ts(datetime.combine(v.date(), time(17, 0)))
                else:
                    rec[k] = v
            if plan.drop_key:
                del rec["MaHoSo"]
            out.append(rec)
        return out[-1:] if plan.only_last else out


SUMMARIES = {
    "G04": (
        "bằng tốt nghiệp THPT năm {y}",
        "chứng chỉ tin học ứng dụng cơ bản",
        "bằng tốt nghiệp bổ túc THPT năm {y}",
    ),
    "G01": ("năm học 2019-2020", "học sinh lớp {g}", "năm học 2018-2019"),
}


def _summary(p: Procedure, rng: random.Random) -> str:
    options = SUMMARIES.get(p.field)
    if not options:
        return p.name
    tail = rng.choice(options).format(y=rng.randint(1995, 2019), g=rng.choice((10, 11, 12)))
    return f"{p.name} - {tail}"


def build_records(
    seed: int = 2019,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, int]]:
    """(thutuc versions, hoso versions ordered by NgayCapNhat then MaHoSo, quarantine counts)."""
    b = _Builder(seed)
    b.finished_2018(24)
    # No dossier is carried over from 2018: report_figures.md gives pct_received_bcci
    # 64.3 = 421 / 655, so every one of the 655 was received in 2019 (received_new).
    # The carried-over logic is pinned by the dbt unit tests and the sandbox tests.
    b.carried_over([])
    b.resolved_in_period(n_early=472, n_on_time=123, n_late=4)
    b.in_progress(55, n_supplement=8, n_finish_later=30, n_bcci_return=3)
    b.withdrawn()
    b.after_as_of(44)
    b.not_received()
    quarantine = b.invalid()
    b.assign_channels(n_bcci=421, online_share=0.22)
    b.finish()
    hoso = [rec for plan in b.plans for rec in b.records(plan)]
    hoso.sort(key=lambda r: (parse_ts(r["NgayCapNhat"]), r.get("MaHoSo") or ""))
    keys = [(r.get("MaHoSo"), parse_ts(r["NgayCapNhat"])) for r in hoso]
    if len(set(keys)) != len(keys):
        raise AssertionError("(MaHoSo, NgayCapNhat) is not unique")
    return _catalogue_versions(), hoso, quarantine


# --------------------------------------------------------------- independent count


def _validate(rec: dict[str, Any], known_codes: set[str]) -> str | None:
    if not rec.get("MaHoSo"):
        return "missing_key"
    try:
        for f in TIMESTAMP_FIELDS:
            parse_ts(rec.get(f))
    except ValueError:
        return "unparsable_date"
    if rec.get("MaTTHC") not in known_codes:
        return "unknown_procedure"
    received, due = parse_ts(rec.get("NgayTiepNhan")), parse_ts(rec.get("NgayHenTra"))
    if received and due and due.date() < received.date():
        return "due_before_receipt"
    return None


def count_figures(
    thutuc_versions: Iterable[dict[str, Any]],
    hoso_versions: Iterable[dict[str, Any]],
    as_of: date | str,
    known_at: datetime | None = None,
) -> dict[str, Any]:
    """The motcua figures of contracts/motcua.md counted straight from source records.

    ``known_at`` ignores versions changed after it (default: use every version, as a
    warehouse that loaded everything would). Returns ``{"procedures", "dossiers",
    "quarantine"}``; ``quarantine`` counts invalid dossier versions per reason.
    """
    as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    end_of_day = datetime.combine(as_of, time(23, 59, 59))
    start = date(as_of.year, 1, 1)
    thutuc_versions = list(thutuc_versions)

    latest: dict[str, tuple[datetime, dict[str, Any]]] = {}
    for v in thutuc_versions:
        t = parse_ts(v["NgayCapNhat"])
        if t is None or t > end_of_day:
            continue
        if v["MaTTHC"] not in latest or t > latest[v["MaTTHC"]][0]:
            latest[v["MaTTHC"]] = (t, v)
    catalogue = {code: v for code, (_, v) in latest.items()}
    known_codes = {v["MaTTHC"] for v in thutuc_versions}

    quarantine: Counter[str] = Counter()
    dossiers: dict[str, tuple[datetime, dict[str, Any]]] = {}
    for rec in hoso_versions:
        reason = _validate(rec, known_codes)
        if reason:
            quarantine[reason] += 1
            continue
        t = parse_ts(rec["NgayCapNhat"])
        if known_at is not None and t > known_at:
            continue
        key = rec["MaHoSo"]
        if key not in dossiers or t > dossiers[key][0]:
            dossiers[key] = (t, rec)

    c: Counter[str] = Counter()
    with_dossiers: set[str] = set()
    with_bcci: set[str] = set()
    for _, rec in dossiers.values():
        group = STATUS_GROUP.get(str(rec.get("TrangThaiHoSo")))
        received = parse_ts(rec.get("NgayTiepNhan"))
        if received is None or group in (None, "not_received"):
            continue
        finished_at = parse_ts(rec.get("NgayKetThucXuLy"))
        finished_day = finished_at.date() if finished_at else None
        if start <= received.date() <= as_of:
            c["received_new"] += 1
            channel = str(rec.get("KenhThucHien"))
            c[
                {"1": "received_direct", "2": "received_online", "3": "received_bcci"}.get(
                    channel, "received_other"
                )
            ] += 1
            with_dossiers.add(rec["MaTTHC"])
            if channel == "3":
                with_bcci.add(rec["MaTTHC"])
        elif received.date() < start and not (finished_day and finished_day < start):
            c["carried_over"] += 1
        else:
            continue
        c["received"] += 1
        due = parse_ts(rec.get("NgayHenTra"))
        if finished_day is not None and finished_day <= as_of:
            if group == "resolved":
                c["resolved"] += 1
                if due is None or finished_day > due.date():
                    c["resolved_late"] += 1
                elif finished_day < due.date():
                    c["resolved_early"] += 1
                else:
                    c["resolved_on_time"] += 1
                if str(rec.get("HinhThuc")) == "1":
                    c["returned_via_bcci"] += 1
            elif group in ("withdrawn", "stopped"):
                c[group] += 1
            else:
                c["finished_in_progress_status"] += 1  # breaks the identity
        else:
            c["in_progress"] += 1
            if due is not None and due.date() >= as_of:
                c["in_progress_within_due"] += 1
            else:
                c["in_progress_overdue"] += 1

    d = {
        k: c[k]
        for k in (
            "received",
            "received_new",
            "carried_over",
            "received_online",
            "received_direct",
            "received_bcci",
            "resolved",
            "resolved_early",
            "resolved_on_time",
        )
    }
    d["resolved_early_or_on_time"] = c["resolved_early"] + c["resolved_on_time"]
    for k in (
        "resolved_late",
        "in_progress",
        "in_progress_within_due",
        "in_progress_overdue",
        "withdrawn",
        "stopped",
        "returned_via_bcci",
    ):
        d[k] = c[k]
    d["pct_resolved_early_or_on_time"] = ds.pct(d["resolved_early_or_on_time"], d["resolved"])
    d["pct_received_bcci"] = ds.pct(d["received_bcci"], d["received_new"])
    if d["received"] != d["resolved"] + d["in_progress"] + d["withdrawn"] + d["stopped"]:
        raise AssertionError(f"identity broken: {dict(c)}")

    online = {code for code, v in catalogue.items() if int(v["MucDo"]) >= 3}
    procedures = {
        "total": len(catalogue),
        "online_level_3": sum(1 for v in catalogue.values() if int(v["MucDo"]) == 3),
        "online_level_4": sum(1 for v in catalogue.values() if int(v["MucDo"]) == 4),
        "with_dossiers": len(with_dossiers),
        "online_with_dossiers": len(with_dossiers & online),
        "bcci_enabled": sum(1 for v in catalogue.values() if v.get("CoBCCI") is True),
        "with_bcci_dossiers": len(with_bcci),
    }
    reasons = ("missing_key", "due_before_receipt", "unknown_procedure", "unparsable_date")
    return {
        "procedures": procedures,
        "dossiers": d,
        "quarantine": {"motcua_hoso": {r: quarantine[r] for r in reasons}},
    }


def check_targets(figures: dict[str, Any]) -> None:
    wrong = [
        f"{section}.{k}: counted {figures[section][k]}, seed report {v}"
        for section, targets in TARGETS.items()
        for k, v in targets.items()
        if figures[section][k] != v
    ]
    if wrong:
        raise AssertionError("motcua data set does not give the seed figures: " + "; ".join(wrong))


# ---------------------------------------------------------------------- generate


def scale_dossiers(hoso: list[dict[str, Any]], scale: int) -> list[dict[str, Any]]:
    """The dossier versions ``scale`` times: copy ``k`` (1..scale-1) of each version gets
    the code ``<agency>-<yymmdd>-<k><nnnn>`` (a record without a code stays without one,
    so the planted invalid rows are multiplied too); ordered as build_records orders."""
    scaled = list(hoso)
    for k in range(1, scale):
        for rec in hoso:
            copy = dict(rec)
            code = copy.get("MaHoSo")
            if isinstance(code, str) and code.strip():
                head, _, seq = code.rpartition("-")
                copy["MaHoSo"] = f"{head}-{k}{seq}"
            scaled.append(copy)
    scaled.sort(key=lambda r: (parse_ts(r["NgayCapNhat"]), r.get("MaHoSo") or ""))
    return scaled


def generate(out_dir: Path, seed: int = 2019, scale: int = 1) -> dict[str, Any]:
    """Write the built-in Quảng Ngãi 2019 data set into ``out_dir``; return expected.json.

    ``scale`` > 1: every dossier ``scale`` times (see :func:`scale_dossiers`), the
    catalogue once; the figures are still counted from the files written, and the seed
    report's targets are checked at scale 1 only.
    """
    if scale < 1:
        raise ValueError(f"scale must be a whole number >= 1, not {scale!r}")
    out_dir = Path(out_dir)
    thutuc, hoso, planted = build_records(seed)
    if scale > 1:
        hoso = scale_dossiers(hoso, scale)
        planted = {reason: n * scale for reason, n in planted.items()}
    ds.write_dataset_json(out_dir, META)
    ds.write_jsonl(out_dir / "motcua" / "thutuc.jsonl", thutuc)
    ds.write_jsonl(out_dir / "motcua" / "hoso.jsonl", hoso)

    # Count again from the files as written (what a client will read).
    thutuc_read = ds.read_jsonl(out_dir / "motcua" / "thutuc.jsonl")
    hoso_read = ds.read_jsonl(out_dir / "motcua" / "hoso.jsonl")
    figures = count_figures(thutuc_read, hoso_read, AS_OF)
    if scale == 1:
        check_targets(figures)
    clock = datetime.combine(AS_OF, time(23, 59, 59))
    at_clock = count_figures(thutuc_read, hoso_read, AS_OF, known_at=clock)
    if at_clock != figures:
        raise AssertionError("figures differ between the as-of state and the final state")
    if figures["quarantine"]["motcua_hoso"] != planted:
        raise AssertionError(f"quarantine count {figures['quarantine']} != planted {planted}")

    expected = ds.empty_expected(META)
    expected["procedures"] = figures["procedures"]
    expected["dossiers"] = figures["dossiers"]
    expected["quarantine"] = figures["quarantine"]
    ds.write_json(out_dir / ds.EXPECTED_FILE, expected)
    return expected
