"""The documents section of report_figures.md counted from the listing as written (an
independent reading of the contract's figure definitions), and what a reader must
put in quarantine."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from eduwh_sandbox import dataset as ds


def count_documents(
    versions: Iterable[dict[str, Any]],
    signed_ids: set[int],
    as_of: date | str,
    known_at: datetime | None = None,
) -> dict[str, Any]:
    """The documents section of report_figures.md counted straight from listing versions.

    ``signed_ids``: documents whose package carries an XML-DSig Signature (and can be
    read). ``known_at`` ignores versions changed after it (aware datetime).
    """
    as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    start = date(as_of.year, 1, 1)
    latest: dict[int, tuple[datetime, dict[str, Any]]] = {}
    for rec in versions:
        t = datetime.fromisoformat(rec["cap_nhat_luc"])
        if known_at is not None and t > known_at:
            continue
        if rec["id"] not in latest or t > latest[rec["id"]][0]:
            latest[rec["id"]] = (t, rec)
    c: Counter[str] = Counter()
    for _, rec in latest.values():
        day_text = rec["ngay_den"] if rec["loai"] == "den" else rec["ngay_ban_hanh"]
        if not day_text:
            continue
        day = date.fromisoformat(day_text)
        if not start <= day <= as_of:
            continue
        if rec["do_mat"] != "thuong":
            c["secret_excluded"] += 1
            continue
        kind = "incoming" if rec["loai"] == "den" else "outgoing"
        c[kind] += 1
        if rec["id"] in signed_ids:
            c[kind + "_signed"] += 1
        if rec["kenh"] == "truc_lien_thong":
            c["via_axis"] += 1
        due, done = rec.get("han_xu_ly"), rec.get("ngay_hoan_thanh")
        if due and done and date.fromisoformat(done) <= min(date.fromisoformat(due), as_of):
            c["processed_on_time"] += 1
    out = {
        k: c[k]
        for k in ("incoming", "outgoing", "secret_excluded", "incoming_signed", "outgoing_signed")
    }
    out["pct_incoming_signed"] = ds.pct(out["incoming_signed"], out["incoming"])
    out["pct_outgoing_signed"] = ds.pct(out["outgoing_signed"], out["outgoing"])
    out["via_axis"] = c["via_axis"]
    out["processed_on_time"] = c["processed_on_time"]
    return out


QUARANTINE_REASONS = {  # the planted flaw -> the reason a reader must give
    "truncated_xml": "truncated_xml",
    "unknown_namespace": "unknown_namespace",
    "missing_document_id": "missing_header_field:DocumentId",
    "bad_base64": "undecodable_attachment",
}


def check_seed_targets(figures: dict[str, Any]) -> None:
    """The seed report: 100 % of non-secret documents signed (one decimal)."""
    wrong = [k for k in ("pct_incoming_signed", "pct_outgoing_signed") if figures[k] != 100.0]
    if wrong:
        raise AssertionError(f"e-Office data set does not give the seed's 100 %: {figures}")
