"""A demonstration roster of ASN in the kecamatan office and the five kelurahan offices."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kit.core import load_units

__all__ = ["generate_roster", "MALE_NAMES", "FEMALE_NAMES", "FAMILY_NAMES"]

MALE_NAMES = (
    "Ahmad", "Budi", "Dedi", "Fadli", "Hendra", "Irfan", "Joko", "Rizky", "Syahrul", "Taufik",
    "Andi", "Bambang", "Doni", "Ferry", "Agus", "Zulkifli", "Rahmat", "Yusuf",
)  # fmt: skip
FEMALE_NAMES = (
    "Ayu", "Dewi", "Fitri", "Indah", "Lestari", "Mawar", "Nurhayati", "Putri", "Rina", "Siti",
    "Sri", "Wulan", "Yuni", "Rahmawati", "Melati", "Desi", "Sari", "Nur",
)  # fmt: skip
FAMILY_NAMES = (
    "Siregar", "Nasution", "Lubis", "Harahap", "Simanjuntak", "Sitompul", "Tarigan", "Ginting",
    "Hasibuan", "Pohan", "Daulay", "Batubara", "Sembiring", "Pane", "Rangkuti", "Matondang",
    "Saragih", "Damanik", "Purba", "Situmorang",
)  # fmt: skip
_POSITIONS_KEC = ("Camat", "Sekretaris Camat", "Kepala Seksi Pelayanan Umum", "Analis Data")
_POSITIONS_KEL = ("Lurah", "Sekretaris Lurah", "Kepala Seksi Pemerintahan", "Staf Pelayanan")


def generate_roster(seed: int, size: int = 30) -> pd.DataFrame:
    """Roster rows (``username, nip, nama, unit, jabatan, email``) with format-valid NIPs."""
    rng = np.random.default_rng(seed)
    units = load_units()
    rows: list[dict[str, str]] = []
    used_usernames: set[str] = set()
    for i in range(size):
        unit = units[0] if i < 5 else units[1 + (i - 5) % (len(units) - 1)]
        female = bool(rng.random() < 0.5)
        given = str(rng.choice(FEMALE_NAMES if female else MALE_NAMES))
        family = str(rng.choice(FAMILY_NAMES))
        base = f"{given}.{family}".lower()
        username = base
        suffix = 2
        while username in used_usernames:
            username = f"{base}{suffix}"
            suffix += 1
        used_usernames.add(username)
        birth = dt.date(1968, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 30)))
        appointed_year = min(birth.year + int(rng.integers(21, 30)), 2024)
        appointed_month = int(rng.integers(1, 13))
        nip = (
            f"{birth:%Y%m%d}{appointed_year:04d}{appointed_month:02d}"
            f"{2 if female else 1}{int(rng.integers(1, 1000)):03d}"
        )
        positions = _POSITIONS_KEC if unit.kind == "kecamatan" else _POSITIONS_KEL
        position_index = i if i < 5 else (i - 5) // (len(units) - 1)
        position = positions[min(position_index, len(positions) - 1)]
        rows.append(
            {
                "username": username,
                "nip": nip,
                "nama": f"{given} {family}",
                "unit": unit.code,
                "jabatan": position,
                "email": f"{username}@marelan.contoh.go.id",
            }
        )
    return pd.DataFrame(rows)


DATASETS = {"peserta_demo": generate_roster}
