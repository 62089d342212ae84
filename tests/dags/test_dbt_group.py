"""The warehouse DAG's Cosmos producer pushes each node's dbt event once, when the node
finishes (eduwh.airflow.dbt_groups._push_each_node_s_dbt_event_once, issue 11).

Cosmos' own event handler is fed dbt's JSON log events of one node (the four dbt
writes for every node of a build, then an error event); what it pushes is recorded by
the smallest task instance it needs: one with `xcom_push`. The end-to-end night
(tests/e2e/test_main_job.py) shows the sensors still see every node finish and a
failing test fail the run, naming it.
"""

from __future__ import annotations

from cosmos.operators._watcher import base

from eduwh.airflow.dbt_groups import _push_each_node_s_dbt_event_once

NODE = "model.eduwh.fct_dossier"


class PushRecorder:
    def __init__(self):
        self.pushed: list[tuple[str, dict]] = []

    def xcom_push(self, key, value):
        self.pushed.append((key, value))


def _event(name: str, status: str, **data) -> dict:
    node = {"unique_id": NODE, "node_status": status, "node_started_at": "2019-12-06T18:00:01"}
    if status in ("success", "error"):
        node["node_finished_at"] = "2019-12-06T18:00:03"
    return {"info": {"name": name, "msg": f"{name} {NODE}"}, "data": {"node_info": node, **data}}


def _pushes_of_a_node() -> list[tuple[str, dict]]:
    recorder = PushRecorder()
    for name, status in (
        ("NodeStart", "started"),
        ("NodeCompiling", "compiling"),
        ("NodeExecuting", "executing"),
        ("NodeFinished", "success"),
    ):
        base._process_dbt_log_event(recorder, _event(name, status))
    return recorder.pushed


def test_the_cosmos_names_the_setting_relies_on_exist():
    """A Cosmos release that renames them would silently push every event again."""
    assert isinstance(base._DBT_EVENT_ALLOWLIST, frozenset)
    assert {"NodeStart", "NodeFinished"} <= base._DBT_NODE_STATUS_EVENT_TYPES
    assert base._DBT_ERROR_EVENTS_TYPES


def test_a_node_s_event_is_pushed_once_when_it_finishes():
    _push_each_node_s_dbt_event_once()
    pushed = _pushes_of_a_node()
    assert [value["status"] for _, value in pushed] == ["success"]
    ((key, event),) = pushed
    assert key == base.get_dbt_event_xcom_key(NODE)  # the key its sensor reads
    # what its sensor logs: the start and the finish, from the one event
    assert (event["start_time"], event["finish_time"]) != (None, None)


def test_dbt_s_error_events_are_still_pushed():
    _push_each_node_s_dbt_event_once()
    recorder = PushRecorder()
    error = next(iter(sorted(base._DBT_ERROR_EVENTS_TYPES)))
    base._process_dbt_log_event(recorder, _event(error, "error", msg="relation does not exist"))
    assert len(recorder.pushed) == 1
