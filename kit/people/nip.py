"""Structure of the 18-digit NIP (Nomor Induk Pegawai) of Indonesian civil servants.

Layout: birth date (YYYYMMDD), appointment year and month (YYYYMM), gender digit
(1 = male, 2 = female) and a three-digit serial.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["NipParts", "NipError", "parse_nip", "mask_nip", "format_nip"]

MIN_BIRTH_YEAR = 1940
MIN_AGE_AT_APPOINTMENT = 18


class NipError(ValueError):
    """A NIP that cannot be valid; ``key`` names the message in the catalogue."""

    def __init__(self, key: str, **details: object) -> None:
        super().__init__(key)
        self.key = key
        self.details = details


@dataclass(frozen=True)
class NipParts:
    birth_date: dt.date
    appointment: tuple[int, int]
    gender: str  # "L" (laki-laki) or "P" (perempuan)
    serial: int


def parse_nip(value: str, today: dt.date | None = None) -> NipParts:
    """Check a NIP's format and plausibility and return its parts.

    Raises ``NipError`` with a message key describing the first problem found.
    """
    today = today or dt.date.today()
    nip = value.strip().replace(" ", "")
    if not nip.isdigit() or not nip.isascii():
        raise NipError("nip.not_digits", value=value)
    if len(nip) != 18:
        raise NipError("nip.length", length=len(nip))
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise NipError("nip.birth_date_invalid", part=nip[0:8]) from None
    if birth.year < MIN_BIRTH_YEAR or birth > _years_before(today, MIN_AGE_AT_APPOINTMENT):
        raise NipError("nip.birth_date_implausible", birth=birth.isoformat())
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        raise NipError("nip.appointment_month", part=nip[8:14])
    if (year, month) > (today.year, today.month):
        raise NipError("nip.appointment_future", part=nip[8:14])
    if (year, month) < (birth.year + MIN_AGE_AT_APPOINTMENT, birth.month):
        raise NipError("nip.appointment_too_young", part=nip[8:14], birth=birth.isoformat())
    gender_digit = nip[14]
    if gender_digit not in "12":
        raise NipError("nip.gender", digit=gender_digit)
    serial = int(nip[15:18])
    if serial == 0:
        raise NipError("nip.serial")
    return NipParts(birth, (year, month), "L" if gender_digit == "1" else "P", serial)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def format_nip(nip: str) -> str:
    """Group a NIP the way it is printed on official documents: 8 6 1 3."""
    return f"{nip[0:8]} {nip[8:14]} {nip[14]} {nip[15:18]}"


def mask_nip(nip: str) -> str:
    """Hide the birth date, appointment and gender, keeping only the first and last digits."""
    if len(nip) != 18:
        return "*" * len(nip)
    return nip[:4] + "*" * 11 + nip[-3:]
