"""What the sandbox offers `eduwh` through the entry point `eduwh.stand_ins`: the
stand-in servers (``AgencySandbox`` for a several-agencies data set), the fault
profiles, the built-in data set and the `eduwh sandbox` commands. The names here are
the seam; `eduwh.stand_ins` documents them."""

from eduwh_sandbox.agency_sandbox import AgencySandbox
from eduwh_sandbox.cli import generate_builtin, generate_main, serve_main
from eduwh_sandbox.faults import PROFILES as FAULT_PROFILES
from eduwh_sandbox.motcua_dataset import META as BUILT_IN
from eduwh_sandbox.server import SandboxServer

__all__ = [
    "AgencySandbox",
    "BUILT_IN",
    "FAULT_PROFILES",
    "SandboxServer",
    "generate_builtin",
    "generate_main",
    "serve_main",
]
