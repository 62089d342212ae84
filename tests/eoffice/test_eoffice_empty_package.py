"""An empty edXML package: the stand-in answers it 200 with an empty body (it once
answered 500, mmap cannot map 0 bytes, and the night failed after its retries); the
night quarantines it as ``empty_package`` and lands every other document.

A small data set cut from the generated one (real files), the real sandbox HTTP server,
a fresh database on the session's real PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import datetime

import requests

from eduwh import warehouse
from eduwh.land.eoffice import extract_load
from eduwh_sandbox import dataset as ds
from tests.eoffice.conftest import META, register_eoffice

PER_KIND = 12


def _small_dataset(source, target) -> dict[str, list[int]]:
    """The documents of ``source`` (non-secret, with a well-formed package, every version
    before the clock) — PER_KIND of each kind — copied to ``target``: {loai: [ids]}."""
    folder, result = source
    malformed = {i for ids in result["planted"]["malformed"].values() for i in ids}
    lines = ds.read_jsonl_lines(folder / "eoffice" / "vanban.jsonl")
    versions: dict[int, list[str]] = {}
    for line in lines:
        versions.setdefault(json.loads(line)["id"], []).append(line)
    chosen: dict[str, list[int]] = {"den": [], "di": []}
    for doc_id, rows in versions.items():
        records = [json.loads(r) for r in rows]
        kind = records[0]["loai"]
        if (
            len(chosen[kind]) < PER_KIND
            and doc_id not in malformed
            and all(r["do_mat"] == "thuong" and r["co_edxml"] is True for r in records)
            and all(r["cap_nhat_luc"] < "2019-12-06" for r in records)
            and (folder / "eoffice" / "edxml" / f"{doc_id}.edxml").is_file()
        ):
            chosen[kind].append(doc_id)
    ids = set(chosen["den"]) | set(chosen["di"])
    (target / "eoffice" / "edxml").mkdir(parents=True)
    ds.write_dataset_json(target, META)
    with open(target / "eoffice" / "vanban.jsonl", "w", encoding="utf-8") as out:
        for line in lines:
            if json.loads(line)["id"] in ids:
                out.write(line + "\n")
    for doc_id in ids:
        name = f"{doc_id}.edxml"
        shutil.copyfile(folder / "eoffice" / "edxml" / name, target / "eoffice" / "edxml" / name)
    return chosen


def _rows(db, query, params=()):
    with warehouse.connect(db) as conn:
        return conn.execute(query, params).fetchall()


def test_an_empty_package_is_quarantined_and_the_night_succeeds(
    eoffice_dataset, fresh_settings, eoffice_env, tmp_path
):
    register_eoffice()
    from eduwh_sandbox.server import SandboxServer

    chosen = _small_dataset(eoffice_dataset, tmp_path)
    assert len(chosen["den"]) == len(chosen["di"]) == PER_KIND
    empty = chosen["den"][3]
    (tmp_path / "eoffice" / "edxml" / f"{empty}.edxml").write_bytes(b"")
    db = dataclasses.replace(fresh_settings, agency_code=META["agency"]["code"])

    with SandboxServer(tmp_path) as server:
        base = server.urls["eoffice"]
        token = requests.post(
            base + "/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "eduwh",
                "client_secret": "sandbox-secret",
            },
            timeout=10,
        ).json()["access_token"]
        answer = requests.get(
            f"{base}/api/v1/vanban/{empty}/edxml",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert (answer.status_code, answer.content) == (200, b"")
        assert answer.headers["Content-Type"].startswith("application/xml")
        app = server.apps["eoffice"]
        app.package_requests.clear()
        db = eoffice_env(db, base)
        summary = extract_load(db, datetime(2019, 12, 7), run_id="test-empty-package")

    assert app.package_requests.count(empty) == 1  # answered once, not retried as a 5xx
    den, di = summary["vanban_den"], summary["vanban_di"]
    assert den["status"] == di["status"] == "succeeded"
    assert den["packages_quarantined_by_reason"] == {"empty_package": 1}
    assert (den["packages"], di["packages"]) == (PER_KIND - 1, PER_KIND)
    assert di["packages_quarantined"] == 0

    landed = {d for (d,) in _rows(db, "select document_id from raw.eoffice__edxml_header")}
    assert landed == (set(chosen["den"]) | set(chosen["di"])) - {empty}
    quarantined = _rows(
        db,
        "select reason, detail, record from meta.quarantine"
        " where source = 'eoffice' and entity = 'edxml'",
    )
    assert [(r, d, json.loads(rec)["document_id"]) for r, d, rec in quarantined] == [
        ("empty_package", "the package is empty (0 bytes)", empty)
    ]
    batches = _rows(
        db, "select entity, status from meta.batch where source = 'eoffice' order by entity"
    )
    assert batches == [("vanban_den", "succeeded"), ("vanban_di", "succeeded")]
    listed = _rows(  # the listing row itself landed
        db, "select count(*) from raw.eoffice__vanban where record->>'id' = %s", (str(empty),)
    )
    assert listed[0][0] >= 1
