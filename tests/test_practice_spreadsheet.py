"""The seeded office spreadsheets of module 2 are messy in the designed ways and clean up to the
published recap; answers computed without the checker (for the contract every lesson checker
keeps, tests/test_lesson_checkers.py); the wrong answers specific to this lesson."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

import kit.practice.spreadsheet as lesson
from kit.core.organisation import KELURAHAN
from kit.datasets import DEFAULT_SEED, available, load
from kit.datasets import office_sheets as sheets
from tests.practice_harness import lesson_example_namespace

OTHER_SEED = 7
LESSON = (
    Path(__file__).resolve().parent.parent / "courses" / "02_spreadsheet" / "02_spreadsheet.ipynb"
)
KEY = ("bulan", "kelurahan", "layanan")
RAW_COLUMNS = ["tanggal_lapor", "bulan", "kelurahan", "layanan", "jumlah"]
# Every way the clerks misspell a kelurahan, written out here rather than taken from the kit.
MISSPELT = {
    "lab. deli": "Labuhan Deli",
    "payapasir": "Paya Pasir",
    "rengas pulo": "Rengas Pulau",
    "tanah 600": "Tanah Enam Ratus",
    "kel. terjun": "Terjun",
}


@pytest.fixture(autouse=True)
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIT_LANG", raising=False)


# -- independent computations: plain Python, no pandas cleaning methods -----------------------


def official_name(typed: str) -> str:
    plain = " ".join(typed.split()).casefold()
    by_plain = {name.casefold(): name for name in KELURAHAN}
    return by_plain.get(plain) or MISSPELT[plain]


def parse_date(text: str) -> pd.Timestamp:
    for layout in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return pd.Timestamp(datetime.strptime(text, layout))
        except ValueError:
            continue
    raise ValueError(text)


def parse_number(text: str) -> int:
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*|\d+", text), text
    return int(text.replace(".", ""))


def read_recap_sheet(path: Path) -> pd.DataFrame:
    """The recap table of the practice workbook, read cell by cell with openpyxl."""
    rows = list(openpyxl.load_workbook(path, read_only=True)["Rekap"].iter_rows(values_only=True))
    header, *body = rows[2:]
    return pd.DataFrame([[str(v) for v in row] for row in body], columns=list(header))


def read_staff_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def last_typed_per_key(raw: pd.DataFrame) -> pd.DataFrame:
    """The last row typed for every key, where it stands in the sheet."""
    rows = [list(row) for row in raw.itertuples(index=False)]
    last = {tuple(row[raw.columns.get_loc(c)] for c in KEY): i for i, row in enumerate(rows)}
    return pd.DataFrame([rows[i] for i in sorted(last.values())], columns=list(raw.columns))


def clean_rows(raw: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tanggal_lapor": [parse_date(t) for t in raw["tanggal_lapor"]],
            "bulan": list(raw["bulan"]),
            "kelurahan": [official_name(k) for k in raw["kelurahan"]],
            "layanan": list(raw["layanan"]),
            "jumlah": [parse_number(j) for j in raw["jumlah"]],
        }
    )


def per_clerk(seed: int) -> pd.DataFrame:
    totals: Counter[str] = Counter()
    for row in load("rekap_layanan", seed=seed).itertuples():
        totals[row.kelurahan] += row.jumlah
    staff = {u.kelurahan: u for u in load("pegawai_unit", seed=seed).itertuples() if u.kelurahan}
    return pd.DataFrame(
        [
            {"kelurahan": k, "berkas_per_petugas": round(n / staff[k].petugas_adminduk, 1)}
            for k, n in totals.items()
        ]
    )


def independent_answers(seed: int, folder: Path) -> dict[str, object]:
    """A right answer to every exercise for the data of ``seed``, computed without the kit."""
    files = sheets.write_practice_files(folder, seed=seed)
    raw = read_recap_sheet(files["rekap"])
    cleaned = clean_rows(raw)
    saved = folder / "jawaban.xlsx"
    load("rekap_layanan", seed=seed).to_excel(saved, sheet_name="Rekap", index=False)
    return {
        "soal_1": raw,
        "soal_2": cleaned["kelurahan"],
        "soal_3": cleaned["tanggal_lapor"],
        "soal_4": cleaned["jumlah"],
        "soal_5": last_typed_per_key(raw),
        "soal_6": per_clerk(seed),
        "soal_7": saved,
    }


def use_seed(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """Make the checker read the data of ``seed`` (tests/test_lesson_checkers.py)."""
    monkeypatch.setattr(lesson, "load", lambda data_set: load(data_set, seed=seed))
    monkeypatch.setattr(lesson, "recap_as_typed", lambda _: sheets.recap_as_typed(seed))


# -- the data sets ------------------------------------------------------------------------------


def test_data_sets_are_declared():
    assert {"rekap_layanan_mentah", "rekap_layanan", "pegawai_unit"} <= set(available())


@pytest.mark.parametrize("name", ["rekap_layanan_mentah", "rekap_layanan", "pegawai_unit"])
def test_generators_are_deterministic_and_depend_on_the_seed(name):
    generator = sheets.DATASETS[name]
    pd.testing.assert_frame_equal(generator(DEFAULT_SEED), generator(DEFAULT_SEED))
    pd.testing.assert_frame_equal(load(name), generator(DEFAULT_SEED))
    assert not generator(DEFAULT_SEED).equals(generator(OTHER_SEED))


@pytest.mark.parametrize("seed", [DEFAULT_SEED, OTHER_SEED, 1])
def test_raw_recap_is_text_typed_in_the_designed_messy_ways(seed):
    raw = load("rekap_layanan_mentah", seed=seed)
    assert list(raw.columns) == RAW_COLUMNS
    assert all(pd.api.types.is_string_dtype(raw[c]) for c in RAW_COLUMNS)
    assert len(raw) == 6 * 5 * 4 + 8 + 3
    names = set(raw["kelurahan"])
    assert any(n != n.strip() for n in names), "stray spaces"
    assert any(n.isupper() for n in names) and any(n.islower() for n in names), "odd case"
    assert {" ".join(n.split()).casefold() for n in names} >= set(MISSPELT), "each misspelling"
    dates = raw["tanggal_lapor"]
    assert (
        dates.str.fullmatch(r"\d\d/\d\d/2026").any()
        and dates.str.fullmatch(r"2026-\d\d-\d\d").any()
    )
    assert raw["jumlah"].str.contains(".", regex=False).any(), "thousand separators"
    assert set(raw["bulan"]) == set(sheets.MONTHS)
    assert set(raw["layanan"]) == set(sheets.SERVICES)
    # two reports (four rows each) pasted twice, three rows typed again with a corrected number
    assert raw.duplicated().sum() == 8
    assert raw.duplicated(list(KEY)).sum() == 8 + 3


@pytest.mark.parametrize("seed", [DEFAULT_SEED, OTHER_SEED, 1])
def test_cleaning_the_raw_recap_by_hand_gives_the_published_recap(seed):
    raw = load("rekap_layanan_mentah", seed=seed)
    typed = sheets.recap_as_typed(seed)
    pd.testing.assert_frame_equal(clean_rows(raw), typed, check_dtype=False)
    clean = load("rekap_layanan", seed=seed)
    by_hand = clean_rows(last_typed_per_key(raw))
    pd.testing.assert_frame_equal(by_hand, clean, check_dtype=False)
    assert [str(t) for t in clean.dtypes] == ["datetime64[us]", "str", "str", "str", "int64"]


@pytest.mark.parametrize("seed", [DEFAULT_SEED, OTHER_SEED, 1])
def test_clean_recap_values_are_plausible(seed):
    clean = load("rekap_layanan", seed=seed)
    assert len(clean) == 120
    assert Counter(map(tuple, clean[list(KEY)].to_numpy().tolist())) == Counter(
        {(m, k, s): 1 for m in sheets.MONTHS for k in KELURAHAN for s in sheets.SERVICES}
    )
    # a month's recap is sent on a working day 1-12 of the next month (day <= 12: ambiguous)
    months = {name: number for number, name in enumerate(sheets.MONTHS, start=1)}
    for row in clean.itertuples():
        assert row.tanggal_lapor.month == months[row.bulan] + 1
        assert 1 <= row.tanggal_lapor.day <= 12 and row.tanggal_lapor.weekday() < 5
    assert clean["jumlah"].between(1, 3000).all()
    assert clean.groupby("layanan")["jumlah"].median()["KTP-el"] > 500
    assert (clean["jumlah"] >= 1000).any()


def test_staff_table_names_every_unit_and_the_kelurahan_key():
    staff = load("pegawai_unit")
    assert list(staff.columns) == [
        "kode_unit",
        "nama_unit",
        "kelurahan",
        "jumlah_pegawai",
        "petugas_adminduk",
    ]
    assert set(staff["kelurahan"].dropna()) == set(KELURAHAN)
    assert staff["kelurahan"].isna().sum() == 1  # the Kantor Camat
    assert (staff["petugas_adminduk"] >= 2).all()
    assert (staff["petugas_adminduk"] < staff["jumlah_pegawai"]).all()


@pytest.mark.parametrize("seed", [DEFAULT_SEED, OTHER_SEED])
def test_practice_files_read_back_as_the_data_sets(seed, tmp_path):
    files = sheets.write_practice_files(tmp_path / "baru" / "folder", seed=seed)
    assert set(files) == {"rekap", "pegawai"} and all(p.is_file() for p in files.values())
    workbook = openpyxl.load_workbook(files["rekap"])
    assert workbook.sheetnames == ["Rekap"]
    assert str(workbook["Rekap"]["A1"].value).startswith("REKAP LAYANAN")
    read = pd.read_excel(files["rekap"], skiprows=2, dtype=str)
    pd.testing.assert_frame_equal(read, load("rekap_layanan_mentah", seed=seed))
    pd.testing.assert_frame_equal(read_recap_sheet(files["rekap"]), read)
    staff = pd.read_csv(files["pegawai"], sep=";")
    pd.testing.assert_frame_equal(staff, load("pegawai_unit", seed=seed))
    assert len(read_staff_csv(files["pegawai"])) == len(staff)


# -- the checkers -------------------------------------------------------------------------------


def test_lesson_declares_seven_exercises_and_the_recap_key():
    assert [name for name in lesson.__all__ if name.startswith("soal_")] == [
        f"soal_{n}" for n in range(1, 8)
    ]
    assert [*KEY] == lesson.KUNCI_REKAP


def exercise_variables() -> dict[str, str]:
    """Question name -> the variable its exercise cell asks for (``x = ____`` ... ``check(x)``)."""
    nb = nbformat.read(LESSON, as_version=4)
    found = {}
    for cell in nb.cells:
        match = re.fullmatch(r"(\w+) = ____\n\n(soal_\d+)\.check\(\1\)", cell.source)
        if match:
            found[match.group(2)] = match.group(1)
    return found


@pytest.fixture(scope="module")
def lesson_namespace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The variables the lesson's example cells build (exercise and self-test cells left out)."""
    import os

    here = Path.cwd()
    os.chdir(tmp_path_factory.mktemp("lesson"))  # the lesson writes its practice files here
    try:
        namespace = lesson_example_namespace(LESSON)
        namespace["folder_latihan"] = Path.cwd() / namespace["folder_latihan"]
        namespace["berkas"] = {k: Path.cwd() / v for k, v in namespace["berkas"].items()}
    finally:
        os.chdir(here)
    return namespace


def test_every_exercise_cell_names_its_answer_variable():
    assert set(exercise_variables()) == {f"soal_{n}" for n in range(1, 8)}


def test_lesson_continues_with_the_same_tables_as_its_files(lesson_namespace):
    pd.testing.assert_frame_equal(
        lesson_namespace["rekap"],
        pd.read_excel(lesson_namespace["berkas"]["rekap"], skiprows=2, dtype=str),
    )
    pd.testing.assert_frame_equal(lesson_namespace["rekap_bersih"], load("rekap_layanan"))


# -- plausible wrong answers, written as a learner would -----------------------------------------


@pytest.fixture
def raw() -> pd.DataFrame:
    return load("rekap_layanan_mentah")


def test_soal_1_reading_mistakes(lesson_namespace):
    q = lesson.soal_1
    path = lesson_namespace["berkas"]["rekap"]
    q.assert_check_failed(pd.read_excel(path), because="practice.m02_spreadsheet.title_rows")
    q.assert_check_failed(
        pd.read_excel(path, skiprows=2), because="practice.m02_spreadsheet.numbers_guessed"
    )
    q.assert_check_failed(
        pd.read_excel(path, skiprows=3, dtype=str), because="practice.missing_columns"
    )
    q.assert_check_failed(pd.read_excel(path, skiprows=2, dtype=str).head(120))


def test_soal_2_half_cleaned_names(raw):
    q = lesson.soal_2
    names = raw["kelurahan"]
    right = pd.Series([official_name(n) for n in names])
    q.assert_check_passed(right)
    q.assert_check_failed(names, because="practice.m02_spreadsheet.spaces_left")
    q.assert_check_failed(
        names.str.strip().str.upper(), because="practice.m02_spreadsheet.case_left"
    )
    q.assert_check_failed(
        names.str.strip().str.title(), because="practice.m02_spreadsheet.typos_left"
    )
    q.assert_check_failed(right.unique().tolist(), because="practice.wrong_type")
    q.assert_check_failed(right.drop_duplicates())


def test_soal_3_dates_half_read(raw):
    q = lesson.soal_3
    slashed = pd.to_datetime(raw["tanggal_lapor"], format="%d/%m/%Y", errors="coerce")
    q.assert_check_failed(slashed, because="practice.m02_spreadsheet.dates_missing")
    month_first = pd.to_datetime(raw["tanggal_lapor"], format="%m/%d/%Y", errors="coerce")
    iso = pd.to_datetime(raw["tanggal_lapor"], format="%Y-%m-%d", errors="coerce")
    q.assert_check_failed(month_first.fillna(iso))
    q.assert_check_failed(raw["tanggal_lapor"], because="practice.m02_spreadsheet.still_text")


def test_soal_4_numbers(raw):
    q = lesson.soal_4
    q.assert_check_passed(pd.Series([float(parse_number(t)) for t in raw["jumlah"]]))
    q.assert_check_failed(
        raw["jumlah"].astype(float), because="practice.m02_spreadsheet.decimal_point"
    )
    q.assert_check_failed(
        raw["jumlah"].str.replace(".", "", regex=False),
        because="practice.m02_spreadsheet.still_text",
    )


def test_soal_5_duplicates(raw):
    q = lesson.soal_5
    q.assert_check_passed(last_typed_per_key(raw).iloc[::-1])
    q.assert_check_failed(raw, because="practice.m02_spreadsheet.duplicates_left")
    q.assert_check_failed(
        raw.drop_duplicates(list(KEY), keep=False), because="practice.m02_spreadsheet.dropped_all"
    )
    feedback = q.evaluate(raw.drop_duplicates())
    assert feedback.keys == ("practice.m02_spreadsheet.revisions_left",)
    assert "subset=" in feedback.details[0]


def test_soal_6_join_mistakes():
    q = lesson.soal_6
    recap, staff = load("rekap_layanan"), load("pegawai_unit")
    total = recap.groupby("kelurahan", as_index=False)["jumlah"].sum()
    from_staff = staff.merge(total, on="kelurahan", how="left")
    from_staff["berkas_per_petugas"] = from_staff["jumlah"] / from_staff["petugas_adminduk"]
    q.assert_check_failed(from_staff, because="practice.m02_spreadsheet.unmatched_rows")
    q.assert_check_passed(from_staff.dropna(subset=["kelurahan"]))
    q.assert_check_failed(total, because="practice.m02_spreadsheet.summary_columns")
    series = from_staff.dropna(subset=["kelurahan"]).set_index("kelurahan")["berkas_per_petugas"]
    q.assert_check_failed(series, because="practice.wrong_type")


def test_soal_7_saved_files(tmp_path):
    q = lesson.soal_7
    clean = load("rekap_layanan")
    by_hand = tmp_path / "tulis_sendiri.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Rekap"
    sheet.append(list(clean.columns))
    for row in clean.itertuples(index=False):
        sheet.append([v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in row])
    workbook.save(by_hand)
    q.assert_check_passed(by_hand)
    two_sheets = tmp_path / "dua_lembar.xlsx"
    with pd.ExcelWriter(two_sheets) as writer:
        clean.head().to_excel(writer, sheet_name="Sheet1", index=False)
        clean.to_excel(writer, sheet_name="Rekap", index=False)
    q.assert_check_passed(str(two_sheets))
    sorted_rows = tmp_path / "urut.xlsx"
    clean.sort_values("jumlah").to_excel(sorted_rows, sheet_name="Rekap", index=False)
    q.assert_check_failed(sorted_rows, because="practice.frame_values")
    missing = tmp_path / "belum_disimpan.xlsx"
    feedback = q.evaluate(missing)
    assert feedback.keys == ("practice.m02_spreadsheet.file_missing",)
    assert str(missing) in feedback.details[0]
