"""Errors a user can act on: the `eduwh` command prints them as one line, exit code 2."""

from __future__ import annotations


class UserError(RuntimeError):
    """Something the user can fix (an argument, a setting, a data set): one line, exit 2."""
