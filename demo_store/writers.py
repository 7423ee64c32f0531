"""Deterministic file writers: gzip without timestamps, rotating JSON-lines files, the defect log.

Gzip headers carry no mtime and no file name, so the same seed gives byte-identical files.
"""

from __future__ import annotations

import csv
import gzip
import heapq
import io
import random
from collections.abc import Callable, Sequence
from pathlib import Path

GZIP_LEVEL = 1
DUPLICATE_RATE = 0.01
DUPLICATE_WINDOW_LINES = 200_000
_BATCH_LINES = 5_000


class GzipText:
    """A text file written through gzip level 1 with a fixed header (no mtime, no name)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._raw = path.open("wb")
        self._gzip = gzip.GzipFile(
            filename="", mode="wb", compresslevel=GZIP_LEVEL, fileobj=self._raw, mtime=0
        )
        self.text = io.TextIOWrapper(self._gzip, encoding="utf-8", newline="")

    def close(self) -> None:
        """Flush and close the gzip stream and the file under it."""
        self.text.close()
        self._raw.close()


def gzip_bytes(text: str) -> bytes:
    """`text` as one deterministic gzip member (members concatenate into one valid gzip file)."""
    return gzip.compress(text.encode("utf-8"), compresslevel=GZIP_LEVEL, mtime=0)


def csv_text(rows: Sequence[Sequence[str]]) -> str:
    """CSV lines byte-identical to `csv.writer` output (minimal quoting, newline line ends), made faster.

    Generated rows rarely need quoting, and joining them directly is about three times faster than
    `csv.writer`; when a value holds a comma, quote or line break, `csv.writer` writes the rows.
    """
    text = "".join([",".join(row) + "\n" for row in rows])
    commas = sum(len(row) - 1 for row in rows)
    if text.count(",") == commas and '"' not in text and "\r" not in text and text.count("\n") == len(rows):
        return text
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


class CsvFile:
    """A plain CSV file with a header, written row by row through `csv_text`."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("w", encoding="utf-8", newline="")
        self._handle.write(csv_text([header]))

    def write_row(self, row: list[str]) -> None:
        """Write one row of strings."""
        self._handle.write(csv_text([row]))

    def close(self) -> None:
        """Close the file."""
        self._handle.close()


class DefectLog:
    """Rows `file,line,defect` for each deliberately malformed record (file relative to the landing zone)."""

    def __init__(self, path: Path) -> None:
        self._file = GzipText(path)
        self._writer = csv.writer(self._file.text, lineterminator="\n")
        self.count = 0

    def record(self, relative_file: str, line: int, defect: str) -> None:
        """Log one malformed record at its 1-based line (CSV: header is line 1; Parquet: row number)."""
        self._writer.writerow((relative_file, line, defect))
        self.count += 1

    def close(self) -> None:
        """Close the log file."""
        self._file.close()


class EventFiles:
    """Rotating gzipped JSON-lines files of one chunk, with injected malformed lines and exact duplicates.

    Before a valid line, with probability `malformed_rate`, a corrupted line made by `corrupt` is written and
    logged. With probability `DUPLICATE_RATE` a valid line is written again, unchanged, up to
    `DUPLICATE_WINDOW_LINES` lines later (so sometimes in the next file).
    """

    def __init__(
        self,
        landing_dir: Path,
        relative_pattern: str,
        max_lines_per_file: int,
        rng: random.Random,
        malformed_rate: float,
        corrupt: Callable[[str, random.Random], tuple[str, str]],
        defects: DefectLog,
    ) -> None:
        self._landing_dir = landing_dir
        self._relative_pattern = relative_pattern
        self._max_lines = max_lines_per_file
        self._rng = rng
        self._malformed_rate = malformed_rate
        self._corrupt = corrupt
        self._defects = defects
        self._pending: list[tuple[int, int, str]] = []
        self._batch: list[str] = []
        self._file: gzip.GzipFile | None = None
        self._raw: io.BufferedWriter | None = None
        self._relative_file = ""
        self._lines_in_file = 0
        self.files = 0
        self.records = 0
        self.malformed = 0
        self.duplicates = 0

    def _open_next(self) -> None:
        self._close_file()
        self._relative_file = self._relative_pattern.format(part=self.files)
        path = self._landing_dir / self._relative_file
        path.parent.mkdir(parents=True, exist_ok=True)
        self._raw = path.open("wb")
        self._file = gzip.GzipFile(
            filename="", mode="wb", compresslevel=GZIP_LEVEL, fileobj=self._raw, mtime=0
        )
        self._lines_in_file = 0
        self.files += 1

    def _flush_batch(self) -> None:
        if self._batch and self._file is not None:
            self._file.write(("\n".join(self._batch) + "\n").encode("utf-8"))
            self._batch.clear()

    def _close_file(self) -> None:
        self._flush_batch()
        if self._file is not None and self._raw is not None:
            self._file.close()
            self._raw.close()
            self._file = None

    def _write(self, line: str) -> None:
        if self._file is None or self._lines_in_file >= self._max_lines:
            self._open_next()
        self._batch.append(line)
        self._lines_in_file += 1
        self.records += 1
        if len(self._batch) >= _BATCH_LINES:
            self._flush_batch()

    def write_lines(self, lines: list[str]) -> None:
        """Write valid event lines, each maybe preceded by a malformed one and maybe duplicated later."""
        rng = self._rng
        draw = rng.random
        malformed_rate = self._malformed_rate
        pending = self._pending
        write = self._write
        for line in lines:
            if draw() < malformed_rate:
                text, defect = self._corrupt(line, rng)
                write(text)
                self._defects.record(self._relative_file, self._lines_in_file, defect)
                self.malformed += 1
            write(line)
            if draw() < DUPLICATE_RATE:
                due = self.records + rng.randint(1, DUPLICATE_WINDOW_LINES)
                heapq.heappush(pending, (due, self.records, line))
            while pending and pending[0][0] <= self.records:
                write(heapq.heappop(pending)[2])
                self.duplicates += 1

    def close(self) -> None:
        """Write the duplicates still pending and close the current file."""
        while self._pending:
            self._write(heapq.heappop(self._pending)[2])
            self.duplicates += 1
        self._close_file()
