"""Cosmos task groups for the warehouse DAG, one per domain, from the parsed manifest."""

from __future__ import annotations

from pathlib import Path

from airflow.sdk import TaskGroup, task

from eduwh.settings import PROJECT_ROOT, Settings

DBT_PROJECT = PROJECT_ROOT / "dbt_project"


def manifest_path(settings: Settings) -> Path:
    return settings.home / "dbt" / "target" / "manifest.json"


def domain_task_group(domain: str):
    """The dbt nodes tagged with the domain (models, seeds, snapshots) and their tests."""
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import (
        ExecutionMode,
        InvocationMode,
        LoadMode,
        TestBehavior,
        TestIndirectSelection,
    )

    manifest = manifest_path(Settings.from_env())
    if not manifest.exists():
        # Parsing must not call dbt: without a manifest the group says what to do.
        with TaskGroup(group_id=domain) as group:

            @task(task_id="manifest_missing")
            def manifest_missing():
                raise RuntimeError(f"no dbt manifest at {manifest}: run `eduwh setup`")

            manifest_missing()
        return group
    return DbtTaskGroup(
        group_id=domain,
        project_config=ProjectConfig(
            dbt_project_path=DBT_PROJECT,
            manifest_path=manifest,
            project_name="eduwh",
            install_dbt_deps=False,  # no dbt packages: the hub cannot be reached
        ),
        profile_config=ProfileConfig(
            profile_name="eduwh",
            target_name="warehouse",
            profiles_yml_filepath=DBT_PROJECT / "profiles.yml",
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            # Only the domain's own nodes: what domains share is the `shared` group, run
            # first, so that no model is built by two groups.
            select=[f"tag:{domain}"],
            test_behavior=TestBehavior.AFTER_EACH,
            # A test of several models (relationships) runs as its own task once all of
            # them are built, in the domain's group; the shared group, built first, runs
            # only the tests of its own models (indirect selection `cautious`).
            should_detach_multiple_parents_tests=domain != "shared",
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL,
            invocation_mode=InvocationMode.DBT_RUNNER,
            test_indirect_selection=TestIndirectSelection.CAUTIOUS,
        ),
    )
