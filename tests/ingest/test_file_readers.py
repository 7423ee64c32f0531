"""The CSV reader: `_line` is the physical line where a record starts, also after quoted values spanning lines."""

import gzip
from pathlib import Path

import duckdb
import pytest

from assets.ingest.file_readers import ROWS_TABLE, read_rows
from connectors.sources.landing_zone import LandingFile

# Each record with the line it starts on, counted by hand. Notes 2, 4 and 7 span lines (7 through a blank line
# inside the quotes); record 6 has a field too many and record 9 spans lines and has a field too many.
NOTES_CSV = [
    "id,note,city",                       # 1
    "1,plain,Oslo",                       # 2
    '2,"first line',                      # 3
    'second line",Bergen',                # 4
    "3,plain,Turku",                      # 5
    '4,"one',                             # 6
    "two",                                # 7
    'three",Porto',                       # 8
    "5,plain,Lyon",                       # 9
    "6,plain,Nice,surplus",               # 10
    '7,"before the gap',                  # 11
    "",                                   # 12
    'after the gap",Graz',                # 13
    "8,plain,Pisa",                       # 14
    '9,"rejected',                        # 15
    'note",Riga,surplus',                 # 16
    "10,plain,Bonn",                      # 17
]
GOOD_LINES = {"1": 2, "2": 3, "3": 5, "4": 6, "5": 9, "7": 11, "8": 14, "10": 17}
REJECTED_LINES = [10, 15]


def write(path: Path, lines: list[str], newline: str = "\n", compress: bool = False) -> LandingFile:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (newline.join(lines) + newline).encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return LandingFile(path=path, relative_path=path.name, size_bytes=path.stat().st_size)


def read(files: list[LandingFile]) -> tuple[dict[tuple[str, str], int], list[tuple[str, int, str]], dict[str, str]]:
    """Good records as (file, id) -> line, rejected ones as (file, line, text), and the notes by id."""
    con = duckdb.connect()
    try:
        with read_rows(con, files) as columns:
            note = "note" if "note" in columns else "null"
            good = con.execute(
                f"select _file, id, _line, {note} from {ROWS_TABLE} where _reject_reason is null"
            ).fetchall()
            rejected = con.execute(
                f"select _file, _line, raw_text from {ROWS_TABLE} where _reject_reason is not null order by all"
            ).fetchall()
        left_behind = con.execute(
            "select table_name from information_schema.tables where starts_with(table_name, 'ingest_')"
        ).fetchall()
    finally:
        con.close()
    assert left_behind == []  # the reader dropped every table and view it made
    notes = {record_id: text for _, record_id, _, text in good}
    return {(file, record_id): line for file, record_id, line, _ in good}, rejected, notes


@pytest.mark.parametrize(
    ("newline", "compress"), [("\n", False), ("\r\n", False), ("\n", True), ("\r\n", True)],
    ids=["lf", "crlf", "lf-gzip", "crlf-gzip"],
)
def test_records_after_notes_spanning_lines_keep_their_physical_line(tmp_path, newline, compress):
    name = "orders.csv.gz" if compress else "orders.csv"
    good, rejected, notes = read([write(tmp_path / name, NOTES_CSV, newline, compress)])
    assert good == {(name, record_id): line for record_id, line in GOOD_LINES.items()}
    assert [(file, line) for file, line, _ in rejected] == [(name, line) for line in REJECTED_LINES]
    # the notes keep their line breaks as the file wrote them
    assert notes["7"] == f"before the gap{newline}{newline}after the gap"
    assert rejected[1][2].startswith('9,"rejected')


def test_each_file_of_a_group_counts_its_own_lines(tmp_path):
    """Two files with one header, one with spanning notes and one without, and a file whose header has a column
    more: each is numbered from its own first line."""
    plain = ["id,note,city", "1,a,Oslo", "2,b,Bergen", "3,c,Turku,surplus", "4,d,Porto"]
    wider = ["id,note,city,zip", '1,"x', 'y",Oslo,0150', "2,z,Bergen,5003"]
    files = [
        write(tmp_path / "a.csv", NOTES_CSV), write(tmp_path / "b.csv", plain), write(tmp_path / "c.csv", wider),
    ]
    good, rejected, _ = read(files)
    assert good == {
        **{("a.csv", record_id): line for record_id, line in GOOD_LINES.items()},
        ("b.csv", "1"): 2, ("b.csv", "2"): 3, ("b.csv", "4"): 5,
        ("c.csv", "1"): 2, ("c.csv", "2"): 4,
    }
    assert [(file, line) for file, line, _ in rejected] == [("a.csv", 10), ("a.csv", 15), ("b.csv", 4)]


def test_a_note_spanning_lines_in_the_header_shifts_every_record(tmp_path):
    header_over_two_lines = ['id,"the',  'note",city', "1,a,Oslo", "2,b", '3,"c', 'd",Turku']
    good, rejected, _ = read([write(tmp_path / "h.csv", header_over_two_lines)])
    assert good == {("h.csv", "1"): 3, ("h.csv", "3"): 5}
    assert [(file, line) for file, line, _ in rejected] == [("h.csv", 4)]


def test_an_unterminated_quote_is_rejected_on_its_own_line_with_the_rest_of_the_file(tmp_path):
    lines = ["id,note,city", '1,"a', 'b",Oslo', '2,"never closed,Bergen', "3,c,Turku"]
    good, rejected, _ = read([write(tmp_path / "u.csv", lines)])
    assert good == {("u.csv", "1"): 2}
    assert [(file, line) for file, line, _ in rejected] == [("u.csv", 4)]
    assert "3,c,Turku" in rejected[0][2]


def test_a_carriage_return_inside_a_note_is_no_line_break(tmp_path):
    """Lines are what ends in a line feed (what `wc -l`, `sed -n` and `grep -n` count)."""
    lines = ["id,note,city", '1,"a\rb",Oslo', "2,c,Bergen", '3,"d\ne",Turku', "4,f,Porto"]
    good, _, _ = read([write(tmp_path / "r.csv", lines)])
    assert good == {("r.csv", "1"): 2, ("r.csv", "2"): 3, ("r.csv", "3"): 4, ("r.csv", "4"): 6}


def test_line_numbers_hold_deep_inside_a_big_file_with_notes_and_rejects(tmp_path):
    """300,000 records; every 1,000th spans three lines, every 7,919th has a field too many: each record's id says
    which record it is, and its line is computed here by walking the file."""
    lines, expected_good, expected_rejected = ["id,note,city"], {}, []
    for number in range(1, 300_001):
        start = len(lines) + 1
        if number % 7_919 == 0:
            lines.append(f"{number},bad,X,surplus")
            expected_rejected.append(start)
        elif number % 1_000 == 0:
            lines += [f'{number},"spans', "three", 'lines",Y']
            expected_good[("big.csv.gz", str(number))] = start
        else:
            lines.append(f"{number},plain,Z")
            expected_good[("big.csv.gz", str(number))] = start
    good, rejected, _ = read([write(tmp_path / "big.csv.gz", lines, compress=True)])
    assert good == expected_good
    assert [line for _, line, _ in rejected] == expected_rejected
