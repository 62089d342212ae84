"""The report as PDF: the DOCX converted by LibreOffice (`soffice --headless`).

Each conversion runs with a profile of its own (`-env:UserInstallation`), so conversions
running at the same time (two reports, a test and the night) never share LibreOffice's
lock and settings. Without `soffice` on the PATH, one line says how to install it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from eduwh.errors import UserError

INSTALL_HINT = (
    "--format pdf needs LibreOffice's soffice on the PATH: run `make office` "
    "(Debian: apt-get install libreoffice-writer-nogui)"
)
TIMEOUT_SECONDS = 300


def soffice() -> str:
    path = shutil.which("soffice")
    if path is None:
        raise UserError(INSTALL_HINT)
    return path


def docx_to_pdf(docx: Path, out_dir: Path) -> Path:
    """Convert `docx` into `out_dir`/<same name>.pdf; return the PDF's path."""
    program = soffice()
    out_dir = Path(out_dir)
    target = out_dir / (Path(docx).stem + ".pdf")
    with tempfile.TemporaryDirectory(prefix="eduwh-soffice-") as profile:
        done = subprocess.run(
            [
                program,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(out_dir),
                str(docx),
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    if done.returncode != 0 or not target.exists():
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise UserError(
            f"LibreOffice could not convert {Path(docx).name} to PDF"
            + (f": {detail[-1]}" if detail else f" (exit {done.returncode})")
        )
    return target
