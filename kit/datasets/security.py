"""Security lesson data: messages to screen for phishing and residents with (mistyped) NIKs.

``load("pesan_phishing")`` holds SMS, WhatsApp and e-mail messages received by the offices of
Kecamatan Medan Marelan, labelled ``phishing`` or ``aman``; ``load("warga_nik")`` holds
synthetic residents with a 16-digit NIK, some of them mistyped as happens at a service counter.

The signs of phishing and their weights are declared here, in the learners' language, because
the lesson and the assignment both score the messages with them; the messages are written so that
the signs decide most, but not all, of the labels (a rule reads words, not intent).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kit.core import KELURAHAN
from kit.datasets.people import FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES

__all__ = [
    "AKHIRAN_RESMI",
    "AMBANG_PHISHING",
    "BOBOT_TANDA",
    "KODE_WILAYAH_MARELAN",
    "POLA_MENDESAK",
    "POLA_RAHASIA",
    "TANDA_PHISHING",
    "TYPO_KINDS",
    "generate_messages",
    "generate_residents",
]

POLA_RAHASIA = r"(?i)\b(?:otp|pin|kata sandi|password)\b"
"""Words asking for a secret (OTP, PIN, password), whole words, any letter case."""
POLA_MENDESAK = r"(?i)\b(?:segera|hari ini|diblokir|dinonaktifkan|batas waktu|24 jam|terakhir)\b"
"""Words that hurry the reader, whole words, any letter case."""
AKHIRAN_RESMI = ".go.id"
"""Government sites end with this; a look-alike only contains it (``medan.go.id.contoh.xyz``)."""
BOBOT_TANDA = {
    "tautan_mencurigakan": 2,
    "minta_rahasia": 2,
    "mendesak": 1,
    "lampiran_apk": 3,
}
"""Points per sign of phishing: an ``.apk`` attachment installs an app, so it weighs most."""
TANDA_PHISHING = tuple(BOBOT_TANDA)
"""The four signs, in the order the lesson introduces them."""
AMBANG_PHISHING = 3
"""A message whose score reaches this many points is treated as phishing."""

KODE_WILAYAH_MARELAN = "127112"
"""Kemendagri code of Kecamatan Medan Marelan: 12 Sumatera Utara, 71 Kota Medan, 12 Marelan."""

# -- messages ---------------------------------------------------------------------------------

_MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
)  # fmt: skip
_WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat")

# Each template: label, weight within its label, channels, sender kind, text, link, attachment.
# Placeholders in braces are filled per message. Comments give the score the signs add up to.
_PHISHING = (
    # link to a look-alike of medan.go.id + "diblokir" + "hari ini": 3, caught
    dict(
        weight=0.14,
        channels=("SMS", "WhatsApp"),
        sender="nomor",
        text="Yth. warga Kota Medan, akun Identitas Kependudukan Digital (IKD) Anda akan "
        "diblokir hari ini. Verifikasi data Anda di {tautan}",
        link="https://medan.go.id.verifikasi-akun.xyz/login",
    ),
    # look-alike link + "segera": 3, caught
    dict(
        weight=0.12,
        channels=("WhatsApp",),
        sender="nomor",
        text="Selamat! Nomor Anda terpilih sebagai penerima bantuan sosial tunai Rp{jumlah}. "
        "Segera lengkapi data penerima di {tautan}",
        link="https://bansos-kemensos.daftar-online.click/form",
    ),
    # .apk attachment: 3, caught
    dict(
        weight=0.12,
        channels=("WhatsApp",),
        sender="nomor",
        text="Assalamualaikum Bapak/Ibu {nama}, ini undangan pernikahan anak kami. Mohon "
        "dibuka ya, terima kasih.",
        attachment="Undangan_Pernikahan_Digital.apk",
    ),
    # .apk attachment: 3, caught
    dict(
        weight=0.08,
        channels=("WhatsApp",),
        sender="nomor",
        text="Paket atas nama Anda tertahan di gudang ekspedisi. Cek foto resi pada lampiran.",
        attachment="Foto_Resi_Paket.apk",
    ),
    # asks for the OTP + "batas waktu": 3, caught
    dict(
        weight=0.10,
        channels=("SMS",),
        sender="nomor",
        text="BKN: data ASN Anda belum diperbarui. Kirimkan kode OTP yang baru masuk ke nomor "
        "ini sebelum batas waktu pukul 16.00.",
    ),
    # look-alike webmail + asks for the password + "24 jam" + "dinonaktifkan": 5, caught
    dict(
        weight=0.12,
        channels=("Email",),
        sender="email_palsu",
        text="Kotak surat dinas Anda hampir penuh. Masukkan kata sandi Anda di {tautan} dalam "
        "24 jam agar surel tidak dinonaktifkan.",
        link="https://webmail-medan-go-id.update-kapasitas.site/masuk",
    ),
    # double extension .pdf.apk + "segera": 4, caught
    dict(
        weight=0.10,
        channels=("Email",),
        sender="email_palsu",
        text="Yth. ASN Kecamatan Medan Marelan, pembayaran tunjangan bulan {bulan} tertunda. "
        "Isi formulir klaim pada lampiran dan kirim kembali segera.",
        attachment="Formulir_Klaim_TPP.pdf.apk",
    ),
    # prize scam by phone, only "segera": 1, missed by the rule
    dict(
        weight=0.08,
        channels=("WhatsApp", "SMS"),
        sender="nomor",
        text="Selamat, Anda memenangkan undian Rp{jumlah} dari program HUT Kota Medan. Segera "
        "hubungi panitia di nomor {nomor} untuk klaim hadiah.",
    ),
    # look-alike link alone: 2, missed by the rule
    dict(
        weight=0.07,
        channels=("SMS",),
        sender="nomor",
        text="Tagihan listrik rumah Anda bulan {bulan} belum terbayar. Cek rincian tagihan di "
        "{tautan}",
        link="https://tagihan-listrik.cek-online.top/rincian",
    ),
    # asks for the PIN, nothing else: 2, missed by the rule
    dict(
        weight=0.07,
        channels=("WhatsApp",),
        sender="nomor",
        text="Halo Bapak/Ibu, saya petugas Disdukcapil. Untuk aktivasi IKD mohon sebutkan PIN "
        "yang dikirim ke ponsel Anda.",
    ),
)
_SAFE = (
    # 0
    dict(
        weight=0.14,
        channels=("WhatsApp",),
        sender="rekan",
        text="Selamat pagi Bu {nama}, rapat koordinasi pelayanan di Kantor Camat Medan Marelan "
        "hari {hari} pukul 09.00. Mohon hadir tepat waktu.",
    ),
    # official link: 0
    dict(
        weight=0.10,
        channels=("Email",),
        sender="email_kantor",
        text="Yth. Lurah {kelurahan}, rekap layanan administrasi bulan {bulan} mohon diunggah "
        "melalui {tautan} paling lambat tanggal 5.",
        link="https://www.medan.go.id/layanan/rekap-bulanan",
    ),
    # meeting link outside go.id + "segera": 3, a false alarm of the rule
    dict(
        weight=0.08,
        channels=("Email", "WhatsApp"),
        sender="rekan",
        text="Rapat daring dengan Dinas Kominfo dimajukan ke pukul 10.00. Mohon segera "
        "bergabung melalui {tautan}",
        link="https://zoom.us/j/{rapat}",
    ),
    # warns about the OTP: 2, stays below the threshold
    dict(
        weight=0.12,
        channels=("SMS",),
        sender="bank",
        text="Transaksi tarik tunai Rp{jumlah} berhasil. Jangan berikan kode OTP kepada siapa "
        "pun, termasuk petugas bank.",
    ),
    # warns about the PIN + "segera": 3, a false alarm of the rule
    dict(
        weight=0.07,
        channels=("SMS",),
        sender="bank",
        text="Ada percobaan masuk ke akun mobile banking Anda. Bila bukan Anda, segera hubungi "
        "nomor layanan di balik kartu Anda. Jangan berikan PIN kepada siapa pun.",
    ),
    # "hari ini": 1
    dict(
        weight=0.10,
        channels=("WhatsApp",),
        sender="rekan",
        text="Mohon kirim rekap penerima bantuan Kelurahan {kelurahan} hari ini lewat surel "
        "dinas, jangan lewat grup.",
    ),
    # official link: 0
    dict(
        weight=0.12,
        channels=("Email",),
        sender="lapor",
        text="Pengaduan nomor {tiket} telah diteruskan ke Kelurahan {kelurahan}. Status "
        "pengaduan dapat dilihat di {tautan}",
        link="https://www.lapor.go.id/",
    ),
    # shared-folder link outside go.id: 2
    dict(
        weight=0.10,
        channels=("WhatsApp",),
        sender="rekan",
        text="Berkas rekap kegiatan posyandu sudah saya unggah ke folder bersama: {tautan}",
        link="https://drive.google.com/drive/folders/{folder}",
    ),
    # PDF attachment: 0
    dict(
        weight=0.10,
        channels=("Email",),
        sender="email_kantor",
        text="Terlampir surat edaran Camat tentang jadwal piket pelayanan bulan {bulan}.",
        attachment="Surat_Edaran_Camat_{nomor_surat}.pdf",
    ),
    # official link + "batas waktu": 1
    dict(
        weight=0.07,
        channels=("Email",),
        sender="email_kantor",
        text="Pengingat: batas waktu pengisian laporan kinerja bulan {bulan} di {tautan} adalah "
        "tanggal 10.",
        link="https://bkpsdm.medan.go.id/kinerja",
    ),
)
_FAKE_SENDERS = (
    "admin@webmail-medan-go-id.update-kapasitas.site",
    "tpp@bkpsdm-medan.klaim-tunjangan.online",
)
_OFFICE_SENDERS = ("sekretariat@marelan.contoh.go.id", "kasi.pelayanan@marelan.contoh.go.id")


def _masked_phone(rng: np.random.Generator) -> str:
    """A mobile number with its middle digits hidden: senders stay unidentifiable."""
    prefix = int(rng.choice([812, 813, 821, 822, 852, 853, 857, 878]))
    return f"+62 {prefix}-****-{int(rng.integers(0, 10_000)):04d}"


def _rupiah(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _sender(kind: str, rng: np.random.Generator) -> str:
    if kind == "nomor":
        return _masked_phone(rng)
    if kind == "email_palsu":
        return str(rng.choice(_FAKE_SENDERS))
    if kind == "email_kantor":
        return str(rng.choice(_OFFICE_SENDERS))
    if kind == "bank":
        return "INFO-BANK"
    if kind == "lapor":
        return "noreply@lapor.go.id"
    given = str(rng.choice(FEMALE_NAMES + MALE_NAMES))
    return f"{given} {rng.choice(FAMILY_NAMES)} (kontak tersimpan)"


def generate_messages(seed: int, rows: int = 160) -> pd.DataFrame:
    """Messages of September-October 2026, about 40 percent of them phishing."""
    rng = np.random.default_rng(seed)
    start = dt.datetime(2026, 9, 1, 7, 0)
    # Up to the last minute of 31 October.
    minutes = np.sort(rng.integers(0, (61 * 24 - 7) * 60, rows))
    phishing_weights = np.array([t["weight"] for t in _PHISHING])
    safe_weights = np.array([t["weight"] for t in _SAFE])
    records = []
    for i in range(rows):
        is_phishing = bool(rng.random() < 0.4)
        templates, weights = (_PHISHING, phishing_weights) if is_phishing else (_SAFE, safe_weights)
        template = templates[int(rng.choice(len(templates), p=weights / weights.sum()))]
        values = {
            "nama": str(rng.choice(FEMALE_NAMES + MALE_NAMES)),
            "kelurahan": str(rng.choice(KELURAHAN)),
            "bulan": _MONTHS[int(rng.integers(8, 11))],
            "hari": _WEEKDAYS[int(rng.integers(0, 5))],
            "jumlah": _rupiah(int(rng.integers(3, 60)) * 100_000),
            "nomor": _masked_phone(rng),
            "tiket": f"MRL-2026-{int(rng.integers(1, 481)):05d}",
            "rapat": f"{int(rng.integers(10**9, 10**10))}",
            "folder": "".join(rng.choice(list("abcdefghijkmnpqrstuvwxyz0123456789"), 12)),
            "nomor_surat": f"{int(rng.integers(100, 999))}",
        }
        link = template.get("link", "").format(**values)
        values["tautan"] = link
        records.append(
            {
                "id_pesan": f"PSN-{i + 1:03d}",
                "waktu": start + dt.timedelta(minutes=int(minutes[i])),
                "kanal": str(rng.choice(template["channels"])),
                "pengirim": _sender(template["sender"], rng),
                "isi": template["text"].format(**values),
                "tautan": link,
                "lampiran": template.get("attachment", "").format(**values),
                "label": "phishing" if is_phishing else "aman",
            }
        )
    frame = pd.DataFrame(records)
    frame["waktu"] = pd.to_datetime(frame["waktu"])
    return frame


# -- residents with NIK ------------------------------------------------------------------------

# Where a resident's NIK was first issued: mostly Medan Marelan, some elsewhere in Kota Medan or
# in Kabupaten Deli Serdang (12.07) before moving here. A NIK keeps its code for life.
_REGIONS = {KODE_WILAYAH_MARELAN: 0.82, "127113": 0.06, "127108": 0.05, "120704": 0.04,
            "127105": 0.03}  # fmt: skip
_KELURAHAN_WEIGHT = np.array([0.24, 0.17, 0.21, 0.22, 0.16])
_STREETS = (
    "Jl. Marelan Raya", "Jl. Titi Pahlawan", "Jl. Kapten Rahmad Buddin", "Jl. Pasar I",
    "Jl. Pasar V", "Jl. Rawe", "Gg. Melati", "Gg. Mawar", "Gg. Sepakat", "Jl. Paluh Nibung",
)  # fmt: skip
TYPO_KINDS = ("digit_hilang", "digit_ganda", "huruf_o", "tanggal_salah", "bulan_salah",
              "nomor_urut_nol")  # fmt: skip
"""Ways a NIK gets mistyped in the data set; each makes it invalid under the lesson's rules."""
_TYPO_SHARE = 0.09


def _mistype(nik: str, kind: str, rng: np.random.Generator) -> str:
    if kind == "digit_hilang":
        cut = int(rng.integers(6, 16))
        return nik[:cut] + nik[cut + 1 :]
    if kind == "digit_ganda":
        cut = int(rng.integers(6, 16))
        return nik[: cut + 1] + nik[cut:]
    if kind == "huruf_o":
        zeros = [i for i, digit in enumerate(nik) if digit == "0" and i >= 6]
        return nik[: zeros[0]] + "O" + nik[zeros[0] + 1 :]
    if kind == "tanggal_salah":
        return nik[:6] + str(rng.choice(["00", "32", "36", "40", "72", "85"])) + nik[8:]
    if kind == "bulan_salah":
        return nik[:8] + str(rng.choice(["00", "13", "19"])) + nik[10:]
    return nik[:12] + "0000"


def generate_residents(seed: int, rows: int = 200) -> pd.DataFrame:
    """Residents of the five kelurahan; about 9 percent of the NIKs are mistyped."""
    rng = np.random.default_rng(seed)
    first_day = dt.date(1950, 1, 1)
    span = (dt.date(2008, 12, 31) - first_day).days
    regions = list(_REGIONS)
    region_p = np.array(list(_REGIONS.values()))
    used: set[str] = set()
    records = []
    for _ in range(rows):
        female = bool(rng.random() < 0.5)
        birth = first_day + dt.timedelta(days=int(rng.integers(0, span + 1)))
        region = regions[int(rng.choice(len(regions), p=region_p))]
        day = birth.day + (40 if female else 0)
        while True:
            # Serials below 1000 keep a 0 in the serial, which the letter-O typo needs.
            serial = int(rng.integers(1, 1000))
            nik = f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"
            if nik not in used:
                used.add(nik)
                break
        given = str(rng.choice(FEMALE_NAMES if female else MALE_NAMES))
        kelurahan = KELURAHAN[int(rng.choice(len(KELURAHAN), p=_KELURAHAN_WEIGHT))]
        records.append(
            {
                "nik": nik,
                "nama": f"{given} {rng.choice(FAMILY_NAMES)}",
                "jenis_kelamin": "P" if female else "L",
                "tanggal_lahir": pd.Timestamp(birth),
                "kelurahan": kelurahan,
                "alamat": f"{rng.choice(_STREETS)} No. {int(rng.integers(1, 200))}, "
                f"Lingkungan {int(rng.integers(1, 16))}",
            }
        )
    # Mistype a share of the NIKs, every kind at least once, as typed at a service counter.
    mistyped = rng.choice(rows, size=max(len(TYPO_KINDS), round(rows * _TYPO_SHARE)), replace=False)
    for number, index in enumerate(sorted(int(i) for i in mistyped)):
        kind = TYPO_KINDS[number % len(TYPO_KINDS)]
        records[index]["nik"] = _mistype(records[index]["nik"], kind, rng)
    frame = pd.DataFrame(records)
    frame["tanggal_lahir"] = pd.to_datetime(frame["tanggal_lahir"])
    return frame


DATASETS = {"pesan_phishing": generate_messages, "warga_nik": generate_residents}
