"""Extract speed: the sandbox portal over HTTP into raw, through the real night's job.

A data set in the sandbox layout with N generated dossiers (catalogue from the built-in
2019 data set) is served by ``SandboxServer`` on 127.0.0.1 in a process of its own (as a
real portal is: its work does not share this process's GIL); ``extract_load`` pulls it
(token, paging at 500 — the contract's maximum —, validation, COPY, ledger).

Baseline, in the same run against the same server: the same pages fetched over HTTP and
nothing else (one ``requests.Session``, the token, every page's body read), the wire's
speed that no extract can beat; measured before and after the extract, the faster one
kept. Prints one JSON object last: ``rows_per_s``, ``baseline`` (the raw fetch's rows/s),
``ratio`` (rows_per_s / baseline), ``target`` 50000 rows/s and ``met``.

    uv run python bench/extract/run.py [ROWS] [FAULTS]     # default 200000 none
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import dossiers, dumps, own_warehouse  # noqa: E402
from eduwh.land.motcua import extract_load  # noqa: E402
from eduwh_sandbox.motcua_dataset import generate  # noqa: E402

TARGET = 50_000  # rows/s (issue 11)
PAGE_SIZE = 500  # contracts/motcua.md: at most 500
CLOCK = "2019-12-31T23:59:59"
WINDOW = ("20180101000000", "20200101000000")  # as extract_load's first night asks
CLIENT_ID, CLIENT_SECRET = "eduwh", "sandbox-secret"

# The server's process: prints its motcua URL, then serves until terminated.
SERVE = """
import sys
from datetime import datetime
from pathlib import Path
from eduwh_sandbox.server import SandboxServer
server = SandboxServer(Path(sys.argv[1]), clock=datetime.fromisoformat(sys.argv[2]),
                       faults=sys.argv[3])
server.start()
print(server.motcua_base_url, flush=True)
server.serve_forever()
"""


def make_data(work: Path, rows: int) -> Path:
    generate(work / "builtin")
    data = work / "data"
    (data / "motcua").mkdir(parents=True)
    shutil.copy(work / "builtin" / "dataset.json", data / "dataset.json")
    shutil.copy(work / "builtin" / "motcua" / "thutuc.jsonl", data / "motcua" / "thutuc.jsonl")
    codes = sorted(
        {
            json.loads(line)["MaTTHC"]
            for line in (data / "motcua" / "thutuc.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()
        }
    )
    with (data / "motcua" / "hoso.jsonl").open("w", encoding="utf-8") as out:
        for n, record in enumerate(dossiers(rows)):
            record["MaTTHC"] = codes[n % len(codes)]
            out.write(dumps(record) + "\n")
    return data


def raw_fetch(base_url: str, agency: str) -> tuple[int, float]:
    """(rows, seconds): every page of the window over HTTP, bodies read, nothing done."""
    t0 = time.perf_counter()
    with requests.Session() as session:
        token = session.post(
            base_url + "/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        rows, page, total = 0, 1, None
        while total is None or rows < total:
            response = session.get(
                base_url + "/api/v1/hoso",
                params={
                    "MaCoQuan": agency,
                    "TuNgay": WINDOW[0],
                    "DenNgay": WINDOW[1],
                    "page": page,
                    "page_size": PAGE_SIZE,
                },
                headers=headers,
            )
            response.raise_for_status()
            body = response.content
            if total is None:  # the envelope's head: {"page":..,"page_size":..,"total":N,
                head = body[: body.index(b'"data"')]
                total = int(head.split(b'"total":')[1].split(b",")[0])
            rows += min(PAGE_SIZE, total - rows)
            page += 1
    return rows, time.perf_counter() - t0


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    faults = sys.argv[2] if len(sys.argv) > 2 else "none"
    work = Path(tempfile.mkdtemp(prefix="eduwh-bench-extract-"))
    data = make_data(work, rows)
    meta = json.loads((data / "dataset.json").read_text(encoding="utf-8"))
    agency = meta["agency"]["code"]
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(data), CLOCK, faults],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        base_url = server.stdout.readline().strip()
        if not base_url:
            raise SystemExit("bench/extract: the sandbox server did not start")
        # Fault-free, so the baseline is the wire; the first fetch also warms the
        # server's view of the versions at its clock (computed once per clock).
        fetched, before = raw_fetch(base_url, agency) if faults == "none" else (0, 0.0)
        with own_warehouse() as settings:
            settings = dataclasses.replace(
                settings,
                motcua_base_url=base_url,
                motcua_client_id=CLIENT_ID,
                motcua_client_secret=CLIENT_SECRET,
                agency_code=agency,
                agency_name=meta["agency"]["name"],
            )
            t0 = time.perf_counter()
            summary = extract_load(settings, datetime(2020, 1, 1), run_id="bench-extract")
            seconds = time.perf_counter() - t0
        after = raw_fetch(base_url, agency)[1] if faults == "none" else 0.0
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    hoso = summary["hoso"]
    rows_per_s = hoso["reported"] / seconds
    baseline = fetched / min(before, after) if fetched else None
    print(
        f"raw HTTP fetch of the same pages: {before:.2f}s / {after:.2f}s "
        f"(before / after the extract); extract_load: {seconds:.2f}s",
        flush=True,
    )
    print(
        json.dumps(
            {
                "bench": "extract",
                "faults": faults,
                "rows": hoso["reported"],
                "landed": hoso["landed"],
                "quarantined": hoso["quarantined"],
                "http_calls": summary["http_calls"],
                "page_size": PAGE_SIZE,
                "server": "separate process",
                "seconds": round(seconds, 2),
                "rows_per_s": round(rows_per_s),
                "baseline": {
                    "what": "raw HTTP fetch of the same pages (no decoding, validation, landing)",
                    "rows_per_s": round(baseline) if baseline else None,
                },
                "ratio": round(rows_per_s / baseline, 3) if baseline else None,
                "target": TARGET,
                "met": rows_per_s >= TARGET,
            }
        )
    )


if __name__ == "__main__":
    main()
