"""The sandbox stand-ins as a service of the local cluster (`eduwh cluster up` starts it):
`python -m eduwh.cluster.sandbox_service DATA_DIR FAULTS STATE_FILE`.

It serves the data set through `night_sources`, as `eduwh run` does, until SIGTERM,
after writing the night's sources to STATE_FILE (0600: it holds the night's client
secret), which the cluster hands to its workers.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

from eduwh.cli.night import AGENCY_SETTINGS, SANDBOX_SETTINGS, night_sources
from eduwh.config import Settings, process_values


def serve(data_dir: Path, faults: str, state_file: Path) -> None:
    import os

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    with night_sources(Settings.from_env(), data_dir, faults=faults) as night:
        served = {
            "env": process_values((*SANDBOX_SETTINGS, *AGENCY_SETTINGS)),
            "dag_ids": night.dag_ids,
            "description": night.description,
            "data_dir": str(data_dir),
            "faults": faults,
        }
        aside = state_file.with_suffix(".tmp")
        descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(served, handle)
        aside.replace(state_file)  # appears complete: `up` waits for it
        print(night.description, flush=True)
        while True:
            signal.pause()


if __name__ == "__main__":
    serve(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
