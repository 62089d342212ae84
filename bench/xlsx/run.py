"""Reading the province's pupil exports: python-calamine (the project's reader,
eduwh.extract.tabular.read_xlsx) against openpyxl read_only (the reader it replaced, the
baseline) on the same files, in the same run.

    uv run python bench/xlsx/run.py                 # generates the full province first
    uv run python bench/xlsx/run.py --scale 0.1     # a smaller province
    uv run python bench/xlsx/run.py --data DIR      # an existing data set

Both readers do the whole read the loader asks for: the file's bytes (as the loader gets
them), the header found among the title rows, every data row up to the total row as a
record {header: text}. They share everything but the cell grid: the baseline streams it
with openpyxl ``read_only=True, data_only=True`` and converts the values with the same
``cell_text``, then goes through the same header search and record building.

Each run of a reader is a child process of its own, so that its peak resident memory
(VmHWM, which exec resets, unlike ru_maxrss) is its own. The readers run ``--repeat``
times each, taking turns, and each one's best run counts (the machine is shared: a slow
run is another process's doing, never the reader's). The last line is ONE JSON object
with the figures and the ratio.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

READERS = ("calamine", "openpyxl")


def pupil_files(data: Path) -> list[Path]:
    manifest = [json.loads(line) for line in (data / "csdl_moet" / "manifest.jsonl").open()]
    return [data / "csdl_moet" / m["path"] for m in manifest if m["loai"] == "hoc_sinh"]


def openpyxl_read(data: bytes, spec, source: str):
    """The baseline: openpyxl read_only streaming, then the project's header search and
    records (what read_xlsx did before python-calamine)."""
    import itertools

    import openpyxl

    from eduwh.extract import tabular

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise tabular.BadFile("corrupt_xlsx", f"{source}: {error}") from None
    cells = (
        [tabular.cell_text(v) for v in row] for row in workbook.active.iter_rows(values_only=True)
    )
    head = list(itertools.islice(cells, tabular.HEADER_SCAN_ROWS))
    index, _columns, headers = tabular._find_header(head, spec, source)
    try:
        yield from tabular._records(head[index + 1 :], cells, headers)
    finally:
        workbook.close()


def peak_rss_mb() -> float:
    """This process's peak resident memory since its exec (VmHWM); ru_maxrss elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def worker(reader: str, data: Path) -> dict:
    from eduwh.extract import csdl_moet
    from eduwh.extract.tabular import BadFile, read_xlsx

    spec = csdl_moet.COLUMNS["hoc_sinh"]
    files = pupil_files(data)
    rows = bad = 0
    started = time.perf_counter()
    for path in files:
        content = path.read_bytes()
        try:
            if reader == "calamine":
                records = read_xlsx(content, spec, source=path.name).rows
            else:
                records = openpyxl_read(content, spec, path.name)
            rows += sum(1 for _ in records)
        except BadFile:
            bad += 1
    seconds = time.perf_counter() - started
    return {
        "reader": reader,
        "files": len(files),
        "bad_files": bad,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "peak_rss_mb": peak_rss_mb(),
        "bytes": sum(p.stat().st_size for p in files),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each reader")
    parser.add_argument("--worker", choices=READERS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.data)))
        return
    data = args.data
    if data is None:
        from eduwh_sandbox.schools_dataset import generate_schools

        data = Path(tempfile.mkdtemp(prefix="bench-xlsx-")) / "province"
        generated = generate_schools(data, scale=args.scale)
        print(f"generated {data} in {generated['seconds']} s", file=sys.stderr)
    runs: dict[str, list[dict]] = {reader: [] for reader in READERS}
    for _ in range(max(1, args.repeat)):
        for reader in READERS:
            out = subprocess.run(
                [sys.executable, __file__, "--worker", reader, "--data", str(data)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            runs[reader].append(json.loads(out.strip().splitlines()[-1]))
            print(f"{reader}: {runs[reader][-1]}", file=sys.stderr)
    results = {reader: max(done, key=lambda r: r["rows_per_s"]) for reader, done in runs.items()}
    calamine, baseline = results["calamine"], results["openpyxl"]
    print(
        json.dumps(
            {
                "benchmark": "xlsx pupil exports",
                "data": str(data),
                "files": calamine["files"],
                "rows": calamine["rows"],
                "same_rows": all(
                    (r["rows"], r["bad_files"]) == (calamine["rows"], calamine["bad_files"])
                    for done in runs.values()
                    for r in done
                ),
                "calamine_rows_per_s": calamine["rows_per_s"],
                "openpyxl_read_only_rows_per_s": baseline["rows_per_s"],
                "speed_ratio_calamine_over_openpyxl": round(
                    calamine["rows_per_s"] / baseline["rows_per_s"], 2
                ),
                "runs_each": len(runs["calamine"]),
                "calamine_runs_rows_per_s": [r["rows_per_s"] for r in runs["calamine"]],
                "openpyxl_runs_rows_per_s": [r["rows_per_s"] for r in runs["openpyxl"]],
                "calamine": calamine,
                "openpyxl_read_only": baseline,
            }
        )
    )


if __name__ == "__main__":
    main()
