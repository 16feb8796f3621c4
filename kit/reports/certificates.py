"""Certificates (PDF, A4 landscape, Indonesian): one per completed module per learner.

A certificate names its holder, so it is made with name and masked NIP (or the full NIP when
HR asks); never in pseudonym mode. Each carries a verification code, listed with its holder in
``daftar_sertifikat.csv`` so HR can confirm a certificate shown to them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from pathlib import Path

import pandas as pd
from fpdf import FPDF

from kit.core import date_label, message, to_wib, wib_label
from kit.people import IdentityMode, format_nip
from kit.reports.identities import ExportError, People, record_export
from kit.reports.report import HrReport

__all__ = ["export_certificates", "REGISTER"]

REGISTER = "daftar_sertifikat.csv"
_NAVY = (31, 78, 121)
_GREY = (90, 90, 90)
# Core PDF fonts carry Latin-1 only; map the few typographic characters Indonesian text uses.
_LATIN1 = str.maketrans({"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."})


def export_certificates(
    report: HrReport,
    out_dir: Path,
    mode: IdentityMode | str = IdentityMode.masked,
    key: bytes | None = None,
    issuer_name: str = "Kecamatan Medan Marelan",
    signer: str = "Camat Medan Marelan",
    *,
    purpose: str,
    actor: str | None = None,
) -> list[Path]:
    """Write one PDF per row of ``report.modules_completed`` and the register; return the paths.

    With a pseudonym ``key`` verification codes are reproducible from the NIP, module and date
    (HR can recompute them); without one they are random and only the register knows them.
    """
    mode = IdentityMode(mode)
    if mode is IdentityMode.pseudonym:
        raise ExportError(
            "Sertifikat memuat nama pemegangnya; gunakan mode 'masked' (NIP tersamar) atau "
            "'full' (NIP lengkap), bukan mode pseudonim.",
            hint=message("export.certificate_hint"),
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    people = People(report, mode, key)
    identities = people.identities.set_index("username")
    nips = report.learners.set_index("username")["nip"].astype(str)

    paths: list[Path] = []
    register = []
    for row in report.modules_completed.itertuples(index=False):
        username = str(row.username)
        person = identities.loc[username]
        passed = to_wib(row.passed_at) or to_wib(report.meta.generated_at)
        code = _verification_code(key, nips[username], str(row.module_id), passed.date())
        path = out_dir / f"sertifikat_{_safe(row.module_id)}_{code}.pdf"
        _certificate(
            path,
            report,
            name=str(person["nama"]),
            # In full, grouped as on official documents: 19850315 201001 1 002.
            nip=format_nip(str(person["nip"])) if mode is IdentityMode.full else str(person["nip"]),
            unit_name=str(person.get("unit_name") or person.get("unit") or ""),
            module_title=str(row.module_title),
            jp=float(row.jp),
            score=(row.score, row.max_score),
            passed_label=date_label(passed),
            code=code,
            issuer_name=issuer_name,
            signer=signer,
        )
        paths.append(path)
        register.append(
            {
                "username": username,
                "module_id": row.module_id,
                "module_title": row.module_title,
                "jp": row.jp,
                "lulus": passed.date().isoformat(),
                "kode_verifikasi": code,
                "berkas": path.name,
            }
        )
    frame = pd.DataFrame(
        register,
        columns=[
            "username",
            "module_id",
            "module_title",
            "jp",
            "lulus",
            "kode_verifikasi",
            "berkas",
        ],
    )
    frame = people.attach(frame)
    frame["rule_version"] = report.meta.rule_version
    frame.to_csv(out_dir / REGISTER, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    paths.append(out_dir / REGISTER)
    record_export(
        "certificates",
        report,
        people,
        paths,
        purpose=purpose,
        actor=actor,
        out=out_dir,
        covered={row["username"] for row in register},
    )
    return paths


def _certificate(
    path: Path,
    report: HrReport,
    *,
    name: str,
    nip: str,
    unit_name: str,
    module_title: str,
    jp: float,
    score: tuple[object, object],
    passed_label: str,
    code: str,
    issuer_name: str,
    signer: str,
) -> None:
    meta = report.meta
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 20, 20)
    # Metadata travels with the file: no holder name in it.
    pdf.set_title(_text(f"Sertifikat {module_title}"))
    pdf.set_author(_text(issuer_name))
    pdf.set_creator("kit Medan Marelan")
    pdf.set_creation_date(to_wib(meta.generated_at))
    pdf.add_page()
    width = pdf.w - 40

    pdf.set_draw_color(*_NAVY)
    pdf.set_line_width(1.6)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.4)
    pdf.rect(12, 12, pdf.w - 24, pdf.h - 24)

    def line(text: str, family: str, style: str, size: float, height: float, colour=(0, 0, 0)):
        pdf.set_font(family, style, size)
        pdf.set_text_color(*colour)
        pdf.set_x(20)
        pdf.multi_cell(width, height, _text(text), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(22)
    line("PEMERINTAH KOTA MEDAN", "Helvetica", "B", 13, 7, _NAVY)
    line(issuer_name.upper(), "Helvetica", "B", 15, 8, _NAVY)
    pdf.set_draw_color(*_NAVY)
    pdf.line(60, pdf.get_y() + 2, pdf.w - 60, pdf.get_y() + 2)

    pdf.set_y(pdf.get_y() + 8)
    pdf.set_char_spacing(6)
    line("SERTIFIKAT", "Times", "B", 40, 18, _NAVY)
    pdf.set_char_spacing(0)
    line("Pelatihan Kompetensi Digital ASN", "Times", "I", 14, 8, _GREY)

    pdf.set_y(pdf.get_y() + 4)
    line("diberikan kepada", "Times", "I", 14, 8)
    line(name, "Times", "B", 26, 12)
    nip_label = f"NIP {nip}" + (f"  |  {unit_name}" if unit_name else "")
    line(nip_label, "Helvetica", "", 12, 7, _GREY)

    pdf.set_y(pdf.get_y() + 4)
    line("yang telah menyelesaikan modul pelatihan", "Times", "I", 14, 8)
    line(module_title, "Helvetica", "B", 19, 10, _NAVY)
    got, out_of = score
    detail = (
        f"dengan beban belajar {jp:g} JP (1 JP = 45 menit), dinyatakan lulus pada {passed_label}"
    )
    if not pd.isna(got) and not pd.isna(out_of):
        detail += f" dengan skor {float(got):g} dari {float(out_of):g}"
    line(detail + ".", "Helvetica", "", 12, 7)

    # Signature block (signed by hand after printing) and the verification footer.
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", "", 11)
    pdf.set_xy(pdf.w - 110, 150)
    pdf.multi_cell(
        90,
        6,
        _text(f"Medan Marelan, {date_label(meta.generated_at)}\n{signer}\n\n\n\n"),
        align="C",
    )
    pdf.set_x(pdf.w - 110)
    pdf.multi_cell(90, 6, "(tanda tangan dan cap)", align="C")
    pdf.set_text_color(*_GREY)
    pdf.set_font("Helvetica", "", 9)
    pdf.set_xy(20, 164)
    pdf.multi_cell(
        150,
        5,
        _text(
            f"Kode verifikasi: {code}\n"
            f"Aturan penghargaan versi {meta.rule_version}  |  Kerangka kompetensi versi "
            f"{meta.framework_version}\n"
            f"Dibuat {wib_label(meta.generated_at)}  |  kursus {meta.course_id}\n"
            "Keaslian dapat diperiksa pada BKPSDM dengan kode verifikasi di atas."
        ),
        align="L",
    )
    pdf.output(str(path))


def _verification_code(key: bytes | None, nip: str, module_id: str, day) -> str:
    if key is None:
        raw = secrets.token_bytes(10)
    else:
        raw = hmac.new(key, f"sertifikat|{nip}|{module_id}|{day}".encode(), hashlib.sha256).digest()
    chars = base64.b32encode(raw).decode("ascii")[:12]
    return f"MRL-{chars[0:4]}-{chars[4:8]}-{chars[8:12]}"


def _text(value: str) -> str:
    return value.translate(_LATIN1).encode("latin-1", errors="replace").decode("latin-1")


def _safe(value: object) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(value)).strip("-")
