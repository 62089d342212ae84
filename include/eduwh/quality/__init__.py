"""Quality: the Great Expectations checkpoint over the warehouse and the report's guard."""

from eduwh.quality.checkpoint import (
    CheckpointOutcome,
    ChecksFailed,
    guard,
    latest_outcome,
    run_checkpoint,
)

__all__ = ["CheckpointOutcome", "ChecksFailed", "guard", "latest_outcome", "run_checkpoint"]
