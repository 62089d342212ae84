"""The one seam between production code and the sandbox's stand-ins.

A local night on a sandbox data set needs the stand-in servers, and `make run` the
built-in data set. Production code never imports `eduwh_sandbox` (it is not shipped to
workers): it is a plugin, found through the entry-point group `eduwh.stand_ins` that the
sandbox registers in pyproject.toml. The plugin offers `SandboxServer`, `FAULT_PROFILES`,
`BUILT_IN` (the built-in data set's dataset.json), `generate_builtin`, `generate_main`
and `serve_main` (see eduwh_sandbox/plugin.py).
"""

from __future__ import annotations

import functools
from importlib.metadata import entry_points

from eduwh.errors import UserError

GROUP = "eduwh.stand_ins"


@functools.cache
def stand_ins():
    """The installed stand-ins, or a one-line error where the sandbox is not installed."""
    found = list(entry_points(group=GROUP))
    if not found:
        raise UserError(
            "the sandbox is not installed here (entry point group eduwh.stand_ins is empty):"
            " configure the real systems (MOTCUA_BASE_URL, EOFFICE_BASE_URL, MOET_BASE_URL,"
            " SIS_DROP_DIR) or use the development environment (make setup)"
        )
    return found[0].load()
