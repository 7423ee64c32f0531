"""How dbt is called against the warehouse: its CLI arguments and the environment its profile reads.

One function for the Dagster dbt assets and the bench, so both hand dbt the warehouse file and memory limit that
ingest used (`dbt_project/profiles.yml` reads CDP_WAREHOUSE, CDP_DUCKDB_MEMORY_LIMIT and CDP_PROJECT_ROOT).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from core.settings import PROJECT_ROOT


class DbtInvocation(NamedTuple):
    """The dbt arguments after the executable, and the variables to set in the environment dbt starts in."""

    args: list[str]
    env: dict[str, str]


def dbt_invocation(
    command: str,
    *,
    warehouse_path: Path,
    memory_limit: str,
    dbt_vars: Mapping[str, object],
    select: Sequence[str] = (),
    project_root: Path = PROJECT_ROOT,
) -> DbtInvocation:
    """`<command> [--select ...] --vars <json>` and the profile's variables; reads nothing, so tests see all of it.

    The path must be absolute: dbt runs from dbt_project/, where a relative path would name another file.
    """
    if not warehouse_path.is_absolute():
        raise ValueError(f"warehouse_path must be absolute (dbt runs from dbt_project/): {warehouse_path}")
    args = [command]
    if select:
        args += ["--select", *select]
    args += ["--vars", json.dumps(dbt_vars)]
    env = {
        "CDP_WAREHOUSE": str(warehouse_path),
        "CDP_DUCKDB_MEMORY_LIMIT": memory_limit,
        # The project root, so the dbt-duckdb plugin module imports when dbt runs from dbt_project/.
        "CDP_PROJECT_ROOT": str(project_root),
    }
    return DbtInvocation(args, env)


@contextmanager
def environment_overrides(env: Mapping[str, str]) -> Iterator[None]:
    """`env` set in os.environ for the block, then every variable restored (or unset) as it was.

    DbtCliResource.cli (dagster-dbt 0.29) takes no environment: it copies os.environ when it starts dbt and when it
    loads the profile in-process, so the variables must be in place around that call, and only around it.
    """
    before = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
