"""The built-in data set ``quang-ngai-2025-merged``: Quảng Ngãi and its predecessor Kon Tum.

The several-agencies layout of contracts/sandbox_dataset.md::

    DIR/agencies.yml               the register of contracts/agencies.md (REGISTER below)
    DIR/000.23.34.H48/             Quảng Ngãi: dataset.json, motcua/ (its own portal)
    DIR/000.31.62.H34/             Kon Tum: dataset.json, motcua/ (its own portal, MOTCUA_KT)
    DIR/expected.json              the figures below

Records: each portal's dossiers are the 2019 generator's (``motcua_dataset.dossiers.build_records``,
another seed per agency), every timestamp moved by ``SHIFT`` (a whole number of weeks, so
weekdays stay; public holidays are not re-planned). Kon Tum's portal stops on 30 June
2025: dossiers it had not received by then are left out; for a dossier still moving
after that, Kon Tum's portal keeps its versions up to 30 June and the successor's portal
holds the later ones, under the same ``MaHoSo`` (the contract's takeover: both instances
return it, the successor's version is later). Some dossiers received in 2025 finish
only in January 2026 (carried over into 2026).

Clock: every dataset.json says ``as_of`` 2025-12-31 (the sandbox's default clock is its
end); the 2026 figures are as of ``AS_OF_2026`` and need the clock moved there.

expected.json, counted from the records as written (``motcua_dataset.figures.count_figures``:
the latest version of a ``MaHoSo`` wins, so a dossier both portals hold counts once)::

    {"register": [...agencies.yml...],
     "reports": [
       {"agency": {"code", "name"}, "year": 2025, "as_of": "2025-12-31",
        "covers": [{"code", "name", "until": "2025-06-30"}],
        "procedures": {...}, "dossiers": {...},     # report_figures.md sections
        "documents": {...}, "schools": {...},
        "of_which": {"000.31.62.H34": {"dossiers": {...}, "documents": {...}}},  # Kon Tum's
        "quarantine": {...}},
       {... Kon Tum's own 2025, as_of 2025-06-30, its records only ...},
       {... the successor's 2026 as of AS_OF_2026, universe as in 2025;
            "dossiers"["carried_over"] is the figure of the issue ...},
       {... the successor's own 2025 as of 2025-06-30: before the merger, its records
            only (a report of a period before the merger is unchanged by it) ...}]}

Every section counts what a warehouse that landed every version knows (the nights up to
the last one), as ``count_figures`` does.

e-Office (``eoffice/`` of each agency, its own instance): the 2019 generator's documents
(``eoffice_dataset.documents.build_documents``, another seed per agency; one document in
``DOC_SAMPLE`` kept so the set stays small), every date moved by ``SHIFT``. Both instances
number their documents alike (ids are keys within one system only). Kon Tum's e-Office
stops on 30 June 2025: its documents dated later are left out, and so are the versions
of its documents changed later (read-only after the merger).

Schools (``schools_dataset`` building blocks, ``SCHOOL_SCALE`` of the 2019 province):
- csdl.moet 2024-2025: each Department's exports in its own folder, under its own
  ``moet_department_code``, with the district office, district and commune of the time
  (real pre-2025 units of its province, from the crosswalk seed
  ``dbt_project/seeds/admin_units_crosswalk_2025.csv``);
- csdl.moet 2025-2026 (exported after 1 July 2025): the merged Department only, in the
  successor's folder under its ``moet_department_code``: every school of both (Kon Tum's
  codes keep their prefix ``62``), ``Quận/Huyện`` and ``Phòng GD&ĐT quản lý`` empty,
  ``Xã/Phường`` the school's 2025 commune (the seed's default new commune of its old
  district and commune);
- SIS: a first-term delivery of each delivering school in each school year (2024-2025
  in the school's own Department's folder, 2025-2026 in the successor's).

How a merged Department's schools are counted (the contract leaves it open; this is
what an education officer expects): a report's schools section is the school year of
its as-of date, and for the successor from 2025-2026 on it is the merged Department's
exports (both predecessors' schools, each once, from the successor's listing); the
predecessor's own report (as of its valid_to, school year 2024-2025) its own exports
only. The successor's 2025 report (as of 2025-12-31) therefore gives school year
2025-2026 of the whole merged Department.

Counted from the files as written by the generators' own counters:
``eoffice_dataset.figures.count_documents`` per instance (the successor's 2025 documents = its
own + Kon Tum's, Kon Tum's to 30 June) and ``schools_dataset.figures.expected_schools``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from eduwh_sandbox import dataset as ds
from eduwh_sandbox import merged_schools as ms
from eduwh_sandbox.eoffice_dataset.certificates import Certificates
from eduwh_sandbox.eoffice_dataset.documents import VN_TZ, Doc, DocumentBuilder, build_documents
from eduwh_sandbox.eoffice_dataset.figures import count_documents
from eduwh_sandbox.eoffice_dataset.packages import write_package
from eduwh_sandbox.motcua_dataset.dossiers import build_records
from eduwh_sandbox.motcua_dataset.figures import count_figures
from eduwh_sandbox.motcua_dataset.timestamps import (
    LEGACY_FORMAT,
    TIMESTAMP_FIELDS,
    TS_FORMAT,
    parse_ts,
)
from eduwh_sandbox.schools_dataset.province import FileVersion
from eduwh_sandbox.schools_dataset.writers import ExportWriter

NAME = "quang-ngai-2025-merged"
SHIFT = timedelta(weeks=316)  # 2019-12-06 (Fri) -> 2025-12-26 (Fri)
KT_UNTIL = date(2025, 6, 30)
KT_CUTOFF = datetime(2025, 6, 30, 23, 59, 59)
AS_OF = "2025-12-31"
AS_OF_2026 = "2026-01-31"
QN = {"code": "000.23.34.H48", "name": "Sở Giáo dục và Đào tạo Quảng Ngãi"}
KT = {"code": "000.31.62.H34", "name": "Sở Giáo dục và Đào tạo Kon Tum"}
SEEDS = {QN["code"]: 2025, KT["code"]: 2062}
DOC_SAMPLE = 6  # one e-Office document in 6 is kept
SCHOOL_PREFIX = {QN["code"]: "54", KT["code"]: "62"}  # the 2019 generator's, Kon Tum's
VN = VN_TZ
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
        t = parse_ts(value)
    except ValueError:
        return value  # a planted bad date: stays bad
    if t is None:
        return value
    fmt = TS_FORMAT if len(value.strip()) == 14 else LEGACY_FORMAT
    return (t + SHIFT).strftime(fmt)


def _moved(rec: dict[str, Any], code: str) -> dict[str, Any]:
    out = {
        k: _shift(v) if k in TIMESTAMP_FIELDS or k == "NgayCapNhat" else v for k, v in rec.items()
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
        return parse_ts(rec.get("NgayCapNhat"))
    except ValueError:
        return None


def _portal(code: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    thutuc, hoso, _ = build_records(SEEDS[code])
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
    figures = count_figures(thutuc, hoso, as_of)
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
            code: {"dossiers": count_figures(thutuc, records, as_of)["dossiers"]}
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

    signed = {a["code"]: _write_eoffice(out / a["code"], a) for a in (QN, KT)}
    schools = _write_schools(out)
    return _expected(out, signed, schools)


def _write_schools(out: Path) -> dict[tuple[str, str], list[FileVersion]]:
    """Each Department's 2024-2025 exports in its folder, the merged Department's
    2025-2026 in the successor's; {(agency code, school year): the files written}."""
    built = {
        a["code"]: ms.build_department(
            SEEDS[a["code"]], SCHOOL_PREFIX[a["code"]], e["province_code"]
        )
        for a, e in ((QN, REGISTER[0]), (KT, REGISTER[1]))
    }
    files: dict[tuple[str, str], list[FileVersion]] = {}
    for agency in (QN, KT):
        code = agency["code"]
        rng = random.Random(f"merged-schools-files:{code}")
        writer = ExportWriter(out / code, rng)
        files[code, ms.BEFORE] = ms.write_year(writer, built[code], ms.BEFORE, rng)
        if agency is QN:
            merged = built[QN["code"]] + built[KT["code"]]
            files[code, ms.AFTER] = ms.write_year(writer, merged, ms.AFTER, rng)
        ms.finish(writer)
    return files


def _expected(out: Path, signed: dict[str, set[int]], schools) -> dict[str, Any]:
    """expected.json, counted from the files as written (each section by its own
    counter): the successor's universe is both agencies' systems once the predecessor
    has ended; a report before that, and the predecessor's own, count one agency."""
    read = {a["code"]: ds.read_jsonl(out / a["code"] / "motcua" / "hoso.jsonl") for a in (QN, KT)}
    thutuc = ds.read_jsonl(out / QN["code"] / "motcua" / "thutuc.jsonl")
    kt_thutuc = ds.read_jsonl(out / KT["code"] / "motcua" / "thutuc.jsonl")
    universe = read[QN["code"]] + read[KT["code"]]
    kt_keys = {r.get("MaHoSo") for r in read[KT["code"]]}
    of_kt = [r for r in universe if r.get("MaHoSo") in kt_keys]  # its dossiers, all versions
    covers = [{**KT, "until": KT_UNTIL.isoformat()}]
    until = KT_UNTIL.isoformat()
    folders = {a["code"]: out / a["code"] for a in (QN, KT)}
    qn, kt = QN["code"], KT["code"]

    def documents(as_of: str, codes: tuple[str, ...]) -> dict[str, Any]:
        # each agency's documents of the year up to its own as-of date (the predecessor's:
        # its end; none in a year after it), every version known (as count_figures: a
        # warehouse that landed everything)
        ends = {c: as_of if c == qn else min(as_of, until) for c in codes}
        ends = {c: end for c, end in ends.items() if end[:4] == as_of[:4]}
        return _documents_figures({c: folders[c] for c in ends}, signed, ends)

    def school_figures(code: str, school_year: str, as_of: str) -> dict[str, Any]:
        clock = _night_end(as_of).replace(tzinfo=None)  # the files' times are local
        return ms.figures(schools[code, school_year], clock, school_year)

    reports = [
        _report(QN, AS_OF, thutuc, universe, covers, {kt: of_kt}),
        _report(KT, until, kt_thutuc, read[kt], [], {}),
        _report(QN, AS_OF_2026, thutuc, universe, [], {kt: of_kt}),
        # Quảng Ngãi before the merger: its own dossiers only, whenever it is asked (the
        # later versions of Kon Tum's that its portal took over stay Kon Tum's)
        _report(QN, until, thutuc, [r for r in read[qn] if r.get("MaHoSo") not in kt_keys], [], {}),
    ]
    sections = [
        (documents(AS_OF, (qn, kt)), school_figures(qn, ms.AFTER, AS_OF)),
        (documents(until, (kt,)), school_figures(kt, ms.BEFORE, until)),
        (documents(AS_OF_2026, (qn, kt)), school_figures(qn, ms.AFTER, AS_OF_2026)),
        (documents(until, (qn,)), school_figures(qn, ms.BEFORE, until)),
    ]
    for report, (documents_section, schools_section) in zip(reports, sections, strict=True):
        report["documents"] = documents_section
        report["schools"] = schools_section
        for code in [c["code"] for c in report["covers"]]:  # the predecessor's documents
            report["of_which"][code]["documents"] = documents(report["as_of"], (code,))
    expected = {
        "register": yaml.safe_load((out / "agencies.yml").read_text("utf-8")),
        "reports": reports,
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


# ------------------------------------------------------------------ e-Office
def _shift_doc(doc: Doc) -> None:
    """Every date of a document and of its package moved by SHIFT."""
    for name in ("day", "promulgation", "due", "done"):
        if getattr(doc, name) is not None:
            setattr(doc, name, getattr(doc, name) + SHIFT)
    doc.versions = [(t + SHIFT, s, d + SHIFT if d else None) for t, s, d in doc.versions]
    spec = doc.package
    if spec is not None:
        spec.promulgation += SHIFT
        spec.due = spec.due + SHIFT if spec.due else None
        spec.hops = [(organ, t + SHIFT) for organ, t in spec.hops]


def _documents(agency: dict[str, str]) -> list[Doc]:
    """The agency's documents, sampled and shifted; Kon Tum's cut at its end."""
    built = build_documents(SEEDS[agency["code"]], (agency["code"], agency["name"]))
    docs = [d for d in built.docs if d.id % DOC_SAMPLE == 0]
    for doc in docs:
        _shift_doc(doc)
    if agency is KT:
        docs = [d for d in docs if d.day <= KT_UNTIL and d.versions[0][0] <= KT_CUTOFF]
        for doc in docs:  # read-only after the merger: no later change
            doc.versions = [v for v in doc.versions if v[0] <= KT_CUTOFF]
    return docs


def _write_eoffice(folder: Path, agency: dict[str, str]) -> set[int]:
    """eoffice/vanban.jsonl and the packages; returns the ids of the signed packages."""
    docs = _documents(agency)
    certs = Certificates(SEEDS[agency["code"]])
    pkg_dir = folder / "eoffice" / "edxml"
    pkg_dir.mkdir(parents=True, exist_ok=True)
    records: list[dict[str, Any]] = []
    signed: set[int] = set()
    writer = DocumentBuilder(SEEDS[agency["code"]], (agency["code"], agency["name"]), "compact", 0)
    for doc in docs:
        records.extend(writer.records(doc))
        spec = doc.package
        if spec is None:
            continue
        spec.cert = certs.for_agency(spec.sender)
        with open(pkg_dir / f"{doc.id}.edxml", "wb") as out:
            write_package(out, spec, random.Random(f"eoffice-body:{spec.content_seed}"))
        if spec.signed and not spec.flaw:
            signed.add(doc.id)
    records.sort(key=lambda r: (r["cap_nhat_luc"], r["id"]))
    ds.write_jsonl(folder / "eoffice" / "vanban.jsonl", records)
    return signed


def _night_end(as_of: str) -> datetime:
    """The end of the as-of day in Vietnam: what a night of that date knows."""
    return datetime.fromisoformat(as_of).replace(hour=23, minute=59, second=59, tzinfo=VN)


def _documents_figures(
    folders: dict[str, Path], signed: dict[str, set[int]], until: dict[str, str]
) -> dict[str, Any]:
    """count_documents of each instance's file as written (at its own as-of date), summed,
    the percentages computed again; ``signed``: its signed packages by id."""
    total: dict[str, int] = dict.fromkeys(ds.DOCUMENT_KEYS, 0)
    for code, folder in folders.items():
        versions = ds.read_jsonl(folder / "eoffice" / "vanban.jsonl")
        counted = count_documents(versions, signed[code], until[code])
        for key in total:
            if not key.startswith("pct_"):
                total[key] += counted[key]
    total["pct_incoming_signed"] = ds.pct(total["incoming_signed"], total["incoming"])
    total["pct_outgoing_signed"] = ds.pct(total["outgoing_signed"], total["outgoing"])
    return total
