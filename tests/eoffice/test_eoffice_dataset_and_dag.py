"""The generator is deterministic and its count is independent; the DAG parses."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from eduwh_sandbox.eoffice_dataset.generator import generate_eoffice
from tests.eoffice.conftest import META


def test_generation_is_repeatable(eoffice_dataset, tmp_path):
    folder, result = eoffice_dataset
    again = generate_eoffice(tmp_path, META)
    assert again == result
    for name in ("vanban.jsonl", "edxml/191101.edxml", "edxml/196929.edxml"):
        a = hashlib.sha256((folder / "eoffice" / name).read_bytes()).hexdigest()
        b = hashlib.sha256((tmp_path / "eoffice" / name).read_bytes()).hexdigest()
        assert a == b, name


def test_volumes_and_secret_listing(eoffice_dataset):
    folder, result = eoffice_dataset
    d = result["documents"]
    assert 3500 < d["incoming"] < 5000 and 1500 < d["outgoing"] < 2500
    assert d["secret_excluded"] > 0 and d["via_axis"] < d["incoming"] + d["outgoing"]
    secret = set(result["planted"]["secret_ids"])
    packages = {int(p.stem) for p in (folder / "eoffice" / "edxml").glob("*.edxml")}
    assert not secret & packages


def test_dag_file_parses():
    path = Path(__file__).resolve().parents[2] / "dags" / "eoffice_documents.py"
    spec = importlib.util.spec_from_file_location("eoffice_documents_dag", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dag = module.dag
    assert dag.dag_id == "eoffice_documents"
    # the register's agencies, then the landing task mapped over them, both in the pool
    assert sorted(task.task_id for task in dag.tasks) == ["agencies", "extract_load"]
    for task in dag.tasks:
        assert task.pool == "eoffice"
