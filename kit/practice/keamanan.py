"""Checkers of the lesson ``courses/06_keamanan``: passwords, phishing, hashing, NIK and UU 27/2022.

Expected answers are computed when first needed: from ``load("pesan_phishing")`` and
``load("warga_nik")`` for the data exercises, and from the lesson's example values (the
constants below, which the lesson's own cells repeat) for the others. Hints and solutions use
the lesson's variables (``sandi_kantor``, ``pesan``, ``garam``, ``warga``, ``format_benar``...).
"""

from __future__ import annotations

import hashlib
import math
import string
from collections.abc import Callable

import pandas as pd

from kit.datasets import (
    AKHIRAN_RESMI,
    AMBANG_PHISHING,
    BOBOT_TANDA,
    POLA_MENDESAK,
    POLA_RAHASIA,
    load,
)
from kit.practice.core import Mistake, Question, ____
from kit.practice.toolkit import choice_comparison, chose, fraction_not_percent

__all__ = [
    "GARAM_LATIHAN",
    "SANDI_KANTOR",
    "SANDI_LATIHAN",
    "____",
    "password_entropy",
    "soal_1",
    "soal_2",
    "soal_3",
    "soal_4",
    "soal_5",
    "soal_6",
    "soal_7",
]

SANDI_KANTOR = "Marelan2026!"
"""The office password of exercise 1: long and varied, yet the first pattern an attacker tries."""
GARAM_LATIHAN = "c8e1f2a9"
"""The salt of exercise 4 (a synthetic value, as every password in the lesson)."""
SANDI_LATIHAN = "lampu-jalan-paya-pasir"
"""The password of exercise 4."""

_KEY = "practice.m06_keamanan."
# Half of the last decimal place: an answer rounded to one decimal (or not) is accepted.
_ROUNDED = 0.05

# Character pools of the entropy formula: what an attacker must try for each position.
_POOLS = (
    (string.ascii_lowercase, 26),
    (string.ascii_uppercase, 26),
    (string.digits, 10),
)
_OTHER_POOL = 32
"""Every other character (punctuation, space) counts as one pool of 32 symbols."""


def password_entropy(
    password: str, *, symbols: bool = True, log: Callable[[float], float] = math.log2
) -> float:
    """Length x log2(pool size), the pool made of the character kinds ``password`` uses.

    ``symbols=False`` and ``log`` reproduce typical mistakes (symbols ignored, wrong logarithm).
    """
    pool = sum(size for characters, size in _POOLS if any(c in characters for c in password))
    known = "".join(characters for characters, _ in _POOLS)
    if symbols and any(c not in known for c in password):
        pool += _OTHER_POOL
    return len(password) * log(pool) if pool else 0.0


# -- Soal 1: entropy of the office password ------------------------------------------------------


soal_1 = Question(
    title="Soal 1: entropi kata sandi Marelan2026!",
    expected=lambda: password_entropy(SANDI_KANTOR),
    tolerance=_ROUNDED,
    hints=(
        "Mulailah dari ukuran kumpulan karakter: `Marelan2026!` memuat huruf kecil (26), huruf "
        "besar (26), angka (10), dan tanda baca `!` (32). Jumlahkan.",
        "Entropi = panjang sandi x log2(ukuran kumpulan): `len(sandi_kantor) * "
        "math.log2(kumpulan)`.",
    ),
    solution_code="""\
kumpulan = 26 + 26 + 10 + 32
entropi_kantor = len(sandi_kantor) * math.log2(kumpulan)""",
    mistakes=(
        Mistake(
            _KEY + "symbols_forgotten",
            wrong=lambda: password_entropy(SANDI_KANTOR, symbols=False),
        ),
        Mistake(_KEY + "log10", wrong=lambda: password_entropy(SANDI_KANTOR, log=math.log10)),
        Mistake(_KEY + "natural_log", wrong=lambda: password_entropy(SANDI_KANTOR, log=math.log)),
        Mistake(
            _KEY + "length_forgotten",
            wrong=lambda: password_entropy(SANDI_KANTOR) / len(SANDI_KANTOR),
        ),
        Mistake(_KEY + "combinations_not_bits", applies=lambda answer: answer > 10_000),
    ),
)


# -- Soal 2: links whose domain is not a government one -----------------------------------------


def _domains() -> pd.Series:
    messages = load("pesan_phishing")
    return messages["tautan"].str.split("/").str[2].fillna("")


def _suspicious_links(*, contains: bool = False, without_link: bool = False) -> pd.Series:
    """Messages whose link leaves go.id; the flags reproduce typical mistakes."""
    domains = _domains()
    if contains:
        official = domains.str.contains(AKHIRAN_RESMI.lstrip("."), regex=False)
    else:
        official = domains.str.endswith(AKHIRAN_RESMI)
    if without_link:
        return ~official
    return (domains != "") & ~official


soal_2 = Question(
    title="Soal 2: pesan dengan tautan mencurigakan",
    expected=_suspicious_links,
    hints=(
        "Sebuah tautan mencurigakan bila domainnya **tidak berakhiran** `.go.id`. Pakai "
        '`pesan["domain"].str.endswith(".go.id")`, lalu balik hasilnya dengan `~`.',
        'Pesan tanpa tautan punya domain kosong (`""`) dan tidak boleh ikut terhitung. '
        'Gabungkan dua syarat dengan `&`: `(pesan["domain"] != "") & ...`.',
    ),
    solution_code="""\
tautan_mencurigakan = (pesan["domain"] != "") & ~pesan["domain"].str.endswith(".go.id")""",
    mistakes=(
        Mistake(_KEY + "lookalike_domain", wrong=lambda: _suspicious_links(contains=True)),
        Mistake(_KEY + "no_link_counted", wrong=lambda: _suspicious_links(without_link=True)),
    ),
)


# -- Soal 3: share of the phishing messages the rule catches -------------------------------------


def _scored() -> pd.DataFrame:
    """The messages with the four signs and their score, as the lesson builds them."""
    messages = load("pesan_phishing")
    messages["tautan_mencurigakan"] = _suspicious_links()
    messages["minta_rahasia"] = messages["isi"].str.contains(POLA_RAHASIA)
    messages["mendesak"] = messages["isi"].str.contains(POLA_MENDESAK)
    messages["lampiran_apk"] = messages["lampiran"].str.endswith(".apk")
    messages["skor"] = sum(weight * messages[sign] for sign, weight in BOBOT_TANDA.items())
    return messages


def _percent_caught(*, denominator: str = "phishing", strictly: bool = False) -> float:
    messages = _scored()
    flagged = (
        messages["skor"] > AMBANG_PHISHING if strictly else messages["skor"] >= AMBANG_PHISHING
    )
    phishing = messages["label"] == "phishing"
    if denominator == "phishing":
        return float((flagged & phishing).sum() / phishing.sum() * 100)
    if denominator == "flagged":
        return float((flagged & phishing).sum() / flagged.sum() * 100)
    if denominator == "all":
        return float(flagged.mean() * 100)
    return float((flagged == phishing).mean() * 100)


soal_3 = Question(
    title="Soal 3: persen pesan phishing yang tertangkap aturan",
    expected=_percent_caught,
    tolerance=_ROUNDED,
    hints=(
        'Pilih dulu pesan yang labelnya phishing: `phishing = pesan[pesan["label"] == '
        '"phishing"]`.',
        "Di antara pesan itu, kolom `tanda_phishing` bernilai True bila tertangkap. Rata-ratanya "
        "(`.mean()`) adalah proporsinya; kalikan 100.",
    ),
    solution_code="""\
phishing = pesan[pesan["label"] == "phishing"]
persen_tertangkap = phishing["tanda_phishing"].mean() * 100""",
    mistakes=(
        Mistake(_KEY + "all_messages", wrong=lambda: _percent_caught(denominator="all")),
        Mistake(_KEY + "precision", wrong=lambda: _percent_caught(denominator="flagged")),
        Mistake(_KEY + "accuracy", wrong=lambda: _percent_caught(denominator="accuracy")),
        Mistake(_KEY + "strictly_greater", wrong=lambda: _percent_caught(strictly=True)),
        Mistake(_KEY + "fraction_not_percent", applies=fraction_not_percent),
    ),
)


# -- Soal 4: a salted SHA-256 hash ----------------------------------------------------------------


def _hash(text: str, algorithm: str = "sha256") -> str:
    return hashlib.new(algorithm, text.encode("utf-8")).hexdigest()


soal_4 = Question(
    title="Soal 4: hash bergaram dari sebuah kata sandi",
    expected=lambda: _hash(GARAM_LATIHAN + SANDI_LATIHAN),
    hints=(
        "Gabungkan garam dan sandi menjadi satu teks, garam di depan: `garam + sandi_baru`.",
        'Ubah teks itu menjadi byte dengan `.encode("utf-8")`, masukkan ke '
        "`hashlib.sha256(...)`, lalu ambil teks heksadesimalnya dengan `.hexdigest()`.",
    ),
    solution_code="""\
hash_bergaram = hashlib.sha256((garam + sandi_baru).encode("utf-8")).hexdigest()""",
    mistakes=(
        Mistake(_KEY + "unsalted", wrong=lambda: _hash(SANDI_LATIHAN)),
        Mistake(_KEY + "salt_after", wrong=lambda: _hash(SANDI_LATIHAN + GARAM_LATIHAN)),
        Mistake(_KEY + "not_sha256", wrong=lambda: _hash(GARAM_LATIHAN + SANDI_LATIHAN, "md5")),
        Mistake(_KEY + "not_sha256", wrong=lambda: _hash(GARAM_LATIHAN + SANDI_LATIHAN, "sha1")),
        Mistake(_KEY + "digest_bytes", applies=lambda answer: isinstance(answer, bytes)),
        Mistake(_KEY + "hash_object", applies=lambda answer: hasattr(answer, "hexdigest")),
    ),
)


# -- Soal 5: which NIKs follow the rules ----------------------------------------------------------


def _nik_parts() -> dict[str, pd.Series]:
    nik = load("warga_nik")["nik"]
    return {
        "format": nik.str.fullmatch(r"\d{16}"),
        "day": pd.to_numeric(nik.str[6:8], errors="coerce"),
        "month": pd.to_numeric(nik.str[8:10], errors="coerce"),
        "serial": nik.str[12:16],
    }


def _nik_valid(*, women: bool = True, month: bool = True, serial: bool = True) -> pd.Series:
    """The lesson's NIK rules; switching one off reproduces a typical mistake."""
    parts = _nik_parts()
    day_ok = parts["day"].between(1, 31)
    if women:
        day_ok |= parts["day"].between(41, 71)
    valid = parts["format"] & day_ok
    if month:
        valid &= parts["month"].between(1, 12)
    if serial:
        valid &= parts["serial"] != "0000"
    return valid


soal_5 = Question(
    title="Soal 5: NIK yang memenuhi aturan",
    expected=_nik_valid,
    hints=(
        "Empat syarat digabung dengan `&`: `format_benar`, tanggal yang sah, bulan 1 sampai 12, "
        'dan nomor urut bukan `"0000"`. Tulis setiap syarat di dalam kurung.',
        "Tanggal sah bila 1 sampai 31 (laki-laki) **atau** 41 sampai 71 (perempuan): "
        "`(tgl.between(1, 31) | tgl.between(41, 71))`.",
        'Bulan: `bulan.between(1, 12)`; nomor urut: `(urut != "0000")`.',
    ),
    solution_code="""\
nik_valid = (
    format_benar
    & (tgl.between(1, 31) | tgl.between(41, 71))
    & bulan.between(1, 12)
    & (urut != "0000")
)""",
    mistakes=(
        Mistake(_KEY + "format_only", wrong=lambda: _nik_parts()["format"]),
        Mistake(_KEY + "women_plus_40", wrong=lambda: _nik_valid(women=False)),
        Mistake(_KEY + "month_unchecked", wrong=lambda: _nik_valid(month=False)),
        Mistake(_KEY + "serial_unchecked", wrong=lambda: _nik_valid(serial=False)),
    ),
)


# -- Soal 6: masked NIKs --------------------------------------------------------------------------


def _masked(keep_start: int = 6, keep_end: int = 4) -> pd.Series:
    nik = load("warga_nik")["nik"]
    hidden = 16 - keep_start - keep_end
    end = nik.str[-keep_end:] if keep_end else ""
    return nik.str[:keep_start] + "*" * hidden + end


def _serial_hidden(answer: pd.Series) -> bool:
    nik = load("warga_nik")["nik"]
    return bool((answer.reindex(nik.index) == nik.str[:6] + "*" * 10).all())


soal_6 = Question(
    title="Soal 6: NIK yang disamarkan",
    expected=_masked,
    hints=(
        'Potongan teks diambil dengan `.str[awal:akhir]`: `warga["nik"].str[:6]` adalah 6 '
        'digit pertama, `warga["nik"].str[-4:]` adalah 4 digit terakhir.',
        'Sambungkan ketiga bagian dengan `+`: 6 digit pertama, `"******"` (enam bintang), dan '
        "4 digit terakhir.",
    ),
    solution_code="""\
nik_samaran = warga["nik"].str[:6] + "******" + warga["nik"].str[-4:]""",
    mistakes=(
        Mistake(_KEY + "masked_everything", applies=lambda a: bool(a.str.fullmatch(r"\*+").all())),
        Mistake(_KEY + "birth_date_visible", wrong=lambda: _masked(keep_start=12, keep_end=0)),
        Mistake(_KEY + "birth_date_visible", wrong=lambda: _masked(keep_start=10, keep_end=2)),
        Mistake(_KEY + "serial_hidden", applies=_serial_hidden),
    ),
)


# -- Soal 7: a lost laptop (multiple choice) -----------------------------------------------------

soal_7 = Question(
    title="Soal 7: laptop dinas berisi data warga hilang",
    expected=lambda: "c",
    compare=choice_comparison("abcd", not_a_choice=_KEY + "not_a_choice"),
    hints=(
        "UU 27/2022 menghitung batas pemberitahuan dalam jam, bukan hari kerja, dan sejak "
        "kegagalan pelindungan data diketahui.",
        "Data yang masih ada di cadangan tetap bocor bila laptopnya dibaca orang lain: yang "
        "dilindungi adalah kerahasiaannya, bukan hanya keberadaannya.",
    ),
    solution_code='jawaban_7 = "c"',
    mistakes=(
        Mistake(_KEY + "choice_a", applies=chose("a")),
        Mistake(_KEY + "choice_b", applies=chose("b")),
        Mistake(_KEY + "choice_d", applies=chose("d")),
    ),
)
