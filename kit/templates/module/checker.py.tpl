"""Checkers of the lesson ``courses/__FOLDER__``: __TITLE__.

Each exercise is one ``Question``: how to compute the right answer from kit data, hints and the
solution. Copy the example below for every new exercise (soal_2, soal_3, ...). Every lesson
checker keeps one contract, tested for all lessons at once by ``tests/test_lesson_checkers.py``:
at least four questions, two hints each, a solution that passes when typed into the lesson, and
an answer computed independently in ``tests/test_practice___NAME__.py``. To explain a wrong
answer, use the toolkit (``kit.practice.toolkit``: ``LessonMessages``, ``differences``,
``listing``, ``fraction_not_percent``, ``choice_comparison``...) with messages in
``kit/data/messages.d/m__FOLDER__.yml``.
"""

from __future__ import annotations

from kit.datasets import load
from kit.practice import Question, ____

__all__ = ["____", "soal_1"]


soal_1 = Question(
    title="Soal 1: jumlah pengaduan",
    # The right answer is computed from the data, never typed in.
    expected=lambda: len(load("pengaduan")),
    hints=(
        "Fungsi `len(...)` menghitung banyaknya baris sebuah tabel.",
        "Tulis `len(pengaduan)` lalu simpan hasilnya di `jumlah_pengaduan`.",
    ),
    solution_code="jumlah_pengaduan = len(pengaduan)",
)
