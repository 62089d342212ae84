"""Fixtures of the quality tests: warehouses built from the 2019 data set."""

from __future__ import annotations

import pytest

from tests.report.warehouse_build import build_warehouse, generate_dataset


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return generate_dataset(tmp_path_factory.mktemp("dataset-2019"))


@pytest.fixture(scope="module")
def clean_build(settings, dataset):
    return build_warehouse(settings, dataset, "quality_clean")


@pytest.fixture(scope="module")
def corrupted_build(settings, dataset):
    return build_warehouse(settings, dataset, "quality_corrupt")
