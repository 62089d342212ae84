"""The night's extract-load against the sandbox portal and its built-in 2019 data set."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from datetime import datetime, timedelta

import psycopg
import pytest

from eduwh import warehouse
from eduwh.land.motcua import extract_load

sandbox_server = pytest.importorskip("eduwh_sandbox.server")
motcua_dataset = pytest.importorskip("eduwh_sandbox.motcua_dataset")

AS_OF_END = datetime(2019, 12, 7)  # end of 2019-12-06, exclusive


@pytest.fixture(scope="session")
def dataset_2019(tmp_path_factory):
    out = tmp_path_factory.mktemp("motcua_2019")
    expected = motcua_dataset.generate(out)
    return out, expected


@pytest.fixture
def sandbox_env(monkeypatch):
    monkeypatch.setenv("MOTCUA_PAGE_SIZE", "100")
    monkeypatch.setenv("MOTCUA_BACKOFF_BASE", "0.05")
    monkeypatch.setenv("MOTCUA_BACKOFF_MAX", "0.5")
    monkeypatch.delenv("MOTCUA_EXTRACT_FROM", raising=False)


def run_against(fresh_settings, data_dir, faults="none", nights=(AS_OF_END,)):
    with sandbox_server.SandboxServer(data_dir, faults=faults) as server:
        settings = dataclasses.replace(
            fresh_settings,
            motcua_base_url=server.motcua_base_url,
            agency_code="000.23.34.H48",
            motcua_client_id="eduwh",
            motcua_client_secret="sandbox-secret",
        )
        summaries = []
        for night_end in nights:
            server.clock = night_end - timedelta(seconds=1)
            summaries.append(extract_load(settings, night_end))
    return settings, summaries


def raw_records(settings) -> list[dict]:
    with warehouse.connect(settings) as conn:
        return [r[0] for r in conn.execute("select record from raw.motcua__hoso")]


def fingerprint(records) -> list[str]:
    return sorted(
        hashlib.sha256(json.dumps(r, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        for r in records
    )


def _when(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M:%S" if "/" in text else "%Y%m%d%H%M%S")


def latest_versions(records) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in records:
        known = out.get(r["MaHoSo"])
        if known is None or _when(r["NgayCapNhat"]) > _when(known):
            out[r["MaHoSo"]] = r["NgayCapNhat"]
    return out


@pytest.fixture(scope="session")
def clean_load(settings, dataset_2019, tmp_path_factory):
    """One full load of the 2019 data set without faults (shared by the comparisons)."""
    name = f"eduwh_sandbox_clean_{os.getpid()}"
    with psycopg.connect(warehouse.admin_dsn(settings), autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    dsn = warehouse.admin_dsn(settings).rsplit("/", 1)[0] + f"/{name}"
    isolated = dataclasses.replace(settings, warehouse_dsn=dsn)
    warehouse.ensure(isolated)
    mp = pytest.MonkeyPatch()
    mp.setenv("MOTCUA_PAGE_SIZE", "100")
    mp.delenv("MOTCUA_EXTRACT_FROM", raising=False)
    try:
        loaded, (summary,) = run_against(isolated, dataset_2019[0])
    finally:
        mp.undo()
    return loaded, summary


def test_full_load_matches_expected_quarantine_and_ledger(clean_load, dataset_2019):
    settings, summary = clean_load
    _, expected = dataset_2019
    hoso = summary["hoso"]
    assert hoso["landed"] + hoso["quarantined"] == hoso["reported"] > 0
    assert summary["thutuc"]["landed"] == summary["thutuc"]["reported"] > 0
    with warehouse.connect(settings) as conn:
        reasons = dict(
            conn.execute(
                "select reason, count(*) from meta.quarantine where entity = 'hoso' group by reason"
            ).fetchall()
        )
        ledger = conn.execute(
            "select entity, status, rows_reported, rows_landed,"
            " rows_quarantined from meta.batch order by batch_id"
        ).fetchall()
    assert reasons == expected["quarantine"]["motcua_hoso"]
    assert [row[:2] for row in ledger] == [("thutuc", "succeeded"), ("hoso", "succeeded")]
    assert all(r[3] + r[4] == r[2] for r in ledger)
    records = raw_records(settings)
    assert len(records) == hoso["landed"]
    pairs = [(r["MaHoSo"], r["NgayCapNhat"]) for r in records]
    assert len(set(pairs)) == len(pairs)
    # every version visible at the clock and valid is there: one per dossier here
    assert len(latest_versions(records)) == len(records)


def test_bad_night_gives_the_same_raw_content(
    clean_load, dataset_2019, fresh_settings, sandbox_env
):
    clean_settings, clean_summary = clean_load
    settings, (summary,) = run_against(fresh_settings, dataset_2019[0], faults="bad-night")
    assert summary["http_calls"] > clean_summary["http_calls"]  # faults were met
    assert fingerprint(raw_records(settings)) == fingerprint(raw_records(clean_settings))
    with warehouse.connect(settings) as conn, warehouse.connect(clean_settings) as clean:
        query = "select reason, record_sha256 from meta.quarantine order by 1, 2"
        assert conn.execute(query).fetchall() == clean.execute(query).fetchall()


def test_replayed_nights_give_the_one_shot_latest_versions(
    clean_load, dataset_2019, fresh_settings, sandbox_env
):
    clean_settings, _ = clean_load
    nights = [datetime(2019, 11, 28) + timedelta(days=d) for d in range(10)]
    assert nights[-1] == AS_OF_END
    settings, summaries = run_against(fresh_settings, dataset_2019[0], nights=nights)
    records = raw_records(settings)
    pairs = [(r["MaHoSo"], r["NgayCapNhat"]) for r in records]
    assert len(set(pairs)) == len(pairs)  # nothing twice across nights
    one_shot = raw_records(clean_settings)
    assert latest_versions(records) == latest_versions(one_shot)
    latest = {(r["MaHoSo"], r["NgayCapNhat"]): r for r in records}
    assert fingerprint(latest[p] for p in latest_versions(records).items()) == fingerprint(one_shot)
    assert sum(s["hoso"]["reported"] for s in summaries) >= len(one_shot)

    # the same night again, three times: nothing more
    with sandbox_server.SandboxServer(dataset_2019[0]) as server:
        again = dataclasses.replace(settings, motcua_base_url=server.motcua_base_url)
        for _ in range(3):
            assert extract_load(again, AS_OF_END)["hoso"]["status"] == "up_to_date"
    assert len(raw_records(settings)) == len(records)
