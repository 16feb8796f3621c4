"""How a person is identified in files that leave the kit: masked NIP, keyed pseudonym or in full.

Under UU 27/2022 (personal data protection) an export carries no more identity than it needs:
name and masked NIP by default, only a keyed pseudonym when the file goes outside HR, and the
full NIP only when HR asks for it. Pseudonyms are HMAC-SHA256 of the NIP under a secret key kept
outside the project checkout, so HR (who holds the key) can re-identify and nobody else can.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from kit.core import KitError, project_root
from kit.people.nip import format_nip, mask_nip

__all__ = [
    "IdentityMode",
    "PseudonymKeyError",
    "Redactor",
    "KEY_ENV",
    "MIN_KEY_BYTES",
    "create_pseudonym_key",
    "export_key",
    "identity_columns",
    "identify",
    "load_pseudonym_key",
    "pseudonym",
]

KEY_ENV = "KIT_PSEUDONYM_KEY_FILE"
MIN_KEY_BYTES = 32
PSEUDONYM_PREFIX = "ASN-"
PSEUDONYM_CHARS = 12  # 60 bits: no collision to fear in a kecamatan, short enough to read aloud


class PseudonymKeyError(KitError, ValueError):
    """The pseudonym key is missing, too short, or kept somewhere it could leak."""

    hint_key = "privacy.key_hint"


class IdentityMode(enum.StrEnum):
    """How exported rows name a person."""

    masked = "masked"  # name + masked NIP (default: internal reports)
    pseudonym = "pseudonym"  # only a keyed pseudonym: no name, NIP or position
    full = "full"  # name + full NIP, when HR asks for identities

    @property
    def label(self) -> str:
        """The mode as HR reads it in an export."""
        return _MODE_LABELS[self]


_MODE_LABELS = {
    IdentityMode.masked: "disamarkan (nama dan NIP tersamar)",
    IdentityMode.pseudonym: "pseudonim (tanpa nama, NIP, maupun jabatan)",
    IdentityMode.full: "identitas lengkap (nama dan NIP penuh, atas permintaan BKPSDM)",
}

# A position held by one person ("Lurah Terjun") identifies them, so pseudonym mode drops it.
_IDENTITY_COLUMNS = {
    IdentityMode.masked: ("nama", "nip", "jabatan"),
    IdentityMode.pseudonym: ("pseudonim",),
    IdentityMode.full: ("nama", "nip", "jabatan"),
}


def identity_columns(mode: IdentityMode | str) -> tuple[str, ...]:
    """The identity columns ``identify`` returns for ``mode`` (besides ``username`` and unit)."""
    return _IDENTITY_COLUMNS[IdentityMode(mode)]


def pseudonym(value: str, key: bytes) -> str:
    """A short, stable pseudonym for ``value`` (a NIP): ``ASN-`` + 12 base32 characters."""
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(_short_key_message(len(key)))
    digest = hmac.new(key, str(value).strip().encode("utf-8"), hashlib.sha256).digest()
    return PSEUDONYM_PREFIX + base64.b32encode(digest).decode("ascii")[:PSEUDONYM_CHARS]


def load_pseudonym_key(path: Path | None = None) -> bytes:
    """Read the pseudonym key (hex) from ``path`` or the file ``KIT_PSEUDONYM_KEY_FILE`` names.

    The key file must lie outside the project checkout (where it could be committed or copied
    with the course), be readable by its owner only, and hold at least 32 bytes.
    """
    if path is None:
        named = os.environ.get(KEY_ENV, "").strip()
        if not named:
            raise PseudonymKeyError(
                f"Kunci pseudonim belum ditentukan. Isi variabel lingkungan {KEY_ENV} dengan "
                "lokasi berkas kunci di luar folder proyek (buat sekali dengan "
                "kit.people.privacy.create_pseudonym_key)."
            )
        path = Path(named)
    path = Path(path).expanduser()
    _refuse_inside_checkout(path)
    if not path.is_file():
        raise PseudonymKeyError(f"Berkas kunci pseudonim tidak ditemukan: {path}")
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise PseudonymKeyError(
            f"Berkas kunci pseudonim {path} dapat dibaca pengguna lain. "
            f"Batasi aksesnya dengan: chmod 600 {path}"
        )
    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise PseudonymKeyError(
            f"Berkas kunci pseudonim {path} harus berisi kunci dalam bentuk heksadesimal."
        ) from None
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(_short_key_message(len(key)))
    return key


def export_key(mode: IdentityMode | str, path: Path | None = None) -> bytes | None:
    """The key an export needs: always for pseudonyms, else only when a key file is named
    (certificates then get verification codes HR can recompute)."""
    if IdentityMode(mode) is IdentityMode.pseudonym or path is not None:
        return load_pseudonym_key(path)
    return None


def create_pseudonym_key(path: Path) -> Path:
    """Write a new random 32-byte key (hex) to ``path``, readable by its owner only.

    Refuses to overwrite an existing file: replacing the key changes every pseudonym, so
    earlier exports could no longer be matched.
    """
    path = Path(path).expanduser()
    _refuse_inside_checkout(path)
    if path.exists():
        raise PseudonymKeyError(
            f"Berkas kunci {path} sudah ada dan tidak akan ditimpa: mengganti kunci mengubah "
            "semua pseudonim sehingga ekspor lama tidak dapat dicocokkan lagi."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(MIN_KEY_BYTES) + "\n")
    return path


def identify(
    learners: pd.DataFrame,
    mode: IdentityMode | str = IdentityMode.masked,
    key: bytes | None = None,
) -> pd.DataFrame:
    """One row per learner: ``username`` (join key; exporters drop it), identity columns, unit.

    ``learners`` is the report's learner table (username, nip, nama, unit, unit_name, jabatan,
    email). The identity columns are those of ``identity_columns(mode)``: masked and full give
    ``nama``, ``nip`` (masked or full) and ``jabatan``; pseudonym gives only ``pseudonim``.
    Email never leaves through this table.
    """
    mode = IdentityMode(mode)
    if mode is IdentityMode.pseudonym and key is None:
        raise PseudonymKeyError(
            "Mode pseudonim memerlukan kunci pseudonim (lihat kit.people.load_pseudonym_key)."
        )
    nips = learners["nip"].astype(str).str.strip()
    out = pd.DataFrame({"username": learners["username"].astype(str)}, index=learners.index)
    if mode is IdentityMode.pseudonym:
        out["pseudonim"] = [pseudonym(nip, key) for nip in nips]
    else:
        out["nama"] = learners["nama"].astype(str)
        out["nip"] = nips if mode is IdentityMode.full else nips.map(mask_nip)
        out["jabatan"] = learners.get("jabatan", pd.Series("", index=learners.index)).fillna("")
    for column in ("unit", "unit_name"):
        out[column] = learners.get(column, "")
    return out.reset_index(drop=True)


class Redactor:
    """Replaces every known name, NIP, username and email in free text (explanations).

    Free text written elsewhere (a reward explanation naming the confirming camat, say) must
    not carry identities past the chosen mode. Each person's strings become that person's
    identifier in the export: the pseudonym, or the masked NIP in masked mode.
    """

    def __init__(self, learners: pd.DataFrame, identities: pd.DataFrame, mode: IdentityMode):
        mode = IdentityMode(mode)
        replacements: dict[str, str] = {}
        if mode is not IdentityMode.full:
            shown = identities.set_index("username")
            for row in learners.itertuples(index=False):
                username = str(row.username)
                if username not in shown.index:
                    continue
                if mode is IdentityMode.pseudonym:
                    target = str(shown.at[username, "pseudonim"])
                    secrets_ = (row.nama, row.nip, username, getattr(row, "email", ""))
                else:
                    target = str(shown.at[username, "nip"])
                    secrets_ = (row.nip, getattr(row, "email", ""))
                # A NIP may also be written grouped, as printed: 19850315 201001 1 002.
                if len(str(row.nip)) == 18:
                    secrets_ = (*secrets_, format_nip(str(row.nip)))
                for value in secrets_:
                    text = "" if value is None or pd.isna(value) else str(value).strip()
                    if len(text) >= 3:
                        replacements[text.lower()] = target
        self._replacements = replacements
        ordered = sorted(replacements, key=len, reverse=True)  # longest first: "Budi Santoso"
        self._pattern = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(re.escape(v) for v in ordered) + r")(?!\w)", re.IGNORECASE
            )
            if ordered
            else None
        )

    def __call__(self, text: object) -> object:
        if self._pattern is None or not isinstance(text, str):
            return text
        return self._pattern.sub(lambda m: self._replacements[m.group(0).lower()], text)

    def column(self, values: Iterable[object]) -> list[object]:
        return [self(value) for value in values]


def _refuse_inside_checkout(path: Path) -> None:
    root = project_root().resolve()
    resolved = path.resolve()
    if resolved == root or resolved.is_relative_to(root):
        raise PseudonymKeyError(
            f"Berkas kunci pseudonim {path} berada di dalam folder proyek ({root}). Simpan kunci "
            "di luar folder proyek (misalnya di folder rahasia BKPSDM) agar tidak ikut tersalin "
            "atau masuk ke git."
        )


def _short_key_message(length: int) -> str:
    return (
        f"Kunci pseudonim terlalu pendek ({length} byte); minimal {MIN_KEY_BYTES} byte acak. "
        "Buat kunci baru dengan kit.people.privacy.create_pseudonym_key."
    )
