"""How the checkers of ``courses/05_otomasi`` read letters: a letter number, a letter's text, a
folder of letter files and a zip archive of them.

A letter is checked by what it must contain (its parts), so a learner may word the template
differently; files and archives are checked by reopening them from disk. Every check raises
:class:`~kit.practice.toolkit.Incorrect` with the lesson's catalogue messages.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kit.datasets import BULAN_ROMAWI
from kit.practice.toolkit import Incorrect, LessonMessages, differences, listing, raise_all

__all__ = [
    "PARTS",
    "LetterSpec",
    "NumberSpec",
    "as_path",
    "check_archive",
    "check_letter",
    "check_letter_folder",
    "check_letter_number",
    "wrong",
]

wrong = LessonMessages("practice.m05_otomasi.")
"""The lesson's own catalogue messages (``practice.m05_otomasi.*``)."""

# Written in the message catalogue's order, so a list of missing parts reads like the letter.
PARTS = ("nomor", "tanggal_surat", "penerima", "jabatan", "acara", "hari_tanggal", "jam", "tempat")
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\$\{?\w+\}?|\{\w*\}")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# File names and template fields are listed as code, a few at a time.
_SHOWN = 4


def _names(items: list[str]) -> str:
    return listing(items, shown=_SHOWN, code=True)


def _file_differences(
    got: list[str], wanted: dict[str, object], missing: str, extra: str
) -> list[Incorrect]:
    """File names ``wanted`` lacks from ``got`` and the ones too many (catalogue keys given)."""
    return differences(
        got, wanted, missing=missing, extra=extra, field="names", shown=_SHOWN, code=True
    )


def as_path(answer: object) -> Path:
    """``answer`` as a path, or the reason it is not one."""
    if not isinstance(answer, (str, Path)):
        raise wrong("path_expected", got=type(answer).__name__)
    return Path(answer)


def _missing_parts(text: str, parts: dict[str, str]) -> list[str]:
    return [name for name in PARTS if parts[name] not in text]


def _part_labels(names: list[str]) -> str:
    return ", ".join(wrong.text(f"part.{name}") for name in names)


# -- the letter number ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberSpec:
    """The expected letter number, and the row it is built from (to explain a wrong one)."""

    number: str
    agenda: int
    letter_date: pd.Timestamp
    meeting_date: pd.Timestamp


def _number_part(name: str) -> str:
    return wrong.text(f"number.{name}")


def check_letter_number(answer: object, expected: object) -> None:
    """Compare part by part, so every wrong part of a letter number gets its own reason."""
    assert isinstance(expected, NumberSpec)
    if not isinstance(answer, str):
        raise wrong("letter_not_text", got=type(answer).__name__)
    if answer == expected.number:
        return
    given = answer.strip().split("/")
    wanted = expected.number.split("/")
    if len(given) != len(wanted):
        raise wrong("number_shape")
    problems = []
    code, agenda, office, month, year = given
    if code != wanted[0]:
        problems.append(wrong("number_part_wrong", part=_number_part("kode"), got=code))
    if agenda == str(expected.agenda) and agenda != wanted[1]:
        problems.append(wrong("agenda_not_padded"))
    elif agenda != wanted[1]:
        problems.append(wrong("number_part_wrong", part=_number_part("agenda"), got=agenda))
    if office != wanted[2]:
        problems.append(wrong("number_part_wrong", part=_number_part("kantor"), got=office))
    meeting = (BULAN_ROMAWI[expected.meeting_date.month], str(expected.meeting_date.year))
    arabic = {str(expected.letter_date.month), f"{expected.letter_date.month:02d}"}
    if (month, year) == meeting and (month, year) != (wanted[3], wanted[4]):
        problems.append(wrong("number_from_meeting_date"))
    else:
        if month in arabic:
            problems.append(wrong("month_not_roman"))
        elif month != wanted[3]:
            problems.append(wrong("number_part_wrong", part=_number_part("bulan"), got=month))
        if year != wanted[4]:
            problems.append(wrong("number_part_wrong", part=_number_part("tahun"), got=year))
    raise_all(problems)
    raise wrong("number_shape")


# -- one letter ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterSpec:
    """What one letter must contain, and the names of the other recipients."""

    parts: dict[str, str]
    other_names: tuple[str, ...]


def check_letter(answer: object, expected: object) -> None:
    """A text holding every part of ``expected``, no template field left, no ISO date."""
    assert isinstance(expected, LetterSpec)
    if not isinstance(answer, str):
        if hasattr(answer, "render"):
            raise wrong("letter_template_object")
        raise wrong("letter_not_text", got=type(answer).__name__)
    left = sorted(set(_PLACEHOLDER.findall(answer)))
    if left:
        # The parts are missing because their placeholders are: listing both would repeat it.
        raise wrong("placeholder_left", fields=_names(left))
    problems = []
    raw = sorted(set(_ISO_DATE.findall(answer)))
    if raw:
        problems.append(wrong("raw_date", found=_names(raw)))
    missing = _missing_parts(answer, expected.parts)
    if missing:
        others = [name for name in expected.other_names if name in answer]
        if others:
            problems.append(wrong("letter_other_row", names=_names(others)))
        problems.append(wrong("letter_missing_parts", parts=_part_labels(missing)))
    raise_all(problems)


# -- a folder of letters, and its archive --------------------------------------------------------


def check_letter_folder(answer: object, expected: object) -> None:
    """A folder with one ``.txt`` file per key of ``expected``, each holding its parts."""
    assert isinstance(expected, dict)
    folder = as_path(answer)
    if not folder.is_dir():
        raise wrong("folder_missing", path=folder)
    files = sorted(path.name for path in folder.glob("*.txt"))
    if not files:
        raise wrong("no_files", path=folder)
    if len(files) == 1 and len(expected) > 1:
        # One letter with a right name: the loop never ran (the lesson's example wrote it).
        if files[0] in expected:
            raise wrong("only_one_letter", name=files[0])
        raise wrong("files_overwritten", name=files[0])
    problems: list[Incorrect] = []
    if len(files) != len(expected):
        problems.append(wrong("file_count", got=len(files), expected=len(expected)))
    problems += _file_differences(
        files, expected, wrong.key("file_names_missing"), wrong.key("file_names_extra")
    )
    present = [name for name in expected if name in files]
    texts = {name: (folder / name).read_text(encoding="utf-8") for name in present}
    wrong_parts = {name: _missing_parts(texts[name], expected[name]) for name in present}
    wrong_parts = {name: parts for name, parts in wrong_parts.items() if parts}
    if len(texts) > 1 and len(set(texts.values())) == 1:
        problems.append(wrong("same_letter_everywhere"))
    elif wrong_parts:
        name, parts = next(iter(wrong_parts.items()))
        problems.append(
            wrong("file_content", count=len(wrong_parts), name=name, parts=_part_labels(parts))
        )
    raise_all(problems)


def check_archive(answer: object, expected: object) -> None:
    """A zip file, outside the letters' folder, holding exactly the files of ``expected``."""
    assert isinstance(expected, dict)
    archive = as_path(answer)
    if not archive.is_file():
        raise wrong("zip_missing", path=archive)
    if not zipfile.is_zipfile(archive):
        raise wrong("not_a_zip", path=archive)
    with zipfile.ZipFile(archive) as opened:
        names = [Path(info.filename).name for info in opened.infolist() if not info.is_dir()]
    if archive.name in names:
        raise wrong("zip_inside_folder")
    raise_all(
        _file_differences(
            names, expected, wrong.key("zip_files_missing"), wrong.key("zip_files_extra")
        )
    )
