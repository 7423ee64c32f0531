"""Static lists: CSV files under config/ naming profiles by email, phone or an external id, matched in DuckDB.

Identifiers are normalized the way marts.profile_identities holds them (emails trimmed and lower-cased, phones in
E.164 by `normalize_phone`, other ids trimmed) and matched there by type and value. A line naming nobody is
reported, not an error: a list outlives the customers on it. A malformed file is an error naming file and line.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from assets.intelligence.segments.condition_sql import LIST_MATCHES
from assets.intelligence.segments.segments_config import ListSpec, SegmentsConfig
from connectors.warehouse.duckdb_file import qualified
from connectors.warehouse.phone_numbers import normalize_phone
from core.config_files import ConfigError

PROFILE_IDENTITIES = qualified("marts", "profile_identities")
LIST_ROWS = "segment_list_rows"
# How many unmatched lines the metadata names, per list.
UNMATCHED_SHOWN = 5


@dataclass
class ListLine:
    """One identifier of a list file, normalized (None when it is no valid phone number)."""

    line: int
    identifier_value: str | None


@dataclass
class ListReport:
    """Lines read and lines matching no profile, per list."""

    lines_read: dict[str, int] = field(default_factory=dict)
    unmatched_count: dict[str, int] = field(default_factory=dict)
    unmatched_lines: dict[str, list[str]] = field(default_factory=dict)


def normalize_identifier(match_on: str, raw: str, default_region: str | None) -> str | None:
    """The identifier as marts.profile_identities holds it."""
    if match_on == "email":
        return raw.strip().lower()
    if match_on == "phone":
        return normalize_phone(raw, default_region)
    return raw.strip()


def read_list_file(config_dir: Path, spec: ListSpec, field_name: str) -> list[ListLine]:
    """The identifiers of one list file, line numbers as a text editor counts them (the header is line 1)."""
    path = config_dir / spec.file
    if not path.is_file():
        raise ConfigError(f"{config_dir / 'segments.yaml'}: {field_name}.file: list file {path} not found")
    lines: list[ListLine] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise ConfigError(f"{path}:1: empty file; expected a header with column {spec.column_name!r}")
            names = [name.strip() for name in header]
            if spec.column_name not in names:
                raise ConfigError(f"{path}:1: no column {spec.column_name!r} in the header (found: "
                                  f"{', '.join(names)}); set lists[].column in segments.yaml")
            position = names.index(spec.column_name)
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(names):
                    raise ConfigError(f"{path}:{reader.line_num}: {len(row)} fields, the header has {len(names)}")
                raw = row[position].strip()
                if not raw:
                    raise ConfigError(f"{path}:{reader.line_num}: column {spec.column_name!r} is empty")
                lines.append(ListLine(reader.line_num, normalize_identifier(spec.match_on, raw, spec.default_region)))
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}:{reader.line_num + 1}: not UTF-8 text ({exc.reason})") from exc
        except csv.Error as exc:
            raise ConfigError(f"{path}:{reader.line_num}: not valid CSV ({exc})") from exc
    return lines


def match_list_files(con: duckdb.DuckDBPyConnection, config: SegmentsConfig, config_dir: Path) -> ListReport:
    """Create the temporary table of list matches (list_name, profile_id) and report the lines matching nobody."""
    columns: dict[str, list] = {"list_name": [], "file": [], "line": [], "identifier_type": [], "identifier_value": []}
    report = ListReport()
    for index, spec in enumerate(config.lists):
        lines = read_list_file(config_dir, spec, f"lists[{index}]")
        report.lines_read[spec.name] = len(lines)
        for item in lines:
            columns["list_name"].append(spec.name)
            columns["file"].append(spec.file)
            columns["line"].append(item.line)
            columns["identifier_type"].append(spec.match_on)
            columns["identifier_value"].append(item.identifier_value)
    rows = pa.table(columns, schema=pa.schema([
        ("list_name", pa.string()), ("file", pa.string()), ("line", pa.int64()),
        ("identifier_type", pa.string()), ("identifier_value", pa.string()),
    ]))
    con.register("segment_list_input", rows)
    try:
        con.execute(f"create or replace temp table {LIST_ROWS} as select * from segment_list_input")
    finally:
        con.unregister("segment_list_input")
    con.execute(f"""
        create or replace temp table {LIST_MATCHES} as
        select distinct list_rows.list_name, identities.profile_id, list_rows.line
        from {LIST_ROWS} as list_rows
        inner join {PROFILE_IDENTITIES} as identities
            on identities.identifier_type = list_rows.identifier_type
            and identities.identifier_value = list_rows.identifier_value
    """)
    unmatched = con.execute(f"""
        select list_name, count(*), list(file || ':' || line order by line)[1:{UNMATCHED_SHOWN:d}]
        from {LIST_ROWS} as list_rows
        where not exists (
            select 1 from {LIST_MATCHES} as matches
            where matches.list_name = list_rows.list_name and matches.line = list_rows.line
        )
        group by list_name
    """).fetchall()
    found = {name: (count, shown) for name, count, shown in unmatched}
    for spec in config.lists:
        count, shown = found.get(spec.name, (0, []))
        report.unmatched_count[spec.name] = count
        report.unmatched_lines[spec.name] = shown
    return report
