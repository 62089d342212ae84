"""The figures counted again from the records as written: an independent reading of
contracts/motcua.md's definitions, and the seed report's targets they must meet."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.motcua_dataset.timestamps import TIMESTAMP_FIELDS, parse_ts

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


def invalid_reason(rec: dict[str, Any], known_codes: set[str]) -> str | None:
    """The quarantine reason of a dossier version (motcua.md "Invalid rows"), or None."""
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
        reason = invalid_reason(rec, known_codes)
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

    c["resolved_early_or_on_time"] = c["resolved_early"] + c["resolved_on_time"]
    d = {k: c[k] for k in ds.DOSSIER_KEYS[:-2]}  # the counts; the two shares follow
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
