"""The `eduwh` command: warehouse, sandbox, setup, the nightly run and the report.

Errors an operator can act on are printed as one line and exit non-zero; tracebacks
are for bugs only.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from eduwh.config import (
    Settings,
    airflow_environment,
    child_environment,
    environment_command,
    overlay,
)
from eduwh.errors import UserError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        with overlay(airflow_environment(settings)):  # Airflow and Cosmos in this process
            return args.handler(settings, args) or 0
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the one place that turns errors into messages
        if not _is_user_error(error):
            raise
        print(f"eduwh: error: {error}", file=sys.stderr)
        return 2


def _is_user_error(error: Exception) -> bool:
    from eduwh.extract.http import SourceUnavailable
    from eduwh.warehouse import WarehouseError

    return isinstance(error, (UserError, WarehouseError, SourceUnavailable))


# -- warehouse ------------------------------------------------------------------
def _warehouse(settings: Settings, args) -> int:
    from eduwh import warehouse

    if args.action == "start":
        print(warehouse.ensure(settings))
        print(warehouse.admin_dsn(settings))
    elif args.action == "stop":
        print(warehouse.stop(settings))
    elif args.action == "status":
        print(warehouse.status(settings))
    elif args.action == "url":
        print(warehouse.admin_dsn(settings))
    return 0


# -- setup ----------------------------------------------------------------------
def _setup(settings: Settings, args) -> int:
    from eduwh.cli.setup import setup

    setup(settings, force=args.force)
    return 0


# -- sandbox --------------------------------------------------------------------
def _sandbox(settings: Settings, args) -> int:
    from eduwh.cli.stand_ins import stand_ins

    sandbox_cli = stand_ins()

    if args.action == "generate":
        sandbox_cli.generate_main(Path(args.out), args.dataset, args.scale)
    else:
        from eduwh.cli.night import check_dataset_folder
        from eduwh.cli.run import check_faults

        check_faults(args.faults)
        check_dataset_folder(Path(args.data))
        sandbox_cli.serve_main(Path(args.data), args.clock, args.faults, args.port)
    return 0


# -- run and report -------------------------------------------------------------
def _run(settings: Settings, args) -> int:
    from eduwh.cli.run import run_main_job

    return run_main_job(
        settings, as_of=args.as_of, data=args.data, faults=args.faults, executor=args.executor
    )


def _agencies(settings: Settings, args) -> int:
    import json

    from eduwh.cli.ops import agencies_listing, agencies_table

    listing = agencies_listing(settings)
    if args.format == "json":
        print(json.dumps(listing, ensure_ascii=False, indent=2))
    else:
        print(agencies_table(listing))
    return 0


def _report(settings: Settings, args) -> int:
    from eduwh.cli.report import report_main

    return report_main(settings, args)


def _indicators(settings: Settings, args) -> int:
    from eduwh.cli.indicators import indicators_main

    return indicators_main(settings, args)


# -- operating the nights ---------------------------------------------------------
def _backfill(settings: Settings, args) -> int:
    import json
    from datetime import date

    from eduwh.cli import ops

    try:
        start, end = date.fromisoformat(args.from_date), date.fromisoformat(args.to_date)
    except ValueError as error:
        raise UserError(f"--from/--to must be dates like 2019-12-06: {error}") from None
    from eduwh.cli.console import output_to_stderr

    try:
        with output_to_stderr():
            summary = ops.backfill(
                settings,
                start,
                end,
                args.dag,
                full_refresh=args.full_refresh,
                data=args.data,
                build=not args.no_build,
            )
    except ops.OpsError as error:
        raise UserError(str(error)) from None
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


def _up(settings: Settings, args) -> int:
    from eduwh.cli import ops

    try:
        return ops.up(settings, port=args.port, data=args.data)
    except ops.OpsError as error:
        raise UserError(str(error)) from None


def _docs(settings: Settings, args) -> int:
    from eduwh.warehouse import docs

    if args.action == "generate":
        print(docs.generate_docs(settings))
        return 0
    return docs.serve_docs(settings, args.port)


def _cluster(settings: Settings, args) -> int:
    from eduwh.cluster import services

    if args.action == "up":
        services.up(settings, workers=args.workers, data=args.data, faults=args.faults)
    elif args.action == "status":
        print("\n".join(services.status(settings)))
    else:
        services.down(settings)
    return 0


def _lint_sql(settings: Settings, args) -> int:
    """sqlfluff with the dbt templater: dbt compiles the unit tests' fixtures against the
    warehouse, so the linter needs it up and dbt's environment (`make lint`)."""
    import subprocess

    from eduwh import warehouse
    from eduwh.warehouse.dbt import dbt_environment

    print(warehouse.ensure(settings))
    env = child_environment(dbt_environment(settings))
    return subprocess.run(["sqlfluff", "lint", *args.paths], env=env).returncode


def _airflow(settings: Settings, args) -> int:
    """`eduwh airflow ...`: Airflow's own CLI with the project's environment, dbt's
    included (so `eduwh airflow dags test eduwh_warehouse DATE` builds like a night)."""
    from eduwh.warehouse.dbt import dbt_environment

    airflow = environment_command("airflow")
    os.execve(airflow, [airflow, *args.rest], child_environment(dbt_environment(settings)))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eduwh", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    wh = commands.add_parser("warehouse", help="the warehouse server (embedded or WAREHOUSE_DSN)")
    wh.add_argument("action", choices=["start", "stop", "status", "url"])
    wh.set_defaults(handler=_warehouse)

    st = commands.add_parser("setup", help="Airflow metadata, dbt manifest (idempotent)")
    st.add_argument("--force", action="store_true", help="redo every step")
    st.set_defaults(handler=_setup)

    sb = commands.add_parser("sandbox", help="local stand-ins of the source systems")
    sb_actions = sb.add_subparsers(dest="action", required=True)
    gen = sb_actions.add_parser("generate", help="write a built-in data set (Quảng Ngãi 2019)")
    gen.add_argument("--out", required=True)
    gen.add_argument(
        "--dataset",
        choices=["quang-ngai-2019", "quang-ngai-2025", "quang-ngai-2025-merged"],
        default="quang-ngai-2019",
        help="quang-ngai-2019 (every source, the seed report), quang-ngai-2025 "
        "(one-stop portal 2022-2025, Decision 766 indicators) or quang-ngai-2025-merged "
        "(two Departments' portals through the 1 July 2025 merger, with agencies.yml)",
    )
    gen.add_argument(
        "--scale",
        type=int,
        default=1,
        help="N times the built-in schools, pupils, staff, dossiers and documents "
        "(quang-ngai-2019; default 1: the built-in data set itself)",
    )
    serve = sb_actions.add_parser("serve", help="serve a data set over HTTP on 127.0.0.1")
    serve.add_argument("--data", required=True)
    serve.add_argument("--clock", help="answer as of this time (default: end of as_of day)")
    serve.add_argument("--faults", default="none", help="fault profile: none, bad-night")
    serve.add_argument("--port", type=int, default=8700)
    sb.set_defaults(handler=_sandbox)

    run = commands.add_parser("run", help="the main job: extract-load, build, check, figures")
    run.add_argument("--as-of", required=True, help="report date, YYYY-MM-DD")
    run.add_argument("--data", help="sandbox data set folder (default: the built-in 2019 set)")
    run.add_argument(
        "--faults",
        action="append",
        help="sandbox fault profile (none, bad-night), or PREFIX=profile for one instance"
        " of a data set of several agencies (repeatable)",
    )
    run.add_argument(
        "--executor",
        choices=["in-process", "celery"],
        default="in-process",
        help="in-process: Airflow's dag.test() here; celery: on the running `eduwh cluster`",
    )
    run.set_defaults(handler=_run)

    ag = commands.add_parser(
        "agencies", help="the agency register and each agency's last successful night"
    )
    ag.add_argument("--format", choices=["table", "json"], default="table")
    ag.set_defaults(handler=_agencies)

    rp = commands.add_parser("report", help="the annual report from the marts")
    rp.add_argument("--year", type=int, required=True)
    rp.add_argument("--as-of", required=True)
    rp.add_argument("--format", choices=["json", "docx", "html", "pdf"], default="json")
    rp.add_argument("--agency", help="reporting agency code (default: the warehouse's one agency)")
    rp.add_argument("--out", help="folder for docx/html")
    rp.add_argument(
        "--allow-failed-checks",
        action="store_true",
        help="publish even if the checkpoint failed; every output is marked unchecked",
    )
    rp.set_defaults(handler=_report)

    ind = commands.add_parser(
        "indicators", help="the Decision 766 service-quality indicators of a period"
    )
    ind.add_argument("--period", required=True, help="2025-07 (month), 2025-Q3 or 2025")
    ind.add_argument("--as-of", required=True, help="as-of date, YYYY-MM-DD")
    ind.add_argument("--agency", help="reporting agency code (default: the warehouse's one agency)")
    ind.add_argument("--format", choices=["table", "json", "csv"], default="table")
    ind.add_argument("--dossiers", metavar="ID", help="the dossiers behind one indicator, e.g. 2.1")
    ind.set_defaults(handler=_indicators)

    bf = commands.add_parser(
        "backfill", help="run the source DAGs over a range of nights, then build"
    )
    bf.add_argument("--from", dest="from_date", required=True, help="first night, YYYY-MM-DD")
    bf.add_argument("--to", dest="to_date", required=True, help="last night, YYYY-MM-DD")
    bf.add_argument("--dag", action="append", help="a source DAG (repeatable; default: all four)")
    bf.add_argument("--full-refresh", action="store_true", help="re-extract up to the first night")
    bf.add_argument("--data", help="sandbox data set folder (default: the built-in 2019 set)")
    bf.add_argument("--no-build", action="store_true", help="land only; build later")
    bf.set_defaults(handler=_backfill)

    upc = commands.add_parser("up", help="Airflow standalone (UI on 127.0.0.1) with the project")
    upc.add_argument("--port", type=int, help="UI/API port (default: EDUWH_AIRFLOW_PORT or 8080)")
    upc.add_argument("--data", help="sandbox data set folder (default: the built-in 2019 set)")
    upc.set_defaults(handler=_up)

    dc = commands.add_parser("docs", help="the dbt docs site of the warehouse (for analysts)")
    dc_actions = dc.add_subparsers(dest="action", required=True)
    dc_actions.add_parser("generate", help="dbt docs generate into EDUWH_HOME/docs; prints it")
    dc_serve = dc_actions.add_parser("serve", help="serve the docs site on 127.0.0.1")
    dc_serve.add_argument("--port", type=int, default=8580, help="0: a free port (default 8580)")
    dc.set_defaults(handler=_docs)

    cl = commands.add_parser("cluster", help="the CeleryExecutor stack on 127.0.0.1")
    cl.add_argument("action", choices=["up", "status", "down"])
    cl.add_argument("--workers", type=int, default=2, help="Celery workers (up; default 2)")
    cl.add_argument("--data", help="sandbox data set the cluster serves (up; default built-in)")
    cl.add_argument("--faults", default="none", help="sandbox fault profile (up)")
    cl.set_defaults(handler=_cluster)

    ls = commands.add_parser("lint-sql", help="sqlfluff (dbt templater) on the warehouse")
    ls.add_argument("paths", nargs="+")
    ls.set_defaults(handler=_lint_sql)

    af = commands.add_parser("airflow", help="Airflow's CLI with the project's environment")
    af.add_argument("rest", nargs=argparse.REMAINDER)
    af.set_defaults(handler=_airflow)
    return parser
