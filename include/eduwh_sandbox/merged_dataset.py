"""The built-in data set ``quang-ngai-2025-merged``: Quảng Ngãi and its predecessor Kon Tum.

The several-agencies layout of contracts/sandbox_dataset.md::

    DIR/agencies.yml               the register of contracts/agencies.md (REGISTER below)
    DIR/000.23.34.H48/             Quảng Ngãi: dataset.json, motcua/ (its own portal)
    DIR/000.31.62.H34/             Kon Tum: dataset.json, motcua/ (its own portal, MOTCUA_KT)
    DIR/expected.json              the figures below

Records: each portal's dossiers are the 2019 generator's (``motcua_dataset.build_records``,
another seed per agency), every timestamp moved by ``SHIFT`` (a whole number of weeks, so
weekdays stay; public holidays are not re-planned). Kon Tum's portal stops on 30 June
2025: dossiers it had not received by then are left out; for a dossier still moving
after that, Kon Tum's portal keeps its versions up to 30 June and the successor's portal
holds the later ones, under the same ``MaHoSo`` (the contract's takeover: both instances
return it, the successor's version is later). Some dossiers received in 2025 finish
only in January 2026 (carried over into 2026).

Clock: every dataset.json says ``as_of`` 2025-12-31 (the sandbox's default clock is its
end); the 2026 figures are as of ``AS_OF_2026`` and need the clock moved there.

expected.json, counted from the records as written (``motcua_dataset.count_figures``:
the latest version of a ``MaHoSo`` wins, so a dossier both portals hold counts once)::

    {"register": [...agencies.yml...],
     "reports": [
       {"agency": {"code", "name"}, "year": 2025, "as_of": "2025-12-31",
        "covers": [{"code", "name", "until": "2025-06-30"}],
        "procedures": {...}, "dossiers": {...},     # report_figures.md sections
        "of_which": {"000.31.62.H34": {"dossiers": {...}}},   # Kon Tum's records in it
        "quarantine": {...}},
       {... Kon Tum's own 2025, as_of 2025-06-30, its records only ...},
       {... the successor's 2026 as of AS_OF_2026, universe as in 2025;
            "dossiers"["carried_over"] is the figure of the issue ...}]}

Not here yet (the issue asks for them): e-Office instances, csdl.moet exports and SIS
deliveries of both agencies.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from eduwh_sandbox import dataset as ds
from eduwh_sandbox import motcua_dataset as m

NAME = "quang-ngai-2025-merged"
SHIFT = timedelta(weeks=316)  # 2019-12-06 (Fri) -> 2025-12-26 (Fri)
KT_UNTIL = date(2025, 6, 30)
KT_CUTOFF = datetime(2025, 6, 30, 23, 59, 59)
AS_OF = "2025-12-31"
AS_OF_2026 = "2026-01-31"
QN = {"code": "000.23.34.H48", "name": "Sở Giáo dục và Đào tạo Quảng Ngãi"}
KT = {"code": "000.31.62.H34", "name": "Sở Giáo dục và Đào tạo Kon Tum"}
SEEDS = {QN["code"]: 2025, KT["code"]: 2062}
REGISTER = [
    {
        **QN,
        "province_code": "51",
        "moet_department_code": QN["code"],
        "valid_from": date(2008, 1, 1),
        "valid_to": None,
        "sources": {"motcua": "MOTCUA", "eoffice": "EOFFICE", "csdl_moet": "MOET", "sis": "SIS"},
    },
    {
        **KT,
        "province_code": "62",
        "moet_department_code": "62",
        "valid_from": date(2008, 1, 1),
        "valid_to": KT_UNTIL,
        "successor": QN["code"],
        "sources": {
            "motcua": "MOTCUA_KT",
            "eoffice": "EOFFICE_KT",
            "csdl_moet": "MOET",
            "sis": "SIS",
        },
    },
]


def _shift(value: Any) -> Any:
    """A timestamp moved by SHIFT in its own format; anything unparsable is kept as is."""
    try:
        t = m.parse_ts(value)
    except ValueError:
        return value  # a planted bad date: stays bad
    if t is None:
        return value
    fmt = m.TS_FORMAT if len(value.strip()) == 14 else m.LEGACY_FORMAT
    return (t + SHIFT).strftime(fmt)


def _moved(rec: dict[str, Any], code: str) -> dict[str, Any]:
    out = {
        k: _shift(v) if k in m.TIMESTAMP_FIELDS or k == "NgayCapNhat" else v for k, v in rec.items()
    }
    if isinstance(out.get("MaHoSo"), str):
        out["MaHoSo"] = out["MaHoSo"].replace(QN["code"], code, 1)
    if isinstance(out.get("QuaTrinhXuLy"), list):
        out["QuaTrinhXuLy"] = [
            {**s, "ThoiDiem": _shift(s.get("ThoiDiem"))} for s in out["QuaTrinhXuLy"]
        ]
    if "CoQuanThucHien" in out:
        out["CoQuanThucHien"] = code
    return out


def _changed(rec: dict[str, Any]) -> datetime | None:
    try:
        return m.parse_ts(rec.get("NgayCapNhat"))
    except ValueError:
        return None


def _portal(code: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    thutuc, hoso, _ = m.build_records(SEEDS[code])
    return [_moved(v, code) for v in thutuc], [_moved(v, code) for v in hoso]


def _split_kon_tum(hoso: list[dict[str, Any]]) -> tuple[list, list]:
    """(Kon Tum's portal's versions, the later versions the successor's portal took over)."""
    first: dict[str, datetime] = {}
    for rec in hoso:
        t = _changed(rec)
        if t is not None and rec.get("MaHoSo"):
            first[rec["MaHoSo"]] = min(t, first.get(rec["MaHoSo"], t))
    kept, taken_over = [], []
    for rec in hoso:
        t, key = _changed(rec), rec.get("MaHoSo")
        if key in first and first[key] > KT_CUTOFF:
            continue  # Kon Tum had ceased: never received by its portal
        (taken_over if t is not None and t > KT_CUTOFF else kept).append(rec)
    return kept, taken_over


def _by_change(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(records, key=lambda r: (_changed(r) or datetime.min, r.get("MaHoSo") or ""))


def _report(agency, as_of, thutuc, hoso, covers, of_which) -> dict[str, Any]:
    figures = m.count_figures(thutuc, hoso, as_of)
    report = {
        "agency": dict(agency),
        "year": int(as_of[:4]),
        "as_of": as_of,
        "covers": covers,
        "procedures": figures["procedures"],
        "dossiers": figures["dossiers"],
    }
    if of_which:
        report["of_which"] = {
            code: {"dossiers": m.count_figures(thutuc, records, as_of)["dossiers"]}
            for code, records in of_which.items()
        }
    report["quarantine"] = figures["quarantine"]
    return report


def _meta(agency: dict[str, str], department_code: str, as_of: str) -> dict[str, Any]:
    return {
        "name": NAME,
        "agency": dict(agency),
        "department_code": department_code,
        "year": 2025,
        "as_of": as_of,
        "school_year": "2024-2025",
    }


def generate(out: Path) -> dict[str, Any]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "agencies.yml").write_text(
        yaml.safe_dump(REGISTER, allow_unicode=True, sort_keys=False), "utf-8"
    )
    qn_thutuc, qn_hoso = _portal(QN["code"])
    kt_thutuc, kt_all = _portal(KT["code"])
    kt_hoso, taken_over = _split_kon_tum(kt_all)
    # Kon Tum's portal is read-only after the merger: its catalogue changes no more.
    kt_thutuc = [v for v in kt_thutuc if (_changed(v) or datetime.min) <= KT_CUTOFF]
    qn_hoso = _by_change(qn_hoso + taken_over)
    for agency, entry, thutuc, hoso in (
        (QN, REGISTER[0], qn_thutuc, qn_hoso),
        (KT, REGISTER[1], kt_thutuc, kt_hoso),
    ):
        folder = out / agency["code"]
        # The successor's portal answers into 2026 (the dossiers carried over), so its
        # data set's last day is the 2026 report's as-of date.
        last_day = AS_OF_2026 if agency is QN else AS_OF
        ds.write_dataset_json(folder, _meta(agency, entry["moet_department_code"], last_day))
        ds.write_jsonl(folder / "motcua" / "thutuc.jsonl", thutuc)
        ds.write_jsonl(folder / "motcua" / "hoso.jsonl", hoso)

    # Count from the files as written: the successor's universe is both portals.
    read = {a["code"]: ds.read_jsonl(out / a["code"] / "motcua" / "hoso.jsonl") for a in (QN, KT)}
    thutuc = ds.read_jsonl(out / QN["code"] / "motcua" / "thutuc.jsonl")
    kt_thutuc = ds.read_jsonl(out / KT["code"] / "motcua" / "thutuc.jsonl")
    universe = read[QN["code"]] + read[KT["code"]]
    kt_keys = {r.get("MaHoSo") for r in read[KT["code"]]}
    of_kt = [r for r in universe if r.get("MaHoSo") in kt_keys]  # its dossiers, all versions
    covers = [{**KT, "until": KT_UNTIL.isoformat()}]
    expected = {
        "register": yaml.safe_load((out / "agencies.yml").read_text("utf-8")),
        "reports": [
            _report(QN, AS_OF, thutuc, universe, covers, {KT["code"]: of_kt}),
            _report(KT, KT_UNTIL.isoformat(), kt_thutuc, read[KT["code"]], [], {}),
            _report(QN, AS_OF_2026, thutuc, universe, [], {KT["code"]: of_kt}),
        ],
    }
    ds.write_json(out / ds.EXPECTED_FILE, _jsonable(expected))
    return _jsonable(expected)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
