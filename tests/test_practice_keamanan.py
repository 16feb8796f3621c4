"""The security lesson: its data sets are reproducible and plausible; answers computed without
the checker (for the contract every lesson checker keeps, tests/test_lesson_checkers.py); the
lesson's own values; and the wrong answers specific to this lesson."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import string
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest

import kit.practice.keamanan as lesson
from kit.core.organisation import KELURAHAN
from kit.datasets import DEFAULT_SEED, available, load
from kit.datasets.security import (
    AMBANG_PHISHING,
    BOBOT_TANDA,
    KODE_WILAYAH_MARELAN,
    POLA_MENDESAK,
    POLA_RAHASIA,
    generate_messages,
    generate_residents,
)
from kit.people.nip import mask_nip
from tests.practice_harness import lesson_example_namespace

OTHER_SEED = 7
SEEDS = (DEFAULT_SEED, OTHER_SEED, 1)
LESSON = Path(__file__).resolve().parent.parent / "courses" / "06_keamanan" / "06_keamanan.ipynb"


@pytest.fixture(autouse=True)
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIT_LANG", raising=False)


# -- independent computations: plain Python row by row, no pandas string methods ---------------


def entropy(password: str) -> float:
    kinds = [
        (set(string.ascii_lowercase), 26),
        (set(string.ascii_uppercase), 26),
        (set(string.digits), 10),
    ]
    pool = sum(size for characters, size in kinds if set(password) & characters)
    if set(password) - set(string.ascii_letters + string.digits):
        pool += 32
    return len(password) * math.log2(pool)


def official(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host == "go.id" or host.endswith(".go.id")


def signs(row: pd.Series) -> dict[str, bool]:
    return {
        "tautan_mencurigakan": bool(row["tautan"]) and not official(row["tautan"]),
        "minta_rahasia": re.search(POLA_RAHASIA, row["isi"]) is not None,
        "mendesak": re.search(POLA_MENDESAK, row["isi"]) is not None,
        "lampiran_apk": row["lampiran"].lower().endswith(".apk"),
    }


def score(row: pd.Series) -> int:
    return sum(BOBOT_TANDA[sign] for sign, present in signs(row).items() if present)


def suspicious_links(data: pd.DataFrame) -> pd.Series:
    return pd.Series(
        [signs(row)["tautan_mencurigakan"] for _, row in data.iterrows()], index=data.index
    )


def percent_caught(data: pd.DataFrame) -> float:
    phishing = [row for _, row in data.iterrows() if row["label"] == "phishing"]
    caught = [row for row in phishing if score(row) >= AMBANG_PHISHING]
    return len(caught) / len(phishing) * 100


def nik_is_valid(nik: str) -> bool:
    if len(nik) != 16 or any(c not in "0123456789" for c in nik):
        return False
    day, month = int(nik[6:8]), int(nik[8:10])
    day = day - 40 if day > 40 else day
    return 1 <= day <= 31 and 1 <= month <= 12 and nik[12:] != "0000"


def valid_niks(data: pd.DataFrame) -> pd.Series:
    return pd.Series([nik_is_valid(nik) for nik in data["nik"]], index=data.index)


def masked_niks(data: pd.DataFrame) -> pd.Series:
    return pd.Series([nik[:6] + "******" + nik[-4:] for nik in data["nik"]], index=data.index)


def salted_hash() -> str:
    return hashlib.sha256(f"{lesson.GARAM_LATIHAN}{lesson.SANDI_LATIHAN}".encode()).hexdigest()


INDEPENDENT: dict[str, Callable[[int], object]] = {
    "soal_1": lambda seed: entropy(lesson.SANDI_KANTOR),
    "soal_2": lambda seed: suspicious_links(load("pesan_phishing", seed=seed)),
    "soal_3": lambda seed: percent_caught(load("pesan_phishing", seed=seed)),
    "soal_4": lambda seed: salted_hash(),
    "soal_5": lambda seed: valid_niks(load("warga_nik", seed=seed)),
    "soal_6": lambda seed: masked_niks(load("warga_nik", seed=seed)),
    "soal_7": lambda seed: "c",
}
# These read no data set: the lesson's example password, salt and case.
SAME_FOR_EVERY_SEED = {"soal_1", "soal_4", "soal_7"}


def independent_answers(seed: int, folder: Path) -> dict[str, object]:
    """Every question's answer for the data of ``seed`` (tests/test_lesson_checkers.py)."""
    return {name: compute(seed) for name, compute in INDEPENDENT.items()}


# -- the data sets ---------------------------------------------------------------------------


def test_data_sets_are_registered():
    assert {"pesan_phishing", "warga_nik"} <= set(available())


@pytest.mark.parametrize("generator", [generate_messages, generate_residents])
def test_generators_are_deterministic_for_a_seed(generator):
    pd.testing.assert_frame_equal(generator(11), generator(11))
    assert not generator(11).equals(generator(12))


@pytest.mark.parametrize("seed", SEEDS)
def test_messages_are_plausible(seed):
    data = load("pesan_phishing", seed=seed)
    assert list(data.columns) == [
        "id_pesan", "waktu", "kanal", "pengirim", "isi", "tautan", "lampiran", "label",
    ]  # fmt: skip
    assert data["id_pesan"].is_unique
    assert set(data["label"]) == {"phishing", "aman"}
    assert set(data["kanal"]) == {"SMS", "WhatsApp", "Email"}
    assert 0.25 <= (data["label"] == "phishing").mean() <= 0.55
    assert data["waktu"].between("2026-09-01", "2026-11-01").all()
    assert data["waktu"].is_monotonic_increasing
    assert all(link == "" or link.startswith("https://") for link in data["tautan"])
    assert data[["tautan", "lampiran"]].notna().all().all()
    # Senders' phone numbers are masked: the data set identifies nobody.
    phones = [s for s in data["pengirim"] if s.startswith("+62")]
    assert phones and all(re.fullmatch(r"\+62 8\d\d-\*{4}-\d{4}", s) for s in phones)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_rule_is_useful_but_not_perfect(seed):
    """The lesson's point: signs catch most phishing, miss some, and accuse some safe messages."""
    data = load("pesan_phishing", seed=seed)
    flagged = [score(row) >= AMBANG_PHISHING for _, row in data.iterrows()]
    phishing = (data["label"] == "phishing").tolist()
    caught = sum(f and p for f, p in zip(flagged, phishing, strict=True))
    false_alarms = sum(f and not p for f, p in zip(flagged, phishing, strict=True))
    assert 0.6 <= caught / sum(phishing) <= 0.95
    assert caught > sum(phishing) - caught  # more caught than missed
    assert 0 < false_alarms < caught
    # A look-alike of an official domain, the trap of exercise 2, is there.
    hosts = [urlsplit(link).hostname for link in data["tautan"] if link]
    assert any("go.id" in host and not host.endswith(".go.id") for host in hosts)
    assert any(host.endswith(".go.id") for host in hosts)


def test_patterns_have_no_capturing_group_and_match_whole_words():
    for pattern in (POLA_RAHASIA, POLA_MENDESAK):
        assert re.compile(pattern).groups == 0  # pandas warns about groups in str.contains
    assert re.search(POLA_RAHASIA, "Kirim kode otp sekarang")
    assert not re.search(POLA_RAHASIA, "Pengajuan pinjaman ditolak")
    assert re.search(POLA_MENDESAK, "SEGERA lengkapi data")


@pytest.mark.parametrize("seed", SEEDS)
def test_residents_have_niks_that_encode_their_birth_and_gender(seed):
    data = load("warga_nik", seed=seed)
    assert list(data.columns) == [
        "nik", "nama", "jenis_kelamin", "tanggal_lahir", "kelurahan", "alamat",
    ]  # fmt: skip
    assert set(data["kelurahan"]) == set(KELURAHAN)
    assert set(data["jenis_kelamin"]) == {"L", "P"}
    assert data["tanggal_lahir"].between("1950-01-01", "2008-12-31").all()
    valid = data[valid_niks(data)]
    assert valid["nik"].is_unique
    for row in valid.itertuples():
        day = int(row.nik[6:8])
        assert (day > 40) == (row.jenis_kelamin == "P"), row.nik
        born = dt.date(row.tanggal_lahir.year, int(row.nik[8:10]), day % 40 or 40)
        assert born == row.tanggal_lahir.date(), row.nik
        assert f"{row.tanggal_lahir.year % 100:02d}" == row.nik[10:12]
        assert row.nik.startswith("12")
    assert (valid["nik"].str[:6] == KODE_WILAYAH_MARELAN).mean() > 0.7


@pytest.mark.parametrize("seed", SEEDS)
def test_every_kind_of_mistyped_nik_is_present(seed):
    niks = load("warga_nik", seed=seed)["nik"].tolist()
    invalid = [nik for nik in niks if not nik_is_valid(nik)]
    assert 0.05 <= len(invalid) / len(niks) <= 0.15
    digits = [nik for nik in invalid if nik.isdigit()]
    kinds = {
        "15 digits": any(len(nik) == 15 for nik in digits),
        "17 digits": any(len(nik) == 17 for nik in digits),
        "letter O": any("O" in nik for nik in invalid),
        "bad day": any(len(n) == 16 and not 1 <= int(n[6:8]) % 40 <= 31 for n in digits),
        "bad month": any(len(n) == 16 and not 1 <= int(n[8:10]) <= 12 for n in digits),
        "serial 0000": any(len(n) == 16 and n.endswith("0000") for n in digits),
    }
    assert all(kinds.values()), kinds


# -- the lesson's own values -------------------------------------------------------------------


@pytest.fixture(scope="module")
def lesson_namespace() -> dict[str, object]:
    return lesson_example_namespace(LESSON)


def test_lesson_values_match_the_checker(lesson_namespace):
    assert lesson_namespace["sandi_kantor"] == lesson.SANDI_KANTOR
    assert lesson_namespace["garam"] == lesson.GARAM_LATIHAN
    assert lesson_namespace["sandi_baru"] == lesson.SANDI_LATIHAN


def test_the_lesson_scores_messages_as_the_independent_rule(lesson_namespace):
    pesan = lesson_namespace["pesan"]
    expected = [score(row) for _, row in load("pesan_phishing").iterrows()]
    assert pesan["skor"].tolist() == expected


# -- plausible wrong answers, written as a learner would -----------------------------------------


def test_soal_1_entropy_mistakes():
    q = lesson.soal_1
    right = entropy(lesson.SANDI_KANTOR)
    q.assert_check_passed(round(right, 1))
    q.assert_check_failed(right + 1)
    q.assert_check_failed(94**12, because="practice.m06_keamanan.combinations_not_bits")
    q.assert_check_failed(str(round(right, 1)), because="practice.wrong_type")


def test_soal_2_lookalikes_and_messages_without_links():
    q = lesson.soal_2
    data = load("pesan_phishing")
    hosts = [urlsplit(link).hostname or "" for link in data["tautan"]]
    containing = pd.Series(
        [
            bool(link) and "go.id" not in host
            for link, host in zip(data["tautan"], hosts, strict=True)
        ]
    )
    q.assert_check_failed(containing, because="practice.m06_keamanan.lookalike_domain")
    no_link_too = pd.Series([not host.endswith(".go.id") for host in hosts])
    q.assert_check_failed(no_link_too, because="practice.m06_keamanan.no_link_counted")
    right = suspicious_links(data)
    q.assert_check_passed(right.sample(frac=1, random_state=3))  # row order does not matter
    q.assert_check_failed(int(right.sum()), because="practice.wrong_type")


def test_soal_3_denominators():
    q = lesson.soal_3
    data = load("pesan_phishing")
    flagged = [score(row) >= AMBANG_PHISHING for _, row in data.iterrows()]
    phishing = (data["label"] == "phishing").tolist()
    both = sum(f and p for f, p in zip(flagged, phishing, strict=True))
    q.assert_check_passed(round(both / sum(phishing) * 100, 1))
    q.assert_check_failed(both / len(data) * 100)
    q.assert_check_failed(
        sum(flagged) / len(data) * 100, because="practice.m06_keamanan.all_messages"
    )
    q.assert_check_failed(both / sum(flagged) * 100, because="practice.m06_keamanan.precision")
    q.assert_check_failed(
        both / sum(phishing), because="practice.m06_keamanan.fraction_not_percent"
    )


def test_soal_4_hash_forms():
    q = lesson.soal_4
    salted = (lesson.GARAM_LATIHAN + lesson.SANDI_LATIHAN).encode()
    q.assert_check_failed(
        hashlib.sha256(salted).digest(), because="practice.m06_keamanan.digest_bytes"
    )
    q.assert_check_failed(hashlib.sha256(salted), because="practice.m06_keamanan.hash_object")
    q.assert_check_failed(hashlib.sha512(salted).hexdigest())
    feedback = q.evaluate(hashlib.sha256(lesson.SANDI_LATIHAN.encode()).hexdigest())
    assert any("garam" in detail for detail in feedback.details)


def test_soal_5_partial_rules():
    q = lesson.soal_5
    data = load("warga_nik")
    q.assert_check_failed(valid_niks(data).map(lambda v: not v))
    women_rejected = pd.Series(
        [nik_is_valid(nik) and int(nik[6:8]) <= 31 for nik in data["nik"]], index=data.index
    )
    q.assert_check_failed(women_rejected, because="practice.m06_keamanan.women_plus_40")
    q.assert_check_failed(valid_niks(data).to_frame(), because="practice.dataframe_for_series")


def test_soal_6_masking_shapes():
    q = lesson.soal_6
    data = load("warga_nik")
    q.assert_check_failed(
        data["nik"].map(mask_nip), because="practice.m06_keamanan.masked_everything"
    )
    q.assert_check_failed(
        data["nik"].str[:6] + "*" * 10, because="practice.m06_keamanan.serial_hidden"
    )
    q.assert_check_failed(
        data["nik"].str[:12] + "****", because="practice.m06_keamanan.birth_date_visible"
    )
    q.assert_check_failed(data["nik"])


def test_soal_7_choices():
    q = lesson.soal_7
    for accepted in ("c", "C", " c", "c.", "c)"):
        q.assert_check_passed(accepted)
    for letter in "abd":
        q.assert_check_failed(letter, because=f"practice.m06_keamanan.choice_{letter}")
        q.assert_check_failed(letter.upper(), because=f"practice.m06_keamanan.choice_{letter}")
    q.assert_check_failed("jawaban c", because="practice.m06_keamanan.not_a_choice")
    q.assert_check_failed(3, because="practice.wrong_type")


def test_entropy_helper_matches_the_formula_for_many_passwords():
    for password in ("rahasia", "Marelan2026!", "kopi susu", "12345678", "ÄBC", "a b-c"):
        assert lesson.password_entropy(password) == pytest.approx(entropy(password))
