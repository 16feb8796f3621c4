"""The lesson __FOLDER__: answers computed without the checker, for the contract every lesson
checker keeps (tests/test_lesson_checkers.py), and the wrong answers specific to this lesson."""

from __future__ import annotations

import pandas as pd

import kit.practice.__NAME__ as lesson
from tests.practice_harness import answers_from_data_set

# -- independent computations: plain Python over the rows, not the checker's code ---------------


def jumlah_pengaduan(data: pd.DataFrame) -> int:
    return sum(1 for _ in data.itertuples())


independent_answers = answers_from_data_set("pengaduan", {"soal_1": jumlah_pengaduan})
# Questions whose answer is the same for the data of every seed (the contract then does not
# expect an answer for other data to fail): every seed has the same number of complaints.
SAME_FOR_EVERY_SEED = {"soal_1"}


# -- plausible wrong answers, written as a learner would -----------------------------------------


def test_soal_1_one_row_too_many_is_wrong():
    lesson.soal_1.assert_check_failed(len(lesson.load("pengaduan")) + 1)
