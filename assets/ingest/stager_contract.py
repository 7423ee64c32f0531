"""The contract every stager keeps: one signature, one name for the staged relation, and cleanup of its own.

A stager reads one batch of a source's files into the temp relation `ingest_staged` (a table, or a view over the
tables it scanned) and yields its name inside a `with` block; when the block ends, also on error, it drops the
relation and everything under it. The staged relation holds one row per record read: `_file`, `_line`, `reason`
(NULL for a good record, else the first quarantine rule it broke, see `quarantine_rules`), `raw_text` (the record
as text where it is quarantined), the raw table's business columns, and the batch loader's duplicate key
(`message_id` for Segment calls, `_row_hash` for every other format).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import duckdb

from assets.ingest.sources_config import Source, SourcesConfig
from connectors.sources.landing_zone import LandingFile

STAGED_TABLE = "ingest_staged"


@dataclass(frozen=True)
class StagingBatch:
    """One batch of a source's new files, with what its format's rules need: the sources config (the bounds of a
    possible timestamp) and the load time."""

    source: Source
    files: Sequence[LandingFile]
    config: SourcesConfig
    loaded_at: datetime


class Stager(Protocol):
    """Stages `batch` and yields the staged relation's name; dropping it, and what it was read from, on exit."""

    def __call__(self, con: duckdb.DuckDBPyConnection, batch: StagingBatch) -> AbstractContextManager[str]: ...
