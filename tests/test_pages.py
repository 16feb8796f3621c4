"""Paged tables: only the current page is rendered, search narrows the rows, edges are clear."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.apps.pages import PagedTable, html_table, percent_text

NAMES = [f"Pegawai {i:03d}" for i in range(1, 61)]


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Nama": NAMES,
            "Unit kerja": ["Kelurahan Terjun" if i % 2 else "Kantor Camat" for i in range(60)],
            "Skor (%)": [float(i) for i in range(60)],
        }
    )


def rows(table: PagedTable) -> int:
    return table.view.value.count("<tr>") - 1  # minus the header row


def test_only_one_page_is_rendered_and_the_pager_moves():
    table = PagedTable(25, search_columns=["Nama"], percent_columns=["Skor (%)"])
    table.set_frame(frame(), title="Peserta")
    assert table.pages == 3 and table.page == 0
    assert rows(table) == 25
    assert "Pegawai 001" in table.view.value and "Pegawai 026" not in table.view.value
    assert table.page_label.value == "Baris 1–25 dari 60"
    assert table.previous_button.disabled and not table.next_button.disabled
    assert "<h3>Peserta</h3>" in table.title.value

    table.next_button.click()
    table.next_button.click()
    assert table.page == 2 and rows(table) == 10
    assert "Pegawai 060" in table.view.value and "Pegawai 001" not in table.view.value
    assert table.page_label.value == "Baris 51–60 dari 60"
    assert table.next_button.disabled
    table.next_button.click()  # past the end: stays on the last page
    assert table.page == 2
    table.previous_button.click()
    assert table.page == 1


def test_search_matches_every_word_case_insensitively_and_resets_the_page():
    table = PagedTable(25, search_columns=["Nama", "Unit kerja"])
    table.set_frame(frame())
    table.go_to(2)
    table.search_box.value = "pegawai 00"
    assert table.page == 0
    assert len(table.shown_frame) == 9  # Pegawai 001-009
    table.search_box.value = "TERJUN pegawai 01"
    # Odd positions are Terjun: Pegawai 010 (index 9), 012, ..., 018.
    assert table.shown_frame["Nama"].tolist() == [f"Pegawai {i:03d}" for i in range(10, 20, 2)]
    assert table.pager.layout.display == "none"  # one page needs no pager


def test_no_match_and_empty_table_say_so():
    table = PagedTable(10, search_columns=["Nama"], empty_text="Belum ada peserta.")
    table.set_frame(frame().iloc[0:0])
    assert "Belum ada peserta." in table.view.value
    assert table.page_label.value == "Baris 0–0 dari 0"
    table.set_frame(frame())
    table.search_box.value = "<b>tidak ada</b>"
    assert "Tidak ada baris yang cocok dengan" in table.view.value
    assert "<b>" not in table.view.value  # the search text is escaped


def test_new_frame_keeps_the_search_and_starts_on_page_one():
    table = PagedTable(5, search_columns=["Nama"])
    table.set_frame(frame())
    table.search_box.value = "Pegawai 05"
    table.set_frame(frame().iloc[::-1])
    # Every word is matched anywhere: "05" is in 050-059 and in 005.
    assert table.page == 0 and len(table.shown_frame) == 11


def test_page_size_must_be_positive():
    with pytest.raises(ValueError, match="page_size"):
        PagedTable(0)


def test_percent_text_and_table_cells():
    assert percent_text(72.6) == "73%"
    assert percent_text(float("nan")) == "–"
    assert percent_text(None) == "–"
    table = html_table(pd.DataFrame({"Skor (%)": [40.0, float("nan")]}), ["Skor (%)"])
    assert "linear-gradient(90deg, #c8e6d0 40%" in table
    assert '<td class="num">–</td>' in table
