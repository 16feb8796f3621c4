"""Service queues and budget realisation of the kecamatan and kelurahan offices of Medan Marelan.

``load("antrian_layanan")``: one row per visit to a population-administration counter (KTP-el,
KK, akta kelahiran, pindah datang), from a simulated first-come-first-served queue, so waits grow
where arrivals outrun the counters. ``load("realisasi_anggaran")``: the 2026 APBD lines of the
kecamatan and its kelurahan with their ceiling (pagu) and realisation per quarter up to Q3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kit.core import holidays, load_units

__all__ = [
    "BUDGET_PROGRAMS",
    "QUEUE_END",
    "QUEUE_START",
    "SERVICES",
    "generate_budget",
    "generate_queue",
]

QUEUE_START = "2026-09-01"
"""First day of the queue records (inclusive)."""
QUEUE_END = "2026-10-31"
"""Last day of the queue records (inclusive)."""

SERVICES = ("KTP-el", "Kartu Keluarga", "Akta Kelahiran", "Pindah Datang")
"""Population-administration services; KTP-el is recorded at the kecamatan office only."""

# Mean service minutes per service at the kecamatan counters; kelurahan counters, which prepare
# the application (surat pengantar, berkas) rather than enter it, take about 80% of that.
_SERVICE_MINUTES = {
    "KTP-el": 11.0,
    "Kartu Keluarga": 9.0,
    "Akta Kelahiran": 11.0,
    "Pindah Datang": 16.0,
}
_KELURAHAN_SPEED = 0.8
_SERVICE_MIX_KECAMATAN = (0.42, 0.30, 0.16, 0.12)
_SERVICE_MIX_KELURAHAN = (0.0, 0.48, 0.30, 0.22)


@dataclass(frozen=True)
class _Office:
    code: str
    name: str
    counters: int
    visits_per_day: float  # mean arrivals on a Wednesday


# The kecamatan office records KTP-el for the whole district at its own counter (Loket 1, with
# the camera and fingerprint reader); its Loket 2 and 3 take the other services. Labuhan Deli, the
# most populous kelurahan, has the same single counter as the other kelurahan.
_VISITS = {"KEC": (3, 66.0), "LBD": (1, 26.0), "PPS": (1, 14.0), "RGP": (1, 19.0),
           "TER": (1, 20.0), "TJN": (1, 13.0)}  # fmt: skip
_KTP_COUNTER = 0
# Mondays are busiest, Fridays quietest (shorter working day around Friday prayers).
_WEEKDAY_FACTOR = (1.35, 1.05, 1.0, 0.95, 0.75)
# Share of arrivals per hour from 08:00 to 14:00 (arrivals stop at 15:00).
_HOURLY_ARRIVALS = (0.22, 0.24, 0.17, 0.11, 0.07, 0.11, 0.08)
_OPENING_MINUTE = 8 * 60
_CLOSING_MINUTE = 16 * 60  # a visitor not called by then is asked to come back (ditunda)
# Visitors sent home at the front desk (documents incomplete) before reaching a counter.
_INCOMPLETE_DOCUMENTS = 0.02
# Minutes the front desk takes to check documents before a visitor can be called (inclusive).
_DESK_CHECK_MINUTES = (1, 5)


def _offices() -> list[_Office]:
    names = {u.code: u.name for u in load_units()}
    return [_Office(code, names[code], *_VISITS[code]) for code in _VISITS]


def _working_days(start: str, end: str) -> np.ndarray:
    days = np.arange(np.datetime64(start), np.datetime64(end) + 1, dtype="datetime64[D]")
    return days[np.is_busday(days, holidays=holidays())]


def _queue_day(
    rng: np.random.Generator, office: _Office, day: np.datetime64, weekday: int
) -> list[dict[str, object]]:
    """One office's visits on one day: arrivals, then a first-come-first-served queue."""
    visits = int(rng.poisson(office.visits_per_day * _WEEKDAY_FACTOR[weekday]))
    hours = rng.choice(len(_HOURLY_ARRIVALS), size=visits, p=_HOURLY_ARRIVALS)
    arrivals = np.sort(_OPENING_MINUTE + hours * 60 + rng.integers(0, 60, visits))
    mix = _SERVICE_MIX_KECAMATAN if office.code == "KEC" else _SERVICE_MIX_KELURAHAN
    services = rng.choice(len(SERVICES), size=visits, p=mix)
    speed = 1.0 if office.code == "KEC" else _KELURAHAN_SPEED
    free_at = [_OPENING_MINUTE] * office.counters
    rows = []
    midnight = pd.Timestamp(day)
    for number, (arrival, service) in enumerate(zip(arrivals, services, strict=True), start=1):
        mean = _SERVICE_MINUTES[SERVICES[service]] * speed
        minutes = max(3, int(round(rng.gamma(4.0, mean / 4.0))))
        sent_home = rng.random() < _INCOMPLETE_DOCUMENTS
        ready = int(arrival) + int(rng.integers(_DESK_CHECK_MINUTES[0], _DESK_CHECK_MINUTES[1] + 1))
        if office.counters == 1:
            open_counters = [0]
        elif SERVICES[service] == "KTP-el":
            open_counters = [_KTP_COUNTER]
        else:
            open_counters = [c for c in range(office.counters) if c != _KTP_COUNTER]
        counter = min(open_counters, key=lambda c: free_at[c])
        start = max(ready, free_at[counter])
        row: dict[str, object] = {
            "no_antrean": f"{office.code}-{midnight:%Y%m%d}-{number:03d}",
            "tanggal": midnight,
            "unit": office.name,
            "loket": pd.NA,
            "layanan": SERVICES[service],
            "jam_datang": midnight + pd.Timedelta(minutes=int(arrival)),
            "jam_dilayani": pd.NaT,
            "jam_selesai": pd.NaT,
            "status": "ditunda",
        }
        if not sent_home and start < _CLOSING_MINUTE:
            free_at[counter] = start + minutes
            row.update(
                loket=f"Loket {counter + 1}",
                jam_dilayani=midnight + pd.Timedelta(minutes=start),
                jam_selesai=midnight + pd.Timedelta(minutes=start + minutes),
                status="selesai",
            )
        rows.append(row)
    return rows


def generate_queue(seed: int) -> pd.DataFrame:
    """Counter visits of September and October 2026, one row per queue number."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    for day in _working_days(QUEUE_START, QUEUE_END):
        weekday = int(pd.Timestamp(day).day_of_week)
        for office in _offices():
            rows.extend(_queue_day(rng, office, day, weekday))
    frame = pd.DataFrame(rows)
    for column in ("tanggal", "jam_datang", "jam_dilayani", "jam_selesai"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("no_antrean", "unit", "loket", "layanan", "status"):
        frame[column] = frame[column].astype("string")
    return frame


# -- budget realisation -----------------------------------------------------------------------

BUDGET_PROGRAMS = (
    "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota",
    "Program Penyelenggaraan Pemerintahan dan Pelayanan Publik",
    "Program Pemberdayaan Masyarakat Desa dan Kelurahan",
    "Program Koordinasi Ketentraman dan Ketertiban Umum",
    "Program Penyelenggaraan Urusan Pemerintahan Umum",
)
"""The kecamatan's programmes (Permendagri 90/2019 nomenclature), in code order."""

_PENUNJANG, _PEMERINTAHAN, _PEMBERDAYAAN, _TRANTIBUM, _PEMUM = BUDGET_PROGRAMS

# Budget lines: (programme, activity, sub-activity, account code, account name, pagu in millions
# of rupiah, spending pattern). The kecamatan's lines first; _KELURAHAN_LINES repeat per kelurahan.
_ADM_KEU = "Administrasi Keuangan Perangkat Daerah"
_GAJI = "Penyediaan Gaji dan Tunjangan ASN"
_PERENCANAAN = "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah"
_ADM_UMUM = "Administrasi Umum Perangkat Daerah"
_JASA = "Penyediaan Jasa Penunjang Urusan Pemerintahan Daerah"
_UTILITAS = "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik"
_PELAYANAN_KANTOR = "Penyediaan Jasa Pelayanan Umum Kantor"
_PEMELIHARAAN = "Pemeliharaan Barang Milik Daerah Penunjang Urusan Pemerintahan Daerah"
_KOORDINASI = "Koordinasi Penyelenggaraan Kegiatan Pemerintahan di Tingkat Kecamatan"
_SINERGI = (
    "Koordinasi/Sinergi Perencanaan dan Pelaksanaan Kegiatan Pemerintahan dengan Perangkat "
    "Daerah dan Instansi Vertikal Terkait"
)
_PELAYANAN = "Peningkatan Efektivitas Pelayanan Publik di Tingkat Kecamatan"
_KELURAHAN = "Kegiatan Pemberdayaan Kelurahan"
_TRANTIB = "Koordinasi Upaya Penyelenggaraan Ketenteraman dan Ketertiban Umum"
_WASBANG = "Pembinaan Wawasan Kebangsaan dan Ketahanan Nasional"

_ATK = ("5.1.02.01.01.0024", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor")
_CETAK = ("5.1.02.01.01.0026", "Belanja Alat/Bahan untuk Kegiatan Kantor-Bahan Cetak")
_MAMIN = ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat")
_DINAS = ("5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa")
_LISTRIK = ("5.1.02.02.01.0061", "Belanja Tagihan Listrik")
_AIR = ("5.1.02.02.01.0060", "Belanja Tagihan Air")
_INTERNET = ("5.1.02.02.01.0063", "Belanja Kawat/Faksimili/Internet/TV Berlangganan")
_KEBERSIHAN = ("5.1.02.02.01.0030", "Belanja Jasa Tenaga Kebersihan")
_NARASUMBER = ("5.1.02.02.01.0003", "Honorarium Narasumber atau Pembahas, Moderator, Pembawa Acara")

_KECAMATAN_LINES = (
    (_PENUNJANG, _ADM_KEU, _GAJI, "5.1.01.01.01.0001", "Belanja Gaji Pokok PNS", 2400, "gaji"),
    (_PENUNJANG, _ADM_KEU, _GAJI, "5.1.01.01.02.0001", "Belanja Tunjangan Keluarga PNS", 240,
     "gaji"),
    (_PENUNJANG, _ADM_KEU, _GAJI, "5.1.01.02.01.0001",
     "Belanja Tambahan Penghasilan berdasarkan Beban Kerja PNS", 1100, "gaji"),
    (_PENUNJANG, _PERENCANAAN, "Penyusunan Dokumen Perencanaan Perangkat Daerah", *_MAMIN, 12,
     "kegiatan"),
    (_PENUNJANG, _PERENCANAAN, "Evaluasi Kinerja Perangkat Daerah", *_CETAK, 8, "kegiatan"),
    (_PENUNJANG, _ADM_UMUM, "Penyediaan Peralatan dan Perlengkapan Kantor", *_ATK, 45, "rutin"),
    (_PENUNJANG, _ADM_UMUM, "Penyediaan Barang Cetakan dan Penggandaan", *_CETAK, 25, "rutin"),
    (_PENUNJANG, _ADM_UMUM, "Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD", *_DINAS, 60,
     "kegiatan"),
    (_PENUNJANG, _ADM_UMUM, "Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD", *_MAMIN, 40,
     "kegiatan"),
    (_PENUNJANG, _JASA, _UTILITAS, *_LISTRIK, 120, "utilitas"),
    (_PENUNJANG, _JASA, _UTILITAS, *_AIR, 12, "utilitas"),
    (_PENUNJANG, _JASA, _UTILITAS, *_INTERNET, 36, "utilitas"),
    (_PENUNJANG, _JASA, _PELAYANAN_KANTOR, "5.1.02.02.01.0026", "Belanja Jasa Tenaga Administrasi",
     180, "rutin"),
    (_PENUNJANG, _JASA, _PELAYANAN_KANTOR, *_KEBERSIHAN, 96, "rutin"),
    (_PENUNJANG, _PEMELIHARAAN,
     "Penyediaan Jasa Pemeliharaan, Biaya Pemeliharaan, dan Pajak Kendaraan Perorangan Dinas "
     "atau Kendaraan Dinas Jabatan", "5.1.02.03.02.0035",
     "Belanja Pemeliharaan Alat Angkutan-Alat Angkutan Darat Bermotor-Kendaraan Bermotor "
     "Penumpang", 35, "rutin"),
    (_PENUNJANG, _PEMELIHARAAN, "Pemeliharaan/Rehabilitasi Gedung Kantor dan Bangunan Lainnya",
     "5.1.02.03.03.0001", "Belanja Pemeliharaan Bangunan Gedung-Bangunan Gedung Kantor", 150,
     "modal"),
    (_PEMERINTAHAN, _KOORDINASI, _SINERGI, *_MAMIN, 30, "kegiatan"),
    (_PEMERINTAHAN, _KOORDINASI, _SINERGI, *_DINAS, 25, "kegiatan"),
    (_PEMERINTAHAN, _PELAYANAN, "Penyediaan Sarana Pelayanan Administrasi Kependudukan",
     "5.2.02.05.01.0005", "Belanja Modal Alat Kantor Lainnya", 85, "modal"),
    (_PEMERINTAHAN, _PELAYANAN, "Penyediaan Sarana Pelayanan Administrasi Kependudukan", *_ATK,
     20, "rutin"),
    (_PEMBERDAYAAN, "Pemberdayaan Lembaga Kemasyarakatan Tingkat Kecamatan",
     "Fasilitasi Lembaga Kemasyarakatan Kelurahan", *_NARASUMBER, 18, "kegiatan"),
    (_TRANTIBUM, _TRANTIB,
     "Sinergitas dengan Kepolisian Negara Republik Indonesia, Tentara Nasional Indonesia dan "
     "Instansi Vertikal di Wilayah Kecamatan", *_MAMIN, 24, "kegiatan"),
    (_TRANTIBUM, _TRANTIB, "Patroli Ketenteraman dan Ketertiban Umum Wilayah Kecamatan", *_DINAS,
     30, "kegiatan"),
    (_PEMUM, _WASBANG, "Pelaksanaan Peringatan Hari Besar Nasional dan Keagamaan", *_MAMIN, 35,
     "kegiatan"),
    (_PEMUM, _WASBANG, "Pelaksanaan Peringatan Hari Besar Nasional dan Keagamaan", *_CETAK, 15,
     "kegiatan"),
)  # fmt: skip
_KELURAHAN_LINES = (
    (_PEMBERDAYAAN, _KELURAHAN, "Pembangunan Sarana dan Prasarana Kelurahan", "5.2.04.02.05.0003",
     "Belanja Modal Saluran Drainase", 320, "modal"),
    (_PEMBERDAYAAN, _KELURAHAN, "Pembangunan Sarana dan Prasarana Kelurahan", "5.2.04.01.01.0003",
     "Belanja Modal Jalan Lingkungan", 260, "modal"),
    (_PEMBERDAYAAN, _KELURAHAN, "Pemberdayaan Masyarakat di Kelurahan", *_MAMIN, 15, "kegiatan"),
    (_PEMBERDAYAAN, _KELURAHAN, "Pemberdayaan Masyarakat di Kelurahan", *_NARASUMBER, 12,
     "kegiatan"),
    (_PENUNJANG, _ADM_UMUM, "Penyediaan Peralatan dan Perlengkapan Kantor", *_ATK, 12, "rutin"),
    (_PENUNJANG, _JASA, _UTILITAS, *_LISTRIK, 24, "utilitas"),
    (_PENUNJANG, _JASA, _PELAYANAN_KANTOR, *_KEBERSIHAN, 36, "rutin"),
)  # fmt: skip

# Dirichlet weights of the three quarters' shares of what was realised by the end of Q3.
_QUARTER_WEIGHTS = {
    "gaji": (60.0, 60.0, 60.0),
    "rutin": (8.0, 8.0, 8.0),
    "utilitas": (8.0, 8.0, 8.0),
    "kegiatan": (1.5, 2.0, 2.5),
    "modal": (0.3, 1.0, 3.0),
}


def _realised_share(rng: np.random.Generator, pattern: str) -> float:
    """Share of the pagu realised by 30 September 2026 (three quarters of the year)."""
    if pattern == "gaji":
        return float(rng.normal(0.745, 0.008))
    if pattern in ("rutin", "utilitas"):
        return float(rng.uniform(0.52, 0.86))
    if pattern == "kegiatan":
        return float(rng.uniform(0.15, 0.95))
    # Building works: tendered late, often nothing paid before the last quarter.
    return 0.0 if rng.random() < 0.35 else float(rng.uniform(0.2, 0.85))


def _split(rng: np.random.Generator, total: int, pattern: str) -> list[int]:
    """``total`` rupiah over three quarters, in whole hundreds, summing exactly to ``total``."""
    weights = rng.dirichlet(_QUARTER_WEIGHTS[pattern])
    first = int(round(total * weights[0], -2))
    second = int(round(total * weights[1], -2))
    second = min(second, total - first)
    return [first, second, total - first - second]


def generate_budget(seed: int) -> pd.DataFrame:
    """APBD 2026 lines of the kecamatan and its kelurahan, realised up to 30 September 2026.

    By design every seed has one or two utility bills realised over their pagu and one line
    realised at exactly 50%, so a rule such as "below 50% or over the pagu" has both edges.
    """
    rng = np.random.default_rng(seed)
    units = load_units()
    lines = [(units[0].name, line) for line in _KECAMATAN_LINES]
    lines += [(u.name, line) for u in units[1:] for line in _KELURAHAN_LINES]

    shares = []
    pagus = []
    for _, (*_, millions, pattern) in lines:
        # An even number of thousands of rupiah, so that half of it is whole thousands.
        pagus.append(int(round(millions * rng.uniform(0.85, 1.15) * 500)) * 2000)
        shares.append(_realised_share(rng, pattern))
    patterns = [line[-1] for _, line in lines]
    utilities = [i for i, p in enumerate(patterns) if p == "utilitas"]
    for i in rng.choice(utilities, size=int(rng.integers(1, 3)), replace=False):
        shares[i] = float(rng.uniform(1.03, 1.15))
    candidates = [i for i, p in enumerate(patterns) if p in ("rutin", "kegiatan")]
    half = int(rng.choice(candidates))

    rows = []
    for i, (unit, (program, activity, sub_activity, code, account, _, pattern)) in enumerate(lines):
        total = pagus[i] // 2 if i == half else int(round(pagus[i] * shares[i], -2))
        quarters = _split(rng, total, pattern)
        rows.append(
            {
                "unit": unit,
                "program": program,
                "kegiatan": activity,
                "sub_kegiatan": sub_activity,
                "kode_rekening": code,
                "uraian": account,
                "pagu": pagus[i],
                "realisasi_tw1": quarters[0],
                "realisasi_tw2": quarters[1],
                "realisasi_tw3": quarters[2],
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("unit", "program", "kegiatan", "sub_kegiatan", "kode_rekening", "uraian"):
        frame[column] = frame[column].astype("string")
    for column in ("pagu", "realisasi_tw1", "realisasi_tw2", "realisasi_tw3"):
        frame[column] = frame[column].astype("int64")
    return frame


DATASETS = {"antrian_layanan": generate_queue, "realisasi_anggaran": generate_budget}
