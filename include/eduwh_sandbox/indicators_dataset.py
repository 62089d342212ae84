"""The built-in Quảng Ngãi 2025 data set: the one-stop portal from 2022 to the end of 2025.

``generate(out_dir, seed)`` writes, in the layout of contracts/sandbox_dataset.md::

    dataset.json            quang-ngai-2025: the 2019 set's agency, year 2025, as of 2025-12-31
    motcua/thutuc.jsonl     every version of every procedure (41; Decree 42/2022 history)
    motcua/hoso.jsonl       every version of every dossier received 2022-2025 (a few thousand)
    expected.json           report_figures.md shape for 2025 as of 2025-12-31, "quarantine",
                            and the Decision 766 indicators counted from the records

Only the one-stop source is in it (no eoffice/, csdl_moet/, sis/). Every version has a
change time at or before the clock (2025-12-31 23:59:59), so the state at the clock is
the final state. Deterministic: seeded ``random.Random``, no wall clock.

The history it tells (contracts/motcua.md "Fields since 2022"):

- the catalogue: a version of December 2021 with ``MucDo`` only, the Decree 42/2022
  re-publication of 20 September 2022 (``DVCTrucTuyen``, ``DuDieuKienToanTrinh``,
  ``CoPhiLePhi``, ``YeuCauKetQuaGiay``, ``ThoiHanGiaiQuyet``, ``DonViTinh``; ``MucDo``
  kept in step: ``toan_trinh`` 4, ``mot_phan`` 3) and three later decisions (April 2023,
  March 2024, October 2024) that raise more procedures; three procedures never get a
  post-Decree-42 version (one of them at ``MucDo`` 3: it counts as ``mot_phan``); one
  rename in May 2025. Online services no longer change during 2025, so a warehouse
  that snapshotted the catalogue only on the as-of night sees the same 2025 catalogue;
- dossiers received before July 2022 carry none of the new fields (and half of them no
  ``QuaTrinhXuLy``); from July 2022 on every version carries them and its steps;
- online submission, online payment, digitised components, reuse of digitised data and
  of the citizen's data store, electronic results all rise year by year;
- supplement round trips (status 5, then 4 when the applicant supplements), some twice,
  some still waiting at the end of 2025; pauses (status 6); results handed back
  without a status-9 step (status 10 straight away);
- ``NgayHenTra`` at 17:00, 16:30 or 11:00; dossiers finished on their due day but after
  the due time (on time for Biểu 06, late for 2.1); dossiers with no ``NgayHenTra``;
  fees of 0 (exempt applicants, a zero-priced second item); withdrawn and stopped
  dossiers; online submissions never received; refused submissions (status 3, never
  with ``NgayTiepNhan``);
- the contract's mess: ``""`` and ``null`` for "not reached yet", some 2022 dossiers in
  ``dd/MM/yyyy HH:mm:ss``, NFD names in some versions, and invalid single-version rows
  of the four kinds motcua.md lists (counted in ``expected.json`` "quarantine").

How ``count_indicators`` counts (an independent reading of contracts/indicators_766.md;
it imports nothing from ``eduwh.extract``, ``eduwh.land`` or ``eduwh.report``):

- Records: invalid dossier versions are dropped (the four quarantine reasons of
  ``motcua_dataset.figures._validate``); each dossier is its latest remaining version with
  ``NgayCapNhat`` at or before the clock (the end of the as-of day).
- Period: a calendar month (or year) by local date, cut at the as-of date; ``cut`` is
  23:59:59 of the period's last day. The catalogue of a period is, for each ``MaTTHC``
  of the agency (``CoQuanThucHien``), its latest version with ``NgayCapNhat`` <= ``cut``;
  a dossier's procedure flags (``YeuCauKetQuaGiay``, ``CoPhiLePhi``, ``ThoiHanGiaiQuyet``,
  ``DonViTinh``) come from that catalogue; a flag that is missing is unknown and
  counts as not true (in this data set the flags never change once published).
- "Received" as in motcua.md: ``NgayTiepNhan`` set and the latest status not in the
  group ``not_received`` (1, 3). "In the period" for 2.2, 3.3, 4.1-4.4: received with
  date(``NgayTiepNhan``) in the period; for 3.6 ("started"): received, with
  date(``NgayNopHoSo``, else ``NgayTiepNhan``) in the period. Their state (result links,
  payment) is the state at the clock.
- Working days: Monday to Friday and not a holiday of ``holidays``' Vietnam calendar
  (pinned; its swapped days off such as 2025-05-02 included). As the contract says,
  every Saturday is excluded, also one that the government declares a working day in
  exchange (the package knows them as ``weekend_workdays``: 2024-05-04, 2025-04-26).
  A duration in working days is the part of the interval that falls on working days
  (24-hour days, to the second) divided by 24 h.
- Steps: ``QuaTrinhXuLy`` in the order given, only those with ``ThoiDiem`` <= ``cut``.
  End of processing: the time of the first step with status 9, else the first with 10,
  else the first with 8, 3 or 7; no such step: unfinished. Without steps,
  ``NgayKetThucXuLy`` (when <= ``cut``) and no supplement. Supplements: walking the steps
  before the end, a status-5 step opens a request (consecutive 5s are one request), the
  next step of another status closes it; the time between is supplement time. An
  unfinished dossier whose request is still open at ``cut`` ends at the request's time;
  an unfinished one otherwise ends at ``cut``.
- 2.1: universe = received dossiers with date(``NgayTiepNhan``) <= the period's last day
  that either ended (any end status, withdrawn and stopped included) on a date in the
  period, or are unfinished at ``cut``. On time: at most one supplement request and
  (end − supplement time) <= ``NgayHenTra`` as timestamps; with no ``NgayHenTra``: the
  processing time <= ``ThoiHanGiaiQuyet`` in its ``DonViTinh`` (``ngay_lam_viec``: working
  days as above; ``ngay``: calendar days; ``gio``: hours), unknown limit: late.
  Numerator = on time, denominator = universe; rate two decimals; no threshold.
- 2.2: received in the period whose end, by the end of the period (``cut``, as for 2.1),
  is a status 9 or 10 step; processing time = working days(``NgayTiepNhan``, end) − working
  days of each supplement interval. Numerator = the sum (two decimals), denominator =
  the count, rate = the average in working days with one decimal (not a percentage);
  per procedure in ``indicators_766_details``; no threshold.
- 3.1: the period's catalogue; numerator = procedures whose ``DVCTrucTuyen`` is
  ``toan_trinh`` or ``mot_phan`` (a version without the key: ``MucDo`` 4 / 3),
  denominator = catalogue size; threshold 80. Details ``3.1_full_online``: ``toan_trinh``
  (same rule) / procedures with ``DuDieuKienToanTrinh`` true.
- 3.3: received in the period; numerator = ``KenhThucHien`` ``2`` and, when the procedure
  has ``YeuCauKetQuaGiay``, ``MaKetQua`` and ``DuongDanTepTinKetQua`` both non-empty;
  threshold 50. Details ``3.3_direct`` (``1`` or empty) and ``3.3_postal`` (``3``) over the
  same denominator.
- 3.6: started in the period (above), procedure with ``CoPhiLePhi`` true, and some
  ``DanhSachPhiLePhi`` item with ``Gia`` > 0 (an empty list is "every item 0"; a missing
  list is unknown and stays in; the data set writes neither for a fee procedure);
  numerator = ``DuocThanhToanTrucTuyen`` 1 or 2.
- 4.1: received in the period of procedures with ``YeuCauKetQuaGiay``; numerator = a
  non-empty ``DuongDanTepTinKetQua``.
- 4.2: received in the period; numerator = some ``TaiLieuNop`` item with a non-empty
  ``DuongDan`` and, when the procedure has ``YeuCauKetQuaGiay``, a non-empty
  ``DuongDanTepTinKetQua``; threshold 80.
- 4.3: received in the period; numerator = ``HoSoCoThanhPhanSoHoa`` 1 or some
  ``TaiLieuNop.DuocSoHoa`` 1; threshold 80.
- 4.4: received in the period; numerator = some ``TaiLieuNop.DuocLayTuKhoDMQG`` 1.
- Rate = numerator / denominator × 100 rounded half up to two decimals, ``null`` when the
  denominator is 0; score ratio = min(1, rate / threshold) from the rounded rate, four
  decimals, ``null`` without threshold or rate.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.motcua_dataset import catalogue as motcua_catalogue
from eduwh_sandbox.motcua_dataset import timestamps as motcua_timestamps
from eduwh_sandbox.motcua_dataset.applicants import (
    STAFF,
    Applicant,
    dossier_summary,
    random_applicant,
)
from eduwh_sandbox.motcua_dataset.catalogue import (
    BCCI_OCTOBER,
    DECISION,
    FIELDS,
    SEASONS,
    UNITS,
    Procedure,
    procedure_state,
)
from eduwh_sandbox.motcua_dataset.figures import STATUS_GROUP, count_figures

NAME = "quang-ngai-2025"
AGENCY_CODE = motcua_catalogue.META["agency"]["code"]
YEAR = 2025
AS_OF = date(2025, 12, 31)
CLOCK = datetime(2025, 12, 31, 23, 59, 59)
FIRST_DAY = date(2022, 1, 1)
NEW_FIELDS_FROM = date(2022, 7, 1)  # dossiers received from then on carry the new fields

META = {
    "name": NAME,
    "agency": dict(motcua_catalogue.META["agency"]),
    "department_code": motcua_catalogue.META["department_code"],
    "year": YEAR,
    "as_of": AS_OF.isoformat(),
    "school_year": "2025-2026",
}

TS_FORMAT = motcua_timestamps.TS_FORMAT
LEGACY_FORMAT = motcua_timestamps.LEGACY_FORMAT
INDICATORS = ("2.1", "2.2", "3.1", "3.3", "3.6", "4.1", "4.2", "4.3", "4.4")
THRESHOLDS: dict[str, int | None] = {
    "2.1": None,
    "2.2": None,
    "3.1": 80,
    "3.3": 50,
    "3.6": None,
    "4.1": None,
    "4.2": 80,
    "4.3": 80,
    "4.4": None,
}
END_STATUSES = ("9", "10", ("8", "3", "7"))
ONLINE = ("toan_trinh", "mot_phan")
PORTAL = "https://dichvucong.quangngai.gov.vn"

# ----------------------------------------------------------------------- calendar

_VN = holidays.country_holidays("VN", years=range(2017, 2028))


@lru_cache(maxsize=8192)
def is_working_day(d: date) -> bool:
    """Monday to Friday and not a public holiday (days off swapped for a Saturday included).

    The contract excludes every Saturday: a Saturday the government declares a working
    day in exchange (``holidays``' ``weekend_workdays``, e.g. 2025-04-26) stays a day off.
    """
    return d.weekday() < 5 and d not in _VN


def add_working_days(d: date, n: int) -> date:
    while n > 0:
        d += timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def working_days_in(lo: date, hi: date) -> list[date]:
    out, d = [], lo
    while d <= hi:
        if is_working_day(d):
            out.append(d)
        d += timedelta(days=1)
    return out


def working_seconds(a: datetime, b: datetime) -> int:
    """Seconds of ``[a, b)`` that fall on working days (0 when ``b <= a``)."""
    if b <= a:
        return 0
    total, d = 0, a.date()
    while d <= b.date():
        if is_working_day(d):
            lo = max(a, datetime.combine(d, time.min))
            hi = min(b, datetime.combine(d + timedelta(days=1), time.min))
            if hi > lo:
                total += int((hi - lo).total_seconds())
        d += timedelta(days=1)
    return total


# ---------------------------------------------------------------------- catalogue

STAGES = (
    (datetime(2022, 9, 20, 8, 15, 0), "1520/QĐ-UBND"),  # Decree 42/2022 re-publication
    (datetime(2023, 4, 10, 9, 0, 0), "612/QĐ-UBND"),
    (datetime(2024, 3, 5, 14, 0, 0), "305/QĐ-UBND"),
    (datetime(2024, 10, 15, 10, 30, 0), "1187/QĐ-UBND"),
)
INITIAL = datetime(2021, 12, 15, 8, 0, 0)
RENAME_2025 = (
    "1.005092",
    datetime(2025, 5, 20, 15, 20, 0),
    "Công nhận văn bằng tốt nghiệp các cấp học phổ thông do cơ sở giáo dục nước ngoài cấp",
    "2048/QĐ-UBND",
)
# Only the version of December 2021 (MucDo, no DVCTrucTuyen); MucDo there.
LEGACY = {"1.004442": 2, "1.004440": 2, "1.004938": 3}


@dataclass(frozen=True)
class Service:
    """The Decree 42 attributes of one procedure: DVCTrucTuyen per stage, flags."""

    history: str  # one letter per stage: t toan_trinh, m mot_phan, - none
    eligible: bool  # DuDieuKienToanTrinh
    fee: int  # VND; 0: CoPhiLePhi false
    paper: bool  # YeuCauKetQuaGiay
    unit: str = "ngay_lam_viec"


S = Service
# fmt: off
SERVICES: dict[str, Service] = {
    "1.004889": S("mttt", True, 20000, True),
    "2.001818": S("-mmt", True, 0, True),
    "1.005092": S("--mm", False, 0, True),
    "1.005089": S("mmtt", True, 0, False),
    "2.001914": S("mttt", True, 20000, True),
    "1.001000": S("-mmm", False, 0, True, "ngay"),
    "1.001088": S("mmtt", True, 0, False),
    "1.004831": S("-mmt", True, 0, False),
    "1.004845": S("-mtt", True, 10000, True),
    "1.004475": S("--mm", False, 0, True),
    "1.004444": S("--mm", False, 0, True),
    "1.004545": S("---m", False, 0, True),
    "1.004552": S("--mm", False, 0, True),
    "1.004563": S("-mmm", False, 0, True, "ngay"),
    "1.005097": S("mmmt", True, 150000, True),
    "1.005073": S("-mmm", False, 2000000, True),
    "1.005074": S("-mmm", False, 3000000, True),
    "1.005075": S("--mm", False, 0, True),
    "1.005076": S("--mm", False, 0, True),
    "1.004436": S("----", False, 0, True),
    "1.004437": S("----", False, 0, True),
    "2.001611": S("-mmm", True, 0, True),
    "2.001612": S("--mm", False, 0, False),
    "1.005094": S("mttt", True, 30000, False),
    "1.005095": S("--mm", False, 0, True),
    "1.005142": S("-mmt", True, 0, False),
    "2.002478": S("mttt", True, 100000, False),
    "2.002481": S("-mmm", False, 1500000, True),
    "1.005063": S("--mm", False, 0, True),
    "1.005064": S("---m", False, 0, True),
    "1.005065": S("----", False, 0, True),
    "1.004500": S("----", False, 0, True),
    "1.004501": S("--mm", False, 0, True),
    "1.004502": S("-mmm", True, 0, True),
    "1.005040": S("--mm", False, 0, True),
    "1.005041": S("----", False, 0, True),
    "1.004999": S("---m", False, 0, True),
    "1.005001": S("-mtt", True, 0, False),
}
# fmt: on
FEE_NAMES = {
    "1.004889": "Phí cấp bản sao văn bằng, chứng chỉ",
    "2.001914": "Phí cấp bản sao chứng chỉ",
    "1.004845": "Phí cấp bản sao học bạ",
    "1.005097": "Lệ phí cấp giấy phép dạy thêm",
    "1.005073": "Phí thẩm định thành lập trung tâm",
    "1.005074": "Phí thẩm định điều kiện hoạt động",
    "1.005094": "Phí phúc khảo bài thi",
    "2.002478": "Lệ phí dự thi",
    "2.002481": "Phí thẩm định cấp giấy chứng nhận",
}
DVC = {"t": "toan_trinh", "m": "mot_phan", "-": ""}
LEVEL_OF = {"toan_trinh": 4, "mot_phan": 3}
NAME_2019 = {
    p.code: procedure_state(p.code, datetime(2021, 1, 1))["name"]
    for p in motcua_catalogue.PROCEDURES
}
PROCEDURES = {p.code: p for p in motcua_catalogue.PROCEDURES}
if set(SERVICES) | set(LEGACY) != set(PROCEDURES):  # pragma: no cover - a table error
    raise AssertionError("SERVICES and LEGACY must cover the 2019 catalogue")


def _base_level(code: str) -> int:
    if code in LEGACY:
        return LEGACY[code]
    return procedure_state(code, datetime(2021, 1, 1))["level"]


def catalogue_versions() -> list[dict[str, Any]]:
    """Every version of every procedure, ordered by NgayCapNhat then MaTTHC."""
    rows: list[dict[str, Any]] = []
    for i, p in enumerate(motcua_catalogue.PROCEDURES):
        rows.append(
            {
                "MaTTHC": p.code,
                "TenTTHC": NAME_2019[p.code],
                "MaLinhVuc": p.field,
                "TenLinhVuc": FIELDS[p.field],
                "MucDo": _base_level(p.code),
                "CoBCCI": p.bcci or p.code == BCCI_OCTOBER[0],
                "CoQuanThucHien": AGENCY_CODE,
                "QuyetDinhCongBo": DECISION,
                "NgayCapNhat": (INITIAL + timedelta(minutes=3 * i)).strftime(TS_FORMAT),
            }
        )
        svc = SERVICES.get(p.code)
        if svc is None:
            continue
        prev: str | None = None
        for stage, (when, decision) in enumerate(STAGES):
            value = DVC[svc.history[stage]]
            if stage > 0 and value == prev:
                continue
            prev = value
            rec = {
                **rows[-1],
                "MucDo": LEVEL_OF.get(value, _base_level(p.code)),
                "QuyetDinhCongBo": decision,
                "DVCTrucTuyen": value,
                "DuDieuKienToanTrinh": svc.eligible,
                "CoPhiLePhi": svc.fee > 0,
                "YeuCauKetQuaGiay": svc.paper,
                "ThoiHanGiaiQuyet": p.days,
                "DonViTinh": svc.unit,
                "NgayCapNhat": (when + timedelta(minutes=2 * i, seconds=i)).strftime(TS_FORMAT),
            }
            rows.append(rec)
        if p.code == RENAME_2025[0]:
            rows.append(
                {
                    **rows[-1],
                    "TenTTHC": RENAME_2025[2],
                    "QuyetDinhCongBo": RENAME_2025[3],
                    "NgayCapNhat": RENAME_2025[1].strftime(TS_FORMAT),
                }
            )
    rows.sort(key=lambda r: (r["NgayCapNhat"], r["MaTTHC"]))
    return rows


def service_at(code: str, when: datetime) -> str:
    """DVCTrucTuyen of a procedure at ``when`` (the pre-Decree-42 rule before a version)."""
    svc = SERVICES.get(code)
    value = None
    if svc is not None:
        for stage, (t, _) in enumerate(STAGES):
            if t <= when:
                value = DVC[svc.history[stage]]
    if value is None:
        return {4: "toan_trinh", 3: "mot_phan"}.get(_base_level(code), "")
    return value


def name_at(code: str, when: datetime) -> str:
    if code == RENAME_2025[0] and when >= RENAME_2025[1]:
        return RENAME_2025[2]
    return NAME_2019[code]


# ------------------------------------------------------------------------ dossiers

# Year -> probabilities of the rising practices.
ONLINE_SHARE = {2022: 0.25, 2023: 0.42, 2024: 0.58, 2025: 0.7}
PAY_ONLINE = {2022: 0.12, 2023: 0.3, 2024: 0.5, 2025: 0.72}
DIGITISED_AT_COUNTER = {2022: 0.15, 2023: 0.35, 2024: 0.6, 2025: 0.82}
REUSED = {2022: 0.05, 2023: 0.2, 2024: 0.45, 2025: 0.68}
DATA_STORE = {2022: 0.02, 2023: 0.1, 2024: 0.25, 2025: 0.42}
E_RESULT = {2022: 0.1, 2023: 0.3, 2024: 0.55, 2025: 0.78}
VOLUME = {2022: 820, 2023: 900, 2024: 980, 2025: 1060}
DOCUMENTS = (
    "Đơn đề nghị",
    "Bản sao căn cước công dân",
    "Bản chính văn bằng, chứng chỉ",
    "Giấy xác nhận của nhà trường",
    "Tờ trình",
    "Đề án",
)
DUE_TIMES = (time(17, 0), time(17, 0), time(17, 0), time(17, 0), time(16, 30), time(11, 0))


@dataclass
class Event:
    at: datetime
    status: str | None  # None: a re-save of the same state
    changes: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass
class Dossier:
    code: str
    proc: Procedure
    channel: str
    events: list[Event]
    due: datetime | None
    extra: dict[str, Any]  # the new fields set at receipt, or None before July 2022
    steps: bool = True
    legacy: bool = False
    null_empty: bool = False
    nfd_version: int | None = None
    applicant: Applicant | None = None
    summary: str = ""
    return_by_bcci: bool = False


class _Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.dossiers: list[Dossier] = []
        self.people: list[Applicant] = []
        self.per_day: Counter[str] = Counter()

    # -- time
    def at(self, d: date, after: datetime | None = None) -> datetime:
        """A working-hours time on ``d``, later than ``after``."""
        rng = self.rng
        if after is not None and after.date() >= d:
            t = after + timedelta(minutes=rng.randint(5, 70), seconds=rng.randint(0, 59))
            end = datetime.combine(after.date(), time(23, 59, 58))
            t = min(t, end)
            return t if t > after else after + timedelta(seconds=1)
        minute = rng.randint(7 * 60 + 30, 16 * 60 + 40)
        return datetime.combine(d, time(minute // 60, minute % 60, rng.randint(0, 59)))

    def later(self, t: datetime, lo: int, hi: int) -> datetime:
        """A working-hours time ``lo``..``hi`` working days after ``t`` (0: same day, after)."""
        n = self.rng.randint(lo, hi)
        return self.at(add_working_days(t.date(), n) if n else t.date(), t)

    def code_for(self, day: date) -> str:
        key = day.strftime("%y%m%d")
        self.per_day[key] += 1
        return f"{AGENCY_CODE}-{key}-{self.per_day[key]:04d}"

    def applicant(self) -> Applicant:
        if self.people and self.rng.random() < 0.08:
            return self.rng.choice(self.people)
        a = random_applicant(self.rng)
        self.people.append(a)
        return a

    def pick_proc(self) -> Procedure:
        pool = [p for p in motcua_catalogue.PROCEDURES if p.weight > 0]
        return self.rng.choices(pool, weights=[p.weight for p in pool])[0]

    def pick_day(self, p: Procedure, year: int) -> date:
        month = self.rng.choices(range(1, 13), weights=SEASONS[p.season])[0]
        first = date(year, month, 1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return self.rng.choice(working_days_in(first, last))

    def due_of(self, r: datetime, p: Procedure) -> datetime:
        unit = SERVICES[p.code].unit if p.code in SERVICES else "ngay_lam_viec"
        day = (
            r.date() + timedelta(days=p.days)
            if unit == "ngay"
            else add_working_days(r.date(), p.days)
        )
        return datetime.combine(day, self.rng.choice(DUE_TIMES))

    # -- one dossier
    def dossier(self, p: Procedure, day: date, kind: str = "normal") -> Dossier:
        rng = self.rng
        year = day.year
        received = self.at(day)
        service = service_at(p.code, received)
        channel = "1"
        if service and rng.random() < ONLINE_SHARE[year] + (0.1 if service == "toan_trinh" else 0):
            channel = "2"
        elif (p.bcci or p.code == BCCI_OCTOBER[0]) and rng.random() < 0.35 - 0.05 * (year - 2022):
            channel = "3"
        events: list[Event] = []
        submitted = received
        if channel == "2":
            submitted = received - timedelta(hours=rng.randint(1, 60), minutes=rng.randint(0, 59))
            events.append(Event(submitted, "1", {"NgayNopHoSo": submitted}, "Nộp hồ sơ trực tuyến"))
        elif channel == "3":
            submitted = datetime.combine(
                day - timedelta(days=rng.randint(1, 3)),
                time(rng.randint(7, 16), rng.randint(0, 59), rng.randint(0, 59)),
            )
        due = self.due_of(received, p)
        known_limit = p.code in SERVICES
        if kind == "no_due" or (known_limit and rng.random() < 0.02):
            due = None
        extra = self.new_fields(p, channel, year) if day >= NEW_FIELDS_FROM else None
        changes: dict[str, Any] = {"NgayTiepNhan": received}
        if channel != "2":
            changes["NgayNopHoSo"] = submitted
        events.append(Event(received, "2", changes, "Tiếp nhận hồ sơ"))
        d = Dossier(self.code_for(submitted.date()), p, channel, events, due, extra)
        d.steps = extra is not None or rng.random() < 0.5
        d.legacy = year == 2022 and rng.random() < 0.04
        d.null_empty = rng.random() < 0.15
        d.applicant = self.applicant()
        d.summary = dossier_summary(p, rng)
        d.return_by_bcci = channel == "3" and rng.random() < 0.3
        self.lifecycle(d, kind)
        self.dossiers.append(d)
        return d

    def new_fields(self, p: Procedure, channel: str, year: int) -> dict[str, Any]:
        rng = self.rng
        svc = SERVICES.get(p.code)
        online = channel == "2"
        fees: list[dict[str, Any]] = []
        paid = "0"
        if svc is not None and svc.fee > 0:
            name = FEE_NAMES[p.code]
            r = rng.random()
            if r < 0.08:  # exempt applicant
                fees = [{"TenPhiLePhi": name, "Gia": 0}]
            elif r < 0.11:
                fees = [{"TenPhiLePhi": name, "Gia": 0}, {"TenPhiLePhi": "Phí bưu chính", "Gia": 0}]
            elif r < 0.2:
                fees = [
                    {"TenPhiLePhi": name, "Gia": svc.fee},
                    {"TenPhiLePhi": "Phí bưu chính", "Gia": 0},
                ]
            else:
                fees = [{"TenPhiLePhi": name, "Gia": svc.fee}]
            if any(f["Gia"] > 0 for f in fees):
                share = PAY_ONLINE[year] if online else PAY_ONLINE[year] / 4
                if rng.random() < share:
                    paid = rng.choice("12")
        digitised = online or rng.random() < DIGITISED_AT_COUNTER[year]
        reused = rng.random() < REUSED[year]
        store = online and rng.random() < DATA_STORE[year]
        n = rng.randint(1, 3)
        docs = []
        for i, title in enumerate(rng.sample(DOCUMENTS, n)):
            docs.append(
                {
                    "TenTaiLieu": title,
                    "DuongDan": f"{PORTAL}/tailieu/{rng.getrandbits(48):012x}.pdf"
                    if digitised
                    else "",
                    "DuocSoHoa": 1 if reused and digitised and i == 0 else 0,
                    "DuocLayTuKhoDMQG": 1 if store and i == n - 1 else 0,
                }
            )
        synced = rng.random() < 0.03  # synced from a ministry with digitised data
        return {
            "DuocThanhToanTrucTuyen": paid,
            "DanhSachPhiLePhi": fees,
            "TaiLieuNop": docs,
            "HoSoCoThanhPhanSoHoa": 1 if synced or any(x["DuocSoHoa"] for x in docs) else 0,
            "MaKetQua": "",
            "DuongDanTepTinKetQua": "",
        }

    def lifecycle(self, d: Dossier, kind: str) -> None:
        rng = self.rng
        ev = d.events
        received = ev[-1].at
        unit = UNITS[d.proc.unit]
        t = self.later(received, 0, 1)
        ev.append(Event(t, "4", {}, f"Chuyển {unit} xử lý"))
        n_supp = 0
        r = rng.random()
        if kind == "twice" or r < 0.03:
            n_supp = 2
        elif kind == "supplement" or r < 0.12:
            n_supp = 1
        for _ in range(n_supp):
            t = self.later(t, 0, 3)
            ev.append(Event(t, "5", {}, "Yêu cầu bổ sung hồ sơ"))
            if kind == "waiting":
                return
            t = self.later(t, 1, 8)
            ev.append(Event(t, "4", {}, "Công dân đã bổ sung hồ sơ"))
        if kind == "waiting":
            t = self.later(t, 0, 3)
            ev.append(Event(t, "5", {}, "Yêu cầu bổ sung hồ sơ"))
            return
        if rng.random() < 0.02:
            t = self.later(t, 0, 2)
            ev.append(Event(t, "6", {}, "Tạm dừng chờ ý kiến cơ quan liên quan"))
            t = self.later(t, 1, 3)
            ev.append(Event(t, "4", {}, "Tiếp tục xử lý"))
        if kind == "open":
            return
        r = rng.random()
        if kind == "withdrawn" or r < 0.012:
            t = self.later(t, 0, 5)
            ev.append(Event(t, "7", {"NgayKetThucXuLy": t}, "Công dân xin rút hồ sơ"))
            return
        if kind == "stopped" or r < 0.02:
            t = self.later(t, 0, 5)
            ev.append(Event(t, "8", {"NgayKetThucXuLy": t}, "Dừng xử lý"))
            return
        f = self.finish_time(d, t, kind, n_supp)
        result: dict[str, Any] = {}
        svc = SERVICES.get(d.proc.code)
        e_share = E_RESULT[received.year] * (1 if svc is not None and svc.paper else 0.6)
        if d.extra is not None and rng.random() < e_share:
            key = f"KQ{rng.getrandbits(40):010x}"
            r = rng.random()
            if r > 0.04:
                result["MaKetQua"] = key.upper()
            if r < 0.04 or r > 0.08:
                result["DuongDanTepTinKetQua"] = f"{PORTAL}/ketqua/{key}.pdf"
        if rng.random() < 0.03:  # handed back straight away, no status-9 step
            ev.append(Event(f, "10", {"NgayKetThucXuLy": f, "NgayTra": f, **result}, "Trả kết quả"))
            return
        ev.append(Event(f, "9", {"NgayKetThucXuLy": f, **result}, "Đã có kết quả"))
        if rng.random() < 0.92:
            g = self.later(f, 0, 3)
            ev.append(Event(g, "10", {"NgayTra": g}, "Đã trả kết quả"))

    def finish_time(self, d: Dossier, t: datetime, kind: str, n_supp: int) -> datetime:
        """The finish time of a resolved dossier, after ``t``."""
        rng = self.rng
        due = d.due
        if due is None:
            limit = add_working_days(d.events[0].at.date(), d.proc.days + rng.choice((-2, 0, 1, 3)))
            return self.at(max(limit, t.date()), t)
        if n_supp:  # around the due date: the supplement time may or may not save it
            day = (
                add_working_days(due.date(), rng.randint(0, 4))
                if rng.random() < 0.5
                else due.date()
            )
            return self.at(max(day, t.date()), t)
        how = kind if kind.startswith("same_day") else None
        if how is None:
            how = rng.choices(
                ("early", "same_day_before", "same_day_after", "late"), (74, 15, 6, 5)
            )[0]
        if how == "early":
            days = working_days_in(t.date(), due.date() - timedelta(days=1))
            if days:
                return self.at(rng.choice(days), t)
            how = "same_day_before"
        if how == "same_day_before":
            lo = max(t, datetime.combine(due.date(), time(7, 30)))
            span = int((due - lo).total_seconds())
            if span > 60:
                return lo + timedelta(seconds=rng.randint(30, span - 1))
            how = "same_day_after"
        if how == "same_day_after" and t < due:
            return due + timedelta(minutes=rng.randint(5, 150), seconds=rng.randint(0, 59))
        return self.at(max(add_working_days(due.date(), rng.randint(1, 6)), t.date()), t)

    # -- populations
    def normal(self) -> None:
        for year, n in VOLUME.items():
            for _ in range(n):
                p = self.pick_proc()
                self.dossier(p, self.pick_day(p, year))

    def planted(self) -> None:
        """Cases every indicator must meet, whatever the draw."""
        busy = [
            motcua_catalogue.PROCEDURES[0],
            motcua_catalogue.PROCEDURES[6],
            motcua_catalogue.PROCEDURES[8],
        ]  # 1.004889, 1.001088, 1.004845
        for month in range(1, 13):
            days = working_days_in(date(2025, month, 1), date(2025, month, 28))
            for kind in ("twice", "supplement", "same_day_after", "no_due"):
                self.dossier(self.rng.choice(busy), self.rng.choice(days), kind)
        for kind in ("withdrawn", "stopped", "waiting", "open"):
            for day in (date(2025, 3, 12), date(2025, 9, 23), date(2025, 12, 15)):
                self.dossier(self.rng.choice(busy), day, kind)
        # Waiting for the supplement over a month end; stuck since October (overdue).
        self.dossier(busy[0], date(2025, 6, 27), "waiting")
        self.dossier(busy[1], date(2025, 10, 6), "open")
        # In processing over the working Saturday 2025-04-26 (a day off for the contract).
        self.dossier(busy[2], date(2025, 4, 24), "supplement")
        self.dossier(busy[0], date(2025, 4, 25))

    def not_received(self) -> None:
        rng = self.rng
        online = [
            p
            for p in motcua_catalogue.PROCEDURES
            if SERVICES.get(p.code) and SERVICES[p.code].history[0] != "-"
        ]
        for i in range(12):
            year = 2022 + i % 4
            p = rng.choice(online)
            sub = self.at(self.pick_day(p, year))
            events = [Event(sub, "1", {"NgayNopHoSo": sub}, "Nộp hồ sơ trực tuyến")]
            if i % 3:  # refused, never received
                t = self.later(sub, 1, 2)
                events.append(Event(t, "3", {}, "Từ chối tiếp nhận: hồ sơ không thuộc thẩm quyền"))
            extra = self.new_fields(p, "2", year) if sub.date() >= NEW_FIELDS_FROM else None
            d = Dossier(self.code_for(sub.date()), p, "2", events, None, extra)
            d.applicant = self.applicant()
            d.summary = dossier_summary(p, rng)
            self.dossiers.append(d)
        # Submitted online on 2025-12-31, not received by the clock.
        p = rng.choice(online)
        sub = datetime(2025, 12, 31, 21, 14, 5)
        d = Dossier(
            self.code_for(sub.date()),
            p,
            "2",
            [Event(sub, "1", {"NgayNopHoSo": sub}, "Nộp hồ sơ trực tuyến")],
            None,
            self.new_fields(p, "2", 2025),
        )
        d.applicant = self.applicant()
        d.summary = dossier_summary(p, rng)
        self.dossiers.append(d)

    def finish(self) -> None:
        rng = self.rng
        for d in self.dossiers:
            d.events = [e for e in d.events if e.at <= CLOCK - timedelta(minutes=10)]
            if len(d.events) >= 2 and rng.random() < 0.05:
                d.nfd_version = rng.randrange(1, len(d.events))
            if rng.random() < 0.12:  # a re-save of the same state, days later
                when = self.later(d.events[-1].at, 1, 5)
                if when <= CLOCK - timedelta(minutes=10):
                    d.events.append(Event(when, None))

    # -- records
    def records(self, d: Dossier) -> list[dict[str, Any]]:
        rng = self.rng
        fmt = LEGACY_FORMAT if d.legacy else TS_FORMAT
        empty = None if d.null_empty else ""

        def ts(v: datetime | None) -> str | None:
            return v.strftime(fmt) if v else empty

        p = d.proc
        app = d.applicant
        assert app is not None
        first = d.events[0].at
        state: dict[str, Any] = {
            "MaHoSo": d.code,
            "MaTTHC": p.code,
            "TenTTHC": name_at(p.code, first),
            "MaLinhVuc": p.field,
            "TenLinhVuc": FIELDS[p.field],
            "KenhThucHien": d.channel,
            "HinhThuc": "1" if d.return_by_bcci else "0",
            "LoaiDoiTuong": p.kind,
            "ChuHoSo": app.name,
            "SoGiayToChuHoSo": app.ident,
            "TrichYeuHoSo": d.summary,
            "NgayNopHoSo": empty,
            "NgayTiepNhan": empty,
            "NgayHenTra": empty,
            "NgayKetThucXuLy": empty,
            "NgayTra": empty,
            "TrangThaiHoSo": None,
            "DonViXuLy": UNITS[p.unit],
            "NgayCapNhat": None,
        }
        if d.extra is not None:
            state.update(d.extra)
        steps: list[dict[str, Any]] = []
        out = []
        prev: datetime | None = None
        for i, ev in enumerate(d.events):
            if ev.status is not None:
                state["TrangThaiHoSo"] = ev.status
                for k, v in ev.changes.items():
                    state[k] = ts(v) if isinstance(v, datetime) else v
                if ev.status == "2":
                    state["NgayHenTra"] = ts(d.due)
                steps.append(
                    {
                        "TrangThai": ev.status,
                        "ThoiDiem": ts(ev.at),
                        "NguoiXuLy": rng.choice(STAFF),
                        "NoiDung": ev.note,
                    }
                )
            cap = ev.at + timedelta(minutes=rng.randint(1, 9), seconds=rng.randint(0, 59))
            if prev is not None and cap <= prev:
                cap = prev + timedelta(seconds=1)
            prev = cap
            rec = dict(state)
            rec["NgayCapNhat"] = cap.strftime(fmt)
            if i == d.nfd_version:
                rec["ChuHoSo"] = unicodedata.normalize("NFD", app.name)
            if d.steps:
                rec["QuaTrinhXuLy"] = [dict(s) for s in steps]
            out.append(rec)
        return out

    def invalid(self) -> tuple[list[dict[str, Any]], dict[str, int]]:
        """Single-version dossiers with exactly one defect each (quarantine)."""
        kinds = {
            "missing_key": [{"_drop": True}, {"MaHoSo": ""}, {"MaHoSo": None}],
            "due_before_receipt": [{"_due_days": -3}, {"_due_days": -12}],
            "unknown_procedure": [{"MaTTHC": "1.009999"}, {"MaTTHC": "1.00488"}],
            "unparsable_date": [
                {"NgayTiepNhan": "2025-13-45"},
                {"NgayHenTra": "31/02/2025 25:00:00"},
                {"NgayKetThucXuLy": "20251301080000"},
            ],
        }
        rows, counts = [], {}
        busy = [p for p in motcua_catalogue.PROCEDURES if p.weight >= 50]
        for n, (kind, variants) in enumerate(kinds.items()):
            counts[kind] = len(variants)
            for j, v in enumerate(variants):
                p = self.rng.choice(busy)
                day = working_days_in(date(2025, 2 + 3 * n, 1), date(2025, 2 + 3 * n, 28))[3 * j]
                saved, self.dossiers = self.dossiers, []
                d = self.dossier(p, day, "open")
                self.dossiers = saved
                d.events = d.events[:2] if d.channel != "2" else d.events[:3]
                rec = self.records(d)[-1]
                for k, value in v.items():
                    if k == "_drop":
                        del rec["MaHoSo"]
                    elif k == "_due_days":
                        received = motcua_timestamps.parse_ts(rec["NgayTiepNhan"])
                        assert received is not None
                        due = datetime.combine(received.date() + timedelta(days=value), time(17))
                        rec["NgayHenTra"] = due.strftime(
                            TS_FORMAT if not d.legacy else LEGACY_FORMAT
                        )
                    else:
                        rec[k] = value
                rows.append(rec)
        return rows, counts


def build_records(
    seed: int = 2025,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, int]]:
    """(thutuc versions, hoso versions ordered by NgayCapNhat then MaHoSo, quarantine counts)."""
    b = _Builder(seed)
    b.normal()
    b.planted()
    b.not_received()
    b.finish()
    hoso = [rec for d in b.dossiers for rec in b.records(d)]
    bad, quarantine = b.invalid()
    hoso += bad
    hoso.sort(key=lambda r: (motcua_timestamps.parse_ts(r["NgayCapNhat"]), r.get("MaHoSo") or ""))
    keys = [(r.get("MaHoSo"), r["NgayCapNhat"]) for r in hoso if r.get("MaHoSo")]
    if len(set(keys)) != len(keys):
        raise AssertionError("(MaHoSo, NgayCapNhat) is not unique")
    return catalogue_versions(), hoso, quarantine


# --------------------------------------------------------------- independent count


@lru_cache(maxsize=65536)
def _parse_text(s: str) -> datetime:
    if len(s) == 14 and s.isdigit():
        return datetime(
            int(s[0:4]), int(s[4:6]), int(s[6:8]), int(s[8:10]), int(s[10:12]), int(s[12:14])
        )
    return datetime.strptime(s, LEGACY_FORMAT)


def parse_ts(value: Any) -> datetime | None:
    """A contract timestamp (``yyyyMMddHHmmss`` or ``dd/MM/yyyy HH:mm:ss``); None when empty.

    ``ValueError`` when unparsable.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    return _parse_text(value.strip())


TIMESTAMP_FIELDS = ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra")


def invalid_reason(rec: dict[str, Any], known_codes: set[str]) -> str | None:
    """The quarantine reason of a dossier version (motcua.md "Invalid rows"), or None."""
    if not rec.get("MaHoSo"):
        return "missing_key"
    try:
        for name in (*TIMESTAMP_FIELDS, "NgayCapNhat"):
            parse_ts(rec.get(name))
    except ValueError:
        return "unparsable_date"
    if rec.get("MaTTHC") not in known_codes:
        return "unknown_procedure"
    received, due = parse_ts(rec.get("NgayTiepNhan")), parse_ts(rec.get("NgayHenTra"))
    if received and due and due.date() < received.date():
        return "due_before_receipt"
    return None


def _flag(value: Any) -> bool:
    return value is True or value == 1 or value == "1"


def _set(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def rate_of(numerator: int | Decimal, denominator: int) -> float | None:
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _figure(numerator: int, denominator: int, threshold: int | None) -> dict[str, Any]:
    rate = rate_of(numerator, denominator)
    score = None
    if threshold is not None and rate is not None:
        ratio = min(Decimal(1), Decimal(str(rate)) / Decimal(threshold))
        score = float(ratio.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    return {
        "numerator": numerator,
        "denominator": denominator,
        "rate": rate,
        "threshold": threshold,
        "score_ratio": score,
    }


def _average(seconds: list[int]) -> dict[str, Any]:
    day = Decimal(86400)
    total = Decimal(sum(seconds)) / day
    rate = None
    if seconds:
        rate = float((total / len(seconds)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return {
        "numerator": float(total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        "denominator": len(seconds),
        "rate": rate,
        "threshold": None,
        "score_ratio": None,
    }


@dataclass
class Processing:
    """A dossier's processing as the steps up to a cut tell it."""

    end: datetime | None  # None: unfinished at the cut, not waiting
    end_status: str | None
    supplement: timedelta
    supplement_intervals: list[tuple[datetime, datetime]]
    requests: int
    waiting_since: datetime | None  # an open supplement request at the cut


def processing(rec: dict[str, Any], cut: datetime) -> Processing:
    """End of processing, supplement time and requests of one dossier, up to ``cut``."""
    raw = rec.get("QuaTrinhXuLy") or []
    steps = []
    for s in raw:
        t = parse_ts(s.get("ThoiDiem"))
        if t is not None and t <= cut:
            steps.append((t, str(s.get("TrangThai"))))
    if not steps:
        finished = parse_ts(rec.get("NgayKetThucXuLy"))
        if finished is not None and finished <= cut:
            return Processing(finished, str(rec.get("TrangThaiHoSo")), timedelta(0), [], 0, None)
        return Processing(None, None, timedelta(0), [], 0, None)
    end_i = None
    for wanted in END_STATUSES:
        codes = wanted if isinstance(wanted, tuple) else (wanted,)
        end_i = next((i for i, (_, st) in enumerate(steps) if st in codes), None)
        if end_i is not None:
            break
    walk = steps if end_i is None else steps[: end_i + 1]
    open_at: datetime | None = None
    intervals: list[tuple[datetime, datetime]] = []
    requests = 0
    for t, st in walk:
        if st == "5":
            if open_at is None:
                open_at = t
                requests += 1
        elif open_at is not None:
            intervals.append((open_at, t))
            open_at = None
    supplement = sum((b - a for a, b in intervals), timedelta(0))
    if end_i is not None:
        t, st = steps[end_i]
        return Processing(t, st, supplement, intervals, requests, None)
    return Processing(None, None, supplement, intervals, requests, open_at)


def _catalogue_at(versions: list[dict[str, Any]], cut: datetime, agency: str) -> dict[str, dict]:
    latest: dict[str, tuple[datetime, dict[str, Any]]] = {}
    for v in versions:
        if v.get("CoQuanThucHien") != agency:
            continue
        t = parse_ts(v.get("NgayCapNhat"))
        if t is None or t > cut:
            continue
        if v["MaTTHC"] not in latest or t > latest[v["MaTTHC"]][0]:
            latest[v["MaTTHC"]] = (t, v)
    return {code: v for code, (_, v) in latest.items()}


def online_service(v: dict[str, Any]) -> str:
    """``toan_trinh``, ``mot_phan`` or ``""``; pre-Decree-42 versions by ``MucDo``."""
    if "DVCTrucTuyen" in v:
        return v.get("DVCTrucTuyen") or ""
    level = v.get("MucDo")
    try:
        level = int(level)
    except (TypeError, ValueError):
        return ""
    return {4: "toan_trinh", 3: "mot_phan"}.get(level, "")


def _within_limit(proc: dict[str, Any] | None, rec: dict[str, Any], pr: Processing) -> bool:
    """No NgayHenTra: processing time within ThoiHanGiaiQuyet in its unit."""
    if proc is None or proc.get("ThoiHanGiaiQuyet") in (None, ""):
        return False
    limit = Decimal(str(proc["ThoiHanGiaiQuyet"]))
    received = parse_ts(rec.get("NgayTiepNhan"))
    assert received is not None and pr.end is not None
    unit = proc.get("DonViTinh")
    if unit == "ngay":
        used = Decimal(int((pr.end - received - pr.supplement).total_seconds())) / 86400
    elif unit == "gio":
        used = Decimal(int((pr.end - received - pr.supplement).total_seconds())) / 3600
    elif unit == "ngay_lam_viec":
        used = Decimal(_working_processing_seconds(received, pr)) / 86400
    else:
        return False
    return used <= limit


def _working_processing_seconds(received: datetime, pr: Processing) -> int:
    assert pr.end is not None
    total = working_seconds(received, pr.end)
    for a, b in pr.supplement_intervals:
        total -= working_seconds(a, b)
    return total


def latest_dossiers(
    thutuc_versions: Iterable[dict[str, Any]],
    hoso_versions: Iterable[dict[str, Any]],
    known_at: datetime,
) -> dict[str, dict[str, Any]]:
    known_codes = {v["MaTTHC"] for v in thutuc_versions}
    latest: dict[str, tuple[datetime, dict[str, Any]]] = {}
    for rec in hoso_versions:
        if invalid_reason(rec, known_codes):
            continue
        t = parse_ts(rec["NgayCapNhat"])
        if t is None or t > known_at:
            continue
        key = rec["MaHoSo"]
        if key not in latest or t > latest[key][0]:
            latest[key] = (t, rec)
    return {k: rec for k, (_, rec) in latest.items()}


def count_indicators(
    thutuc_versions: Iterable[dict[str, Any]],
    hoso_versions: Iterable[dict[str, Any]],
    period_start: date,
    period_end: date,
    as_of: date,
    agency: str = AGENCY_CODE,
    dossiers: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The Decision 766 indicators of one period, as the module docstring says.

    Returns ``{"indicators": {id: figure}, "details": {...}}``. ``dossiers`` (from
    ``latest_dossiers``) saves re-reading the versions for every period.
    """
    thutuc_versions = list(thutuc_versions)
    clock = datetime.combine(as_of, time(23, 59, 59))
    if dossiers is None:
        dossiers = latest_dossiers(thutuc_versions, hoso_versions, clock)
    last = min(period_end, as_of)
    cut = datetime.combine(last, time(23, 59, 59))
    catalogue = _catalogue_at(thutuc_versions, cut, agency)

    on_time = universe = 0
    times: list[int] = []
    times_by_proc: dict[str, list[int]] = defaultdict(list)
    c: Counter[str] = Counter()
    for rec in dossiers.values():
        received = parse_ts(rec.get("NgayTiepNhan"))
        if received is None or STATUS_GROUP.get(str(rec.get("TrangThaiHoSo"))) in (
            None,
            "not_received",
        ):
            continue
        proc = catalogue.get(rec.get("MaTTHC"))
        # 2.1
        if received.date() <= last:
            pr = processing(rec, cut)
            if pr.end is None or period_start <= pr.end.date() <= last:
                universe += 1
                if pr.end is None:
                    pr.end = pr.waiting_since or cut
                if pr.requests <= 1:
                    due = parse_ts(rec.get("NgayHenTra"))
                    if due is not None:
                        on_time += pr.end - pr.supplement <= due
                    else:
                        on_time += _within_limit(proc, rec, pr)
        # 3.6: started (submitted; else received) in the period
        started = parse_ts(rec.get("NgayNopHoSo")) or received
        if period_start <= started.date() <= last and proc is not None:
            fees = rec.get("DanhSachPhiLePhi")
            if _flag(proc.get("CoPhiLePhi")) and (
                not isinstance(fees, list) or any(Decimal(str(f.get("Gia") or 0)) > 0 for f in fees)
            ):
                c["3.6_base"] += 1
                if str(rec.get("DuocThanhToanTrucTuyen")) in ("1", "2"):
                    c["3.6"] += 1
        if not period_start <= received.date() <= last:
            continue
        # 2.2: finished (status 9 or 10) by the end of the period
        pr = processing(rec, cut)
        if pr.end is not None and pr.end_status in ("9", "10"):
            seconds = _working_processing_seconds(received, pr)
            times.append(seconds)
            times_by_proc[rec["MaTTHC"]].append(seconds)
        paper = proc is not None and _flag(proc.get("YeuCauKetQuaGiay"))
        result_link = _set(rec.get("DuongDanTepTinKetQua"))
        c["all"] += 1
        channel = str(rec.get("KenhThucHien") or "").strip()
        if channel == "2" and (not paper or (result_link and _set(rec.get("MaKetQua")))):
            c["3.3"] += 1
        if channel in ("1", ""):
            c["direct"] += 1
        if channel == "3":
            c["postal"] += 1
        if paper:
            c["4.1_base"] += 1
            c["4.1"] += result_link
        docs = rec.get("TaiLieuNop") or []
        if any(_set(x.get("DuongDan")) for x in docs) and (not paper or result_link):
            c["4.2"] += 1
        if _flag(rec.get("HoSoCoThanhPhanSoHoa")) or any(_flag(x.get("DuocSoHoa")) for x in docs):
            c["4.3"] += 1
        if any(_flag(x.get("DuocLayTuKhoDMQG")) for x in docs):
            c["4.4"] += 1

    services = [online_service(v) for v in catalogue.values()]
    eligible = sum(1 for v in catalogue.values() if v.get("DuDieuKienToanTrinh") is True)
    figures = {
        "2.1": _figure(on_time, universe, THRESHOLDS["2.1"]),
        "2.2": _average(times),
        "3.1": _figure(sum(s in ONLINE for s in services), len(services), THRESHOLDS["3.1"]),
        "3.3": _figure(c["3.3"], c["all"], THRESHOLDS["3.3"]),
        "3.6": _figure(c["3.6"], c["3.6_base"], THRESHOLDS["3.6"]),
        "4.1": _figure(c["4.1"], c["4.1_base"], THRESHOLDS["4.1"]),
        "4.2": _figure(c["4.2"], c["all"], THRESHOLDS["4.2"]),
        "4.3": _figure(c["4.3"], c["all"], THRESHOLDS["4.3"]),
        "4.4": _figure(c["4.4"], c["all"], THRESHOLDS["4.4"]),
    }
    details = {
        "3.1_full_online": _figure(services.count("toan_trinh"), eligible, None),
        "3.3_direct": _figure(c["direct"], c["all"], None),
        "3.3_postal": _figure(c["postal"], c["all"], None),
        "2.2_by_procedure": {code: _average(times_by_proc[code]) for code in sorted(times_by_proc)},
    }
    return {"indicators": figures, "details": details}


def months(year: int) -> list[tuple[str, date, date]]:
    out = []
    for month in range(1, 13):
        first = date(year, month, 1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        out.append((first.strftime("%Y-%m"), first, last))
    return out


def indicators_of_year(
    thutuc: list[dict[str, Any]], hoso: list[dict[str, Any]], year: int, as_of: date
) -> dict[str, Any]:
    """``{"indicators_766": {month: {id: figure}}, "indicators_766_year": ...,
    "indicators_766_details": {month: details}}`` for the months started by ``as_of``."""
    clock = datetime.combine(as_of, time(23, 59, 59))
    dossiers = latest_dossiers(thutuc, hoso, clock)
    by_month, details = {}, {}
    for key, first, last in months(year):
        if first > as_of:
            continue
        counted = count_indicators(thutuc, hoso, first, last, as_of, dossiers=dossiers)
        by_month[key] = counted["indicators"]
        details[key] = counted["details"]
    whole = count_indicators(
        thutuc, hoso, date(year, 1, 1), date(year, 12, 31), as_of, dossiers=dossiers
    )
    return {
        "indicators_766": by_month,
        "indicators_766_year": whole["indicators"],
        "indicators_766_details": details,
    }


# ---------------------------------------------------------------------- generate


def generate(out_dir: Path, seed: int = 2025) -> dict[str, Any]:
    """Write the built-in Quảng Ngãi 2025 data set into ``out_dir``; return expected.json."""
    out_dir = Path(out_dir)
    thutuc, hoso, planted = build_records(seed)
    ds.write_dataset_json(out_dir, META)
    ds.write_jsonl(out_dir / "motcua" / "thutuc.jsonl", thutuc)
    ds.write_jsonl(out_dir / "motcua" / "hoso.jsonl", hoso)

    # Count from the files as written (what a client reads).
    thutuc_read = ds.read_jsonl(out_dir / "motcua" / "thutuc.jsonl")
    hoso_read = ds.read_jsonl(out_dir / "motcua" / "hoso.jsonl")
    figures = count_figures(thutuc_read, hoso_read, AS_OF, known_at=CLOCK)
    if figures["quarantine"]["motcua_hoso"] != planted:
        raise AssertionError(f"quarantine count {figures['quarantine']} != planted {planted}")
    expected = ds.empty_expected(META)
    expected["procedures"] = figures["procedures"]
    expected["dossiers"] = figures["dossiers"]
    expected["quarantine"] = figures["quarantine"]
    expected.update(indicators_of_year(thutuc_read, hoso_read, YEAR, AS_OF))
    ds.write_json(out_dir / ds.EXPECTED_FILE, expected)
    return expected
