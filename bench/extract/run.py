"""Extract speed: the sandbox portal over HTTP into raw, through the real night's job.

A data set in the sandbox layout with N generated dossiers (catalogue from the built-in
2019 data set) is served by ``SandboxServer`` on 127.0.0.1; ``extract_load`` pulls it
(token, paging at 500, validation, COPY, ledger). Prints one JSON object last.

    uv run python bench/extract/run.py [ROWS] [FAULTS]     # default 200000 none
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import dossiers, dumps, own_warehouse  # noqa: E402
from eduwh.land.motcua import extract_load  # noqa: E402
from eduwh_sandbox.motcua_dataset import generate  # noqa: E402
from eduwh_sandbox.server import SandboxServer  # noqa: E402


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    faults = sys.argv[2] if len(sys.argv) > 2 else "none"
    work = Path(tempfile.mkdtemp(prefix="eduwh-bench-extract-"))
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

    meta = json.loads((data / "dataset.json").read_text(encoding="utf-8"))
    window_end = datetime(2020, 1, 1)
    with (
        own_warehouse() as settings,
        SandboxServer(data, clock=datetime(2019, 12, 31, 23, 59, 59), faults=faults) as sandbox,
    ):
        settings = dataclasses.replace(
            settings,
            motcua_base_url=sandbox.motcua_base_url,
            motcua_client_id="eduwh",
            motcua_client_secret="sandbox-secret",
            agency_code=meta["agency"]["code"],
            agency_name=meta["agency"]["name"],
        )
        t0 = time.perf_counter()
        summary = extract_load(settings, window_end, run_id="bench-extract")
        seconds = time.perf_counter() - t0
    shutil.rmtree(work, ignore_errors=True)
    hoso = summary["hoso"]
    print(
        json.dumps(
            {
                "bench": "extract",
                "faults": faults,
                "rows": hoso["reported"],
                "landed": hoso["landed"],
                "quarantined": hoso["quarantined"],
                "http_calls": summary["http_calls"],
                "seconds": round(seconds, 2),
                "rows_per_s": round(hoso["reported"] / seconds),
            }
        )
    )


if __name__ == "__main__":
    main()
