"""Quality: the Great Expectations checkpoint over the warehouse and the report's guard.

The guard and the outcome (outcome.py) import without Great Expectations; the
checkpoint (checkpoint.py) imports it when it is first asked for.
"""

from eduwh.quality.outcome import CheckpointOutcome, ChecksFailed, guard, latest_outcome

__all__ = ["CheckpointOutcome", "ChecksFailed", "guard", "latest_outcome", "run_checkpoint"]


def __getattr__(name: str):
    if name == "run_checkpoint":
        from eduwh.quality.checkpoint import run_checkpoint

        return run_checkpoint
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
