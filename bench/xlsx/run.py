"""Reading the province's pupil exports: openpyxl read_only streaming (the project's reader,
eduwh.sources.tabular) against openpyxl normal mode on the same files, in the same run.

    uv run python bench/xlsx/run.py                 # generates the full province first
    uv run python bench/xlsx/run.py --scale 0.1     # a smaller province
    uv run python bench/xlsx/run.py --data DIR      # an existing data set

Each mode runs in its own child process so that its peak resident memory (ru_maxrss) is
its own. The last line is ONE JSON object with the figures and the ratios.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def pupil_files(data: Path) -> list[Path]:
    manifest = [json.loads(line) for line in (data / "csdl_moet" / "manifest.jsonl").open()]
    return [data / "csdl_moet" / m["path"] for m in manifest if m["loai"] == "hoc_sinh"]


def worker(mode: str, data: Path) -> dict:
    import openpyxl

    from eduwh.sources import csdl_moet
    from eduwh.sources.tabular import BadFile, read_xlsx

    files = pupil_files(data)
    rows = 0
    started = time.perf_counter()
    for path in files:
        if mode == "read_only":
            try:
                rows += sum(1 for _ in read_xlsx(path, csdl_moet.COLUMNS["hoc_sinh"]).rows)
            except BadFile:
                pass
        else:
            workbook = openpyxl.load_workbook(path)  # normal mode: the whole sheet in memory
            rows += sum(1 for _ in workbook.active.iter_rows(values_only=True))
            workbook.close()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "mode": mode,
        "files": len(files),
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "peak_rss_mb": round(peak_mb, 1),
        "bytes": sum(p.stat().st_size for p in files),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--worker", choices=["read_only", "normal"])
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.data)))
        return
    data = args.data
    if data is None:
        from eduwh.sandbox.schools_dataset import generate_schools

        data = Path(tempfile.mkdtemp(prefix="bench-xlsx-")) / "province"
        generated = generate_schools(data, scale=args.scale)
        print(f"generated {data} in {generated['seconds']} s", file=sys.stderr)
    results = {}
    for mode in ("read_only", "normal"):
        out = subprocess.run(
            [sys.executable, __file__, "--worker", mode, "--data", str(data)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results[mode] = json.loads(out.strip().splitlines()[-1])
        print(f"{mode}: {results[mode]}", file=sys.stderr)
    ro, normal = results["read_only"], results["normal"]
    print(
        json.dumps(
            {
                "benchmark": "xlsx pupil exports",
                "data": str(data),
                "files": ro["files"],
                "rows": ro["rows"],
                "read_only": ro,
                "normal": normal,
                "speed_ratio_read_only_over_normal": round(
                    ro["rows_per_s"] / normal["rows_per_s"], 2
                ),
                "memory_ratio_normal_over_read_only": round(
                    normal["peak_rss_mb"] / ro["peak_rss_mb"], 2
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
