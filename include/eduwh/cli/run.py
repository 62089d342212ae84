"""`eduwh run`: one night end to end, as the operator would see it.

Check every input; set up what a new state folder lacks; ensure the warehouse; serve
the sandbox data set unless real source settings are given; run the source DAGs of the
sources present and the warehouse DAG through Airflow (`dag.test()`, the real task
runner, in this process); print the figures of the as-of date (stdout: the JSON only).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pendulum

from eduwh.agency import PREFIX
from eduwh.cli.console import NightConsole
from eduwh.cli.night import (
    WAREHOUSE_DAG,
    check_data_dir,
    check_register,
    landed_summary,
    latest_as_of,
    night_sources,
    run_dag,
    run_source_dag,
)
from eduwh.config import Settings, overlay
from eduwh.errors import UserError

LOCAL_TZ = "Asia/Ho_Chi_Minh"


def run_main_job(
    settings: Settings,
    as_of: str,
    data: str | None,
    faults: str | list[str] | None,
    executor: str = "in-process",
) -> int:
    as_of_date = parse_as_of(as_of)
    faults = parse_faults(faults)
    cluster, failures = None, []
    if executor == "celery":  # the night of a running `eduwh cluster`, its sources
        if isinstance(faults, dict):
            raise UserError("--faults PREFIX=profile is for a local night (--executor in-process)")
        from eduwh.cluster.night import ClusterNight

        cluster = ClusterNight.connect(settings, data, faults)
        data_dir = cluster.data_dir
    else:
        data_dir = check_data_dir(settings, data)
        check_register(settings, data_dir)
    check_not_after_the_data(as_of_date, latest_as_of(data_dir))
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    console = NightConsole(settings.home / "logs" / f"run-{as_of_date}-{stamp}.log")
    try:
        with stop_on_sigterm():
            if cluster is not None:
                cluster.run(night_logical_date(as_of_date), console)
                figures = published_figures(settings, as_of_date, console)
            else:
                figures, failures = _night(settings, as_of_date, data_dir, faults, console)
    except UserError:
        for line in console.error_excerpt():  # the failing node and its error, from the log
            console.console.print(f"  | {line}", markup=False)
        console.line(f"the whole log: {console.log_path}")
        raise
    finally:
        console.close()
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if cluster is None and failures:  # the warehouse built with what landed; said at the end
        for line in failures:
            print(f"eduwh: error: {line}", file=sys.stderr)
        return 1
    return 0


def _night(
    settings: Settings, as_of_date: date, data_dir, faults, console
) -> tuple[dict, list[str]]:
    """The night's figures, and one line per agency whose source failed (with a register
    the other agencies land and the warehouse builds; without one a failed source ends
    the night, as it always did)."""
    from eduwh import warehouse
    from eduwh.cli.setup import setup
    from eduwh.warehouse import builds
    from eduwh.warehouse.dbt import dbt_environment

    console.line(f"Airflow's and dbt's output: {console.log_path}")
    with console.step("setup"):
        setup(settings)  # a brand-new state folder: Airflow's metadata and the dbt manifest
    with console.step("warehouse") as step:
        step["summary"] = warehouse.ensure(settings)
    logical_date = night_logical_date(as_of_date)
    clock = datetime.combine(as_of_date, datetime.max.time()).replace(microsecond=0)
    failures: list[str] = []
    with (
        overlay(dbt_environment(settings)),  # the dbt of the tasks in this process
        night_sources(settings, data_dir, clock=clock, faults=faults) as night,
    ):
        console.line(night.description)
        for dag_id in night.dag_ids:
            with console.step(dag_id) as step:
                if night.register is None:
                    run = run_dag(dag_id, logical_date)
                else:
                    run, failed = run_source_dag(settings, dag_id, logical_date)
                    failures += failed
                    for line in failed:
                        console.line(line)
                step["summary"] = landed_summary(settings, run.run_id)
        decision = builds.decide(settings, as_of_date, night.agency.code)
        if not decision.build:  # the last build's figures stand (builds.decide says why)
            at = decision.published_at.astimezone(ZoneInfo(LOCAL_TZ)).strftime("%Y-%m-%d %H:%M")
            console.line(
                f"{WAREHOUSE_DAG}: nothing new, the figures as of {as_of_date} are unchanged,"
                f" published at {at} in {decision.report}"
            )
            return published_figures(settings, as_of_date, console, announce=False), failures
        with console.step(WAREHOUSE_DAG) as step:
            run = run_dag(WAREHOUSE_DAG, logical_date)
            step["summary"] = (
                f"{len(run.get_task_instances())} tasks (dbt nodes, checks, report;"
                f" built: {decision.reason})"
            )
    return published_figures(settings, as_of_date, console), failures


def night_logical_date(as_of_date: date) -> datetime:
    """The logical date of the night that reports as of `as_of_date`: 01:00 (Vietnam)
    of the next day."""
    return pendulum.datetime(
        as_of_date.year, as_of_date.month, as_of_date.day, 1, tz=LOCAL_TZ
    ) + timedelta(days=1)


def published_figures(settings: Settings, as_of_date: date, console, announce: bool = True) -> dict:
    """The figures of the report the night published, or a one-line error."""
    from eduwh.report.publish import latest_published

    published = latest_published(settings)
    if published is None or not (published / "figures.json").exists():
        raise UserError(f"{WAREHOUSE_DAG} published no report; see {console.log_path}")
    figures = json.loads((published / "figures.json").read_text())
    if figures.get("as_of") != as_of_date.isoformat():  # the latest is another night's
        raise UserError(f"{WAREHOUSE_DAG} published no report of {as_of_date}; see the log")
    if announce:
        console.line(f"report published in {published}")
    return figures


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (a service manager's stop, `timeout`) ends the night as Ctrl-C does:
    KeyboardInterrupt (exit 130), the context managers stopping the sandbox on the way.

    Airflow's task runner sets its own SIGTERM handler at every task (in-process it only
    calls the operator's on_kill and goes on) and catches what a task raises, so: while
    the night runs, a SIGTERM handler Airflow sets is wrapped to run ours after it, and
    once terminated every later attempt to set one (the start of the next task) raises
    KeyboardInterrupt again, so no further task runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    real_signal = signal.signal
    stopping = threading.Event()
    night_pid = os.getpid()

    def terminated(signum: int, frame: Any) -> None:
        stopping.set()
        raise KeyboardInterrupt

    def guarded(signum: int, handler: Any) -> Any:
        if signum != signal.SIGTERM or os.getpid() != night_pid:  # a forked child's own
            return real_signal(signum, handler)
        if stopping.is_set():
            raise KeyboardInterrupt
        if not callable(handler) or handler is terminated:  # SIG_DFL / SIG_IGN: still ours
            return real_signal(signum, terminated)

        def both(number: int, frame: Any, theirs: Callable[..., Any] = handler) -> None:
            try:
                theirs(number, frame)
            finally:
                terminated(number, frame)

        return real_signal(signum, both)

    previous = real_signal(signal.SIGTERM, terminated)
    signal.signal = guarded  # type: ignore[assignment]
    try:
        yield
    except BaseException:
        if stopping.is_set():  # the failure a SIGTERM caused (a failed task): an interrupt
            raise KeyboardInterrupt from None
        raise
    finally:
        signal.signal = real_signal
        real_signal(signal.SIGTERM, previous)
    if stopping.is_set():
        raise KeyboardInterrupt


def parse_as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--as-of must be a date like 2019-12-06, not {text!r}") from None


def parse_faults(given: str | list[str] | None) -> str | dict[str, str]:
    """`--faults`: one profile for every instance, or `PREFIX=profile` (repeatable) for
    single instances of a data set of several agencies; each profile checked."""
    items = [given] if isinstance(given, str) else list(given or [])
    if not items:
        return "none"
    if len(items) == 1 and "=" not in items[0]:
        check_faults(items[0])
        return items[0]
    by_prefix: dict[str, str] = {}
    for item in items:
        prefix, equals, profile = item.partition("=")
        if not equals or not PREFIX.match(prefix.strip()):
            raise UserError(f"--faults {item!r}: give one profile, or PREFIX=profile each time")
        check_faults(profile.strip())
        by_prefix[prefix.strip()] = profile.strip()
    return by_prefix


def check_faults(profile: str) -> None:
    from eduwh.cli.stand_ins import stand_ins

    profiles = stand_ins().FAULT_PROFILES
    if profile not in profiles:
        raise UserError(
            f"--faults {profile!r} is not a fault profile; known: {', '.join(profiles)}"
        )


def check_not_after_the_data(as_of: date, data_ends: date | None) -> None:
    """No figures for a day the sources cannot have answered for yet."""
    today = datetime.now(ZoneInfo(LOCAL_TZ)).date()
    if as_of > today:
        raise UserError(f"--as-of {as_of} is in the future (today is {today} in Vietnam)")
    if data_ends is not None and as_of > data_ends:
        raise UserError(f"--as-of {as_of} is after the data set's last day {data_ends} (as_of)")
