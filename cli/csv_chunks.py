"""Cuts a CSV file into chunks of whole records, each led by the header, keeping the bytes of
every record as they are and the file line where each chunk's first record starts."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Chunk:
    first_line: int
    rows: int
    text: str


@dataclass(frozen=True)
class _Record:
    line: int
    text: str
    blank: bool


def _lines(text: str) -> list[str]:
    # Lines as the csv module and the server count them (\n, \r\n or \r), not str.splitlines.
    return io.StringIO(text.removeprefix("\ufeff"), newline="").readlines()


def _records(lines: list[str]) -> Iterator[_Record]:
    """Each record with its starting line; a quoted field may span several lines."""
    reader = csv.reader(iter(lines))
    consumed = 0
    for cells in reader:
        start, consumed = consumed, reader.line_num
        yield _Record(start + 1, "".join(lines[start:consumed]), not any(c.strip() for c in cells))


def chunks(text: str, *, rows_per_chunk: int, from_line: int = 2) -> Iterator[Chunk]:
    """Chunks of at most rows_per_chunk rows, from the first row at or after from_line.

    Blank lines between rows stay in their chunk, so the server counts lines as the file does.
    """
    records = _records(_lines(text))
    header = next(records, None)
    if header is None:
        return
    header_text = header.text if header.text.endswith("\n") else header.text + "\n"
    batch: list[_Record] = []
    rows = 0
    for record in records:
        if record.line < from_line or (record.blank and not batch):
            continue
        batch.append(record)
        rows += not record.blank
        if rows == rows_per_chunk:
            yield Chunk(batch[0].line, rows, header_text + "".join(r.text for r in batch))
            batch, rows = [], 0
    if rows:
        yield Chunk(batch[0].line, rows, header_text + "".join(r.text for r in batch))


def count_rows(text: str, *, from_line: int = 2) -> int:
    records = _records(_lines(text))
    next(records, None)
    return sum(1 for r in records if not r.blank and r.line >= from_line)
