"""Physical line numbers for CSV records, computed inside DuckDB from what its CSV reader returns.

A record's line is where it starts in the file, counting every line feed: a quoted value that spans lines (an order
note with a newline) makes the records after it start further down than their count says. DuckDB's reader gives
neither: its rows carry no line, and its rejects table counts each record as one line. So a record's line is

    2 + header line feeds + its rank among the file's records + the line feeds inside the records before it

where the rank counts good and rejected records alike. A file with no record spanning lines, which one cheap count of
its lines shows, is numbered without looking at its values. A blank line between records is not a record and DuckDB
skips it without a trace, so the good records after one are numbered as if it were not there (rejected ones are
not: DuckDB's `line` counts it).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from connectors.warehouse.duckdb_file import quote_ident, quote_text

_LINE_FEEDS = "length({text}) - length(replace({text}, chr(10), ''))"


def create_csv_line_view(
    con: duckdb.DuckDBPyConnection,
    group: str,
    file_list: Sequence[str],
    header: Sequence[str],
    file_names: str,
) -> None:
    """View `group` over table `<group>_scan` (the good rows in scan order), `<group>_offsets` (where each file's
    rows start, and how many), `<group>_rejected` (one row per rejected record, with DuckDB's `line`) and
    `file_names(filename, _file)`: every record of the group's files with its `_file` and physical `_line`, rejects
    with `raw_text` and `_reject_reason`.
    """
    header_feeds = sum(name.count("\n") for name in header)
    ranked = _create_ranked_records(con, group, file_names)
    spanning = _files_with_spanning_records(con, group, file_list)
    feeds_join, feeds = "", "0"
    if spanning and _create_line_feed_shifts(con, group, header, spanning, ranked):
        feeds_join = (f"asof left join {group}_feeds as feeds "
                      "on ranked.filename = feeds.filename and ranked.record_rank >= feeds.from_rank")
        feeds = "coalesce(feeds.feeds_before, 0)"
    columns = ", ".join(f"ranked.{quote_ident(name)}" for name in header)
    con.execute(
        f"""
        create temp view {group} as
        with ranked as (
            select * from {group}_ranked
        )
        select {columns}, ranked._file, ranked.record_rank + {2 + header_feeds} + {feeds} as _line,
               ranked.raw_text, ranked._reject_reason
        from ranked {feeds_join}
        """
    )


def _create_ranked_records(con: duckdb.DuckDBPyConnection, group: str, file_names: str) -> str:
    """View `<group>_ranked`: every record with its 0-based `record_rank` among its file's records.

    A rejected record's rank is DuckDB's `line` minus the header's line: DuckDB counts one line per record. A good
    record's rank is its row in the file plus the rejected records before it; `<group>_shifts` holds, per file, from
    which good row on how many records were rejected before it, and exists only when something was rejected.
    """
    shift_join, shift = "", "0"
    if con.execute(f"select count(*) > 0 from {group}_rejected").fetchone()[0]:
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
        shift_join = (f"asof left join {group}_shifts as shifts "
                      "on numbered.filename = shifts.filename and numbered.row_in_file >= shifts.good_rows_before")
        shift = "coalesce(shifts.shift, 0)"
    con.execute(
        f"""
        create temp view {group}_ranked as
        with numbered as (
            select scan.*, offsets._file, scan.rowid - offsets.first_rowid as row_in_file
            from {group}_scan as scan join {group}_offsets as offsets using (filename)
        )
        select numbered.* exclude (row_in_file), numbered.row_in_file + {shift} as record_rank,
               cast(null as varchar) as raw_text, cast(null as varchar) as _reject_reason
        from numbered {shift_join}
        union all by name
        select rejected.filename, names._file, rejected.line - 2 as record_rank,
               -- in a CRLF file DuckDB starts a rejected line with the line feed that ended the line before
               ltrim(rejected.csv_line, chr(13) || chr(10)) as raw_text,
               'not a well-formed CSV record: ' || rejected.message as _reject_reason
        from {group}_rejected as rejected join {file_names} as names using (filename)
        """
    )
    return f"{group}_ranked"


def _files_with_spanning_records(
    con: duckdb.DuckDBPyConnection, group: str, file_list: Sequence[str]
) -> list[str]:
    """The files whose lines outnumber their header and records: only there can a record span lines.

    Counting lines is one scan of the file as text, a tenth of the cost of reading it as CSV; every line feed or
    carriage return inside a record makes DuckDB's line reader see one line more, so equal counts prove no record
    spans lines and its values need not be searched for line feeds.
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


def _create_line_feed_shifts(
    con: duckdb.DuckDBPyConnection,
    group: str,
    header: Sequence[str],
    spanning: Sequence[str],
    ranked: str,
) -> bool:
    """Table `<group>_feeds(filename, from_rank, feeds_before)`: from which record rank on how many line feeds sat
    inside the records before it, built from the records that hold a line feed (few) of the files in `spanning`.
    Returns whether any record holds one."""
    values = "concat(" + ", ".join(quote_ident(name) for name in header) + ")"
    # A rejected record's text is its lines as read; one left unterminated also holds the file's last line feed.
    text = f"case when _reject_reason is null then {values} else rtrim(raw_text, chr(13) || chr(10)) end"
    con.execute(
        f"""
        create temp table {group}_feeds as
        with spanning as (
            select filename, record_rank, {_LINE_FEEDS.format(text="record_text")} as feeds
            from (
                select filename, record_rank, {text} as record_text
                from {ranked}
                where filename in (select unnest(?))
            ) as records
            where contains(record_text, chr(10))
        )
        select filename, record_rank + 1 as from_rank,
               sum(feeds) over (partition by filename order by record_rank) as feeds_before
        from spanning
        """,
        [list(spanning)],
    )
    return bool(con.execute(f"select count(*) > 0 from {group}_feeds").fetchone()[0])
