"""Secrets kept in the state folder: `EDUWH_HOME/secrets/`, a 0700 folder of 0600 files.

The files belong to the process that runs eduwh (root or the invoking user), never to
the embedded server's system user: the server gets what it needs through SQL
(password verifiers) or through the environment of its clients.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(folder: Path) -> Path:
    """Create `folder` (and its parents) if missing and make it owner-only (0700)."""
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    if folder.stat().st_mode & 0o777 != FOLDER_MODE:
        folder.chmod(FOLDER_MODE)
    return folder


def protect(folder: Path) -> None:
    """Make a secrets folder 0700 and every file in it 0600 (also files written earlier,
    by other code or by an older version, with looser modes)."""
    private_folder(folder)
    for entry in folder.iterdir():
        if entry.is_file() and not entry.is_symlink() and entry.stat().st_mode & 0o777 != FILE_MODE:
            entry.chmod(FILE_MODE)


def read_or_create(path: Path) -> str:
    """The secret in `path`; one generated (64 hex digits) and written 0600 if missing.

    The file appears complete or not at all (written aside, then hard-linked into
    place), so concurrent processes agree on one value.
    """
    private_folder(path.parent)
    if not path.exists():
        descriptor, aside = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(descriptor, "w") as handle:  # mkstemp: 0600
                handle.write(secrets.token_hex(32) + "\n")
            try:
                os.link(aside, path)
            except FileExistsError:
                pass  # another process was first: use its value
        finally:
            os.unlink(aside)
    if path.stat().st_mode & 0o777 != FILE_MODE:
        path.chmod(FILE_MODE)
    value = path.read_text().strip()
    if not value:
        raise RuntimeError(f"{path} is empty: delete it to have a new secret generated")
    return value
