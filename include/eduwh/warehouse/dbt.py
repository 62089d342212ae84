"""Running the dbt project (dbt_project/) in-process, as the transformer role.

dbt reads everything it needs from the environment (dbt_project/profiles.yml has only
`env_var()`s): `dbt_environment(settings)` builds that environment from the warehouse
settings, `run_dbt` applies it for the duration of one in-process invocation. dbt's
target/ and logs/ go under the state folder (owner-only, 0700), so the repository stays
clean.

The pseudonym key reaches dbt's sessions as a session setting, `eduwh.pseudonym_key`,
sent by libpq at connection time from `PGOPTIONS` (psycopg2, under dbt-postgres, honours
it); the macro `pseudonym` reads `current_setting('eduwh.pseudonym_key')`, so the key is
in no compiled SQL, no statement dbt logs, no manifest.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from eduwh.config import PROJECT_ROOT, Settings, overlay, process_value
from eduwh.warehouse import role_dsn, secrets_dir
from eduwh.warehouse.secret_files import private_folder, protect

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
TRANSFORMER = "eduwh_transformer"
KEY_SETTING = "eduwh.pseudonym_key"
_KEY_OPTION = re.compile(r"(?:^|\s)-c\s*" + re.escape(KEY_SETTING) + r"=(?:\\.|\S)*")

__all__ = [
    "DBT_PROJECT_DIR",
    "DbtError",
    "dbt_environment",
    "parse_manifest",
    "project_hash",
    "run_dbt",
]

# dbt keeps process-wide state (flags, event logger, adapters): one invocation at a time.
_lock = threading.Lock()


class DbtError(RuntimeError):
    """A dbt invocation failed; the message names the failed nodes."""


def dbt_paths(settings: Settings) -> tuple[Path, Path]:
    """(target path, log path) of dbt under the state folder."""
    root = settings.home / "dbt"
    return root / "target", root / "logs"


def private_dbt_folders(settings: Settings) -> tuple[Path, Path]:
    """dbt's target and log folders, created owner-only (0700), as is their parent."""
    target_path, log_path = dbt_paths(settings)
    private_folder(target_path.parent)
    return private_folder(target_path), private_folder(log_path)


def pg_options(inherited: str, key: str) -> str:
    """`PGOPTIONS` that set `eduwh.pseudonym_key` to `key` for every libpq session, on top
    of the inherited options (an earlier key of ours removed). libpq splits PGOPTIONS at
    blanks unless escaped with a backslash."""
    escaped = re.sub(r"([\\\s])", r"\\\1", key)
    kept = _KEY_OPTION.sub("", inherited).strip()
    return " ".join(part for part in (kept, f"-c {KEY_SETTING}={escaped}") if part)


def dbt_environment(settings: Settings) -> dict[str, str]:
    """The environment profiles.yml and dbt_project/ read: connection as the transformer
    (parsed from `role_dsn`, password included), the pseudonym key as a session setting
    (PGOPTIONS), and dbt's folders (created owner-only)."""
    parts = urlsplit(role_dsn(settings, TRANSFORMER))
    key = settings.pseudonym_key()
    if secrets_dir(settings).exists():  # the key may just have been written there
        protect(secrets_dir(settings))
    target_path, log_path = private_dbt_folders(settings)
    return {
        "WAREHOUSE_HOST": parts.hostname or "127.0.0.1",
        "WAREHOUSE_PORT": str(parts.port or 5432),
        "WAREHOUSE_DBNAME": unquote(parts.path.lstrip("/")) or "eduwh",
        "WAREHOUSE_TRANSFORMER_USER": unquote(parts.username or TRANSFORMER),
        "WAREHOUSE_TRANSFORMER_PASSWORD": unquote(parts.password or ""),
        "EDUWH_PSEUDONYM_KEY": key,
        "PGOPTIONS": pg_options(process_value("PGOPTIONS", ""), key),
        "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_TARGET_PATH": str(target_path),
        "DBT_LOG_PATH": str(log_path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DBT_PARTIAL_PARSE": "True",
        # A selection by domain (tag:dossiers) must not pull in the relationship tests of
        # another domain's models, which may not be built: only tests whose every parent
        # is selected run.
        "DBT_INDIRECT_SELECTION": "cautious",
    }


def run_dbt(settings: Settings, args: list[str]):
    """Run `dbt <args>` in-process with `dbt_environment(settings)`.

    Returns the `dbtRunnerResult`; raises `DbtError` naming every failed node (or the
    exception dbt raised) when the invocation did not succeed.
    """
    from dbt.cli.main import dbtRunner

    environment = dbt_environment(settings)
    with _lock, overlay(environment):
        result = dbtRunner().invoke(list(args))
    if not result.success:
        raise DbtError(_failure_message(args, result, dbt_paths(settings)[1]))
    return result


def parse_manifest(settings: Settings) -> Path:
    """`dbt parse`, for renderers (Cosmos) that read the project without calling dbt;
    returns the path of target/manifest.json."""
    run_dbt(settings, ["parse", "--quiet"])
    manifest = dbt_paths(settings)[0] / "manifest.json"
    if not manifest.exists():
        raise DbtError(f"dbt parse succeeded but wrote no manifest at {manifest}")
    return manifest


def project_hash(folder: Path = DBT_PROJECT_DIR) -> str:
    """A hash of the dbt project's files (names and bytes; dbt's own output folders left
    out): the manifest is parsed again when it changes (eduwh setup), and a warehouse
    build is of the project of its hash (eduwh.warehouse.builds)."""
    digest = hashlib.sha256()
    skipped = {"target", "logs", "dbt_packages"}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not skipped & set(path.relative_to(folder).parts):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _failure_message(args: list[str], result, log_path: Path) -> str:
    command = "dbt " + " ".join(args)
    if result.exception is not None:
        return f"{command} failed: {result.exception}"
    failed = []
    for node_result in getattr(result.result, "results", None) or []:
        status = str(getattr(node_result, "status", "")).lower()
        if status in {"error", "fail", "runtime error"}:
            node = getattr(node_result, "node", None)
            name = getattr(node, "unique_id", None) or str(node)
            message = (getattr(node_result, "message", None) or "").strip()
            failed.append(f"  - {name} [{status}]: {message[:500]}")
    if not failed:
        return f"{command} failed (no failed node reported; see {log_path / 'dbt.log'})"
    return f"{command} failed, {len(failed)} node(s):\n" + "\n".join(failed)
