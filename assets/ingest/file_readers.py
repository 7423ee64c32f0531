"""Reading landing files into temporary tables inside DuckDB, keeping each record's file and line.

Line numbers come from scan order: with `preserve_insertion_order` a scan of several files inserts each file's
records contiguously and in file order, so a record's place in its file is its row id minus the first row id of its
file; for CSV, `csv_line_numbers` turns that place into the physical line.

Each reader is a context manager: what it read lives for the caller's `with` block, and every temp table and view
it made is dropped when the block ends, also when the read or the block fails half way.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb

from assets.ingest.csv_line_numbers import csv_line_view
from assets.ingest.temp_relations import drop_temp_relations, dropped_on_exit
from connectors.sources.landing_zone import LandingFile
from connectors.warehouse.duckdb_file import quote_ident, quote_text

LINES_VIEW = "ingest_lines"
ROWS_TABLE = "ingest_rows"
FILE_NAMES_TABLE = "ingest_file_names"
_REJECTS_TABLE = "ingest_csv_rejects"
_REJECT_SCANS_TABLE = "ingest_csv_reject_scans"


def _file_list(files: Sequence[LandingFile]) -> list[str]:
    return [str(landing_file.path) for landing_file in files]


def _register_file_names(con: duckdb.DuckDBPyConnection, files: Sequence[LandingFile]) -> None:
    """Temp table `ingest_file_names(filename, _file)`: absolute names as scans report them -> landing-relative."""
    con.execute(f"create or replace temp table {FILE_NAMES_TABLE} (filename varchar, _file varchar)")
    con.executemany(
        f"insert into {FILE_NAMES_TABLE} values (?, ?)",
        [(str(landing_file.path), landing_file.relative_path) for landing_file in files],
    )


@contextmanager
def stage_lines(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[LandingFile],
    staged: str,
    select_sql: str,
    parameters: dict[str, object] | None = None,
) -> Iterator[str]:
    """Stage (optionally gzipped) text files line by line, in one pass: `select_sql` reads view
    `ingest_lines(filename, raw_text)` and returns `filename`, `is_blank` and the staged columns; view `staged`,
    whose name is yielded, adds `_file` and `_line` and leaves blank lines out. On exit the view and the tables
    under it are dropped.

    The lines are read and parsed in the same scan that writes `<staged>_scan`, so the text is never copied into a
    table of its own; line numbers come from that table's row ids and a per-file offset, so no window or sort runs.
    That needs rows in scan order: `select_sql` must be a pure projection (no join, aggregate or sort; DuckDB plans
    a long `IN (...)` or `list_contains` as a join, so test such sets with a regular expression).
    """
    scan, offsets = f"{staged}_scan", f"{staged}_offsets"
    with dropped_on_exit(con, staged, scan, offsets, LINES_VIEW, FILE_NAMES_TABLE):
        _register_file_names(con, files)
        file_list = ", ".join(quote_text(path) for path in _file_list(files))
        con.execute(
            f"""
            create temp view {LINES_VIEW} as
            select filename, line as raw_text
            from read_csv([{file_list}], columns = {{'line': 'varchar'}}, delim = '\\0', quote = '', escape = '',
                          header = false, auto_detect = false, strict_mode = false, filename = true,
                          compression = 'auto')
            """
        )
        con.execute(f"create temp table {scan} as {select_sql}", parameters or {})
        _create_file_offsets(con, scan, offsets)
        # the lines were read by the scan: from here on only the scan and its offsets are needed
        drop_temp_relations(con, LINES_VIEW, FILE_NAMES_TABLE)
        con.execute(
            f"""
            create temp view {staged} as
            select offsets._file, scan.rowid - offsets.first_rowid + 1 as _line, scan.* exclude (filename, is_blank)
            from {scan} as scan join {offsets} as offsets using (filename)
            where not scan.is_blank
            """
        )
        yield staged


def _create_file_offsets(con: duckdb.DuckDBPyConnection, scan: str, offsets: str) -> None:
    """Table `offsets(filename, _file, first_rowid, row_count)`: where each file's rows start in table `scan`, which
    holds them in scan order, so a row's place in its file is its row id minus its file's `first_rowid`."""
    con.execute(
        f"""
        create temp table {offsets} as
        select scan.filename, names._file, min(scan.rowid) as first_rowid, count(*) as row_count
        from {scan} as scan join {FILE_NAMES_TABLE} as names using (filename)
        group by scan.filename, names._file
        """
    )


BLANK_LINE_SQL = "coalesce(trim(raw_text), '') = ''"


@contextmanager
def read_rows(con: duckdb.DuckDBPyConnection, files: Sequence[LandingFile]) -> Iterator[list[str]]:
    """CSV or Parquet records, every value as text, in `ingest_rows(<file columns>, _file, _line, raw_text,
    _reject_reason)` for the block, which gets the file's column names; on exit it and all under it are dropped.

    CSV rows the reader cannot split (unterminated quote, too many fields) get `raw_text` from the file and
    `_reject_reason` set; other rows have no `raw_text` (see `record_text_sql`). Parquet line numbers are 1-based
    row numbers.
    """
    suffixes = {_suffix(landing_file.relative_path) for landing_file in files}
    if len(suffixes) != 1:
        raise ValueError(f"one source mixes file types {sorted(suffixes)}: {[f.relative_path for f in files]}")
    suffix = suffixes.pop()
    if suffix not in ("csv", "parquet"):
        raise ValueError(f"{files[0].relative_path}: unsupported file type '{suffix}', expected .csv or .parquet")
    with (_read_parquet_rows if suffix == "parquet" else _read_csv_rows)(con, files):
        yield _file_columns(con)


def record_text_sql(columns: Sequence[str]) -> str:
    """A record of `ingest_rows` as text for the quarantine: the file's line for a CSV reject, else a JSON object of
    the file's columns. Built only for the rows that need it, since it is the costliest thing about a record."""
    struct = ", ".join(f"{quote_ident(name)} := {quote_ident(name)}" for name in columns)
    return f"coalesce(raw_text, to_json(struct_pack({struct})) ->> '$')"


def record_hash_sql(columns: Sequence[str], *extra: str) -> str:
    """MD5 over a record's values (then `extra` expressions), so an identical record has the same hash: each value
    ends with the unit separator, and a missing value (NULL) is a NUL character, so NULL differs from ''."""
    parts = [f"coalesce({quote_ident(name)}, chr(0)), chr(31)" for name in columns]
    parts += [f"coalesce(cast({expression} as varchar), chr(0)), chr(31)" for expression in extra]
    return f"md5(concat({', '.join(parts)}))"


def _suffix(relative_path: str) -> str:
    name = relative_path.lower().removesuffix(".gz")
    return name.rsplit(".", 1)[-1] if "." in name else ""


@contextmanager
def _read_parquet_rows(con: duckdb.DuckDBPyConnection, files: Sequence[LandingFile]) -> Iterator[None]:
    with dropped_on_exit(con, ROWS_TABLE, FILE_NAMES_TABLE):
        _register_file_names(con, files)
        con.execute(
            f"""
            create temp table {ROWS_TABLE} as
            with scanned as (
                select * from read_parquet(?, filename = true, file_row_number = true, union_by_name = true)
            ),
            as_text as (
                select cast(columns(* exclude (filename, file_row_number)) as varchar),
                       filename, file_row_number
                from scanned
            )
            select as_text.* exclude (filename, file_row_number),
                   names._file,
                   as_text.file_row_number + 1 as _line,
                   cast(null as varchar) as raw_text,
                   cast(null as varchar) as _reject_reason
            from as_text join {FILE_NAMES_TABLE} as names using (filename)
            """,
            [_file_list(files)],
        )
        yield


def _csv_header(path: Path) -> tuple[str, ...]:
    """The header record, parsed as CSV (the sniffer is not used: it takes Shopify's `#1001` for comments)."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as handle:
        header = next(csv.reader(handle), None)
    if not header or any(not name.strip() for name in header):
        raise ValueError(f"{path}: line 1: expected a CSV header with a name for every column, got {header!r}")
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise ValueError(f"{path}: line 1: CSV header repeats column(s) {duplicated}")
    return tuple(header)


@contextmanager
def _read_csv_rows(con: duckdb.DuckDBPyConnection, files: Sequence[LandingFile]) -> Iterator[None]:
    # DuckDB binds the columns of a multi-file CSV scan by position and cannot keep rejects with union_by_name,
    # so files are scanned in groups that share one header, and the groups are unioned by name.
    groups: dict[tuple[str, ...], list[LandingFile]] = {}
    for landing_file in files:
        groups.setdefault(_csv_header(landing_file.path), []).append(landing_file)
    # Exits in reverse: the union view first, then each group's view and tables, then the file names they join.
    with dropped_on_exit(con, FILE_NAMES_TABLE), ExitStack() as open_groups:
        _register_file_names(con, files)
        group_views = [
            open_groups.enter_context(_read_csv_group(con, group, header, f"{ROWS_TABLE}_group_{index}"))
            for index, (header, group) in enumerate(groups.items())
        ]
        union = " union all by name ".join(f"select * from {view}" for view in group_views)
        with dropped_on_exit(con, ROWS_TABLE):
            con.execute(f"create temp view {ROWS_TABLE} as {union}")
            yield


@contextmanager
def _read_csv_group(
    con: duckdb.DuckDBPyConnection, files: Sequence[LandingFile], header: tuple[str, ...], view: str
) -> Iterator[str]:
    """Files sharing one header in view `view` for the block, with rows the reader cannot split kept as rejects.

    The rows are scanned once into `<view>_scan`; the view numbers them from their row ids and a per-file offset,
    so they are never copied again, nor sorted (see `csv_line_numbers` for the lines of records spanning lines).
    """
    scan, offsets, rejected = f"{view}_scan", f"{view}_offsets", f"{view}_rejected"
    with dropped_on_exit(con, scan, offsets, rejected, _REJECTS_TABLE, _REJECT_SCANS_TABLE):
        con.execute(
            f"""
            create temp table {scan} as
            select * from read_csv(?, header = true, auto_detect = false, columns = ?, filename = true,
                                   delim = ',', quote = '"', escape = '"', comment = '', ignore_errors = true,
                                   store_rejects = true, rejects_table = '{_REJECTS_TABLE}',
                                   rejects_scan = '{_REJECT_SCANS_TABLE}')
            """,
            [_file_list(files), dict.fromkeys(header, "VARCHAR")],
        )
        _create_file_offsets(con, scan, offsets)
        # The rejects tables would be replaced by the next group's scan: this group's rejected lines are kept, one
        # row each.
        con.execute(
            f"""
            create temp table {rejected} as
            select scans.file_path as filename, rejects.line, any_value(rejects.csv_line) as csv_line,
                   string_agg(distinct cast(rejects.error_type as varchar) || ': ' || rejects.error_message, '; ')
                       as message
            from {_REJECTS_TABLE} as rejects
            join {_REJECT_SCANS_TABLE} as scans using (scan_id, file_id)
            group by scans.file_path, rejects.line
            """
        )
        drop_temp_relations(con, _REJECTS_TABLE, _REJECT_SCANS_TABLE)
        with csv_line_view(con, view, _file_list(files), header, FILE_NAMES_TABLE):
            yield view


def _file_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    internal = {"_file", "_line", "raw_text", "_reject_reason"}
    return [
        row[0]
        for row in con.execute(f"select column_name from (describe {ROWS_TABLE})").fetchall()
        if row[0] not in internal
    ]

