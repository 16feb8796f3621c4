"""How the checkers of ``courses/05_otomasi`` read the Excel recap: a workbook reopened from disk,
its simple formulas evaluated (openpyxl computes nothing), its layout checked.

Every check raises :class:`~kit.practice.toolkit.Incorrect` with the lesson's catalogue
messages; what the recap must hold (sheet, headers, rows, totals, column width) comes with the
expected value, a :class:`RecapSpec`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from kit.practice.otomasi.letters import as_path, wrong
from kit.practice.toolkit import Incorrect, listing, raise_all

__all__ = ["RecapSpec", "check_recap"]


@dataclass(frozen=True)
class RecapSpec:
    """The recap's sheet, header row and least column width; per row label its count, done
    count and share done; and the totals."""

    sheet: str
    headers: tuple[str, ...]
    min_width: int
    rows: dict[str, tuple[int, int, float]]
    total: tuple[int, int, float]


_CELL = r"\$?([A-Z]{1,3})\$?(\d+)"
_SUM = re.compile(rf"SUM\({_CELL}:{_CELL}\)")
_RATIO = re.compile(rf"{_CELL}/{_CELL}")
_REFERENCE = re.compile(_CELL)


def _cell_number(ws: Worksheet, coordinate: str, depth: int = 0) -> float | None:
    """The number in a cell, evaluating the simple formulas a recap uses.

    openpyxl reads formulas as text and computes nothing, so ``=SUM(B2:B6)``, ``=C7/B7`` and
    ``=B3`` are evaluated here; any other formula or text gives ``None``.
    """
    value = ws[coordinate].value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str) or not value.startswith("=") or depth > 5:
        return None
    formula = value[1:].replace(" ", "").upper()
    if match := _SUM.fullmatch(formula):
        first_column, first_row, last_column, last_row = match.groups()
        if first_column != last_column or int(first_row) > int(last_row):
            return None
        values = [
            _cell_number(ws, f"{first_column}{row}", depth + 1)
            for row in range(int(first_row), int(last_row) + 1)
        ]
        return None if None in values else float(sum(v for v in values if v is not None))
    if match := _RATIO.fullmatch(formula):
        top = _cell_number(ws, f"{match.group(1)}{match.group(2)}", depth + 1)
        bottom = _cell_number(ws, f"{match.group(3)}{match.group(4)}", depth + 1)
        return None if top is None or not bottom else top / bottom
    if match := _REFERENCE.fullmatch(formula):
        return _cell_number(ws, f"{match.group(1)}{match.group(2)}", depth + 1)
    return None


def _close(value: float | None, wanted: float, tolerance: float) -> bool:
    return value is not None and abs(value - wanted) <= tolerance


# Percentages may be rounded to a tenth of a percent (three decimals of the fraction).
_FRACTION_TOLERANCE = 0.0005


def _data_problems(ws: Worksheet, expected: RecapSpec, found: dict[str, int]) -> list[Incorrect]:
    problems = []
    missing = [kelurahan for kelurahan in expected.rows if kelurahan not in found]
    if missing:
        problems.append(wrong("rows_missing", labels=", ".join(missing)))
    off: dict[str, list[str]] = {header: [] for header in expected.headers[1:]}
    as_percent = False
    for kelurahan, row in found.items():
        count, done, share = expected.rows[kelurahan]
        if not _close(_cell_number(ws, f"B{row}"), count, 1e-9):
            off[expected.headers[1]].append(kelurahan)
        if not _close(_cell_number(ws, f"C{row}"), done, 1e-9):
            off[expected.headers[2]].append(kelurahan)
        value = _cell_number(ws, f"D{row}")
        if _close(value, share * 100, 0.05):
            as_percent = True
        elif not _close(value, share, _FRACTION_TOLERANCE):
            off[expected.headers[3]].append(kelurahan)
    for column, labels in off.items():
        if labels:
            problems.append(wrong("values_wrong", column=column, labels=", ".join(labels)))
    if as_percent:
        problems.append(wrong("percent_as_number"))
    return problems


def _total_row(ws: Worksheet, found: dict[str, int]) -> int | None:
    """The row just below the data when it is labelled as the total row."""
    below = max(found.values(), default=1) + 1
    label = ws[f"A{below}"].value
    if isinstance(label, str) and label.strip().casefold() in {"jumlah", "total"}:
        return below
    return None


def _total_problems(ws: Worksheet, expected: RecapSpec, below: int | None) -> list[Incorrect]:
    if below is None:
        return [wrong("total_missing")]
    count, done, share = expected.total
    checks = {
        "B": _close(_cell_number(ws, f"B{below}"), count, 1e-9),
        "C": _close(_cell_number(ws, f"C{below}"), done, 1e-9),
        "D": _close(_cell_number(ws, f"D{below}"), share, _FRACTION_TOLERANCE),
    }
    off = [column for column, right in checks.items() if not right]
    return [wrong("total_wrong", columns=", ".join(off))] if off else []


def check_recap(answer: object, expected: object) -> None:
    """The workbook at ``answer``: sheet, bold headers, right rows and totals (numbers or simple
    formulas), percent format, frozen header row and wide enough columns."""
    assert isinstance(expected, RecapSpec)
    path = as_path(answer)
    if not path.is_file():
        raise wrong("excel_missing", path=path)
    try:
        workbook = load_workbook(path)
    except Exception:
        raise wrong("not_an_excel", path=path) from None
    if expected.sheet not in workbook.sheetnames:
        raise wrong(
            "sheet_missing",
            sheet=expected.sheet,
            sheets=listing(workbook.sheetnames, shown=4, code=True),
        )
    ws = workbook[expected.sheet]
    problems = []
    headers = ws["A1:D1"][0]
    if tuple(cell.value for cell in headers) != expected.headers:
        problems.append(wrong("header_text", headers=listing(expected.headers, shown=4, code=True)))
    elif not all(cell.font.b for cell in headers):
        problems.append(wrong("header_not_bold"))
    found = {
        value: row
        for row in range(2, ws.max_row + 1)
        if isinstance(value := ws[f"A{row}"].value, str) and value in expected.rows
    }
    problems += _data_problems(ws, expected, found)
    total = _total_row(ws, found)
    problems += _total_problems(ws, expected, total)
    percent_rows = [*found.values(), *([total] if total else [])]
    if percent_rows and not all("%" in ws[f"D{row}"].number_format for row in percent_rows):
        problems.append(wrong("percent_format", column=expected.headers[3]))
    if ws.freeze_panes != "A2":
        problems.append(wrong("freeze_panes", got=ws.freeze_panes or "-"))
    narrow = [
        column
        for column in "ABCD"
        if (ws.column_dimensions[column].width or 0) < expected.min_width
    ]
    if narrow:
        problems.append(wrong("column_width", columns=", ".join(narrow), width=expected.min_width))
    raise_all(problems)
