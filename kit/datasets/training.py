"""Outside learning (workshops with universities, the private sector and government bodies)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kit.datasets.people import generate_roster

__all__ = ["generate_external_training", "WORKSHOPS"]

# (title, organiser, kind, days, JP)
WORKSHOPS = (
    ("Workshop Analisis Data Pelayanan Publik dengan Python", "Universitas Sumatera Utara",
     "universitas", 2, 12),
    ("Pelatihan Keamanan Siber bagi Aparatur", "Badan Siber dan Sandi Negara", "pemerintah", 1, 6),
    ("Kelas Microsoft Excel Tingkat Lanjut", "Politeknik Negeri Medan", "universitas", 1, 4),
    ("Literasi Digital untuk Pelayanan Prima", "PT Telkom Indonesia", "swasta", 1, 5),
    ("Bimbingan Teknis SP4N-LAPOR!", "Dinas Komunikasi dan Informatika Kota Medan", "pemerintah",
     2, 10),
)  # fmt: skip


def generate_external_training(seed: int, size: int = 30) -> pd.DataFrame:
    """Outside-learning records for the demo roster, in the import CSV's columns."""
    rng = np.random.default_rng(seed + 1)
    roster = generate_roster(seed, size)
    rows = []
    for username in roster["username"]:
        attended = rng.choice(len(WORKSHOPS), size=int(rng.integers(0, 4)), replace=False)
        for index in sorted(int(i) for i in attended):
            title, organiser, kind, days, jp = WORKSHOPS[index]
            start = dt.date(2026, 2, 2) + dt.timedelta(weeks=int(rng.integers(0, 36)))
            rows.append(
                {
                    "username": username,
                    "tanggal_mulai": start.isoformat(),
                    "tanggal_selesai": (start + dt.timedelta(days=days - 1)).isoformat(),
                    "penyelenggara": organiser,
                    "judul": title,
                    "jp": jp,
                    "jenis": kind,
                }
            )
    return pd.DataFrame(rows)


DATASETS = {"pelatihan_eksternal_demo": generate_external_training}
