"""Checkers of the lesson ``courses/__FOLDER__``: __TITLE__.

Each exercise is one ``Question``: how to compute the right answer from kit data, hints and the
solution. Copy the example below for every new exercise (soal_2, soal_3, ...).
"""

from __future__ import annotations

from kit.datasets import load
from kit.practice import Question, ____

__all__ = ["____", "soal_1"]


soal_1 = Question(
    title="Soal 1: jumlah pengaduan",
    # The right answer is computed from the data, never typed in.
    expected=lambda: len(load("pengaduan")),
    hints=("Fungsi `len(...)` menghitung banyaknya baris sebuah tabel.",),
    solution_code="jumlah_pengaduan = len(pengaduan)",
)
