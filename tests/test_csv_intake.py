"""The CSV intake reads what people make by hand or save from Excel, and says precisely, by line
and in Indonesian, what it cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.core import CsvFileError, RowProblem, read_csv_rows

REQUIRED = ("username", "nama")
OPTIONAL = ("jabatan",)


@pytest.fixture(autouse=True)
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIT_LANG", raising=False)


def read(content: bytes, **options: object):
    options = {"required": REQUIRED, "optional": OPTIONAL, "name": "peserta.csv", **options}
    return read_csv_rows(content, **options)


def rows_of(table) -> list[tuple[int, dict[str, str]]]:
    return [(row.line, row.values) for row in table.rows]


def test_plain_utf8_rows_keep_their_line_numbers_and_fill_absent_optional_columns():
    table = read(b"username,nama\nsiti,Siti Lubis\n\nbudi , Budi Pane \n")
    assert rows_of(table) == [
        (2, {"jabatan": "", "username": "siti", "nama": "Siti Lubis"}),
        (4, {"jabatan": "", "username": "budi", "nama": "Budi Pane"}),
    ]
    assert table.problems == () and table.unknown_columns == ()
    assert (table.separator, table.encoding) == (",", "utf-8")
    assert table.rows[0]["nama"] == "Siti Lubis" and table.rows[0].get("email") == ""


def test_excel_bom_and_semicolons_are_read():
    table = read("username;nama;jabatan\nsiti;Siti Lubis;Lurah\n".encode("utf-8-sig"))
    assert table.separator == ";"
    assert rows_of(table) == [(2, {"jabatan": "Lurah", "username": "siti", "nama": "Siti Lubis"})]
    assert table.columns == ("username", "nama", "jabatan"), "the BOM is not part of a name"


def test_tabs_are_read():
    table = read(b"username\tnama\nsiti\tSiti, S.Kom\n")
    assert table.separator == "\t"
    assert table.rows[0]["nama"] == "Siti, S.Kom"


def test_header_is_normalised():
    table = read(b" UserName ; Nama ;Jabatan\nsiti;Siti;Staf\n", required=("username", "nama"))
    assert table.columns == ("username", "nama", "jabatan")
    table = read(
        b"Tanggal Mulai,tanggal-selesai\n2026-01-01,2026-01-02\n", required=(), optional=()
    )
    assert table.columns == ("tanggal_mulai", "tanggal_selesai")


def test_cp1252_name_is_refused_by_line_unless_the_caller_accepts_cp1252():
    content = "username;nama\nsiti;Siti\nrene;René Ginting\n".encode("cp1252")
    with pytest.raises(CsvFileError) as caught:
        read(content)
    assert caught.value.summary == (
        "Berkas peserta.csv tidak dapat dibaca sebagai teks UTF-8 (baris 3). "
        "Simpan ulang sebagai 'CSV UTF-8'."
    )
    table = read(content, encodings=("utf-8", "cp1252"))
    assert table.encoding == "cp1252"
    assert table.rows[1]["nama"] == "René Ginting"


def test_utf8_is_preferred_over_the_fallback():
    table = read("username,nama\nrene,René\n".encode(), encodings=("utf-8", "cp1252"))
    assert (table.encoding, table.rows[0]["nama"]) == ("utf-8", "René")


def test_a_binary_file_is_not_taken_for_text():
    with pytest.raises(CsvFileError, match="baris 2 berisi karakter kendali"):
        read(b"username,nama\nsiti,\x00\x01\x02\n")


def test_missing_column_is_named_with_the_required_ones():
    with pytest.raises(CsvFileError) as caught:
        read(b"username,jabatan\nsiti,Staf\n")
    assert caught.value.summary == (
        "Kolom wajib tidak ada di baris judul: nama. Kolom yang dibutuhkan: username, nama."
    )


def test_extra_column_is_kept_and_listed_or_refused_when_asked():
    content = b"username,nama,hobi\nsiti,Siti,catur\n"
    table = read(content)
    assert table.unknown_columns == ("hobi",)
    assert table.rows[0]["hobi"] == "catur"
    with pytest.raises(CsvFileError) as caught:
        read(content, unknown_columns="reject")
    assert caught.value.summary == (
        "Kolom tidak dikenal di baris judul: hobi. Kolom yang dikenal: username, nama, jabatan."
    )


def test_a_column_named_twice_is_refused():
    with pytest.raises(CsvFileError, match="lebih dari sekali di baris judul: nama"):
        read(b"username,nama,Nama\nsiti,Siti,Siti\n")


@pytest.mark.parametrize("content", [b"", b"\n\n", b"username,nama\n", b"username,nama\n \n\n"])
def test_empty_file_or_header_only_is_refused(content):
    with pytest.raises(CsvFileError, match="kosong atau tidak berisi satu baris data pun"):
        read(content)


def test_missing_file_is_named(tmp_path: Path):
    with pytest.raises(CsvFileError, match="Berkas tidak ditemukan: .*tidak-ada.csv"):
        read_csv_rows(tmp_path / "tidak-ada.csv", required=REQUIRED)


def test_a_path_is_read_like_bytes(tmp_path: Path):
    path = tmp_path / "peserta.csv"
    path.write_bytes("username;nama\nsiti;Siti\n".encode("utf-8-sig"))
    assert rows_of(read_csv_rows(path, required=REQUIRED)) == [
        (2, {"username": "siti", "nama": "Siti"})
    ]


def test_rows_with_too_many_or_too_few_fields_become_problems_naming_the_separator():
    table = read(b"username;nama\nsiti;Siti;Lubis\nbudi\nani;Ani\n")
    assert rows_of(table) == [(4, {"jabatan": "", "username": "ani", "nama": "Ani"})]
    assert table.problems == (
        RowProblem(
            2,
            "jumlah kolom 3, seharusnya 2 (periksa tanda titik koma di dalam sebuah nilai; "
            "apit nilai itu dengan tanda kutip)",
        ),
        RowProblem(
            3,
            "jumlah kolom 1, seharusnya 2 (periksa tanda titik koma di dalam sebuah nilai; "
            "apit nilai itu dengan tanda kutip)",
        ),
    )
    assert str(table.problems[0]).startswith("Baris 2: jumlah kolom 3, seharusnya 2")
    line, reason = table.problems[1]  # a plain pair, for callers that unpack
    assert line == 3 and reason.startswith("jumlah kolom 1")


def test_quoted_values_may_hold_the_separator_quotes_and_line_breaks():
    content = (
        b"username,nama,jabatan\n"
        b'siti,"Lubis, Siti","Kepala Seksi ""Pelayanan"""\n'
        b'budi,"Budi\nPane",Staf\n'
        b"ani,Ani,Staf\n"
    )
    table = read(content)
    assert [row.values["nama"] for row in table.rows] == ["Lubis, Siti", "Budi\nPane", "Ani"]
    assert table.rows[0]["jabatan"] == 'Kepala Seksi "Pelayanan"'
    # A row is numbered by the line it starts on, even after a value spanning two lines.
    assert [row.line for row in table.rows] == [2, 3, 5]


def test_separator_inside_quotes_in_the_header_does_not_decide():
    table = read(b'username;"nama, lengkap";nama\nsiti;x;Siti\n')
    assert table.separator == ";"


def test_excel_trailing_empty_columns_are_ignored_unless_they_hold_a_value():
    table = read(b"username;nama;;\nsiti;Siti;;\nbudi;Budi;;lupa\n")
    assert rows_of(table) == [(2, {"jabatan": "", "username": "siti", "nama": "Siti"})]
    assert table.problems == (RowProblem(3, "ada isian di kolom tanpa judul (kolom ke-4)"),)


def test_messages_read_in_english_when_asked(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KIT_LANG", "en")
    table = read(b"username,nama\nsiti,Siti,Lubis\n")
    assert str(table.problems[0]) == (
        "Line 2: 3 fields, expected 2 (check for a comma inside a value; put that value in quotes)"
    )
