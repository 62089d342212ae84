"""`python -m eduwh.quality`: run the checkpoint once and print its outcome (exit 1 if failed)."""

from __future__ import annotations

import sys

from eduwh.quality.checkpoint import run_checkpoint
from eduwh.settings import Settings


def main() -> int:
    outcome = run_checkpoint(Settings.from_env())
    print(f"checkpoint {outcome.run_id}: {'passed' if outcome.success else 'FAILED'}")
    for line in outcome.failed:
        print(f"  failed: {line}")
    for line in outcome.warnings:
        print(f"  warning: {line}")
    for line in outcome.notes:
        print(f"  note: {line}")
    return 0 if outcome.success else 1


if __name__ == "__main__":
    sys.exit(main())
