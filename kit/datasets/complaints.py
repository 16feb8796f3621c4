"""Public complaints (pengaduan masyarakat) shaped like SP4N-LAPOR! records for Medan Marelan."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.core import KELURAHAN, add_working_days

__all__ = ["generate_complaints", "CHANNELS", "CATEGORIES", "STATUSES"]

CHANNELS = {
    "SP4N-LAPOR!": 0.38,
    "WhatsApp Kecamatan": 0.27,
    "Datang Langsung": 0.18,
    "Media Sosial": 0.12,
    "Surat": 0.05,
}
CATEGORIES = {
    "Administrasi Kependudukan": 0.22,
    "Infrastruktur Jalan": 0.16,
    "Drainase dan Banjir": 0.15,
    "Kebersihan dan Sampah": 0.13,
    "Penerangan Jalan Umum": 0.09,
    "Bantuan Sosial": 0.11,
    "Ketertiban Umum": 0.08,
    "Layanan Kesehatan": 0.06,
}
STATUSES = ("Diterima", "Diteruskan", "Ditindaklanjuti", "Selesai")
# Population weights of the five kelurahan, and how slow each office is to forward a complaint.
_KELURAHAN_WEIGHT = np.array([0.24, 0.17, 0.21, 0.22, 0.16])
_KELURAHAN_DELAY = np.array([1.6, 2.6, 1.9, 2.2, 3.1])


def generate_complaints(seed: int, rows: int = 480) -> pd.DataFrame:
    """Complaints received from January to October 2026, one row per tracking id."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-01-02")
    received = start + rng.integers(0, 300, rows).astype("timedelta64[D]")
    received.sort()

    kel_idx = rng.choice(len(KELURAHAN), size=rows, p=_KELURAHAN_WEIGHT)
    channel = rng.choice(list(CHANNELS), size=rows, p=list(CHANNELS.values()))
    category = rng.choice(list(CATEGORIES), size=rows, p=list(CATEGORIES.values()))

    # Forwarding delay in working days: Poisson around the office's habit, so some exceed 3.
    forward_delay = rng.poisson(_KELURAHAN_DELAY[kel_idx])
    follow_delay = rng.poisson(3.2, rows) + 1
    forwarded = add_working_days(received, forward_delay)
    followed = add_working_days(forwarded, follow_delay)

    # Recent complaints are more often still open.
    age = (np.datetime64("2026-10-31") - received).astype(int)
    stage_roll = rng.random(rows)
    open_chance = np.clip(1.0 - age / 60.0, 0.05, 0.9)
    status_idx = np.where(
        stage_roll < open_chance * 0.35,
        0,
        np.where(stage_roll < open_chance * 0.7, 1, np.where(stage_roll < open_chance, 2, 3)),
    )

    frame = pd.DataFrame(
        {
            "no_tiket": [f"MRL-2026-{i:05d}" for i in range(1, rows + 1)],
            "tanggal_masuk": pd.to_datetime(received),
            "kanal": channel,
            "kategori": category,
            "kelurahan": np.array(KELURAHAN)[kel_idx],
            "status": np.array(STATUSES)[status_idx],
            "tanggal_diteruskan": pd.to_datetime(forwarded),
            "tanggal_ditindaklanjuti": pd.to_datetime(followed),
        }
    )
    frame.loc[frame["status"] == "Diterima", "tanggal_diteruskan"] = pd.NaT
    frame.loc[frame["status"].isin(["Diterima", "Diteruskan"]), "tanggal_ditindaklanjuti"] = pd.NaT
    for column in ("kanal", "kategori", "kelurahan", "status"):
        frame[column] = frame[column].astype("string")
    return frame


DATASETS = {"pengaduan": generate_complaints}
