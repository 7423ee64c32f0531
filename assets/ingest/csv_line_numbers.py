"""Physical line numbers for CSV records, computed inside DuckDB from what its CSV reader returns.

A record's line is where it starts in the file, counting line feeds: a quoted value that spans lines (an order note
with a newline) makes the records after it start further down than their count says. DuckDB's reader gives neither:
its rows carry no line, and its rejects table counts each record as one line. So a record's line is

    2 + the header's line feeds + its rank among the file's records + the line feeds inside the records before it

where the rank counts good and rejected records alike. A file with no record spanning lines, which one cheap count of
its lines proves, is numbered without looking at its values. A blank line between records is no record, and DuckDB
skips it without a trace: good records after one are numbered as if it were not there (rejected ones are not, as
DuckDB's `line` counts it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb

from assets.ingest.temp_relations import dropped_on_exit
from connectors.warehouse.duckdb_file import quote_ident, quote_text


def _line_feeds_sql(text: str) -> str:
    return f"length({text}) - length(replace({text}, chr(10), ''))"


@contextmanager
def csv_line_view(
    con: duckdb.DuckDBPyConnection,
    group: str,
    file_list: Sequence[str],
    header: Sequence[str],
    file_names: str,
) -> Iterator[str]:
    """View `group` for the block (its name is yielded): every record of the group's files with its `_file` and
    physical `_line`, rejected ones with `raw_text` and `_reject_reason`; on exit the view and the tables of steps
    made for it are dropped.

    Reads table `<group>_scan` (the good rows, in scan order), `<group>_offsets` (where each file's rows start, and
    how many), `<group>_rejected` (one row per rejected record, with DuckDB's `line`) and `file_names(filename,
    _file)`. Good rows are numbered through one hash join on a small table of steps, which exists only when
    something is to be added to a row's place in its file (a rejected record or a line feed inside a record).
    """
    made = (group, f"{group}_step_buckets", f"{group}_steps", f"{group}_spanning", f"{group}_shifts")
    with dropped_on_exit(con, *made):
        _create_csv_line_view(con, group, file_list, header, file_names)
        yield group


def _create_csv_line_view(
    con: duckdb.DuckDBPyConnection,
    group: str,
    file_list: Sequence[str],
    header: Sequence[str],
    file_names: str,
) -> None:
    has_rejects = con.execute(f"select count(*) > 0 from {group}_rejected").fetchone()[0]
    if has_rejects:
        _create_reject_shifts(con, group)
    spanning_files = _files_with_spanning_records(con, group, file_list)
    has_spanning = bool(spanning_files) and _create_spanning_records(con, group, header, spanning_files, has_rejects)
    steps_join, added = "", "0"
    if has_rejects or has_spanning:
        _create_steps(con, group, has_rejects, has_spanning)
        bucket_rows = _create_step_buckets(con, group)
        # A hash join on the bucket streams the wide rows; an ASOF join sorted them all (3x the cost of the read).
        steps_join = (f"left join {group}_step_buckets as steps on numbered.filename = steps.filename "
                      f"and numbered.row_in_file // {bucket_rows} = steps.bucket "
                      "and numbered.row_in_file >= steps.from_row and numbered.row_in_file < steps.to_row")
        added = "steps.added"
    rank_feeds_join, rank_feeds = "", "0"
    if has_spanning:
        rank_feeds_join = f"""
            asof left join (
                select filename, record_rank + 1 as from_rank,
                       sum(feeds) over (partition by filename order by record_rank) as feeds_before
                from {group}_spanning
            ) as feeds_by_rank
            on rejected.filename = feeds_by_rank.filename and rejected.line - 2 >= feeds_by_rank.from_rank"""
        rank_feeds = "coalesce(feeds_by_rank.feeds_before, 0)"
    header_feeds = sum(name.count("\n") for name in header)
    columns = ", ".join(f"numbered.{quote_ident(name)}" for name in header)
    con.execute(
        f"""
        create temp view {group} as
        with numbered as (
            select scan.*, offsets._file, scan.rowid - offsets.first_rowid as row_in_file
            from {group}_scan as scan join {group}_offsets as offsets using (filename)
        )
        select {columns}, numbered._file,
               numbered.row_in_file + {2 + header_feeds} + {added} as _line,
               cast(null as varchar) as raw_text, cast(null as varchar) as _reject_reason
        from numbered {steps_join}
        union all by name
        -- DuckDB's `line` of a rejected record is its rank + 2: it counts the header, and each record, as one line
        select names._file, rejected.line + {header_feeds} + {rank_feeds} as _line,
               -- in a CRLF file DuckDB starts a rejected line with the line feed that ended the line before
               ltrim(rejected.csv_line, chr(13) || chr(10)) as raw_text,
               'not a well-formed CSV record: ' || rejected.message as _reject_reason
        from {group}_rejected as rejected
        join {file_names} as names using (filename) {rank_feeds_join}
        """
    )


def _create_reject_shifts(con: duckdb.DuckDBPyConnection, group: str) -> None:
    """Table `<group>_shifts(filename, good_rows_before, shift)`: a rejected record is missing from the scan, so from
    the good row after it on, a good record's rank is its row in the file plus `shift` rejected records."""
    con.execute(
        f"""
        create temp table {group}_shifts as
        select filename, good_rows_before, max(rejected_so_far) as shift
        from (
            select filename,
                   line - 2 - (row_number() over (partition by filename order by line) - 1) as good_rows_before,
                   row_number() over (partition by filename order by line) as rejected_so_far
            from {group}_rejected
        ) as positions
        group by filename, good_rows_before
        """
    )


def _files_with_spanning_records(
    con: duckdb.DuckDBPyConnection, group: str, file_list: Sequence[str]
) -> list[str]:
    """The files whose lines outnumber their header and records: only there can a record span lines.

    Counting lines is one scan of the file as text, a tenth of the cost of reading it as CSV. Every line feed or
    carriage return inside a record makes DuckDB's line reader see one line more, so equal counts prove that no
    record spans lines, and the values need not be searched for line feeds.
    """
    files = ", ".join(quote_text(path) for path in file_list)
    rows = con.execute(
        f"""
        with lines as (
            select filename, count(*) as line_count
            from read_csv([{files}], columns = {{'line': 'varchar'}}, delim = '\\0', quote = '', escape = '',
                          header = false, auto_detect = false, strict_mode = false, filename = true,
                          compression = 'auto')
            group by filename
        ),
        rejected as (
            select filename, count(*) as rejected_count from {group}_rejected group by filename
        )
        select lines.filename
        from lines
        left join {group}_offsets as offsets using (filename)
        left join rejected using (filename)
        where lines.line_count > 1 + coalesce(offsets.row_count, 0) + coalesce(rejected.rejected_count, 0)
        order by lines.filename
        """
    ).fetchall()
    return [row[0] for row in rows]


def _create_spanning_records(
    con: duckdb.DuckDBPyConnection,
    group: str,
    header: Sequence[str],
    spanning_files: Sequence[str],
    has_rejects: bool,
) -> bool:
    """Table `<group>_spanning(filename, record_rank, from_row, feeds)`: each record of `spanning_files` holding line
    feeds (few), with its rank, how many, and the first good row after it. Returns whether there is any.

    The values of these files' good rows are searched once; a rejected record's text is its lines as read (one left
    unterminated also holds the file's last line feed, which is trimmed).
    """
    values = "concat(" + ", ".join(quote_ident(name) for name in header) + ")"
    rank_join, shift = "", "0"
    if has_rejects:
        rank_join = (f"asof left join {group}_shifts as shifts "
                     "on good.filename = shifts.filename and good.row_in_file >= shifts.good_rows_before")
        shift = "coalesce(shifts.shift, 0)"
    reject_text = "trim(csv_line, chr(13) || chr(10))"
    con.execute(
        f"""
        create temp table {group}_spanning as
        with good as (
            select filename, row_in_file, {_line_feeds_sql("record_text")} as feeds
            from (
                select scan.filename, scan.rowid - offsets.first_rowid as row_in_file, {values} as record_text
                from {group}_scan as scan join {group}_offsets as offsets using (filename)
                where scan.filename in (select unnest($files))
            ) as records
            where contains(record_text, chr(10))
        ),
        rejected as (
            select filename, line - 2 as record_rank,
                   line - 2 - (row_number() over (partition by filename order by line) - 1) as good_rows_before,
                   {_line_feeds_sql(reject_text)} as feeds
            from {group}_rejected
        )
        select good.filename, good.row_in_file + {shift} as record_rank, good.row_in_file + 1 as from_row,
               good.feeds
        from good {rank_join}
        union all
        select filename, record_rank, good_rows_before as from_row, feeds
        from rejected
        where feeds > 0 and filename in (select unnest($files))
        """,
        {"files": list(spanning_files)},
    )
    return bool(con.execute(f"select count(*) > 0 from {group}_spanning").fetchone()[0])


def _create_steps(con: duckdb.DuckDBPyConnection, group: str, has_rejects: bool, has_spanning: bool) -> None:
    """Table `<group>_steps(filename, from_row, shift, feeds_before)`: from which good row of a file on how many
    rejected records and how many line feeds inside records come before it."""
    breaks = []
    if has_spanning:
        breaks.append(f"select filename, from_row from {group}_spanning")
    if has_rejects:
        breaks.append(f"select filename, good_rows_before as from_row from {group}_shifts")
    joins, shift, feeds = [], "0", "0"
    if has_rejects:
        joins.append(f"asof left join {group}_shifts as shifts "
                     "on breaks.filename = shifts.filename and breaks.from_row >= shifts.good_rows_before")
        shift = "coalesce(shifts.shift, 0)"
    if has_spanning:
        joins.append(
            f"""asof left join (
                select filename, from_row, sum(sum(feeds)) over (partition by filename order by from_row)
                    as feeds_before
                from {group}_spanning
                group by filename, from_row
            ) as feeds_by_row
            on breaks.filename = feeds_by_row.filename and breaks.from_row >= feeds_by_row.from_row"""
        )
        feeds = "coalesce(feeds_by_row.feeds_before, 0)"
    con.execute(
        f"""
        create temp table {group}_steps as
        select breaks.filename, breaks.from_row, {shift} as shift, {feeds} as feeds_before
        from ({" union ".join(breaks)}) as breaks
        {" ".join(joins)}
        """
    )


def _create_step_buckets(con: duckdb.DuckDBPyConnection, group: str) -> int:
    """Table `<group>_step_buckets(filename, bucket, from_row, to_row, added)`: the steps as runs of good rows,
    `[from_row, to_row)` adding `added` to a row's place, listed under every bucket of `bucket_rows` rows they
    touch, so a row finds its run by an equi-join on its bucket and a range test. Returns `bucket_rows`, chosen so
    that a bucket holds about one step: the table stays about twice the steps, and a row tests about two runs.
    """
    rows, steps = con.execute(
        f"select (select sum(row_count) from {group}_offsets), (select count(*) from {group}_steps)"
    ).fetchone()
    bucket_rows = max(1, int((rows or 0) // (steps + 1)))
    con.execute(
        f"""
        create temp table {group}_step_buckets as
        with starts as (
            -- every file's first run adds nothing unless a step starts at its first row
            select filename, from_row, max(added) as added
            from (
                select filename, 0 as from_row, 0 as added from {group}_offsets
                union all
                select filename, from_row, shift + feeds_before as added from {group}_steps
            ) as all_starts
            group by filename, from_row
        ),
        runs as (
            select filename, cast(from_row as bigint) as from_row, cast(added as bigint) as added,
                   cast(lead(from_row, 1, offsets.row_count) over (partition by filename order by from_row) as bigint)
                       as to_row
            from starts join {group}_offsets as offsets using (filename)
            where from_row < offsets.row_count
        )
        select filename, unnest(range(from_row // {bucket_rows}, (to_row - 1) // {bucket_rows} + 1)) as bucket,
               from_row, to_row, added
        from runs
        """
    )
    return bucket_rows
