"""Landing speed: generated dossier records through parse + validate + COPY into raw.

Compared with the floor: server-side ``COPY raw.motcua__hoso FROM 'file'`` of the same
rows. The loader path is the real one (``eduwh.load.motcua._land``: ledger, validation,
quarantine, one COPY, one commit) fed by pages of JSON text read from a file, as the
HTTP client would hand them over (so HTTP is left out). Prints one JSON object last.

    uv run python bench/landing/run.py [ROWS]        # default 1,000,000
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import PROCEDURES, dossiers, dumps, own_warehouse  # noqa: E402
from eduwh import warehouse  # noqa: E402
from eduwh.load import ddl  # noqa: E402
from eduwh.load.motcua import LOADER, _land  # noqa: E402
from eduwh.sources import motcua  # noqa: E402
from eduwh.sources.http import Page, Window  # noqa: E402

PAGE = 500


class FilePages:
    """Stands in for RestClient.pages(): one JSON page body per line of a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def pages(self, endpoint, *, window=None, params=None):
        with self.path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                body = json.loads(line)
                yield Page(number, body["total"], body["data"], 1)


def copy_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    work = Path(tempfile.mkdtemp(prefix="eduwh-bench-landing-"))
    os.chmod(work, 0o755)
    pages_file, floor_file = work / "pages.jsonl", work / "rows.copy"
    window = Window(
        datetime(2018, 1, 1, tzinfo=motcua.VN_TZ), datetime(2020, 1, 1, tzinfo=motcua.VN_TZ)
    )
    t0 = time.perf_counter()
    valid = 0
    with (
        pages_file.open("w", encoding="utf-8") as pages,
        floor_file.open("w", encoding="utf-8") as floor,
    ):
        chunk: list[dict] = []
        start, end = window.start.isoformat(), window.end.isoformat()
        for n, record in enumerate(dossiers(rows), 1):
            chunk.append(record)
            if motcua.validate_hoso(record, PROCEDURES) is None:
                valid += 1
                floor.write(f"0\t{n}\t{copy_text(dumps(record))}\t{start}\t{end}\n")
            if len(chunk) == PAGE:
                pages.write(
                    dumps({"page": 0, "page_size": PAGE, "total": rows, "data": chunk}) + "\n"
                )
                chunk = []
        if chunk:
            pages.write(dumps({"page": 0, "page_size": PAGE, "total": rows, "data": chunk}) + "\n")
    os.chmod(floor_file, 0o644)
    print(
        f"generated {rows} rows ({valid} valid) in {time.perf_counter() - t0:.1f}s "
        f"({pages_file.stat().st_size / 1e6:.0f} MB of pages)",
        flush=True,
    )

    with own_warehouse() as settings:
        with (
            warehouse.connect(settings, role=LOADER, autocommit=True) as book,
            warehouse.connect(settings, role=LOADER) as data,
        ):
            ddl.ensure_tables(book)
            procedures = frozenset(PROCEDURES)
            t0 = time.perf_counter()
            summary = _land(
                book,
                data,
                FilePages(pages_file),
                motcua.hoso_endpoint("bench"),
                entity="hoso",
                window=window,
                batch_window=(window.start, window.end),
                run_id="bench",
                validate=lambda r: motcua.validate_hoso(r, procedures),
            )
            loader_s = time.perf_counter() - t0
        print(
            f"loader (json decode + parse + validate + COPY + commit): {loader_s:.2f}s, "
            f"landed {summary['landed']}, quarantined {summary['quarantined']}",
            flush=True,
        )
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
        print(
            f"floor (server-side COPY FROM file, jsonb parse included): {floor_s:.2f}s", flush=True
        )
    shutil.rmtree(work, ignore_errors=True)
    loader_rps = summary["reported"] / loader_s
    floor_rps = floor_rows / floor_s
    print(
        json.dumps(
            {
                "bench": "landing",
                "rows": rows,
                "landed": summary["landed"],
                "quarantined": summary["quarantined"],
                "loader_rows_per_s": round(loader_rps),
                "loader_seconds": round(loader_s, 2),
                "floor_copy_from_file_rows_per_s": round(floor_rps),
                "floor_seconds": round(floor_s, 2),
                "loader_vs_floor": round(loader_rps / floor_rps, 3),
                "dlt": "skipped (not installed)",
            }
        )
    )


if __name__ == "__main__":
    main()
