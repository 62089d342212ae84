"""The dossiers received 2022-2025 and every version of each, with the fields since 2022
(``build_records``)."""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from eduwh_sandbox.indicators_dataset.catalogue import (
    AGENCY_CODE,
    CLOCK,
    FEE_NAMES,
    LEGACY_FORMAT,
    NEW_FIELDS_FROM,
    SERVICES,
    TS_FORMAT,
    catalogue_versions,
    name_at,
    service_at,
)
from eduwh_sandbox.indicators_dataset.working_days import add_working_days, working_days_in
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
    FIELDS,
    SEASONS,
    UNITS,
    Procedure,
)
from eduwh_sandbox.motcua_dataset.dossiers import Event

PORTAL = "https://dichvucong.quangngai.gov.vn"


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
