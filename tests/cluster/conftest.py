"""One local cluster for the package: two Rasa servers and an action server on a private
PostgreSQL schema and a private redis-server (tests/cluster/harness.py). Starting it takes a
minute or two, so the cluster and fault tests share it; a fault test puts back what it broke."""

from __future__ import annotations

import pytest

from tests.cluster.harness import running_cluster


@pytest.fixture(scope="package")
def cluster(tmp_path_factory, model_path):
    with running_cluster(tmp_path_factory.mktemp("cluster"), model_path, servers=2) as (stack, redis):
        stack.redis = redis  # type: ignore[attr-defined]
        yield stack
