"""The decisions lesson: the queue and budget data sets are reproducible and plausible; answers
computed without the checker (for the contract every lesson checker keeps,
tests/test_lesson_checkers.py); the lesson's own values; the wrong answers specific to it."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kit.practice.keputusan as lesson
from kit.core.organisation import load_units
from kit.core.workdays import holidays
from kit.datasets import DEFAULT_SEED, available, load
from kit.datasets.services import BUDGET_PROGRAMS, SERVICES, generate_budget, generate_queue
from tests.practice_harness import lesson_example_namespace

OTHER_SEED = 7
LESSON = Path(__file__).resolve().parent.parent / "courses" / "07_keputusan" / "07_keputusan.ipynb"
UNIT_NAMES = [unit.name for unit in load_units()]
QUEUE_COLUMNS = [
    "no_antrean",
    "tanggal",
    "unit",
    "loket",
    "layanan",
    "jam_datang",
    "jam_dilayani",
    "jam_selesai",
    "status",
]
BUDGET_COLUMNS = [
    "unit",
    "program",
    "kegiatan",
    "sub_kegiatan",
    "kode_rekening",
    "uraian",
    "pagu",
    "realisasi_tw1",
    "realisasi_tw2",
    "realisasi_tw3",
]


@pytest.fixture(autouse=True)
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIT_LANG", raising=False)


# -- independent computations: plain Python over the rows, no groupby ----------------------------


def minutes(start: pd.Timestamp, end: pd.Timestamp) -> float | None:
    if pd.isna(start) or pd.isna(end):
        return None
    return (end - start).total_seconds() / 60


def mean_wait_per_service(data: pd.DataFrame) -> pd.Series:
    waits: dict[str, list[float]] = defaultdict(list)
    for row in data.itertuples():
        wait = minutes(row.jam_datang, row.jam_dilayani)
        if wait is not None:
            waits[row.layanan].append(wait)
    return pd.Series({service: sum(w) / len(w) for service, w in waits.items()})


def percent_within_standard(data: pd.DataFrame) -> pd.Series:
    visits: dict[str, int] = defaultdict(int)
    within: dict[str, int] = defaultdict(int)
    for row in data.itertuples():
        visits[row.unit] += 1
        wait = minutes(row.jam_datang, row.jam_dilayani)
        if wait is not None and wait <= lesson.STANDAR_TUNGGU:
            within[row.unit] += 1
    return pd.Series({unit: within[unit] / count * 100 for unit, count in visits.items()})


def monday_counter_load(data: pd.DataFrame) -> pd.Series:
    service_minutes: dict[int, float] = defaultdict(float)
    mondays = set()
    for row in data.itertuples():
        if row.unit != lesson.UNIT_KECAMATAN or row.tanggal.weekday() != 0:
            continue
        mondays.add(row.tanggal)
        served = minutes(row.jam_dilayani, row.jam_selesai)
        service_minutes[row.jam_datang.hour] += served or 0.0
    return pd.Series({hour: m / len(mondays) / 60 for hour, m in service_minutes.items()})


def realised(row: object) -> int:
    return row.realisasi_tw1 + row.realisasi_tw2 + row.realisasi_tw3


def percent_per_program(data: pd.DataFrame) -> pd.Series:
    spent: dict[str, int] = defaultdict(int)
    ceiling: dict[str, int] = defaultdict(int)
    for row in data.itertuples():
        spent[row.program] += realised(row)
        ceiling[row.program] += row.pagu
    return pd.Series({p: spent[p] / ceiling[p] * 100 for p in ceiling})


def lines_at_risk(data: pd.DataFrame) -> pd.DataFrame:
    rows = [
        row.Index
        for row in data.itertuples()
        if realised(row) * 100 < lesson.BATAS_REALISASI * row.pagu or realised(row) > row.pagu
    ]
    return data.loc[rows]


INDEPENDENT: dict[str, tuple[str, Callable[[pd.DataFrame], object]]] = {
    "soal_1": ("antrian_layanan", mean_wait_per_service),
    "soal_2": ("antrian_layanan", percent_within_standard),
    "soal_3": ("antrian_layanan", monday_counter_load),
    "soal_4": ("realisasi_anggaran", percent_per_program),
    "soal_5": ("realisasi_anggaran", lines_at_risk),
}


def independent_answers(seed: int, folder: Path) -> dict[str, object]:
    """Every question's answer for the data of ``seed`` (tests/test_lesson_checkers.py)."""
    return {
        name: compute(load(data_set, seed=seed))
        for name, (data_set, compute) in INDEPENDENT.items()
    }


# -- the data sets (fast) ------------------------------------------------------------------------


def test_both_data_sets_are_discovered():
    assert {"antrian_layanan", "realisasi_anggaran"} <= set(available())


@pytest.mark.parametrize("generator", [generate_queue, generate_budget])
def test_generators_are_deterministic_for_a_seed(generator):
    pd.testing.assert_frame_equal(generator(OTHER_SEED), generator(OTHER_SEED))
    assert not generator(OTHER_SEED).equals(generator(DEFAULT_SEED))


@pytest.mark.parametrize("seed", [DEFAULT_SEED, OTHER_SEED])
def test_queue_is_plausible(seed):
    data = generate_queue(seed)
    assert list(data.columns) == QUEUE_COLUMNS
    assert data["no_antrean"].is_unique
    assert set(data["unit"]) == set(UNIT_NAMES)
    assert set(data["layanan"]) == set(SERVICES)
    assert set(data.loc[data["layanan"] == "KTP-el", "unit"]) == {lesson.UNIT_KECAMATAN}
    days = data["tanggal"].to_numpy().astype("datetime64[D]")
    assert np.is_busday(days, holidays=holidays()).all(), "visits on working days only"
    assert data["tanggal"].min() == pd.Timestamp("2026-09-01")
    assert data["tanggal"].max() <= pd.Timestamp("2026-10-31")
    assert (data["jam_datang"].dt.normalize() == data["tanggal"]).all()
    assert data["jam_datang"].dt.hour.between(8, 14).all()
    served = data["status"] == "selesai"
    assert set(data["status"]) == {"selesai", "ditunda"}
    assert data.loc[served, ["jam_dilayani", "jam_selesai", "loket"]].notna().all().all()
    assert data.loc[~served, ["jam_dilayani", "jam_selesai", "loket"]].isna().all().all()
    wait = minutes_column(data, "jam_datang", "jam_dilayani")
    service = minutes_column(data, "jam_dilayani", "jam_selesai")
    assert (wait[served] >= 1).all() and (service[served] >= 3).all()
    assert (data.loc[served, "jam_dilayani"].dt.hour < 16).all()
    # Enough of every kind for the lesson's points: waits exactly at the standard, postponed
    # visits, and a kecamatan office that misses the standard more often than most kelurahan.
    assert (wait == lesson.STANDAR_TUNGGU).sum() >= 10
    assert 0.005 < (~served).mean() < 0.05
    share = percent_within_standard(data)
    assert share[lesson.UNIT_KECAMATAN] < share.median()
    assert share.min() > 50 and share.max() < 95
    ktp = mean_wait_per_service(data)
    assert ktp["KTP-el"] > 2 * ktp.drop("KTP-el").max(), (
        "the single KTP-el counter is the bottleneck"
    )
    kecamatan = data[data["unit"] == lesson.UNIT_KECAMATAN]
    assert set(kecamatan.loc[kecamatan["layanan"] == "KTP-el", "loket"].dropna()) == {"Loket 1"}
    weekdays = kecamatan["tanggal"].dt.day_of_week.value_counts()
    assert weekdays.idxmax() == 0, "Monday is the busiest day"


def minutes_column(data: pd.DataFrame, start: str, end: str) -> pd.Series:
    return (data[end] - data[start]).dt.total_seconds() / 60


@pytest.mark.parametrize("seed", [DEFAULT_SEED, OTHER_SEED])
def test_budget_is_plausible(seed):
    data = generate_budget(seed)
    assert list(data.columns) == BUDGET_COLUMNS
    assert set(data["unit"]) == set(UNIT_NAMES)
    assert set(data["program"]) == set(BUDGET_PROGRAMS)
    assert data["kode_rekening"].str.fullmatch(r"5\.[12]\.\d{2}\.\d{2}\.\d{2}\.\d{4}").all()
    assert not data.duplicated(["unit", "sub_kegiatan", "kode_rekening"]).any()
    assert (data["pagu"] % 2000 == 0).all() and (data["pagu"] >= 5_000_000).all()
    quarters = data[["realisasi_tw1", "realisasi_tw2", "realisasi_tw3"]]
    assert (quarters >= 0).all().all() and (quarters % 100 == 0).all().all()
    spent = quarters.sum(axis=1)
    percent = spent / data["pagu"] * 100
    # By design: one line at exactly 50%, one or two over their pagu, several at risk.
    assert (percent == lesson.BATAS_REALISASI).sum() == 1
    assert 1 <= (spent > data["pagu"]).sum() <= 2
    assert (spent > data["pagu"] * 1.2).sum() == 0
    assert 8 <= len(lines_at_risk(data)) <= 30
    salaries = data["uraian"].str.startswith("Belanja Gaji")
    assert percent[salaries].between(70, 80).all()


# -- the lesson's own values --------------------------------------------------------------------


@pytest.fixture(scope="module")
def lesson_namespace() -> dict[str, object]:
    return lesson_example_namespace(LESSON)


def test_lesson_values_match_the_checker(lesson_namespace):
    assert lesson_namespace["standar_tunggu"] == lesson.STANDAR_TUNGGU
    assert lesson_namespace["unit_kecamatan"] == lesson.UNIT_KECAMATAN
    assert lesson_namespace["batas_realisasi"] == lesson.BATAS_REALISASI
    for number, name in lesson_namespace["nama_hari"].items():
        assert lesson.NAMA_HARI[number] == name


# -- plausible wrong answers, written as a learner would -----------------------------------------


@pytest.fixture
def antrian() -> pd.DataFrame:
    data = load("antrian_layanan")
    data["tunggu"] = minutes_column(data, "jam_datang", "jam_dilayani")
    data["lama_layanan"] = minutes_column(data, "jam_dilayani", "jam_selesai")
    data["jam"] = data["jam_datang"].dt.hour
    data["hari"] = data["tanggal"].dt.day_of_week.map(lesson.NAMA_HARI)
    return data


@pytest.fixture
def anggaran() -> pd.DataFrame:
    data = load("realisasi_anggaran")
    data["realisasi"] = data["realisasi_tw1"] + data["realisasi_tw2"] + data["realisasi_tw3"]
    data["persen"] = data["realisasi"] / data["pagu"] * 100
    return data


def test_soal_1_units_and_postponed_visits(antrian):
    q = lesson.soal_1
    right = mean_wait_per_service(load("antrian_layanan"))
    q.assert_check_passed(right.round(1))
    q.assert_check_failed(right / 60, because="practice.m07_keputusan.hours_not_minutes")
    total = minutes_column(antrian, "jam_datang", "jam_selesai").groupby(antrian["layanan"])
    q.assert_check_failed(total.mean(), because="practice.m07_keputusan.total_not_wait")
    q.assert_check_failed(right.drop("KTP-el"), because="practice.missing_labels")
    q.assert_check_failed(antrian[["layanan", "tunggu"]], because="practice.dataframe_for_series")


def test_soal_2_denominator_boundary_and_fraction(antrian):
    q = lesson.soal_2
    right = percent_within_standard(load("antrian_layanan"))
    q.assert_check_passed(right.round(1))
    q.assert_check_failed(right + 0.2)
    q.assert_check_failed(right / 100, because="practice.m07_keputusan.fraction_not_percent")
    feedback = q.evaluate(right / 100)
    assert any("kalikan dengan 100" in detail for detail in feedback.details)
    served = antrian[antrian["status"] == "selesai"]
    q.assert_check_failed(
        (served["tunggu"] <= 15).groupby(served["unit"]).mean() * 100,
        because="practice.m07_keputusan.postponed_left_out",
    )


def test_soal_3_monday_load_mistakes(antrian):
    q = lesson.soal_3
    right = monday_counter_load(load("antrian_layanan"))
    q.assert_check_passed(right.round(2))
    all_units = antrian[antrian["hari"] == "Senin"]
    wrong = all_units.groupby("jam")["lama_layanan"].sum() / all_units["tanggal"].nunique() / 60
    q.assert_check_failed(wrong, because="practice.m07_keputusan.all_units")
    q.assert_check_failed(np.ceil(right / 0.8))
    q.assert_check_failed(right * 60, because="practice.m07_keputusan.minutes_not_counters")


def test_soal_4_mean_of_lines_and_third_quarter_only(anggaran):
    q = lesson.soal_4
    right = percent_per_program(load("realisasi_anggaran"))
    q.assert_check_passed(right.round(1))
    q.assert_check_failed(
        anggaran.groupby("program")["persen"].mean(),
        because="practice.m07_keputusan.mean_of_percentages",
    )
    per_unit = anggaran.groupby("unit")[["realisasi", "pagu"]].sum()
    q.assert_check_failed(per_unit["realisasi"] / per_unit["pagu"] * 100)


def test_soal_5_rows_by_their_labels(anggaran):
    q = lesson.soal_5
    right = lines_at_risk(load("realisasi_anggaran"))
    q.assert_check_passed(right[["unit", "uraian"]])
    q.assert_check_passed(right.sort_values("pagu"))
    low = anggaran["persen"] < 50
    over = anggaran["realisasi"] > anggaran["pagu"]
    q.assert_check_failed(anggaran[low], because="practice.m07_keputusan.over_budget_missed")
    q.assert_check_failed(
        anggaran[(anggaran["persen"] <= 50) | over], because="practice.m07_keputusan.boundary_fifty"
    )
    q.assert_check_failed(low | over, because="practice.m07_keputusan.mask_not_rows")
    q.assert_check_failed(anggaran, because="practice.m07_keputusan.rows_extra")
    q.assert_check_failed(pd.concat([right, right.head(1)]), because="practice.duplicate_labels")
    q.assert_check_failed(right["uraian"].tolist(), because="practice.m07_keputusan.rows_wanted")
    q.assert_check_failed(
        right.reset_index(drop=True), because="practice.m07_keputusan.index_reset"
    )
    feedback = q.evaluate(right.drop(index=right.index[0]))
    assert feedback.keys == ("practice.m07_keputusan.rows_missing",)
    assert str(right.index[0]) in feedback.details[0]


def test_lesson_constants_match_the_data():
    assert lesson.UNIT_KECAMATAN in UNIT_NAMES
    assert lesson.NAMA_HARI[pd.Timestamp("2026-09-07").day_of_week] == "Senin"
    assert math.isclose(lesson.STANDAR_TUNGGU, 15)
