"""The Decision 766 indicators counted from the records as written (``count_indicators``,
``indicators_of_year``): an independent reading of contracts/indicators_766.md."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from eduwh_sandbox.indicators_dataset.catalogue import AGENCY_CODE
from eduwh_sandbox.indicators_dataset.working_days import working_seconds
from eduwh_sandbox.motcua_dataset.figures import STATUS_GROUP, invalid_reason
from eduwh_sandbox.motcua_dataset.timestamps import parse_ts

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
    """The Decision 766 indicators of one period, as the package docstring says.

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
