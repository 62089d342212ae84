"""The motcua HTTP stand-in, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.motcua_dataset.figures import count_figures
from eduwh_sandbox.motcua_dataset.timestamps import parse_ts
from eduwh_sandbox.server import SandboxServer

from .httpclient import CREDENTIALS, Http

AGENCY = "000.23.34.H48"
FMT = "%Y%m%d%H%M%S"
EVERYTHING = {"MaCoQuan": AGENCY, "TuNgay": "20000101000000", "DenNgay": "20300101000000"}


@pytest.fixture(scope="module")
def server(dataset_dir):
    with SandboxServer(dataset_dir) as srv:
        yield srv


@pytest.fixture
def client(server):
    server.clock = None  # back to the default: end of 2019-12-06
    return Http(server.motcua_base_url)


def read_window(client: Http, page_size: int = 500, **window) -> list[dict]:
    rows, page = [], 1
    while True:
        status, _, body = client.get("/api/v1/hoso", page=page, page_size=page_size, **window)
        assert status == 200, body
        rows += body["data"]
        if page * page_size >= body["total"]:
            return rows
        page += 1


def test_base_url_and_default_clock(server):
    assert server.motcua_base_url == f"http://127.0.0.1:{server.port}/motcua"
    assert server.clock == datetime(2019, 12, 6, 23, 59, 59)


def test_token_is_required(client):
    assert client.call("GET", "/api/v1/thutuc", query={"MaCoQuan": AGENCY})[0] == 401
    assert client.call("GET", "/api/v1/hoso", query=EVERYTHING, token="forged")[0] == 401
    wrong = dict(CREDENTIALS, client_secret="nope")
    status, _, body = client.call("POST", "/oauth2/token", form=wrong)
    assert status == 401 and body["error"] == "invalid_client"
    status, _, body = client.call("POST", "/oauth2/token", form=CREDENTIALS)
    assert status == 200 and body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert (
        client.call(
            "GET", "/api/v1/thutuc", query={"MaCoQuan": AGENCY}, token=body["access_token"]
        )[0]
        == 200
    )


def test_bad_parameters_give_400(client):
    assert client.get("/api/v1/hoso", page_size=501, **EVERYTHING)[0] == 400
    assert client.get("/api/v1/thutuc", MaCoQuan=AGENCY, page_size=501)[0] == 400
    assert client.get("/api/v1/hoso", page_size=500, **EVERYTHING)[0] == 200
    status, _, body = client.get(
        "/api/v1/hoso", MaCoQuan=AGENCY, TuNgay="2019-12-01", DenNgay="20191202000000"
    )
    assert status == 400 and "TuNgay" in body["message"]
    assert (
        client.get(
            "/api/v1/hoso", MaCoQuan=AGENCY, TuNgay="20191202000000", DenNgay="20191201000000"
        )[0]
        == 400
    )
    assert client.get("/api/v1/hoso", page=0, **EVERYTHING)[0] == 400
    assert client.get("/api/v1/hoso", TuNgay="20191201000000", DenNgay="20191202000000")[0] == 400
    status, _, body = client.get("/api/v1/hoso", **dict(EVERYTHING, MaCoQuan="000.00.00.H00"))
    assert status == 200 and body["total"] == 0


def test_catalogue_at_the_clock(server, client):
    status, _, body = client.get("/api/v1/thutuc", MaCoQuan=AGENCY, page_size=100)
    assert status == 200 and body["total"] == 41 and len(body["data"]) == 41
    assert sum(1 for t in body["data"] if t["MucDo"] == 3) == 3
    server.clock = "20190301000000"
    body = client.get("/api/v1/thutuc", MaCoQuan=AGENCY, page_size=100)[2]
    assert {t["MaTTHC"]: t["MucDo"] for t in body["data"]}["1.005097"] == 2
    server.clock = "2019-12-31T23:59:59"
    body = client.get("/api/v1/thutuc", MaCoQuan=AGENCY, page=2, page_size=20)[2]
    assert (body["page"], body["page_size"], body["total"], len(body["data"])) == (2, 20, 41, 20)


def test_rows_are_served_as_stored_in_order(dataset_dir, client):
    rows = read_window(client, **EVERYTHING)
    stored = ds.read_jsonl(dataset_dir / "motcua/hoso.jsonl")
    # one row per dossier (its latest version at the clock), byte-equal to a stored line
    keys = [r.get("MaHoSo") or json.dumps(r) for r in rows]
    assert len(keys) == len(set(keys))
    lines = set(ds.read_jsonl_lines(dataset_dir / "motcua/hoso.jsonl"))
    assert all(ds.dumps_line(r) in lines for r in rows)
    order = [(parse_ts(r["NgayCapNhat"]), r.get("MaHoSo") or "") for r in rows]
    assert order == sorted(order)
    clock = datetime(2019, 12, 6, 23, 59, 59)
    assert all(parse_ts(r["NgayCapNhat"]) <= clock for r in rows)
    # invalid rows are served too (the sandbox never validates)
    assert any("MaHoSo" not in r for r in rows)
    # and the rows at the clock count to the seed figures
    thutuc = ds.read_jsonl(dataset_dir / "motcua/thutuc.jsonl")
    assert count_figures(thutuc, rows, "2019-12-06")["dossiers"]["received"] == 655
    assert len({r.get("MaHoSo") for r in stored}) > len({r.get("MaHoSo") for r in rows})


def test_window_at_the_clock_and_moving_the_clock(dataset_dir, server, client):
    clock = datetime(2019, 12, 6, 23, 59, 59)
    versions: dict[str, list[datetime]] = {}
    for r in ds.read_jsonl(dataset_dir / "motcua/hoso.jsonl"):
        if r.get("MaHoSo") and "/" not in r["NgayCapNhat"]:
            versions.setdefault(r["MaHoSo"], []).append(parse_ts(r["NgayCapNhat"]))
    code, times = next(
        (c, t)
        for c, t in sorted(versions.items())
        if any(x <= clock for x in t) and any(x > clock for x in t)
    )
    before = max(x for x in times if x <= clock)
    after = min(x for x in times if x > clock)

    def window(t):
        return {
            "MaCoQuan": AGENCY,
            "TuNgay": t.strftime(FMT),
            "DenNgay": (t + timedelta(seconds=1)).strftime(FMT),
        }

    assert code in [r["MaHoSo"] for r in read_window(client, **window(before))]
    assert code not in [r["MaHoSo"] for r in read_window(client, **window(after))]  # not yet
    server.clock = after
    assert code in [r["MaHoSo"] for r in read_window(client, **window(after))]
    assert code not in [r["MaHoSo"] for r in read_window(client, **window(before))]  # moved on


def test_both_date_formats_are_placed_in_time(dataset_dir, server, client):
    server.clock = "20200131000000"
    legacy = next(
        r
        for r in ds.read_jsonl(dataset_dir / "motcua/hoso.jsonl")
        if r.get("MaHoSo") and "/" in r["NgayCapNhat"]
    )
    versions = [
        r
        for r in ds.read_jsonl(dataset_dir / "motcua/hoso.jsonl")
        if r.get("MaHoSo") == legacy["MaHoSo"]
    ]
    last = versions[-1]
    t = parse_ts(last["NgayCapNhat"])
    rows = read_window(
        client,
        MaCoQuan=AGENCY,
        TuNgay=t.strftime(FMT),
        DenNgay=(t + timedelta(seconds=1)).strftime(FMT),
    )
    assert last in rows
    # a day's window mixing both formats stays ordered by time
    day = t.replace(hour=0, minute=0, second=0)
    rows = read_window(
        client,
        MaCoQuan=AGENCY,
        TuNgay=day.strftime(FMT),
        DenNgay=(day + timedelta(days=1)).strftime(FMT),
        page_size=7,
    )
    times = [parse_ts(r["NgayCapNhat"]) for r in rows]
    assert times == sorted(times) and all(day <= x < day + timedelta(days=1) for x in times)


def run_bad_night(dataset_dir, calls: int = 32) -> list:
    """The same call sequence against a fresh bad-night server; the outcome of each call."""
    outcomes = []
    with SandboxServer(dataset_dir, faults="bad-night") as srv:
        client = Http(srv.motcua_base_url)
        client.get_token()
        for i in range(calls):
            status, headers, body = client.get(
                "/api/v1/hoso",
                MaCoQuan=AGENCY,
                TuNgay="20190601000000",
                DenNgay="20190701000000",
                page=1 + i % 3,
                page_size=50,
            )
            total = body.get("total") if isinstance(body, dict) else None
            outcomes.append((status, headers.get("Retry-After"), total))
            if status == 401:
                client.get_token()
    return outcomes


def test_bad_night_is_repeatable(dataset_dir):
    first = run_bad_night(dataset_dir)
    second = run_bad_night(dataset_dir)
    assert first == second
    statuses = [o[0] for o in first]
    assert 429 in statuses and "reset" in statuses and 401 in statuses
    assert any(s in (500, 502, 503) for s in statuses)
    assert all(o[1] == "1" for o in first if o[0] == 429)
    totals = {o[2] for o in first if o[0] == 200}
    assert len(totals) == 2  # the window shrank by one while it was paged, then came back
    assert max(totals) - min(totals) == 1


def test_bad_night_delivers_the_same_data_to_a_careful_client(dataset_dir, server, client):
    window = {"MaCoQuan": AGENCY, "TuNgay": "20190101000000", "DenNgay": "20200101000000"}
    clean = read_window(client, page_size=100, **window)
    with SandboxServer(dataset_dir, faults="bad-night") as srv:
        careful = Http(srv.motcua_base_url)
        careful.get_token()
        restarts = 0
        while True:
            rows, page, total = [], 1, None
            while True:
                status, _, body = careful.get("/api/v1/hoso", page=page, page_size=100, **window)
                if status == 401:
                    careful.get_token()
                    continue
                if status != 200:
                    continue  # 429 / 5xx / reset: retry (Retry-After is 1 s; skip the wait)
                if total is not None and body["total"] != total:
                    break
                total = body["total"]
                rows += body["data"]
                if page * 100 >= total:
                    break
                page += 1
            if total is not None and len(rows) == total and page * 100 >= total:
                break
            restarts += 1
            assert restarts < 10
        assert restarts >= 1  # it did meet the window that changed while paged
        assert rows == clean


def test_token_endpoint_fault_never_twice_in_a_row(dataset_dir):
    with SandboxServer(dataset_dir, faults="bad-night") as srv:
        client = Http(srv.motcua_base_url)
        statuses = [client.call("POST", "/oauth2/token", form=CREDENTIALS)[0] for _ in range(30)]
    assert 503 in statuses
    assert all(not (a == 503 and b == 503) for a, b in zip(statuses, statuses[1:], strict=False))
