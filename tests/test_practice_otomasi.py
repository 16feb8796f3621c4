"""The office-automation lesson: its invitation data; right letters, files, archives and
workbooks made without the checker (for the contract every lesson checker keeps,
tests/test_lesson_checkers.py); the wrong ones specific to this lesson; its working folder."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from jinja2 import StrictUndefined, Template
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

import kit.practice.otomasi as lesson
from kit.core.messages import message
from kit.core.organisation import KELURAHAN
from kit.core.workdays import holidays
from kit.datasets import DEFAULT_SEED, load
from kit.datasets.office_letters import (
    ACARA_RAPAT,
    ACARA_SOSIALISASI,
    BULAN,
    BULAN_ROMAWI,
    HARI,
    SAPAAN,
    generate_invitations,
)
from kit.practice.learner_build import is_selftest_cell

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "courses" / "05_otomasi" / "05_otomasi.ipynb"
OTHER_SEED = 7
KEY = "practice.m05_otomasi."


@pytest.fixture(autouse=True)
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIT_LANG", raising=False)


# -- independent reference: plain Python, own calendar words, no kit helpers ----------------------

MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
]  # fmt: skip
MONTH_NAMES = dict(enumerate(MONTHS, start=1))
DAY_NAMES = dict(enumerate(["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]))


def roman(number: int) -> str:
    """Roman numeral, by the subtractive rule."""
    text = ""
    for value, numeral in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            text, number = text + numeral, number - value
    return text


ROMAN = {month: roman(month) for month in range(1, 13)}
LETTER = Template(
    "No. {{ nomor }} | Medan, {{ tanggal_surat }} | Kepada Yth. {{ sapaan }} {{ nama }} "
    "({{ jabatan }}) | Undangan {{ acara }} pada {{ hari_tanggal }}, pukul {{ jam }} WIB, "
    "di {{ tempat }}.",
    undefined=StrictUndefined,
)


def date_text(day: pd.Timestamp) -> str:
    return f"{day.day} {MONTH_NAMES[day.month]} {day.year}"


def day_date_text(day: pd.Timestamp) -> str:
    return f"{DAY_NAMES[day.weekday()]}, {date_text(day)}"


def letter_number(row: pd.Series) -> str:
    day = row["tanggal_surat"]
    return "005/" + str(row["nomor_agenda"]).zfill(4) + f"/MM/{ROMAN[day.month]}/{day.year}"


def letter_values(row: pd.Series) -> dict[str, str]:
    return {
        "nomor": letter_number(row),
        "tanggal_surat": date_text(row["tanggal_surat"]),
        "sapaan": "Bapak" if row["jenis_kelamin"] == "L" else "Ibu",
        "nama": row["nama"],
        "jabatan": row["jabatan"],
        "acara": row["acara"],
        "hari_tanggal": day_date_text(row["tanggal_rapat"]),
        "jam": row["jam"],
        "tempat": row["tempat"],
    }


def file_name(row: pd.Series) -> str:
    return "undangan_" + str(row["no_urut"]).zfill(2) + "_" + "_".join(row["nama"].lower().split())


def write_letters(data: pd.DataFrame, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for _, row in data.iterrows():
        (folder / f"{file_name(row)}.txt").write_text(LETTER.render(letter_values(row)), "utf-8")
    return folder


def recap_rows(data: pd.DataFrame) -> list[tuple[str, int, int, float]]:
    rows = []
    for kelurahan in sorted(set(data["kelurahan"])):
        statuses = [
            s for k, s in zip(data["kelurahan"], data["status"], strict=True) if k == kelurahan
        ]
        done = statuses.count("Selesai")
        rows.append((kelurahan, len(statuses), done, done / len(statuses)))
    return rows


def write_recap(
    data: pd.DataFrame,
    path: Path,
    *,
    formulas: bool = True,
    percent: float = 1.0,
    total: str = "right",
    bold: bool = True,
    freeze: str | None = "A2",
    width: float = 20,
    sheet: str = "Rekap",
    total_format: bool = True,
) -> Path:
    """A recap written with openpyxl alone; the keywords produce the typical mistakes."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(list(lesson.JUDUL_REKAP))
    rows = recap_rows(data)
    for name, count, done, share in rows:
        ws.append([name, count, done, share * percent])
    last = len(rows) + 1
    below = last + 1
    all_count = sum(r[1] for r in rows)
    all_done = sum(r[2] for r in rows)
    if total == "right" and formulas:
        ws.append(["Jumlah", f"=SUM(B2:B{last})", f"=SUM(C2:C{last})", f"=C{below}/B{below}"])
    elif total == "right":
        ws.append(["Jumlah", all_count, all_done, all_done / all_count * percent])
    elif total == "mean":
        ws.append(["Jumlah", f"=SUM(B2:B{last})", f"=SUM(C2:C{last})", f"=AVERAGE(D2:D{last})"])
    if bold:
        for cell in ws[1]:
            cell.font = Font(bold=True)
    if percent == 1.0:
        for cell in ws["D"][1:]:
            cell.number_format = "0.0%"
    if not total_format:
        ws[f"D{below}"].number_format = "General"
    ws.freeze_panes = freeze
    for column in "ABCD":
        ws.column_dimensions[column].width = width
    workbook.save(path)
    return path


# -- the invitation data --------------------------------------------------------------------------

COLUMNS = [
    "no_urut", "nama", "jenis_kelamin", "jabatan", "kelurahan", "acara", "tanggal_rapat", "jam",
    "tempat", "nomor_agenda", "tanggal_surat",
]  # fmt: skip


def test_invitations_are_the_same_for_a_seed_and_differ_between_seeds():
    first = generate_invitations(DEFAULT_SEED)
    pd.testing.assert_frame_equal(first, generate_invitations(DEFAULT_SEED))
    pd.testing.assert_frame_equal(first, load("undangan_rapat"))
    other = generate_invitations(OTHER_SEED)
    assert first["nama"].tolist() != other["nama"].tolist()
    assert first["nomor_agenda"].iloc[0] != other["nomor_agenda"].iloc[0]


@pytest.mark.parametrize("seed", [DEFAULT_SEED, OTHER_SEED, 1, 99])
def test_invitations_are_plausible_and_hold_what_the_lesson_uses(seed):
    data = generate_invitations(seed)
    assert data.columns.tolist() == COLUMNS
    assert data["no_urut"].tolist() == list(range(1, len(data) + 1))
    assert 25 <= len(data) <= 35
    assert data["nama"].is_unique
    assert set(data["jenis_kelamin"]) <= {"L", "P"}
    assert set(data["kelurahan"]) == set(KELURAHAN)
    assert set(data["acara"]) == {ACARA_RAPAT, ACARA_SOSIALISASI}
    assert all(re.fullmatch(r"\d\d\.\d\d", jam) for jam in data["jam"])
    assert (data["jabatan"].str.split().str.len() >= 2).all()
    free = {dt.date.fromisoformat(str(day)) for day in holidays()}
    for column, month in (("tanggal_surat", 11), ("tanggal_rapat", 12)):
        days = [day.date() for day in data[column]]
        assert all(day.year == 2026 and day.month == month for day in days), column
        assert all(day.weekday() < 5 and day not in free for day in days), column
    assert (data["tanggal_surat"] < data["tanggal_rapat"]).all()
    # One agenda number per event, i.e. per date and venue.
    events = data.groupby(["acara", "tanggal_rapat", "tempat"])["nomor_agenda"].nunique()
    assert (events == 1).all()
    assert data.groupby("nomor_agenda")["tempat"].nunique().max() == 1
    for kelurahan in KELURAHAN:
        here = data[data["kelurahan"] == kelurahan]
        assert (here["acara"] == ACARA_RAPAT).sum() == 3
        assert 2 <= (here["acara"] == ACARA_SOSIALISASI).sum() <= 4
    first = data.iloc[0]
    # The lesson's typical mistakes show on the first row: a one-digit meeting day (leading
    # zero) and a letter month that is not the meeting month (month taken from the wrong date).
    assert first["tanggal_rapat"].day < 10
    assert first["tanggal_surat"].month != first["tanggal_rapat"].month
    assert first["nomor_agenda"] < 1000


def test_calendar_words_do_not_depend_on_the_locale():
    assert BULAN == MONTH_NAMES
    assert HARI == DAY_NAMES
    assert BULAN_ROMAWI == ROMAN
    assert SAPAAN == {"L": "Bapak", "P": "Ibu"}
    # 7 December 2026 is a Monday: HARI follows Python's weekday() numbering.
    assert HARI[dt.date(2026, 12, 7).weekday()] == "Senin"


# -- the checkers ---------------------------------------------------------------------------------


def test_lesson_declares_six_exercises():
    assert [name for name in lesson.__all__ if name.startswith("soal_")] == [
        f"soal_{n}" for n in range(1, 7)
    ]


INDEPENDENT = {
    "soal_1": lambda undangan, folder: day_date_text(undangan.iloc[0]["tanggal_rapat"]),
    "soal_2": lambda undangan, folder: letter_number(undangan.iloc[0]),
    "soal_3": lambda undangan, folder: LETTER.render(letter_values(undangan.iloc[0])),
    "soal_4": lambda undangan, folder: write_letters(undangan, folder / "surat"),
    "soal_5": lambda undangan, folder: shutil.make_archive(
        str(folder / "arsip"), "zip", write_letters(undangan, folder / "surat_zip")
    ),
}


def independent_answers(seed: int, folder: Path) -> dict[str, object]:
    """Every question's answer for the data of ``seed``, computed without the checker
    (tests/test_lesson_checkers.py)."""
    undangan = load("undangan_rapat", seed=seed)
    answers = {name: compute(undangan, folder) for name, compute in INDEPENDENT.items()}
    answers["soal_6"] = write_recap(load("pengaduan", seed=seed), folder / "rekap.xlsx")
    return answers


# -- plausible wrong answers, written as a learner would ------------------------------------------


@pytest.fixture
def first() -> pd.Series:
    return load("undangan_rapat").iloc[0]


def test_soal_1_date_mistakes_get_their_own_message(first):
    q = lesson.soal_1
    t = first["tanggal_rapat"]
    right = day_date_text(t)
    q.assert_check_failed(right.replace(f" {t.day} ", f" 0{t.day} "), because=KEY + "leading_zero")
    q.assert_check_failed(t.strftime("%A, %d %B %Y"), because=KEY + "english_names")
    english_month = f"{DAY_NAMES[t.weekday()]}, {t.day} {t.strftime('%B')} {t.year}"
    q.assert_check_failed(english_month, because=KEY + "english_names")
    q.assert_check_failed(
        f"{DAY_NAMES[t.weekday()]}, {t.day} {MONTH_NAMES[t.month - 1]} {t.year}",
        because=KEY + "month_shifted",
    )
    q.assert_check_failed(
        f"{DAY_NAMES[t.isoweekday() % 7]}, {date_text(t)}", because=KEY + "weekday_shifted"
    )
    q.assert_check_failed(date_text(t), because=KEY + "day_name_missing")
    q.assert_check_failed(
        day_date_text(first["tanggal_surat"]), because=KEY + "letter_date_not_meeting_date"
    )
    q.assert_check_failed(right.lower(), because="practice.text_case")
    q.assert_check_failed(t, because="practice.wrong_type")


def test_soal_2_every_wrong_part_of_the_number_is_named(first):
    q = lesson.soal_2
    s, r = first["tanggal_surat"], first["tanggal_rapat"]
    agenda = int(first["nomor_agenda"])
    roman = ROMAN[s.month]
    q.assert_check_failed(f"005/{agenda}/MM/{roman}/{s.year}", because=KEY + "agenda_not_padded")
    q.assert_check_failed(
        f"005/{agenda:04d}/MM/{s.month}/{s.year}", because=KEY + "month_not_roman"
    )
    q.assert_check_failed(
        f"005/{agenda:04d}/MM/{ROMAN[r.month]}/{r.year}", because=KEY + "number_from_meeting_date"
    )
    both = q.evaluate(f"005/{agenda}/MM/{s.month}/{s.year}")
    assert {KEY + "agenda_not_padded", KEY + "month_not_roman"} <= set(both.keys)
    q.assert_check_failed(f"005/{agenda:04d}/MM/{roman}", because=KEY + "number_shape")
    q.assert_check_failed(f"005-{agenda:04d}-MM-{roman}-{s.year}", because=KEY + "number_shape")
    wrong_office = q.evaluate(f"005/{agenda:04d}/MRL/{roman}/{s.year}")
    assert wrong_office.keys == (KEY + "number_part_wrong",)
    assert "MRL" in wrong_office.details[0]
    q.assert_check_failed(agenda, because=KEY + "letter_not_text")
    # The message for a badly shaped number shows the pattern, never the answer itself.
    assert letter_number(first) not in message(KEY + "number_shape")


def test_soal_3_letters_are_checked_by_what_they_contain(first):
    q = lesson.soal_3
    values = letter_values(first)
    q.assert_check_passed(LETTER.render(values) + "\n\nTembusan: Sekretaris Camat")
    q.assert_check_failed(LETTER, because=KEY + "letter_template_object")
    q.assert_check_failed(42, because=KEY + "letter_not_text")
    raw = LETTER.render(values, hari_tanggal=str(first["tanggal_rapat"].date()))
    q.assert_check_failed(raw, because=KEY + "raw_date")
    unfilled = "Yth. {{ sapaan }} " + first["nama"]
    feedback = q.evaluate(unfilled)
    assert feedback.keys == (KEY + "placeholder_left",)
    q.assert_check_failed("Yth. $sapaan " + first["nama"], because=KEY + "placeholder_left")
    forgotten = {k: v for k, v in values.items() if k != "hari_tanggal"}
    blank = Template(
        "{{ nomor }} {{ tanggal_surat }} {{ sapaan }} {{ nama }} {{ jabatan }} {{ acara }} "
        "{{ hari_tanggal }} {{ jam }} {{ tempat }}"
    ).render(forgotten)
    feedback = q.evaluate(blank)
    assert feedback.keys == (KEY + "letter_missing_parts",)
    assert message(KEY + "part.hari_tanggal") in feedback.details[0]
    second = load("undangan_rapat").iloc[1]
    other = LETTER.render(letter_values(second))
    q.assert_check_failed(other, because=KEY + "letter_other_row")
    q.assert_check_failed(
        LETTER.render(values, sapaan="Ibu" if values["sapaan"] == "Bapak" else "Bapak"),
        because=KEY + "letter_missing_parts",
    )


@pytest.fixture
def letters(tmp_path: Path) -> Path:
    return write_letters(load("undangan_rapat"), tmp_path / "undangan")


def copy_of(folder: Path, name: str) -> Path:
    return Path(shutil.copytree(folder, folder.parent / name))


def test_soal_4_folder_mistakes(letters, tmp_path):
    q = lesson.soal_4
    data = load("undangan_rapat")
    names = sorted(p.name for p in letters.glob("*.txt"))
    q.assert_check_passed(str(letters))
    (letters / "catatan.md").write_text("bukan surat", encoding="utf-8")
    q.assert_check_passed(letters)  # other kinds of files are left alone

    q.assert_check_failed(tmp_path / "tidak_ada", because=KEY + "folder_missing")
    empty = tmp_path / "kosong"
    empty.mkdir()
    q.assert_check_failed(empty, because=KEY + "no_files")
    q.assert_check_failed(len(data), because=KEY + "path_expected")

    one = tmp_path / "satu"
    one.mkdir()
    (one / "undangan.txt").write_text(LETTER.render(letter_values(data.iloc[-1])), "utf-8")
    q.assert_check_failed(one, because=KEY + "files_overwritten")
    only_example = tmp_path / "contoh_saja"
    only_example.mkdir()
    shutil.copy(letters / sorted(p.name for p in letters.glob("*.txt"))[1], only_example)
    q.assert_check_failed(only_example, because=KEY + "only_one_letter")

    fewer = copy_of(letters, "kurang")
    (fewer / names[-1]).unlink()
    feedback = q.evaluate(fewer)
    assert {KEY + "file_count", KEY + "file_names_missing"} <= set(feedback.keys)

    unpadded = tmp_path / "tanpa_nol"
    unpadded.mkdir()
    for path in letters.glob("*.txt"):
        (unpadded / re.sub(r"_0(\d)_", r"_\1_", path.name)).write_text(path.read_text("utf-8"))
    feedback = q.evaluate(unpadded)
    assert {KEY + "file_names_missing", KEY + "file_names_extra"} <= set(feedback.keys)

    same = copy_of(letters, "sama")
    for name in names:
        (same / name).write_text((letters / names[0]).read_text("utf-8"), "utf-8")
    q.assert_check_failed(same, because=KEY + "same_letter_everywhere")

    one_wrong = copy_of(letters, "satu_salah")
    row = data.iloc[3]
    (one_wrong / names[3]).write_text(LETTER.render(letter_values(row), jam="10.00"), "utf-8")
    feedback = q.evaluate(one_wrong)
    assert feedback.keys == (KEY + "file_content",)
    assert names[3] in feedback.details[0]
    assert message(KEY + "part.jam") in feedback.details[0]


def test_soal_5_archive_mistakes(letters, tmp_path):
    q = lesson.soal_5
    q.assert_check_passed(shutil.make_archive(str(tmp_path / "arsip"), "zip", letters))
    # An archive of the folder itself (names prefixed with it) holds the same letters.
    q.assert_check_passed(
        shutil.make_archive(str(tmp_path / "berfolder"), "zip", tmp_path, "undangan")
    )
    inside = copy_of(letters, "dalam")
    q.assert_check_failed(
        shutil.make_archive(str(inside / "arsip"), "zip", inside), because=KEY + "zip_inside_folder"
    )
    fewer = copy_of(letters, "kurang")
    next(fewer.glob("*.txt")).unlink()
    q.assert_check_failed(
        shutil.make_archive(str(tmp_path / "kurang"), "zip", fewer),
        because=KEY + "zip_files_missing",
    )
    more = copy_of(letters, "lebih")
    (more / "daftar_hadir.xlsx").write_bytes(b"x")
    q.assert_check_failed(
        shutil.make_archive(str(tmp_path / "lebih"), "zip", more), because=KEY + "zip_files_extra"
    )
    tarball = shutil.make_archive(str(tmp_path / "tar"), "gztar", letters)
    q.assert_check_failed(tarball, because=KEY + "not_a_zip")
    q.assert_check_failed(tmp_path / "tidak_ada.zip", because=KEY + "zip_missing")
    q.assert_check_failed(zipfile.ZipFile, because=KEY + "path_expected")


@pytest.fixture
def pengaduan() -> pd.DataFrame:
    return load("pengaduan")


def test_soal_6_accepts_formulas_numbers_and_any_row_order(pengaduan, tmp_path):
    q = lesson.soal_6
    q.assert_check_passed(write_recap(pengaduan, tmp_path / "rumus.xlsx"))
    q.assert_check_passed(write_recap(pengaduan, tmp_path / "angka.xlsx", formulas=False))
    shuffled = tmp_path / "acak.xlsx"
    write_recap(pengaduan, shuffled)
    workbook = load_workbook(shuffled)
    ws = workbook["Rekap"]
    second = [cell.value for cell in ws[3]]
    for column, value in zip("ABCD", [cell.value for cell in ws[2]], strict=True):
        ws[f"{column}3"] = value
    for column, value in zip("ABCD", second, strict=True):
        ws[f"{column}2"] = value
    workbook.save(shuffled)
    q.assert_check_passed(shuffled)


@pytest.mark.parametrize(
    ("variant", "keys"),
    [
        ({"percent": 100.0}, {"percent_as_number", "percent_format"}),
        ({"total": "none"}, {"total_missing"}),
        ({"total_format": False}, {"percent_format"}),
        ({"total": "mean"}, {"total_wrong"}),
        ({"bold": False}, {"header_not_bold"}),
        ({"freeze": None}, {"freeze_panes"}),
        ({"freeze": "B2"}, {"freeze_panes"}),
        ({"width": 13}, {"column_width"}),
        ({"bold": False, "freeze": None, "width": 13}, {"header_not_bold", "freeze_panes"}),
    ],
)
def test_soal_6_names_every_unmet_requirement(pengaduan, tmp_path, variant, keys):
    feedback = lesson.soal_6.evaluate(write_recap(pengaduan, tmp_path / "r.xlsx", **variant))
    assert feedback.kind == "incorrect"
    assert {KEY + key for key in keys} <= set(feedback.keys)


def test_soal_6_wrong_sheet_headers_rows_and_files(pengaduan, tmp_path):
    q = lesson.soal_6
    q.assert_check_failed(
        write_recap(pengaduan, tmp_path / "lembar.xlsx", sheet="Sheet1"),
        because=KEY + "sheet_missing",
    )
    headers = write_recap(pengaduan, tmp_path / "judul.xlsx")
    workbook = load_workbook(headers)
    workbook["Rekap"]["B1"] = "Jumlah"
    workbook.save(headers)
    q.assert_check_failed(headers, because=KEY + "header_text")
    fewer = write_recap(pengaduan[pengaduan["kelurahan"] != "Terjun"], tmp_path / "kurang.xlsx")
    feedback = q.evaluate(fewer)
    assert {KEY + "rows_missing", KEY + "total_wrong"} <= set(feedback.keys)
    assert "Terjun" in feedback.details[0]
    wrong = write_recap(pengaduan, tmp_path / "salah.xlsx")
    workbook = load_workbook(wrong)
    workbook["Rekap"]["C4"] = workbook["Rekap"]["C4"].value + 1
    workbook.save(wrong)
    feedback = q.evaluate(wrong)
    assert feedback.keys[0] == KEY + "values_wrong"
    assert "Selesai" in feedback.details[0]
    text = tmp_path / "bukan.xlsx"
    text.write_text("bukan excel", encoding="utf-8")
    q.assert_check_failed(text, because=KEY + "not_an_excel")
    q.assert_check_failed(tmp_path / "tidak_ada.xlsx", because=KEY + "excel_missing")


# -- the lesson's own variables -------------------------------------------------------------------


@pytest.fixture(scope="module")
def lesson_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    """The variables the lesson's example cells build, and the folder they ran in.

    The lesson writes into ``hasil_otomasi/`` next to itself, so it runs in a temporary folder.
    """
    nb = nbformat.read(LESSON, as_version=4)
    namespace: dict[str, object] = {}
    workdir = tmp_path_factory.mktemp("lesson")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(workdir)
        for cell in nb.cells:
            if cell.cell_type != "code" or is_selftest_cell(cell) or ".check(" in cell.source:
                continue
            exec(cell.source, namespace)
    return namespace, workdir


def test_lesson_examples_write_only_into_the_working_folder(lesson_run):
    _, workdir = lesson_run
    assert [p.name for p in workdir.iterdir()] == ["hasil_otomasi"]
    written = sorted(p.name for p in (workdir / "hasil_otomasi").iterdir())
    assert written == ["daftar_undangan.xlsx", "undangan"]


def test_lesson_working_folder_is_relative_and_emptied_first():
    nb = nbformat.read(LESSON, as_version=4)
    setup = next(cell.source for cell in nb.cells if "folder_kerja = " in cell.source)
    assert 'Path("hasil_otomasi")' in setup
    assert setup.index("shutil.rmtree(folder_kerja") < setup.index("folder_kerja.mkdir()")


def test_lesson_examples_do_not_give_the_answers_away():
    nb = nbformat.read(LESSON, as_version=4)
    text = "\n".join(cell.source for cell in nb.cells if not is_selftest_cell(cell))
    first = load("undangan_rapat").iloc[0]
    assert day_date_text(first["tanggal_rapat"]) not in text
    assert letter_number(first) not in text


# -- the message catalogue ------------------------------------------------------------------------


def test_feedback_reads_in_english_when_asked(monkeypatch, first):
    monkeypatch.setenv("KIT_LANG", "en")
    feedback = lesson.soal_1.evaluate(day_date_text(first["tanggal_surat"]))
    assert "meeting date" in feedback.details[0]
