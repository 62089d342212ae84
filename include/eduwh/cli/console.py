"""What the terminal of a command shows: its steps, one line each; stdout carries what the
command promises (its JSON); Airflow's and dbt's own output goes to a log file.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def output_to_stderr() -> Iterator[None]:
    """Whatever is written to stdout meanwhile (Python's sys.stdout, or a library's own
    handle on file descriptor 1: Airflow's and dbt's loggers) goes to stderr."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


# The lines of a log worth showing when a step failed: dbt's failed nodes, Cosmos'
# reports of them, and the exception lines of tracebacks.
_ERROR_LINE = re.compile(
    r"(Failure in |Database Error|Compilation Error|failed|ERROR|Error:|Exception:|"
    r"eduwh\.\w+\.\w+Error|AssertionError|ValueError|RuntimeError)"
)


class NightConsole:
    """The steps of a night on the terminal, the libraries' output in `log_path`.

    While a step runs, file descriptors 1 and 2 point at the log file (Airflow's and
    dbt's loggers hold their own handles on them); the step lines and the spinner go to
    the terminal's stderr, kept aside.
    """

    def __init__(self, log_path: Path):
        from rich.console import Console

        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.parent.chmod(0o700)  # task logs can quote records: owner-only
        descriptor = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._log = os.fdopen(descriptor, "a", encoding="utf-8")
        self._terminal_fd = os.dup(2)
        self._stdout_fd = os.dup(1)
        terminal = os.fdopen(os.dup(self._terminal_fd), "w", buffering=1, encoding="utf-8")
        self.console = Console(file=terminal, highlight=False, soft_wrap=True)
        self.started = time.monotonic()

    def line(self, message: str) -> None:
        self.console.print(f"[{time.monotonic() - self.started:6.1f}s] {message}", markup=False)

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[dict]:
        """A long step: a spinner with its elapsed time while it runs; `done` (the yielded
        dict) may carry a summary for its closing line."""
        done: dict = {}
        begun = time.monotonic()
        with self._to_log(), self.console.status(f"{name} …", spinner="dots"):
            try:
                yield done
            except BaseException:
                self.line(f"{name}: FAILED after {time.monotonic() - begun:.1f}s")
                raise
        summary = done.get("summary")
        elapsed = time.monotonic() - begun
        self.line(f"{name}: {summary or 'done'} ({elapsed:.1f}s)")

    def error_excerpt(self, lines: int = 12) -> list[str]:
        """The last lines of the log that name an error (what a failure prints)."""
        self._log.flush()
        text = self.log_path.read_text("utf-8", errors="replace").splitlines()[-4000:]
        found = [line.strip()[:300] for line in text if _ERROR_LINE.search(line)]
        return found[-lines:]

    @contextlib.contextmanager
    def _to_log(self) -> Iterator[None]:
        sys.stdout.flush()
        sys.stderr.flush()
        log_fd = self._log.fileno()
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        try:
            with contextlib.redirect_stdout(self._log), contextlib.redirect_stderr(self._log):
                yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            self._log.flush()
            os.dup2(self._stdout_fd, 1)
            os.dup2(self._terminal_fd, 2)

    def close(self) -> None:
        self._log.close()
        for fd in (self._terminal_fd, self._stdout_fd):
            os.close(fd)
