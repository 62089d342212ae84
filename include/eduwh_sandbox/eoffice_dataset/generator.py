"""Writes ``eoffice/`` (listing and packages) and its figures into a data set."""

from __future__ import annotations

import random
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.eoffice_dataset.catalogue import DEFAULT_AGENCY
from eduwh_sandbox.eoffice_dataset.certificates import Certificates
from eduwh_sandbox.eoffice_dataset.documents import VN_TZ, build_documents
from eduwh_sandbox.eoffice_dataset.figures import (
    QUARANTINE_REASONS,
    check_seed_targets,
    count_documents,
)
from eduwh_sandbox.eoffice_dataset.packages import write_package


def generate_eoffice(
    out_dir: Path,
    meta: dict[str, Any] | None = None,
    seed: int = 2019,
    *,
    sizes: str = "compact",
    big: int = 0,
    scale: int = 1,
) -> dict[str, Any]:
    """Write ``eoffice/`` into ``out_dir``; return ``{"documents", "quarantine", "planted"}``.

    ``scale``: documents a working day ``scale`` times the built-in volume (the seed
    report's 100 % signed is checked at scale 1 only).

    ``meta`` is dataset.json's content (agency, as_of); ``planted`` lists what tests need:
    the secret markers, the malformed packages' ids by reason, the unsigned and the
    signed-against-listing ids. Nothing else in ``out_dir`` is touched.
    """
    out_dir = Path(out_dir)
    meta = meta or {}
    agency = meta.get("agency") or {}
    own = (agency.get("code") or DEFAULT_AGENCY[0], agency.get("name") or DEFAULT_AGENCY[1])
    as_of = date.fromisoformat(meta.get("as_of") or "2019-12-06")
    b = build_documents(seed, own, sizes, big, scale)
    certs = Certificates(seed)
    folder = out_dir / "eoffice"
    pkg_dir = folder / "edxml"
    pkg_dir.mkdir(parents=True, exist_ok=True)
    for old in pkg_dir.glob("*.edxml"):
        old.unlink()
    records: list[dict[str, Any]] = []
    signed_ids: set[int] = set()
    flaws: dict[str, list[int]] = {}
    for doc in b.docs:
        records.extend(b.records(doc))
        spec = doc.package
        if spec is None:
            continue
        if doc.do_mat != "thuong":
            raise AssertionError("a secret document got a package")
        spec.content_seed = f"{seed}:{doc.id}"
        spec.cert = certs.for_agency(spec.sender)
        with open(pkg_dir / f"{doc.id}.edxml", "wb") as out:
            write_package(out, spec, random.Random(f"eoffice-body:{seed}:{doc.id}"))
        if spec.flaw:
            flaws.setdefault(QUARANTINE_REASONS[spec.flaw], []).append(doc.id)
        elif spec.signed:
            signed_ids.add(doc.id)
    records.sort(key=lambda r: (r["cap_nhat_luc"], r["id"]))
    ds.write_jsonl(folder / "vanban.jsonl", records)

    written = ds.read_jsonl(folder / "vanban.jsonl")
    figures = count_documents(written, signed_ids, as_of)
    clock = datetime.combine(as_of, time(23, 59, 59), tzinfo=VN_TZ)
    if count_documents(written, signed_ids, as_of, known_at=clock) != figures:
        raise AssertionError("document figures differ between the as-of state and the final one")
    if meta.get("as_of", "2019-12-06") == "2019-12-06" and own == DEFAULT_AGENCY and scale == 1:
        check_seed_targets(figures)
    secret = sorted({r["trich_yeu"].split()[0] for r in written if r["do_mat"] != "thuong"})
    unsigned = [
        d.id
        for d in b.docs
        if d.package and not d.package.signed and d.ky_so and not d.package.flaw
    ]
    signed_not_listed = [
        d.id
        for d in b.docs
        if d.package and d.package.signed and not d.ky_so and not d.package.flaw
    ]
    return {
        "documents": figures,
        "quarantine": {"eoffice_edxml": {k: len(v) for k, v in sorted(flaws.items())}},
        "planted": {
            "secret_markers": secret,
            "secret_ids": sorted({r["id"] for r in written if r["do_mat"] != "thuong"}),
            "malformed": flaws,
            "unsigned_listed_signed": unsigned,
            "signed_listed_unsigned": signed_not_listed,
            "packages": sum(1 for d in b.docs if d.package is not None),
            "versions": len(written),
        },
    }


def add_documents_to_expected(out_dir: Path, seed: int = 2019, **options: Any) -> dict[str, Any]:
    """Generate ``eoffice/`` next to an existing data set and merge its figures into
    ``expected.json`` (the ``documents`` section and ``quarantine.eoffice_edxml``)."""
    out_dir = Path(out_dir)
    meta = ds.read_dataset_json(out_dir)
    result = generate_eoffice(out_dir, meta, seed, **options)
    path = out_dir / ds.EXPECTED_FILE
    import json

    expected = json.loads(path.read_text("utf-8")) if path.exists() else ds.empty_expected(meta)
    expected["documents"] = result["documents"]
    expected.setdefault("quarantine", {}).update(result["quarantine"])
    ds.write_json(path, expected)
    return expected
