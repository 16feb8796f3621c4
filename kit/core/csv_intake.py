"""Reading a CSV file people made by hand or saved from Excel, before any import trusts it.

One intake for every import (roster, outside learning): it decodes the bytes (UTF-8 with or
without the BOM Excel writes, other encodings only when the caller names them), finds the
separator (comma, semicolon as Excel writes it in an Indonesian locale, or tab), normalises the
header, checks the required columns, skips blank lines, and keeps the line number each row
starts on. A file it cannot read at all raises :class:`CsvFileError`; a row it cannot split
into the header's columns becomes a :class:`RowProblem`, so the caller can report it with its
own checks and reject the whole import.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple

from kit.core.messages import message

__all__ = ["CsvFileError", "CsvRow", "CsvTable", "RowProblem", "read_csv_rows"]

SEPARATORS = (",", ";", "\t")
_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_UTF8_BOM = b"\xef\xbb\xbf"
# Control characters never occur in a hand-made CSV; they mean a binary file (e.g. .xlsx).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CsvFileError(ValueError):
    """The file cannot be read as a table at all; ``summary`` says why, in the user's language."""

    def __init__(self, summary: str) -> None:
        self.summary = summary
        super().__init__(summary)


class RowProblem(NamedTuple):
    """One reason a row cannot be imported, with the line it starts on (1 is the header)."""

    line: int
    reason: str

    def __str__(self) -> str:
        return message("csv.row_error", line=self.line, reason=self.reason)


@dataclass(frozen=True)
class CsvRow:
    """One data row: its first line in the file and its values by (normalised) column name.

    Values are stripped of surrounding spaces; an optional column the file lacks reads ``""``.
    """

    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    def get(self, column: str, default: str = "") -> str:
        return self.values.get(column, default)


@dataclass(frozen=True)
class CsvTable:
    """What :func:`read_csv_rows` found: the rows it could split and the problems of the rest."""

    columns: tuple[str, ...]
    rows: tuple[CsvRow, ...]
    problems: tuple[RowProblem, ...]
    unknown_columns: tuple[str, ...]
    separator: str
    encoding: str


def normalise_column(name: str) -> str:
    """``" Tanggal Mulai "`` -> ``"tanggal_mulai"``: a header as typed, as the kit names it."""
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def read_csv_rows(
    source: Path | str | bytes,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    unknown_columns: Literal["keep", "reject"] = "keep",
    encodings: Sequence[str] = ("utf-8",),
    name: str | None = None,
) -> CsvTable:
    """Read ``source`` (a path, or the bytes of an upload) into rows with their line numbers.

    ``encodings`` are tried in order (``("utf-8", "cp1252")`` accepts what older Excel versions
    save as "CSV"); UTF-8 always accepts and drops a BOM. Columns outside ``required`` and
    ``optional`` are kept (and listed in ``unknown_columns``) or, with
    ``unknown_columns="reject"``, refused. ``name`` is how messages call bytes given directly.

    Raises :class:`CsvFileError` for a missing, unreadable or empty file, a header lacking a
    required column or naming one twice.
    """
    shown = name or (str(source) if not isinstance(source, bytes) else "CSV")
    raw = source if isinstance(source, bytes) else _read_bytes(Path(source))
    text, encoding = _decode(raw, encodings, shown)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not any(line.strip() for line in lines[first + 1 :]):
        raise CsvFileError(message("csv.empty", path=shown))
    control = next((i for i, line in enumerate(lines) if _CONTROL.search(line)), None)
    if control is not None:
        raise CsvFileError(message("csv.not_text", path=shown, line=control + 1))

    separator = _separator(lines[first])
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    for _ in range(first + 1):
        header = [normalise_column(column) for column in next(reader)]
    columns = _check_header(header, required, optional, unknown_columns)
    known = {*required, *optional}

    rows: list[CsvRow] = []
    problems: list[RowProblem] = []
    ended = reader.line_num
    for fields in reader:
        line, ended = ended + 1, reader.line_num  # a quoted value may span several lines
        if not any(field.strip() for field in fields):
            continue
        if len(fields) != len(header):
            reason = message(
                "csv.field_count",
                found=len(fields),
                expected=len(header),
                separator=message("csv.separator." + _SEPARATOR_NAMES[separator]),
            )
            problems.append(RowProblem(line, reason))
            continue
        values = dict.fromkeys(optional, "")
        unnamed: list[int] = []
        for position, (column, value) in enumerate(zip(header, fields, strict=True), start=1):
            if column:
                values[column] = value.strip()
            elif value.strip():
                unnamed.append(position)
        if unnamed:
            positions = ", ".join(map(str, unnamed))
            problems.append(RowProblem(line, message("csv.unnamed_value", positions=positions)))
            continue
        rows.append(CsvRow(line, values))
    return CsvTable(
        columns=columns,
        rows=tuple(rows),
        problems=tuple(problems),
        unknown_columns=tuple(c for c in columns if c not in known),
        separator=separator,
        encoding=encoding,
    )


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise CsvFileError(message("csv.file_missing", path=path))
    return path.read_bytes()


def _decode(raw: bytes, encodings: Sequence[str], shown: str) -> tuple[str, str]:
    body = raw.removeprefix(_UTF8_BOM)
    first_error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return body.decode(encoding), encoding
        except UnicodeDecodeError as error:
            first_error = first_error or error
    # Name the line of the first byte the preferred encoding could not read.
    line = body[: first_error.start].count(b"\n") + 1 if first_error else 1
    raise CsvFileError(message("csv.not_utf8", path=shown, line=line))


def _separator(header: str) -> str:
    """The separator used most in the header line, outside quotes (a comma when none is)."""
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {separator: outside.count(separator) for separator in SEPARATORS}
    best = max(SEPARATORS, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def _check_header(
    header: list[str],
    required: Sequence[str],
    optional: Sequence[str],
    unknown_columns: str,
) -> tuple[str, ...]:
    named = [column for column in header if column]
    repeated = sorted({column for column in named if named.count(column) > 1})
    if repeated:
        raise CsvFileError(message("csv.duplicate_columns", columns=", ".join(repeated)))
    missing = [column for column in required if column not in named]
    if missing:
        raise CsvFileError(
            message("csv.missing_columns", columns=", ".join(missing), required=", ".join(required))
        )
    unknown = [column for column in named if column not in {*required, *optional}]
    if unknown and unknown_columns == "reject":
        raise CsvFileError(
            message(
                "csv.unknown_columns",
                columns=", ".join(unknown),
                known=", ".join([*required, *optional]),
            )
        )
    return tuple(named)
