"""Landing speed: generated dossier records through parse + validate + COPY into raw.

Three ways to land the same records into the same (own, embedded) server, in one run:

- the loader: the real path (``eduwh.land.motcua._land``: ledger, validation,
  quarantine, one COPY, one commit) fed by pages of JSON text read from a file and
  split as ``RestClient.pages()`` does (so HTTP is left out; see bench/extract);
- the floor: server-side ``COPY raw.motcua__hoso FROM 'file'`` of the valid rows;
- dlt 1.31 (the ``bench`` dependency group), postgres destination, default file
  format, fed the same decoded records (it lands all of them: it has no validation).

Then the loader alone at each of MEMORY_SIZES, each in a fresh child process on the same
server, for its peak memory (the child's peak RSS: landing memory should stay flat with
the size; VmHWM of the child: getrusage's ru_maxrss there can be the parent's peak,
inherited through the fork). dlt's peak is the process's peak RSS (VmHWM) reset before it through
``/proc/self/clear_refs``. Prints one JSON object last.

    uv run python bench/landing/run.py [ROWS] [MEMORY_SIZES]
    # defaults: 1000000 and "1000000,5000000" (loader-only runs at those sizes)
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import PROCEDURES, dossiers, dumps, own_warehouse  # noqa: E402
from eduwh import warehouse  # noqa: E402
from eduwh.extract import motcua  # noqa: E402
from eduwh.extract.http import Page, Window  # noqa: E402
from eduwh.extract.jsontext import split_page  # noqa: E402
from eduwh.land import ddl  # noqa: E402
from eduwh.land.copy import copy_text  # noqa: E402
from eduwh.land.motcua import _land  # noqa: E402
from eduwh.land.nightly import LOADER  # noqa: E402

PAGE = 500
WINDOW = Window(
    datetime(2018, 1, 1, tzinfo=motcua.VN_TZ), datetime(2020, 1, 1, tzinfo=motcua.VN_TZ)
)


class FilePages:
    """Stands in for RestClient.pages(): one JSON page body per line of a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def pages(self, endpoint, *, window=None, params=None):
        with self.path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                body, texts = split_page(line, "data")  # as RestClient.pages() does
                yield Page(number, body["total"], body["data"], 1, texts)


def reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def generate(rows: int, work: Path, *, floor: bool) -> tuple[Path, Path | None, int]:
    pages_file = work / f"pages-{rows}.jsonl"
    floor_file = work / f"rows-{rows}.copy" if floor else None
    start, end = WINDOW.start.isoformat(), WINDOW.end.isoformat()
    valid = 0
    t0 = time.perf_counter()
    with (
        pages_file.open("w", encoding="utf-8") as pages,
        open(floor_file or os.devnull, "w", encoding="utf-8") as rows_out,
    ):
        chunk: list[dict] = []
        for n, record in enumerate(dossiers(rows), 1):
            chunk.append(record)
            if motcua.validate_hoso(record, PROCEDURES) is None:
                valid += 1
                if floor_file is not None:
                    rows_out.write(f"0\t{n}\t{copy_text(dumps(record))}\t{start}\t{end}\n")
            if len(chunk) == PAGE:
                pages.write(
                    dumps({"page": 0, "page_size": PAGE, "total": rows, "data": chunk}) + "\n"
                )
                chunk = []
        if chunk:
            pages.write(dumps({"page": 0, "page_size": PAGE, "total": rows, "data": chunk}) + "\n")
    if floor_file is not None:
        os.chmod(floor_file, 0o644)
    print(
        f"generated {rows} rows ({valid} valid) in {time.perf_counter() - t0:.1f}s "
        f"({pages_file.stat().st_size / 1e6:.0f} MB of pages)",
        flush=True,
    )
    return pages_file, floor_file, valid


def land(settings, pages_file: Path, run_id: str) -> tuple[dict, float, float | None]:
    """The loader on one pages file: (summary, seconds, peak RSS MB during it)."""
    with (
        warehouse.connect(settings, role=LOADER, autocommit=True) as book,
        warehouse.connect(settings, role=LOADER) as data,
    ):
        ddl.ensure_tables(book)
        procedures = frozenset(PROCEDURES)
        reset_peak()
        t0 = time.perf_counter()
        summary = _land(
            book,
            data,
            FilePages(pages_file),
            motcua.hoso_endpoint("bench"),
            entity="hoso",
            window=WINDOW,
            batch_window=(WINDOW.start, WINDOW.end),
            run_id=run_id,
            agency_code="bench",
            validate=lambda r: motcua.validate_hoso(r, procedures),
        )
        seconds = time.perf_counter() - t0
        peak = peak_mb()
    print(
        f"loader {run_id} (split + parse + validate + COPY + commit): {seconds:.2f}s, "
        f"landed {summary['landed']}, quarantined {summary['quarantined']}, peak {peak} MB",
        flush=True,
    )
    return summary, seconds, peak


def dlt_land(settings, pages_file: Path, work: Path) -> dict:
    """dlt into the same server (its own dataset), the same records decoded from the file."""
    try:
        import dlt
    except ImportError:
        return {"dlt": "skipped (not installed: uv sync --group bench)"}
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    pipeline = dlt.pipeline(
        pipeline_name="bench_landing",
        destination=dlt.destinations.postgres(credentials=warehouse.admin_dsn(settings)),
        dataset_name="dlt_bench",
        pipelines_dir=str(work / "dlt"),
    )
    count = 0

    def records():
        nonlocal count
        with pages_file.open(encoding="utf-8") as lines:
            for line in lines:
                page = json.loads(line)["data"]
                count += len(page)
                yield page

    reset_peak()
    t0 = time.perf_counter()
    pipeline.run(records(), table_name="motcua__hoso", write_disposition="append")
    seconds = time.perf_counter() - t0
    peak = peak_mb()
    with warehouse.connect(settings) as admin:
        landed = admin.execute("select count(*) from dlt_bench.motcua__hoso").fetchone()[0]
    print(f"dlt {dlt.__version__}: {seconds:.2f}s, landed {landed}, peak {peak} MB", flush=True)
    return {
        "dlt_version": dlt.__version__,
        "dlt_rows": count,
        "dlt_landed": landed,
        "dlt_seconds": round(seconds, 2),
        "dlt_rows_per_s": round(count / seconds),
        "dlt_peak_rss_mb": peak,
    }


def land_child(pages_file: Path, run_id: str) -> None:
    """The loader alone in this (fresh) process; the server is the parent's (same env)."""
    from eduwh.config import Settings

    summary, seconds, peak = land(Settings.from_env(), pages_file, run_id)
    if peak is None:  # no /proc: getrusage's peak (it may carry the parent's, from the fork)
        peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps({"seconds": round(seconds, 2), "peak_rss_mb": peak, **summary}))


def land_in_child(pages_file: Path, run_id: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--land-child", str(pages_file), run_id],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    print(f"  child: {result['seconds']}s, peak RSS {result['peak_rss_mb']} MB", flush=True)
    return result


def main() -> None:
    if sys.argv[1:2] == ["--land-child"]:
        land_child(Path(sys.argv[2]), sys.argv[3])
        return
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    memory_sizes = [
        int(s) for s in (sys.argv[2] if len(sys.argv) > 2 else "1000000,5000000").split(",")
    ]
    work = Path(tempfile.mkdtemp(prefix="eduwh-bench-landing-"))
    os.chmod(work, 0o755)
    pages_file, floor_file, _ = generate(rows, work, floor=True)
    result: dict = {"bench": "landing", "rows": rows}
    memory: dict[str, float | None] = {}
    try:
        with own_warehouse() as settings:
            summary, loader_s, _ = land(settings, pages_file, "bench")
            with warehouse.connect(settings) as admin:
                t0 = time.perf_counter()
                admin.execute(
                    f"copy raw.motcua__hoso (batch_id, record_no, record, window_start,"
                    f" window_end) from '{floor_file}'"
                )
                admin.commit()
                floor_s = time.perf_counter() - t0
                floor_rows = admin.execute(
                    "select count(*) from raw.motcua__hoso where batch_id = 0"
                ).fetchone()[0]
            print(f"floor (server-side COPY FROM file, jsonb parse): {floor_s:.2f}s", flush=True)
            floor_file.unlink()
            dlt_result = dlt_land(settings, pages_file, work)  # right after: same conditions
            for size in memory_sizes:
                if size == rows:
                    size_file = pages_file
                else:
                    size_file, _, _ = generate(size, work, floor=False)
                memory[str(size)] = land_in_child(size_file, f"bench-{size}")["peak_rss_mb"]
                if size_file != pages_file:
                    size_file.unlink()
            pages_file.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    loader_rps = summary["reported"] / loader_s
    floor_rps = floor_rows / floor_s
    result.update(
        {
            "landed": summary["landed"],
            "quarantined": summary["quarantined"],
            "loader_rows_per_s": round(loader_rps),
            "loader_seconds": round(loader_s, 2),
            "floor_copy_from_file_rows_per_s": round(floor_rps),
            "floor_seconds": round(floor_s, 2),
            "loader_vs_floor": round(loader_rps / floor_rps, 3),
            **dlt_result,
        }
    )
    if "dlt_rows_per_s" in dlt_result:
        result["loader_vs_dlt"] = round(loader_rps / dlt_result["dlt_rows_per_s"], 2)
    sizes = sorted(memory, key=int)
    result["loader_peak_rss_mb_by_rows"] = memory
    result["memory_sizes_run"] = [int(s) for s in sizes]
    if len(sizes) > 1 and memory[sizes[0]] and memory[sizes[-1]]:
        result["loader_peak_rss_growth"] = round(memory[sizes[-1]] / memory[sizes[0]], 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
