"""Writes the one-stop portal's data set (dataset.json, ``motcua/``, expected.json)."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.motcua_dataset.catalogue import AS_OF, META
from eduwh_sandbox.motcua_dataset.dossiers import build_records
from eduwh_sandbox.motcua_dataset.figures import check_targets, count_figures
from eduwh_sandbox.motcua_dataset.timestamps import parse_ts


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
    thutuc_read, hoso_read = write_portal(out_dir, META, thutuc, hoso)
    figures = count_figures(thutuc_read, hoso_read, AS_OF)
    if scale == 1:
        check_targets(figures)
    clock = datetime.combine(AS_OF, time(23, 59, 59))
    at_clock = count_figures(thutuc_read, hoso_read, AS_OF, known_at=clock)
    if at_clock != figures:
        raise AssertionError("figures differ between the as-of state and the final state")
    expected = portal_expected(META, figures, planted)
    ds.write_json(out_dir / ds.EXPECTED_FILE, expected)
    return expected


def write_portal(
    out_dir: Path, meta: dict[str, Any], thutuc: list[dict], hoso: list[dict]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Write dataset.json and ``motcua/``; return the catalogue and dossier versions as
    read back from the files (what a client reads, so what the figures are counted from)."""
    ds.write_dataset_json(out_dir, meta)
    ds.write_jsonl(out_dir / "motcua" / "thutuc.jsonl", thutuc)
    ds.write_jsonl(out_dir / "motcua" / "hoso.jsonl", hoso)
    return (
        ds.read_jsonl(out_dir / "motcua" / "thutuc.jsonl"),
        ds.read_jsonl(out_dir / "motcua" / "hoso.jsonl"),
    )


def portal_expected(
    meta: dict[str, Any], figures: dict[str, Any], planted: dict[str, int]
) -> dict[str, Any]:
    """expected.json's portal sections from ``count_figures``, once the quarantine it
    counted is the one planted."""
    if figures["quarantine"]["motcua_hoso"] != planted:
        raise AssertionError(f"quarantine count {figures['quarantine']} != planted {planted}")
    expected = ds.empty_expected(meta)
    expected["procedures"] = figures["procedures"]
    expected["dossiers"] = figures["dossiers"]
    expected["quarantine"] = figures["quarantine"]
    return expected
