"""`eduwh up` stops its whole process group; `eduwh run` stops on SIGTERM; the state
folder's secrets and logs are owner-only. Cheap: small process trees, no Airflow."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from eduwh.cli import ops
from eduwh.cli.run import stop_on_sigterm
from eduwh.config import Settings

TREE = "sleep 300 & sleep 300 & (sleep 300 & wait) & wait"
STUBBORN = "trap '' TERM; sleep 300 & (trap '' TERM; sleep 300) & wait"


def _gone(pgid: int) -> bool:
    return not ops.group_members(pgid)


@pytest.mark.parametrize("script", [TREE, STUBBORN], ids=["obeys", "ignores-sigterm"])
def test_stop_process_group_leaves_no_member(script):
    process = subprocess.Popen(["sh", "-c", script], start_new_session=True)
    pgid = os.getpgid(process.pid)
    assert pgid == process.pid
    deadline = time.monotonic() + 10
    while len(ops.group_members(pgid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(ops.group_members(pgid)) >= 3  # the shell and its sleeps (and a subshell)
    started = time.monotonic()
    ops.stop_process_group(process, timeout=2)
    assert _gone(pgid), ops.group_members(pgid)
    assert time.monotonic() - started < 10
    assert process.poll() is not None


def test_sigterm_to_up_stops_the_group_it_started(tmp_path):
    """`up`'s own shape: a parent that starts a group and stops it on SIGTERM."""
    script = textwrap.dedent(
        f"""
        import signal, subprocess, sys
        from eduwh.cli import ops

        def terminated(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, terminated)
        child = subprocess.Popen(["sh", "-c", {TREE!r}], start_new_session=True)
        print(child.pid, flush=True)
        try:
            child.wait()
        except KeyboardInterrupt:
            sys.exit(ops.stop_process_group(child, timeout=5) and 0)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    pgid = int(parent.stdout.readline())
    time.sleep(0.5)
    assert ops.group_members(pgid)
    parent.send_signal(signal.SIGTERM)
    assert parent.wait(timeout=20) == 0
    assert _gone(pgid), ops.group_members(pgid)


def test_sigterm_ends_the_night_even_after_airflow_sets_its_own_handler():
    seen = []

    def airflows(signum, frame):  # the task runner's: calls on_kill and goes on
        seen.append("on_kill")

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        with stop_on_sigterm():
            signal.signal(signal.SIGTERM, airflows)  # what every task's start does
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(1)
            except KeyboardInterrupt:
                pass  # the task runner catches what a task raises: the night goes on
            signal.signal(signal.SIGTERM, airflows)  # the next task: refused
            pytest.fail("a task started after SIGTERM")
    assert seen == ["on_kill"]
    assert signal.signal.__module__ in ("signal", "_signal")  # the real one again
    assert signal.getsignal(signal.SIGTERM) == before


def test_stop_on_sigterm_changes_nothing_without_a_signal():
    before = signal.getsignal(signal.SIGTERM)
    with stop_on_sigterm():
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    assert signal.getsignal(signal.SIGTERM) == before


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_pseudonym_key_is_owner_only_from_the_start(tmp_path, monkeypatch):
    monkeypatch.delenv("EDUWH_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("EDUWH_HOME", str(tmp_path / "home"))
    old = os.umask(0o022)
    try:
        key = Settings.from_env().pseudonym_key()
    finally:
        os.umask(old)
    key_file = tmp_path / "home" / "secrets" / "pseudonym.key"
    assert len(key) == 64 and key_file.read_text() == key
    assert _mode(key_file) == 0o600
    assert _mode(key_file.parent) == 0o700
    assert Settings.from_env().pseudonym_key() == key  # made once


def test_up_protects_the_password_file_and_the_log_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("EDUWH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE", raising=False)
    settings = Settings.from_env()
    env = ops.up_environment(settings, 8080)
    secret = ops.password_file(settings)
    secret.parent.mkdir(parents=True)
    secret.write_text('{"admin": "x"}')
    secret.chmod(0o644)  # what an earlier start under umask 022 left
    ops.protect_state(settings, env)
    assert _mode(secret) == 0o600
    assert _mode(Path(env["AIRFLOW__LOGGING__BASE_LOG_FOLDER"])) == 0o700


SLOW_DAG = """
import os, time
import pendulum
from airflow.sdk import dag, task

@dag(dag_id="eduwh_test_sigterm", schedule=None, catchup=False,
     start_date=pendulum.datetime(2019, 1, 1, tz="Asia/Ho_Chi_Minh"))
def slow():
    @task
    def first():
        for i in range(120):
            print(f"first {i}", flush=True)
            time.sleep(0.5)

    @task
    def second():
        open(os.environ["EDUWH_SECOND_MARKER"], "w").write("ran")

    first() >> second()

slow()
"""

NIGHT = """
import os, sys
from airflow.dag_processing.dagbag import DagBag
from eduwh.cli.run import stop_on_sigterm

bag = DagBag(os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
assert not bag.import_errors, bag.import_errors
try:
    with stop_on_sigterm():
        bag.get_dag("eduwh_test_sigterm").test()
except KeyboardInterrupt:
    print("INTERRUPTED", flush=True)
    sys.exit(130)
print("NOT INTERRUPTED", flush=True)
"""


def test_sigterm_stops_a_night_inside_a_task_of_dag_test(airflow_db, tmp_path):
    """`eduwh run`'s night runs tasks in-process (`dag.test()`): SIGTERM in the middle
    of a task ends it, no later task starts, and the process ends with the interrupt."""
    dags = tmp_path / "dags"
    dags.mkdir()
    (dags / "slow.py").write_text(SLOW_DAG)
    marker = tmp_path / "second"
    log_path = tmp_path / "night.log"
    env = {
        **os.environ,
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "EDUWH_SECOND_MARKER": str(marker),
    }
    with log_path.open("w") as log:
        night = subprocess.Popen(
            [sys.executable, "-c", NIGHT], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 180
        while "first 2" not in log_path.read_text():
            assert night.poll() is None, log_path.read_text()[-4000:]
            assert time.monotonic() < deadline, "the task did not start"
            time.sleep(0.2)
        night.send_signal(signal.SIGTERM)
        code = night.wait(timeout=60)
    finally:
        if night.poll() is None:
            night.kill()
            night.wait()
    output = log_path.read_text()
    assert code == 130, output[-4000:]
    assert "INTERRUPTED" in output and "first 119" not in output
    assert not marker.exists()  # the task after the interrupted one never ran
