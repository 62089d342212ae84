"""The dbt docs site of the warehouse: generated into the state folder, served locally.

`generate_docs` runs `dbt docs generate` and copies dbt's three files (index.html,
manifest.json, catalog.json) into `EDUWH_HOME/docs/`, the folder that both the Airflow
plugin (plugins/eduwh_docs.py) and `eduwh docs serve` serve. The catalog (columns as the
database has them, row counts) is read from the warehouse when it can be reached; without
it the site is generated with an empty catalog, and the descriptions, lineage and
exposures come from the manifest alone. `--no-compile`: the manifest of the last parse or
build is enough, and compiling would need the warehouse.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
from pathlib import Path

from eduwh.config import Settings
from eduwh.errors import UserError

SITE_FILES = ("index.html", "manifest.json", "catalog.json")
DEFAULT_PORT = 8580


def docs_site(settings: Settings) -> Path:
    """The folder of the generated docs site (`EDUWH_HOME/docs`)."""
    return settings.home / "docs"


def warehouse_reachable(settings: Settings) -> bool:
    from eduwh import warehouse
    from eduwh.warehouse.dbt import TRANSFORMER

    try:
        with warehouse.connect(settings, TRANSFORMER):
            return True
    except warehouse.WarehouseError:
        return False


def generate_docs(settings: Settings, with_catalog: bool | None = None) -> Path:
    """`dbt docs generate` into the docs site; the catalog from the warehouse when
    `with_catalog` (default: when the warehouse answers). Returns the site folder."""
    from eduwh.warehouse.dbt import dbt_paths, parse_manifest, run_dbt

    if with_catalog is None:
        with_catalog = warehouse_reachable(settings)
    target = dbt_paths(settings)[0]
    if not (target / "manifest.json").exists():
        parse_manifest(settings)
    args = ["docs", "generate", "--no-compile", "--quiet"]
    run_dbt(settings, args if with_catalog else [*args, "--empty-catalog"])
    site = docs_site(settings)
    site.mkdir(parents=True, exist_ok=True)
    for name in SITE_FILES:  # each file swapped in whole: a reader never sees half of one
        partial = site / f".{name}.partial"
        shutil.copyfile(target / name, partial)
        os.replace(partial, site / name)
    return site


def check_site(site: Path) -> Path:
    missing = [name for name in SITE_FILES if not (site / name).exists()]
    if missing:
        raise UserError(
            f"no docs site in {site} (missing {', '.join(missing)}): run `eduwh docs generate`"
        )
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base's name
        sys.stderr.write(f"docs: {self.address_string()} {format % args}\n")


def docs_server(site: Path, port: int = DEFAULT_PORT) -> http.server.ThreadingHTTPServer:
    """An HTTP server of the site on 127.0.0.1 (`port` 0: a free one), not yet serving."""
    handler = functools.partial(_QuietHandler, directory=str(check_site(site)))
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise UserError(f"cannot serve the docs on 127.0.0.1:{port}: {error.strerror}") from None


def serve_docs(settings: Settings, port: int = DEFAULT_PORT) -> int:
    """Serve the docs site until interrupted; the URL goes to stderr."""
    with docs_server(docs_site(settings), port) as server:
        host, bound = server.server_address[:2]
        url = f"http://{host}:{bound}/"
        print(f"dbt docs of the warehouse: {url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0
