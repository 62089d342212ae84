"""Nothing but `eduwh.config` reads or writes the process environment (issue 12): the run
context travels in Settings and arguments, the environment of a child is built by
`config.child_environment`, the in-process Airflow run's variables by `config.overlay`.

Read from the source with `ast`, every module of the package `eduwh` and of `dags/`
(the sandbox package `eduwh_sandbox` and the tests are not production code): any use of
`os.environ` / `os.environb`, `os.getenv` / `os.getenvb`, `os.putenv`, `os.unsetenv`, also
through an alias (`import os as o`), imported from os (`from os import environ`), or
reached as `getattr(os, "environ")`, is a failure naming file:line.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from eduwh import config

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = ROOT / "include" / "eduwh" / "config.py"
ENVIRONMENT_NAMES = frozenset({"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"})
OS_MODULES = frozenset({"os", "posix", "nt"})  # os re-exports these from posix (or nt)


def environment_accesses(source: str, filename: str = "<source>") -> list[str]:
    """`filename:line: what` for every access to the process environment in `source`."""
    tree = ast.parse(source, filename)
    os_names = set()  # the names the os module is bound to in this module
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in OS_MODULES:
                    # `import os.path` binds `os`; `import os.path as p` binds the submodule
                    if alias.asname is None:
                        os_names.add(top)
                    elif alias.name in OS_MODULES:
                        os_names.add(alias.asname)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in OS_MODULES and node.level == 0:
            for alias in node.names:
                if alias.name in ENVIRONMENT_NAMES or alias.name == "*":
                    found.append(
                        f"{filename}:{node.lineno}: from {node.module} import {alias.name}"
                    )
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ENVIRONMENT_NAMES
            and isinstance(node.value, ast.Name)
            and node.value.id in os_names
        ):
            found.append(f"{filename}:{node.lineno}: {node.value.id}.{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr")
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in os_names
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in ENVIRONMENT_NAMES
        ):
            found.append(
                f"{filename}:{node.lineno}: {node.func.id}({node.args[0].id}, "
                f"{node.args[1].value!r})"
            )
    return sorted(found, key=lambda line: int(line.split(":")[1]))


def _production_modules() -> list[Path]:
    return sorted(
        path
        for folder in (ROOT / "include" / "eduwh", ROOT / "dags")
        for path in folder.rglob("*.py")
        if path != ALLOWED
    )


def test_only_config_touches_the_process_environment():
    modules = _production_modules()
    assert any(path.name == "night.py" for path in modules)  # the walk found the package
    assert any(path.parent == ROOT / "dags" for path in modules)
    found = [
        line
        for path in modules
        for line in environment_accesses(path.read_text("utf-8"), str(path.relative_to(ROOT)))
    ]
    assert not found, "only include/eduwh/config.py may use the environment:\n" + "\n".join(found)


def test_config_itself_is_where_the_environment_is_read():
    # the one allowed module does use it (else the rule guards a file that moved)
    assert environment_accesses(ALLOWED.read_text("utf-8"))


PLANTED = """\
import os
import os as system
import os.path
import subprocess
from os import environ
from os import getenv as read
from os.path import join


def child():
    env = {**os.environ, "A": "1"}
    os.environ["B"] = "2"
    value = os.getenv("C")
    system.putenv("D", "4")
    os.unsetenv("E")
    return getattr(os, "environ"), os.path.join("a", "b"), join, subprocess, env, value
"""


def test_the_checker_finds_a_planted_access():
    assert environment_accesses(PLANTED, "planted.py") == [
        "planted.py:5: from os import environ",
        "planted.py:6: from os import getenv",
        "planted.py:11: os.environ",
        "planted.py:12: os.environ",
        "planted.py:13: os.getenv",
        "planted.py:14: system.putenv",
        "planted.py:15: os.unsetenv",
        "planted.py:16: getattr(os, 'environ')",
    ]


def test_the_checker_passes_what_is_not_the_environment():
    clean = """\
import os
from eduwh import config

env = config.child_environment({"A": "1"})
os.umask(0o077)
os.path.join("a", "b")
environ = {"not": "the process's"}
settings.environ
environ.get("x")
"""
    assert environment_accesses(clean) == []


# -- config's own functions of the process environment --------------------------------
def test_overlay_sets_unsets_and_restores_every_variable_it_touched(monkeypatch):
    monkeypatch.setenv("EDUWH_TEST_KEPT", "before")
    monkeypatch.setenv("EDUWH_TEST_UNSET", "there")
    monkeypatch.delenv("EDUWH_TEST_NEW", raising=False)
    monkeypatch.delenv("EDUWH_TEST_LATER", raising=False)
    with config.overlay({"EDUWH_TEST_KEPT": "during", "EDUWH_TEST_UNSET": None}) as env:
        env.update({"EDUWH_TEST_NEW": "added", "EDUWH_TEST_KEPT": "again"})
        assert config.process_value("EDUWH_TEST_KEPT") == "again"
        assert "EDUWH_TEST_UNSET" not in os.environ
        assert config.process_values(["EDUWH_TEST_NEW", "EDUWH_TEST_UNSET"]) == {
            "EDUWH_TEST_NEW": "added"
        }
        config.export({"EDUWH_TEST_LATER": "handed on"})  # not the overlay's to restore
    assert os.environ["EDUWH_TEST_KEPT"] == "before"
    assert os.environ["EDUWH_TEST_UNSET"] == "there"
    assert "EDUWH_TEST_NEW" not in os.environ
    assert os.environ["EDUWH_TEST_LATER"] == "handed on"


def test_overlay_restores_after_an_error(monkeypatch):
    monkeypatch.delenv("EDUWH_TEST_NEW", raising=False)
    with pytest.raises(RuntimeError), config.overlay({"EDUWH_TEST_NEW": "x"}):
        raise RuntimeError
    assert "EDUWH_TEST_NEW" not in os.environ


def test_child_environment_layers_on_this_process(monkeypatch):
    monkeypatch.setenv("EDUWH_TEST_INHERITED", "mine")
    env = config.child_environment({"A_LAYER": "1", "B_LAYER": "1"}, {"B_LAYER": "2"}, C="3")
    assert env["EDUWH_TEST_INHERITED"] == "mine"
    assert (env["A_LAYER"], env["B_LAYER"], env["C"]) == ("1", "2", "3")
    assert config.process_value("A_LAYER") is None  # built, not applied
    assert config.process_value("EDUWH_TEST_EMPTY_UNSET", "default") == "default"
