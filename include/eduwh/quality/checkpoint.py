"""The nightly Great Expectations checkpoint over the warehouse (its recorded outcome and
the report's guard on it are in outcome.py, which imports without GX).

One checkpoint per build: every suite of `suites.py` whose tables exist runs against the
warehouse through a GX PostgreSQL data source, as the transformer role, and the build's
dbt tests are reported beside them (`dbt_tests`, from dbt's run_results.json: a failed
dbt test fails the checkpoint, named). Results go to
the `quality` schema (quality.checkpoint_run, quality.expectation_result) and to Data
Docs under the state folder (`settings.home / "data_docs"`).

The repository keeps the GX file context (include/gx: great_expectations.yml, plugins)
and the suites (as code, suites.py). A run works in a FileDataContext under the state
folder (`settings.home / "gx"`), initialised from the repository's configuration, so
nothing a run writes (data source with its DSN, validation definitions, results, data
docs) lands in the repository.
"""

from __future__ import annotations

import json
import logging
import shutil
import uuid
import warnings as warnings_module
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from eduwh import warehouse
from eduwh.config import PROJECT_ROOT, Settings
from eduwh.quality.dbt_tests import test_rows
from eduwh.quality.outcome import TRANSFORMER, WARNING, CheckpointOutcome, describe
from eduwh.quality.suites import SuiteSpec, planned_suites

log = logging.getLogger(__name__)

REPO_GX_DIR = PROJECT_ROOT / "include" / "gx"
DATA_SOURCE = "eduwh_warehouse"
CHECKPOINT = "eduwh_nightly"
DOCS_SITE = "eduwh_data_docs"

__all__ = ["run_checkpoint", "gx_connection_string"]

QUALITY_DDL = [
    """create table if not exists quality.checkpoint_run (
        run_id text primary key,
        checkpoint_name text not null,
        started_at timestamptz not null,
        finished_at timestamptz,
        success boolean not null,
        suites_run integer not null,
        expectations_evaluated integer not null,
        expectations_failed integer not null,
        warnings integer not null,
        notes jsonb not null default '[]'::jsonb,
        data_docs_index text
    )""",
    """create table if not exists quality.expectation_result (
        run_id text not null references quality.checkpoint_run (run_id) on delete cascade,
        suite text not null,
        asset text not null,
        expectation_type text not null,
        column_name text,
        description text,
        success boolean not null,
        severity text not null,
        observed_value text,
        unexpected_count bigint,
        exception text,
        expectation_no integer not null,
        primary key (run_id, suite, expectation_no)
    )""",
]


# --- connection ---------------------------------------------------------------------


def gx_connection_string(settings: Settings) -> str:
    """The transformer's DSN as SQLAlchemy wants it (`postgresql+psycopg2://`)."""
    parts = urlsplit(warehouse.role_dsn(settings, TRANSFORMER))
    scheme = "postgresql+psycopg2"
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))


def _present(settings: Settings) -> tuple[set[str], set[str]]:
    """Tables and columns ('schema.table', 'schema.table.column') the transformer sees."""
    with warehouse.connect(settings, TRANSFORMER) as conn:
        rows = conn.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where table_schema in ('raw', 'meta', 'marts')"
        ).fetchall()
    tables = {f"{schema}.{table}" for schema, table, _ in rows}
    columns = {f"{schema}.{table}.{column}" for schema, table, column in rows}
    return tables, columns


# --- the file context under the state folder -------------------------------------


def _context(settings: Settings):
    """A FileDataContext under the state folder, from the repository's configuration,
    with its Data Docs site at settings.home / 'data_docs'."""
    import great_expectations as gx

    root = settings.home / "gx"
    gx_dir = root / "gx"
    gx_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO_GX_DIR / "great_expectations.yml", gx_dir / "great_expectations.yml")
    if (REPO_GX_DIR / "plugins").exists():
        shutil.copytree(REPO_GX_DIR / "plugins", gx_dir / "plugins", dirs_exist_ok=True)
    # The definitions are rebuilt from suites.py on every run; results are kept.
    for folder in ("expectations", "validation_definitions", "checkpoints"):
        shutil.rmtree(gx_dir / folder, ignore_errors=True)
    (gx_dir / "uncommitted").mkdir(exist_ok=True)
    variables = gx_dir / "uncommitted" / "config_variables.yml"
    if not variables.exists() or not variables.read_text().strip():
        variables.write_text("{}\n")
    context = gx.get_context(mode="file", project_root_dir=str(root))
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    docs_dir = settings.home / "data_docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    site_config = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    for name in list(context.list_data_docs_sites()):
        if name != DOCS_SITE:
            context.delete_data_docs_site(name)
    if DOCS_SITE in context.list_data_docs_sites():
        context.update_data_docs_site(DOCS_SITE, site_config)
    else:
        context.add_data_docs_site(DOCS_SITE, site_config)
    return context


def _build(context, settings: Settings, suites: list[SuiteSpec]):
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    source = context.data_sources.add_or_update_postgres(
        DATA_SOURCE, connection_string=gx_connection_string(settings)
    )
    definitions, by_definition = [], {}
    for number, spec in enumerate(suites):
        asset_name = f"{number:02d} {spec.asset.name}"
        if spec.asset.table:
            schema, table = spec.asset.table.split(".", 1)
            asset = source.add_table_asset(asset_name, table_name=table, schema_name=schema)
        else:
            # GX wants a query that starts with SELECT: wrap CTEs in a subquery.
            query = f"select * from ({spec.asset.query.strip()}) as asset_rows"
            asset = source.add_query_asset(asset_name, query=query)
        batch = asset.add_batch_definition_whole_table("whole")
        suite = context.suites.add(
            gx.ExpectationSuite(
                name=spec.name,
                meta={"severity": spec.severity, "asset": spec.asset.table or spec.asset.name},
            )
        )
        for expectation in spec.expectations:
            suite.add_expectation(expectation.copy(deep=True))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=spec.name, data=batch, suite=suite)
        )
        definitions.append(definition)
        by_definition[spec.name] = spec
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=CHECKPOINT,
            validation_definitions=definitions,
            actions=[UpdateDataDocsAction(name="data_docs", site_names=[DOCS_SITE])],
            result_format="SUMMARY",
        )
    )
    return checkpoint, by_definition


# --- results --------------------------------------------------------------------------


def _summary(value: Any, limit: int = 500) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rows(result, spec: SuiteSpec) -> list[dict]:
    rows = []
    asset = spec.asset.table or spec.asset.name
    for number, item in enumerate(result.results):
        config = item.expectation_config
        kwargs = dict(config.kwargs or {})
        column = (
            kwargs.get("column")
            or (",".join(kwargs["column_list"]) if kwargs.get("column_list") else None)
            or (
                "{},{}".format(kwargs["column_A"], kwargs["column_B"])
                if kwargs.get("column_A")
                else None
            )
        )
        details = item.result or {}
        observed = details.get("observed_value")
        if observed is None and details.get("partial_unexpected_list"):
            observed = {"unexpected": details.get("partial_unexpected_list")[:10]}
        if observed is None and "unexpected_count" in details:
            observed = {"unexpected_count": details["unexpected_count"]}
        exception = None
        info = item.exception_info or {}
        if info.get("raised_exception"):
            exception = _summary(info.get("exception_message"), 1000)
        severity = str(getattr(config, "severity", None) or spec.severity)
        severity = severity.rsplit(".", 1)[-1].lower()
        if spec.severity == WARNING:
            severity = WARNING
        rows.append(
            {
                "suite": spec.name,
                "asset": asset,
                "expectation_type": config.type,
                "column_name": column,
                "description": getattr(config, "description", None) or kwargs.get("description"),
                "success": bool(item.success),
                "severity": severity,
                "observed_value": _summary(observed),
                "unexpected_count": details.get("unexpected_count"),
                "exception": exception,
                "expectation_no": number,
            }
        )
    return rows


def ensure_quality_tables(settings: Settings) -> None:
    with warehouse.connect(settings, TRANSFORMER) as conn:
        for statement in QUALITY_DDL:
            conn.execute(statement)


def _store(settings: Settings, run: dict, rows: list[dict]) -> None:
    ensure_quality_tables(settings)
    with warehouse.connect(settings, TRANSFORMER) as conn:
        conn.execute(
            "insert into quality.checkpoint_run (run_id, checkpoint_name, started_at,"
            " finished_at, success, suites_run, expectations_evaluated, expectations_failed,"
            " warnings, notes, data_docs_index) values (%(run_id)s, %(checkpoint_name)s,"
            " %(started_at)s, %(finished_at)s, %(success)s, %(suites_run)s,"
            " %(expectations_evaluated)s, %(expectations_failed)s, %(warnings)s,"
            " %(notes)s::jsonb, %(data_docs_index)s)",
            {**run, "notes": json.dumps(run["notes"], ensure_ascii=False)},
        )
        with conn.cursor() as cursor:
            cursor.executemany(
                "insert into quality.expectation_result (run_id, suite, asset,"
                " expectation_type, column_name, description, success, severity,"
                " observed_value, unexpected_count, exception, expectation_no) values"
                " (%(run_id)s, %(suite)s, %(asset)s, %(expectation_type)s, %(column_name)s,"
                " %(description)s, %(success)s, %(severity)s, %(observed_value)s,"
                " %(unexpected_count)s, %(exception)s, %(expectation_no)s)",
                [{**row, "run_id": run["run_id"]} for row in rows],
            )


# --- API ------------------------------------------------------------------------------


def run_checkpoint(settings: Settings) -> CheckpointOutcome:
    """Run the one checkpoint of this build; store and return its outcome.

    Success: every expectation of severity critical and every dbt test of the last build
    succeeded. Warnings (year-over-year movement, dbt tests of severity warn) are
    reported, never failing. Suites whose tables are absent are skipped
    with a note.
    """
    started_at = datetime.now(UTC)
    run_id = f"gx-{started_at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    tables, columns = _present(settings)
    suites, notes = planned_suites(tables, columns)
    rows, dbt_notes = test_rows(settings)
    notes += dbt_notes
    dbt_suites = {row["suite"] for row in rows}
    if suites:
        context = _context(settings)
        with warnings_module.catch_warnings():
            # GX 1.x deprecates schema_name on table assets; one data source serves
            # raw, meta and marts here, so the schema stays on the asset.
            warnings_module.filterwarnings("ignore", "`schema_name` is deprecated")
            checkpoint, by_name = _build(context, settings, suites)
            result = checkpoint.run(run_id=_gx_run_id(run_id, started_at))
        for validation in result.run_results.values():
            rows.extend(_rows(validation, by_name[validation.suite_name]))
    failed = [describe(r) for r in rows if not r["success"] and r["severity"] != WARNING]
    warnings = [describe(r) for r in rows if not r["success"] and r["severity"] == WARNING]
    docs_index = settings.home / "data_docs" / "index.html"
    run = {
        "run_id": run_id,
        "checkpoint_name": CHECKPOINT,
        "started_at": started_at,
        "finished_at": datetime.now(UTC),
        "success": not failed,
        "suites_run": len(suites) + len(dbt_suites),
        "expectations_evaluated": len(rows),
        "expectations_failed": len(failed),
        "warnings": len(warnings),
        "notes": notes,
        "data_docs_index": str(docs_index) if docs_index.exists() else None,
    }
    _store(settings, run, rows)
    for line in failed:
        log.error("quality check failed: %s", line)
    for line in warnings:
        log.warning("quality warning: %s", line)
    return CheckpointOutcome(run_id, not failed, failed, warnings, notes, started_at)


def _gx_run_id(run_id: str, started_at: datetime):
    from great_expectations.core.run_identifier import RunIdentifier

    return RunIdentifier(run_name=run_id, run_time=started_at)


def data_docs_index(settings: Settings) -> Path:
    return settings.home / "data_docs" / "index.html"
