"""Fixtures of the quality tests: warehouses built from the 2019 data set."""

from __future__ import annotations

import pytest

from tests.report.warehouse_build import build_warehouse


@pytest.fixture(scope="module")
def dataset(builtin_dataset):
    return builtin_dataset


@pytest.fixture(scope="module")
def clean_build(settings, dataset):
    return build_warehouse(settings, dataset, "quality_clean")


@pytest.fixture(scope="module")
def corrupted_build(settings, dataset):
    return build_warehouse(settings, dataset, "quality_corrupt")
