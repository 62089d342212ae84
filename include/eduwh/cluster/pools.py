"""The pools of eduwh.airflow.dags.POOLS as the file `airflow pools import` reads; for
the local cluster and the compose stack's init container alike:
`python -m eduwh.cluster.pools FILE`."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def write_pools(path: Path) -> Path:
    from eduwh.airflow.dags import POOLS

    pools = {
        name: {"slots": slots, "description": description, "include_deferred": False}
        for name, (slots, description) in POOLS.items()
    }
    path.write_text(json.dumps(pools, indent=2))
    return path


if __name__ == "__main__":
    write_pools(Path(sys.argv[1]))
