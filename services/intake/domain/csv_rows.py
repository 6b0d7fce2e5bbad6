"""CSV bulk import: one application per row, in the flattened columns below, UTF-8, comma
separated, a header row first. A chunk of a bigger file repeats the header and says on which
line of the file its first row stands, so every problem is reported by file line.

| column                   | required | form field                | notes                        |
|--------------------------|----------|---------------------------|------------------------------|
| athlete_id               | yes      | athlete_id                |                              |
| full_name                | yes      | full_name                 |                              |
| email                    | yes      | email                     |                              |
| language                 | no       | language                  | empty: en                    |
| country                  | yes      | country                   | IOC code, any case           |
| sport                    | yes      | sport                     |                              |
| athlete_status           | yes      | athlete_status            |                              |
| career_end_year          | no       | career_end_year           | empty for current athletes   |
| business_name            | yes      | business.name             |                              |
| business_sector          | yes      | business.sector           |                              |
| business_stage           | yes      | business.stage            |                              |
| pitch                    | yes      | business.pitch            | may span lines when quoted   |
| sourcing_needs           | no       | business.sourcing_needs   | `;`-separated                |
| target_markets           | no       | business.target_markets   | `;`-separated, any case      |
| consent_data_processing  | yes      | consent.data_processing   | true/false, yes/no, 1/0      |
| consent_marketing        | no       | consent.marketing         | same; empty: false           |
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from services.intake.domain.problems import FieldProblem

# column -> (path in the form, required, kind)
COLUMNS: Final[dict[str, tuple[tuple[str, ...], bool, str]]] = {
    "athlete_id": (("athlete_id",), True, "text"),
    "full_name": (("full_name",), True, "text"),
    "email": (("email",), True, "text"),
    "language": (("language",), False, "text"),
    "country": (("country",), True, "code"),
    "sport": (("sport",), True, "text"),
    "athlete_status": (("athlete_status",), True, "text"),
    "career_end_year": (("career_end_year",), False, "year"),
    "business_name": (("business", "name"), True, "text"),
    "business_sector": (("business", "sector"), True, "text"),
    "business_stage": (("business", "stage"), True, "text"),
    "pitch": (("business", "pitch"), True, "text"),
    "sourcing_needs": (("business", "sourcing_needs"), False, "list"),
    "target_markets": (("business", "target_markets"), False, "codes"),
    "consent_data_processing": (("consent", "data_processing"), True, "bool"),
    "consent_marketing": (("consent", "marketing"), False, "bool"),
}
# The header row as a pattern, for the API's schema: known column names, each maybe quoted
# and spaced as the csv module and the header check read them. Which are required, and that
# none repeats, a pattern cannot say; the header check does (a 422 naming them).
_COLUMN_NAME: Final = "(?:" + "|".join(COLUMNS) + ")"
_HEADER_CELL: Final = rf'[^\S\r\n]*(?:{_COLUMN_NAME}|"\s*{_COLUMN_NAME}\s*")[^\S\r\n]*'
HEADER_PATTERN: Final = rf"^\ufeff?{_HEADER_CELL}(?:,{_HEADER_CELL})*(?:\r|\n|$)"
# The documented header, every column in the table's order: one of the headers above.
FULL_HEADER_PATTERN: Final = rf"^{','.join(COLUMNS)}(?:\r|\n|$)"
_COLUMN_OF_FIELD: Final = {".".join(path): column for column, (path, _, _) in COLUMNS.items()}
_TRUE: Final = frozenset({"true", "yes", "y", "1"})
_FALSE: Final = frozenset({"false", "no", "n", "0"})


class BadCsv(ValueError):
    """The chunk as a whole cannot be read (header, encoding); no row was imported."""


@dataclass(frozen=True)
class CsvRow:
    line: int
    cells: dict[str, str]
    malformed: str | None = None


def read_rows(text: str, *, first_line: int = 2) -> Iterator[CsvRow]:
    """Rows of a chunk whose first data row is line `first_line` of the whole file."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [h.strip() for h in next(_records(reader, shift=first_line - 2))]
    except StopIteration:
        raise BadCsv("the CSV is empty: a header row is required") from None
    _check_header(header)
    # The csv module also reads oddly quoted names (`""email` as `email`); the schema's
    # pattern, which clients are generated from, does not allow them, so neither does this.
    if re.search(HEADER_PATTERN, text) is None:
        raise BadCsv(
            "the header row cannot be read: write each column name plain or in double quotes"
        )
    shift = first_line - 2  # the chunk's own first data row is its line 2
    consumed = reader.line_num
    for record in _records(reader, shift=shift):
        line, consumed = consumed + 1 + shift, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            yield CsvRow(line, {}, f"has {len(record)} cells but the header has {len(header)}")
        else:
            yield CsvRow(line, dict(zip(header, record, strict=False)))


def _records(reader: Any, *, shift: int) -> Iterator[list[str]]:
    """The reader's records; what the csv module cannot read at all (a cell over its size
    limit, far beyond any field's) makes the chunk unreadable, by the line it stopped at."""
    while True:
        try:
            record: list[str] = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BadCsv(f"line {reader.line_num + shift} cannot be read: {exc}") from None
        yield record


def _check_header(header: list[str]) -> None:
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c, (_, required, _) in COLUMNS.items() if required and c not in header]
    repeated = sorted({h for h in header if header.count(h) > 1})
    problems = []
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)}")
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if repeated:
        problems.append(f"repeated column(s) {', '.join(repeated)}")
    if problems:
        raise BadCsv(f"bad header: {'; '.join(problems)}; the columns are {', '.join(COLUMNS)}")


def form_input(row: CsvRow) -> tuple[dict[str, Any], list[FieldProblem]]:
    """The row as the JSON body the API would get, and the cells that could not be read."""
    body: dict[str, Any] = {"business": {}, "consent": {}}
    problems = []
    for column, raw in row.cells.items():
        path, required, kind = COLUMNS[column]
        value = raw.strip()
        if not value and not (required and kind in {"text", "code"}):
            continue  # the form's default, or "is required"
        try:
            parsed = _parse(value, kind)
        except ValueError as exc:
            problems.append(FieldProblem(column, str(exc), f"{kind}_parsing"))
            continue
        target = body if len(path) == 1 else body[path[0]]
        target[path[-1]] = parsed
    return body, problems


def _parse(value: str, kind: str) -> Any:
    if kind == "year":
        if not value.isdigit():
            raise ValueError(f"must be a year like 2021, not {value!r}")
        return int(value)
    if kind == "bool":
        if value.lower() not in _TRUE | _FALSE:
            raise ValueError(f"must be true or false (yes/no, 1/0), not {value!r}")
        return value.lower() in _TRUE
    if kind in {"list", "codes"}:
        items = [item.strip() for item in value.split(";") if item.strip()]
        # Typed by people: "fra" is read as the API's FRA, here as on the web form's list.
        return [item.upper() for item in items] if kind == "codes" else items
    return value.upper() if kind == "code" else value


def column_of(field: str) -> str:
    """A form field path ("business.target_markets[1]") in column terms ("target_markets[1]")."""
    bare, bracket, index = field.partition("[")
    return _COLUMN_OF_FIELD.get(bare, bare) + bracket + index
