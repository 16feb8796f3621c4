"""Invitation lists for official letters (``load("undangan_rapat")``) and the Indonesian calendar
words letters need, so that dates never depend on the computer's locale."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kit.core import KELURAHAN, holidays
from kit.datasets.people import FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES

__all__ = [
    "BULAN",
    "BULAN_ROMAWI",
    "HARI",
    "SAPAAN",
    "ACARA_RAPAT",
    "ACARA_SOSIALISASI",
    "generate_invitations",
]

BULAN: dict[int, str] = {
    1: "Januari", 2: "Februari", 3: "Maret", 4: "April", 5: "Mei", 6: "Juni", 7: "Juli",
    8: "Agustus", 9: "September", 10: "Oktober", 11: "November", 12: "Desember",
}  # fmt: skip
"""Month names by month number (1-12): ``BULAN[tanggal.month]``."""
HARI: dict[int, str] = {
    0: "Senin", 1: "Selasa", 2: "Rabu", 3: "Kamis", 4: "Jumat", 5: "Sabtu", 6: "Minggu",
}  # fmt: skip
"""Day names by ``tanggal.weekday()`` (Monday = 0), as Python and pandas count them."""
BULAN_ROMAWI: dict[int, str] = {
    1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX",
    10: "X", 11: "XI", 12: "XII",
}  # fmt: skip
"""Roman month numerals, as written in letter numbers (nomor surat)."""
SAPAAN: dict[str, str] = {"L": "Bapak", "P": "Ibu"}
"""Form of address by the ``jenis_kelamin`` code (L = laki-laki, P = perempuan)."""

ACARA_RAPAT = "Rapat Koordinasi Penanganan Pengaduan Masyarakat"
ACARA_SOSIALISASI = "Sosialisasi Kanal Pengaduan SP4N-LAPOR! bagi Kepala Lingkungan"
_TEMPAT_RAPAT = "Aula Kantor Camat Medan Marelan"
_JAM_RAPAT = "09.00"
_JAM_SOSIALISASI = "14.00"
# Who from each kelurahan office is invited to the coordination meeting.
_PESERTA_RAPAT = (
    "Lurah {kel}",
    "Sekretaris Lurah {kel}",
    "Kepala Seksi Pemerintahan Kelurahan {kel}",
)
_ROMAN_UNITS = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")


def _roman(number: int) -> str:
    """Roman numeral of 1-39 (lingkungan numbers)."""
    return "X" * (number // 10) + _ROMAN_UNITS[number % 10]


def _workdays(first: str, last: str) -> list[dt.date]:
    """Working days from ``first`` to ``last`` inclusive (ISO dates)."""
    days = np.arange(np.datetime64(first), np.datetime64(last) + 1)
    working = days[np.is_busday(days, holidays=holidays())]
    return [day.astype(dt.date) for day in working]


def generate_invitations(seed: int) -> pd.DataFrame:
    """Invitees of two events the Kantor Camat organises in December 2026, one row per letter.

    A coordination meeting on complaint handling for the kelurahan officials (one date, at the
    kecamatan hall) and a briefing on the complaint channels for the kepala lingkungan, held at
    each kelurahan office on its own date. Each event has one agenda number (``nomor_agenda``)
    and a letter date in November; the meeting dates fall in December.
    """
    rng = np.random.default_rng(seed)
    letter_days = _workdays("2026-11-23", "2026-11-27")
    # The meeting falls early in December (a one-digit day), the briefings after it.
    meeting_day = rng.choice(_workdays("2026-12-01", "2026-12-09"))
    briefing_days = sorted(rng.choice(_workdays("2026-12-10", "2026-12-18"), 5, replace=False))
    first_agenda = int(rng.integers(300, 800))
    used_names: set[str] = set()

    def person() -> tuple[str, str]:
        while True:
            female = bool(rng.random() < 0.45)
            given = str(rng.choice(FEMALE_NAMES if female else MALE_NAMES))
            name = f"{given} {rng.choice(FAMILY_NAMES)}"
            if name not in used_names:
                used_names.add(name)
                return name, "P" if female else "L"

    rows: list[dict[str, object]] = []
    meeting_letter = rng.choice(letter_days)
    for kelurahan in KELURAHAN:
        for role in _PESERTA_RAPAT:
            name, gender = person()
            rows.append(
                {
                    "nama": name,
                    "jenis_kelamin": gender,
                    "jabatan": role.format(kel=kelurahan),
                    "kelurahan": kelurahan,
                    "acara": ACARA_RAPAT,
                    "tanggal_rapat": meeting_day,
                    "jam": _JAM_RAPAT,
                    "tempat": _TEMPAT_RAPAT,
                    "nomor_agenda": first_agenda,
                    "tanggal_surat": meeting_letter,
                }
            )
    order = rng.permutation(len(KELURAHAN))
    for number, (index, kelurahan) in enumerate(zip(order, KELURAHAN, strict=True), start=1):
        letter_day = rng.choice(letter_days)
        lingkungan = sorted(rng.choice(np.arange(1, 21), int(rng.integers(2, 5)), replace=False))
        for lingkungan_number in lingkungan:
            name, gender = person()
            rows.append(
                {
                    "nama": name,
                    "jenis_kelamin": gender,
                    "jabatan": f"Kepala Lingkungan {_roman(int(lingkungan_number))} "
                    f"Kelurahan {kelurahan}",
                    "kelurahan": kelurahan,
                    "acara": ACARA_SOSIALISASI,
                    "tanggal_rapat": briefing_days[index],
                    "jam": _JAM_SOSIALISASI,
                    "tempat": f"Kantor Lurah {kelurahan}",
                    "nomor_agenda": first_agenda + number,
                    "tanggal_surat": letter_day,
                }
            )
    frame = pd.DataFrame(rows)
    frame.insert(0, "no_urut", np.arange(1, len(frame) + 1))
    for column in ("tanggal_rapat", "tanggal_surat"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


DATASETS = {"undangan_rapat": generate_invitations}
