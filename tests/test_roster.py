"""Roster import: bad rows reported by line in Indonesian; nothing added unless all are good."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from kit.core import read_events
from kit.grading.gradebook import read_students
from kit.people.roster import RosterError, import_roster, parse_roster_csv, read_roster

TODAY = dt.date(2026, 11, 29)
HEADER = "username,nip,nama,unit,jabatan,email\n"
GOOD = [
    "siti.lubis,198503152010012002,Siti Lubis,LBD,Lurah,siti.lubis@contoh.go.id",
    "budi.pane,197712012005011003,Budi Pane,KEC,Camat,",
]


def write(tmp_path, lines, name="peserta.csv", header=HEADER, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(header + "\n".join(lines) + "\n", encoding=encoding)
    return path


def test_good_file_is_parsed(tmp_path):
    entries = parse_roster_csv(write(tmp_path, GOOD), today=TODAY)
    assert [e.username for e in entries] == ["siti.lubis", "budi.pane"]
    assert entries[0].unit == "LBD" and entries[1].email == ""


def test_every_bad_row_is_reported_with_its_line_and_reason(tmp_path):
    lines = [
        GOOD[0],
        "andi.x,1985031520100110,Andi,LBD,,",  # line 3: NIP too short
        "rina.y,198503152010013002,Rina,TJN,,",  # line 4: gender digit
        "dewi.z,198503152010012003,Dewi,XYZ,,",  # line 5: unknown unit
        "siti.lubis,197001012000011004,Siti Lain,PPS,,",  # line 6: duplicate username
        "joko.q,198503152010012002,Joko,RGP,,",  # line 7: duplicate NIP of line 2
        "Bad Name,197001012000011005,,KEC,,bukan-email",  # line 8: username, name, email
        "tono.r,1.98503E+17,Tono,KEC,,",  # line 9: Excel scientific notation
        "rudi.s,197001012000011006,Rudi,KEC",  # line 10: missing fields
    ]
    with pytest.raises(RosterError) as caught:
        parse_roster_csv(write(tmp_path, lines), today=TODAY)
    error = caught.value
    assert error.summary.startswith("Impor dibatalkan: 8 baris bermasalah")
    by_line = {}
    for problem in error.problems:
        by_line.setdefault(problem.line, []).append(problem.reason)
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert by_line[3] == ["NIP harus 18 digit (tertulis 16 digit)"]
    assert "jenis kelamin" in by_line[4][0]
    assert by_line[5] == [
        "unit kerja 'XYZ' tidak dikenal; gunakan salah satu kode: KEC, LBD, PPS, RGP, TER, TJN"
    ]
    assert by_line[6] == ["username 'siti.lubis' sudah dipakai di baris 2"]
    assert by_line[7] == ["NIP '198503152010012002' sudah dipakai di baris 2"]
    assert len(by_line[8]) == 3
    assert "notasi ilmiah" in by_line[9][0]
    assert "jumlah kolom 4, seharusnya 6" in by_line[10][0]
    assert "Baris 3: NIP harus 18 digit" in str(error)


def test_semicolon_file_with_bom_from_excel_is_read(tmp_path):
    path = write(
        tmp_path,
        [line.replace(",", ";") for line in GOOD],
        header=HEADER.replace(",", ";"),
        encoding="utf-8-sig",
    )
    assert len(parse_roster_csv(path, today=TODAY)) == 2


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"username,nip\nx,1\n", "Kolom wajib tidak ada di baris judul: nama, unit"),
        (HEADER.encode(), "kosong"),
        (HEADER.encode() + "siti;198503152010012002;Ni\xe9".encode("latin-1"), "UTF-8"),
    ],
)
def test_unreadable_files_get_a_clear_message(tmp_path, content, expected):
    path = tmp_path / "peserta.csv"
    path.write_bytes(content)
    with pytest.raises(RosterError, match=expected):
        parse_roster_csv(path, today=TODAY)


def test_missing_file(tmp_path):
    with pytest.raises(RosterError, match="tidak ditemukan"):
        parse_roster_csv(tmp_path / "tidak-ada.csv")


def test_import_adds_to_roster_and_nbgrader_gradebook(tmp_path):
    course = tmp_path / "course"
    added = import_roster(course, write(tmp_path, GOOD), today=TODAY)
    assert len(added) == 2
    assert [e.username for e in read_roster(course / "roster.csv")] == ["siti.lubis", "budi.pane"]
    students = read_students(course / "gradebook.db")
    assert students["id"].tolist() == ["budi.pane", "siti.lubis"]
    assert students.set_index("id").at["siti.lubis", "first_name"] == "Siti Lubis"
    # Audited by the library itself, whoever called it.
    (event,) = read_events(course)
    assert (event["event"], event["added"], event["people"]) == ("roster.import", 2, 2)


def test_bad_file_adds_nothing_and_keeps_existing_roster(tmp_path):
    course = tmp_path / "course"
    import_roster(course, write(tmp_path, GOOD[:1]), today=TODAY)
    before = (course / "roster.csv").read_bytes()
    second = write(
        tmp_path,
        [GOOD[1], "siti.lubis,197001012000011004,Siti Lain,PPS,,"],
        name="kedua.csv",
    )
    with pytest.raises(RosterError) as caught:
        import_roster(course, second, today=TODAY)
    assert [str(p) for p in caught.value.problems] == [
        "Baris 3: username 'siti.lubis' sudah terdaftar untuk peserta 'siti.lubis'"
    ]
    assert (course / "roster.csv").read_bytes() == before
    assert read_students(course / "gradebook.db")["id"].tolist() == ["siti.lubis"]
    # Only the accepted import is in the audit log.
    assert [e["added"] for e in read_events(course)] == [1]


def test_cli_reports_bad_rows_in_indonesian_and_fails(tmp_path):
    bad = write(tmp_path, ["andi.x,1985031520100110,Andi,LBD,,"])
    result = subprocess.run(
        [sys.executable, "-m", "kit.cli", "roster", "import", str(bad), "--course", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Impor dibatalkan: 1 baris bermasalah" in result.stderr
    assert "Baris 2: NIP harus 18 digit (tertulis 16 digit)" in result.stderr
    assert not (tmp_path / "roster.csv").exists()


def test_cli_imports_good_file(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kit.cli", "roster", "import", str(write(tmp_path, GOOD)),
         "--course", str(tmp_path)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "2 peserta ditambahkan" in result.stdout
