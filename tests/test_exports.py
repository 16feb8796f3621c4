"""HR exports (Excel, CSV, Open Badges 2.0, certificates) and identity handling (kit.people)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import stat
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from kit.core import read_events
from kit.people.nip import format_nip
from kit.people.privacy import (
    KEY_ENV,
    IdentityMode,
    PseudonymKeyError,
    create_pseudonym_key,
    identify,
    load_pseudonym_key,
    pseudonym,
)
from kit.reports import BadgeIssuer, export_badges, export_certificates, export_csv, export_excel
from kit.reports.badges import MANIFEST, PUBLIC_DIR, badge_document_errors
from kit.reports.csv import CSV_FILES, read_export_csv
from kit.reports.excel import HEADER_ROW, SHEETS
from kit.reports.report import HrReport, ReportMeta

WIB = dt.timezone(dt.timedelta(hours=7))
KEY = bytes(range(32))
NAN = float("nan")

B, S, R = "budi.santoso", "siti.nasution", "rudi.sinaga"
OLAH = ("DATA.OLAH", "Mengolah data dengan pandas", "Cakap Digital", "1.3")
ADUAN = (
    "LAYANAN.PENGADUAN",
    "Menindaklanjuti pengaduan masyarakat tepat waktu",
    "Budaya Digital",
    "2.3",
)
KIT = "Kit Medan Marelan"
M02 = ("02_pandas", "Dari Spreadsheet ke pandas")
M03 = ("03_pengaduan", "Menganalisis Pengaduan Masyarakat")

# fmt: off
LEARNERS = [
    # username, nip, nama, unit, unit_name, jabatan, email
    (B, "198503152010011002", "Budi Santoso", "KEC", "Kantor Camat Medan Marelan",
     "Kepala Seksi Pelayanan Umum", "Budi.Santoso@medan.example"),
    (S, "199001232015032001", "Siti Rahmawati Nasution", "TJN", "Kelurahan Terjun",
     "Pengadministrasi Umum", "siti.nasution@medan.example"),
    (R, "198812052012121003", "Rudi Hartono Sinaga", "TJN", "Kelurahan Terjun",
     "Lurah Terjun", "rudi.sinaga@medan.example"),
]
# fmt: on
NAMES = [row[2] for row in LEARNERS]
NIPS = [row[1] for row in LEARNERS]
GROUPED_NIPS = [format_nip(nip) for nip in NIPS]  # as printed on documents
MASKED = {"198503152010011002": "1985***********002", "199001232015032001": "1990***********001"}


def _moment(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, 0, tzinfo=WIB)


def _frame(columns: str, rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split())


PURPOSE = "uji ekspor"


@pytest.fixture
def report(tmp_path_factory: pytest.TempPathFactory) -> HrReport:
    """Three learners in two units: one eligible, one not, one with no evidence and 0 JP."""
    # fmt: off
    competencies = _frame(
        "username unit competency competency_name pillar digcomp mastery level evidence_cells "
        "pending_cells",
        [
            (B, "KEC", *OLAH, 0.85, 3, 3, 0),
            (B, "KEC", *ADUAN, 0.7, 2, 1, 0),
            (S, "TJN", *OLAH, 0.55, 1, 2, 0),
            (S, "TJN", *ADUAN, 0.3, 0, 1, 0),
            (R, "TJN", *OLAH, NAN, 0, 0, 2),  # no graded evidence yet: NaN, not 0
            (R, "TJN", *ADUAN, NAN, 0, 0, 1),
        ],
    )
    evidence = _frame(
        "username competency assignment notebook grade_id score max_score weight cell_level "
        "timestamp",
        [
            (B, "DATA.OLAH", "02_pandas", "latihan", "baca_csv", 2, 2, 1.0, 2, _moment(9)),
            (B, "DATA.OLAH", "03_pengaduan", "tugas", "gabung_tabel", 3, 4, 1.0, 3, _moment(16)),
            (B, "DATA.OLAH", "03_pengaduan", "tugas", "bersihkan", 2, 2, 1.0, 2, _moment(16)),
            (B, "LAYANAN.PENGADUAN", "03_pengaduan", "tugas", "tenggat", 7, 10, 1.0, 2,
             _moment(16)),
            (S, "DATA.OLAH", "03_pengaduan", "tugas", "gabung_tabel", 2, 4, 1.0, 3, _moment(17)),
            (S, "LAYANAN.PENGADUAN", "03_pengaduan", "tugas", "tenggat", 3, 10, 1.0, 2,
             _moment(17)),
        ],
    )
    jp_ledger = _frame(
        "username year date source module_id title organiser jp",
        [
            (B, 2026, dt.date(2026, 11, 9), "modul", *M02, KIT, 6.0),
            (B, 2026, dt.date(2026, 11, 16), "modul", *M03, KIT, 4.0),
            (B, 2026, dt.date(2026, 10, 2), "eksternal", "", "Workshop Analitik Data",
             "Universitas Sumatera Utara", 10.0),
            (S, 2026, dt.date(2026, 11, 17), "modul", *M03, KIT, 4.0),
        ],
    )
    jp_per_learner = _frame(
        "username unit year jp_modules jp_external jp_total target met",
        [
            (B, "KEC", 2026, 10.0, 10.0, 20.0, 20.0, True),
            (S, "TJN", 2026, 4.0, 0.0, 4.0, 20.0, False),
            (R, "TJN", 2026, 0.0, 0.0, 0.0, 20.0, False),
        ],
    )
    modules_completed = _frame(
        "username module_id module_title assignment jp score max_score passed_at",
        [
            (B, *M02, "02_pandas", 6.0, 9.0, 10.0, _moment(9)),
            (B, *M03, "03_pengaduan", 4.0, 8.0, 10.0, _moment(16)),
            (S, *M03, "03_pengaduan", 4.0, 7.0, 10.0, _moment(17)),
        ],
    )
    units = _frame(
        "unit unit_name learners jp_compliance mean_mastery reward_eligible",
        [
            ("KEC", "Kantor Camat Medan Marelan", 1, 1.0, 0.775, 1),
            ("TJN", "Kelurahan Terjun", 2, 0.0, 0.425, 0),
        ],
    )
    standing = _frame(
        "username unit score tier eligible explanation penguasaan jp implementasi rule_version",
        [
            (B, "KEC", 86.5, "Emas", True,
             "Layak: implementasi dikonfirmasi Camat, JP 20 dari 20, penguasaan 78%.",
             31.0, 20.0, 35.5, "2026.1"),
            # Free text naming the person: exports must not carry it past the identity mode.
            (S, "TJN", 25.0, "", False,
             "Belum layak: JP baru 4 dari 20 (kurang 16); implementasi belum dikonfirmasi. "
             "Catatan: Siti Rahmawati Nasution (NIP 19900123 201503 2 001) ikut modul 02.",
             17.0, 4.0, 0.0, "2026.1"),
            (R, "TJN", 0.0, "", False,
             "Belum layak: belum ada bukti penilaian dan belum ada JP tahun ini.",
             0.0, 0.0, 0.0, "2026.1"),
        ],
    )
    # fmt: on
    meta = ReportMeta(
        rule_version="2026.1",
        framework_version="2026.1",
        generated_at=dt.datetime(2026, 11, 29, 9, 30, tzinfo=WIB),
        year=2026,
        course_id="marelan-2026",
        # Outside the folders a test exports to: the audit log must not mix with the files.
        course_root=tmp_path_factory.mktemp("course"),
    )
    return HrReport(
        meta=meta,
        learners=_frame("username nip nama unit unit_name jabatan email", LEARNERS),
        competencies=competencies,
        evidence=evidence,
        jp_ledger=jp_ledger,
        jp_per_learner=jp_per_learner,
        modules_completed=modules_completed,
        units=units,
        standing=standing,
    )


def _all_text(folder: Path) -> str:
    """Every exported byte as text: xlsx members unzipped, PDF streams inflated."""
    parts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                parts += [archive.read(n).decode("utf-8") for n in archive.namelist()]
        elif path.suffix == ".pdf":
            parts.append(_pdf_text(path))
        else:
            parts.append(data.decode("utf-8-sig"))
    return "\n".join(parts)


def _pdf_text(path: Path) -> str:
    data = path.read_bytes()
    chunks = [data.decode("latin-1")]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            chunks.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(chunks)


def _header(ws, row: int = HEADER_ROW) -> list[str]:
    return [c.value for c in ws[row] if c.value is not None]


def _rows(ws, header_row: int = HEADER_ROW) -> list[dict]:
    header = [c.value for c in ws[header_row]]
    rows = []
    for values in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if all(v is None for v in values):
            break
        rows.append(dict(zip(header, values, strict=False)))
    return rows


# -- Excel ---------------------------------------------------------------------------------------


def test_workbook_has_the_indonesian_sheets_with_frozen_filterable_headers(report, tmp_path):
    workbook = load_workbook(export_excel(report, tmp_path / "laporan.xlsx", purpose=PURPOSE))
    assert workbook.sheetnames == list(SHEETS)
    for name in SHEETS[:-1]:
        ws = workbook[name]
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith(str(HEADER_ROW + 1))
        assert ws.tables, f"{name} has no filterable table"
        header = ws.cell(HEADER_ROW, 1)
        assert header.font.bold and header.fill.fgColor.rgb.endswith("1F4E79")
        assert "2026.1" in ws["A2"].value and "WIB" in ws["A2"].value
        for table in ws.tables.values():
            assert table.autoFilter is not None
    assert _header(workbook["Ringkasan Unit"]) == [
        "Kode unit",
        "Unit kerja",
        "Jumlah ASN",
        "Memenuhi target JP",
        "Rata-rata penguasaan",
        "Layak penghargaan",
    ]


def test_unit_sheet_values_and_percent_formats(report, tmp_path):
    ws = load_workbook(export_excel(report, tmp_path / "laporan.xlsx", purpose=PURPOSE))[
        "Ringkasan Unit"
    ]
    rows = {r["Kode unit"]: r for r in _rows(ws)}
    assert rows["KEC"]["Jumlah ASN"] == 1
    assert rows["TJN"]["Rata-rata penguasaan"] == pytest.approx(0.425)
    assert ws.cell(HEADER_ROW + 1, 4).number_format == "0%"


def test_competency_sheet_has_one_row_per_person_and_blank_mastery_without_evidence(
    report, tmp_path
):
    ws = load_workbook(export_excel(report, tmp_path / "laporan.xlsx", purpose=PURPOSE))[
        "Kompetensi per Orang"
    ]
    rows = {r["Nama"]: r for r in _rows(ws)}
    assert list(rows) == ["Budi Santoso", "Rudi Hartono Sinaga", "Siti Rahmawati Nasution"]
    budi = rows["Budi Santoso"]
    assert budi["NIP (tersamar)"] == "1985***********002"
    assert budi["Level: Mengolah data dengan pandas (DATA.OLAH)"] == 3
    assert budi["Penguasaan: Mengolah data dengan pandas (DATA.OLAH)"] == pytest.approx(0.85)
    rudi = rows["Rudi Hartono Sinaga"]
    assert rudi["Level: Mengolah data dengan pandas (DATA.OLAH)"] == 0
    assert rudi["Penguasaan: Mengolah data dengan pandas (DATA.OLAH)"] is None  # not 0%
    assert ws.freeze_panes == f"E{HEADER_ROW + 1}"  # names stay visible


def test_jp_sheet_totals_every_learner_against_the_target(report, tmp_path):
    ws = load_workbook(export_excel(report, tmp_path / "laporan.xlsx", purpose=PURPOSE))["Buku JP"]
    assert set(ws.tables) == {"RekapJP", "RincianJP"}
    totals = {r["Nama"]: r for r in _rows(ws)}
    assert totals["Rudi Hartono Sinaga"]["JP total"] == 0
    assert totals["Rudi Hartono Sinaga"]["Kekurangan JP"] == 20
    assert totals["Rudi Hartono Sinaga"]["Target terpenuhi"] == "Tidak"
    assert totals["Budi Santoso"]["Target terpenuhi"] == "Ya"
    ledger_header = int(ws.tables["RincianJP"].ref.split(":")[0][1:])
    ledger = _rows(ws, ledger_header)
    assert len(ledger) == 4
    workshop = next(r for r in ledger if r["Sumber"] == "eksternal")
    assert workshop["Penyelenggara"] == "Universitas Sumatera Utara"
    assert workshop["Tanggal"].date() == dt.date(2026, 10, 2)


def test_standing_sheet_shows_rule_version_and_wrapped_explanations(report, tmp_path):
    ws = load_workbook(export_excel(report, tmp_path / "laporan.xlsx", purpose=PURPOSE))[
        "Status Penghargaan"
    ]
    assert "aturan versi 2026.1" in ws["A1"].value
    header = _header(ws)
    assert header[-2:] == ["Penjelasan", "Versi aturan"]
    assert {"Poin penguasaan", "Poin jp", "Poin implementasi"} <= set(header)
    rows = {r["Nama"]: r for r in _rows(ws)}
    budi = rows["Budi Santoso"]
    assert (budi["Skor (0-100)"], budi["Tingkat"], budi["Layak"]) == (86.5, "Emas", "Ya")
    assert budi["Versi aturan"] == "2026.1"
    assert rows["Siti Rahmawati Nasution"]["Layak"] == "Tidak"
    assert rows["Siti Rahmawati Nasution"]["Penjelasan"].startswith("Belum layak: JP baru 4")
    explanation = ws.cell(HEADER_ROW + 1, header.index("Penjelasan") + 1)
    assert explanation.alignment.wrap_text
    assert ws.column_dimensions[explanation.column_letter].width == 70


def test_about_sheet_states_versions_time_and_identity_mode(report, tmp_path):
    ws = load_workbook(export_excel(report, tmp_path / "laporan.xlsx", purpose=PURPOSE))["Tentang"]
    facts = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(3, 9)}
    assert facts["Versi aturan penghargaan"] == "2026.1"
    assert facts["Versi kerangka kompetensi"] == "2026.1"
    assert facts["Dibuat"] == "29 November 2026, pukul 09.30 WIB"
    assert facts["Tahun"] == 2026
    assert facts["Mode identitas"].startswith("disamarkan")


def test_masked_mode_shows_masked_nips_only(report, tmp_path):
    export_excel(report, tmp_path / "laporan.xlsx", purpose=PURPOSE)
    export_csv(report, tmp_path / "csv", purpose=PURPOSE)
    text = _all_text(tmp_path)
    for nip in [*NIPS, *GROUPED_NIPS]:
        assert nip not in text
    for masked in MASKED.values():
        assert masked in text
    assert "Budi Santoso" in text


def test_full_mode_shows_full_nips_as_text(report, tmp_path):
    ws = load_workbook(
        export_excel(report, tmp_path / "laporan.xlsx", mode="full", purpose=PURPOSE)
    )[SHEETS[3]]
    nips = [r["NIP"] for r in _rows(ws)]
    assert sorted(nips) == sorted(NIPS)  # strings: Excel must not turn them into 1.98E+17


def test_pseudonym_mode_leaks_no_name_nip_username_or_email(report, tmp_path):
    export_excel(
        report, tmp_path / "laporan.xlsx", mode=IdentityMode.pseudonym, key=KEY, purpose=PURPOSE
    )
    export_csv(report, tmp_path / "csv", mode=IdentityMode.pseudonym, key=KEY, purpose=PURPOSE)
    export_badges(
        report, tmp_path / "lencana", mode=IdentityMode.pseudonym, key=KEY, purpose=PURPOSE
    )
    text = _all_text(tmp_path).lower()
    for username, nip, nama, _, _, jabatan, email in LEARNERS:
        for secret in (username, nip, format_nip(nip), nama, jabatan, email, MASKED.get(nip, nip)):
            assert secret.lower() not in text, secret
    # Free text naming a person is rewritten to that person's pseudonym.
    standing = read_export_csv(tmp_path / "csv" / "status_penghargaan.csv")
    siti = pseudonym("199001232015032001", KEY)
    note = standing.loc[standing["pseudonim"] == siti, "explanation"].item()
    assert f"Catatan: {siti} (NIP {siti})" in note


def test_pseudonym_mode_needs_a_key(report, tmp_path):
    with pytest.raises(PseudonymKeyError):
        export_excel(
            report, tmp_path / "laporan.xlsx", mode=IdentityMode.pseudonym, purpose=PURPOSE
        )


# -- CSV -----------------------------------------------------------------------------------------


def test_csv_files_round_trip_with_versions_and_bom(report, tmp_path):
    paths = export_csv(report, tmp_path, purpose=PURPOSE)
    assert [p.name for p in paths] == [name for name, _ in CSV_FILES.values()]
    for path in paths:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        frame = read_export_csv(path)
        assert (frame["rule_version"].astype(str) == "2026.1").all()
        assert (frame["generated_at"] == "2026-11-29T09:30:00+07:00").all()
        assert "username" not in frame and "email" not in frame
    competencies = read_export_csv(tmp_path / "kompetensi.csv")
    assert len(competencies) == len(report.competencies)
    rudi = competencies[competencies["nama"] == "Rudi Hartono Sinaga"]
    assert rudi["mastery"].isna().all() and (rudi["level"] == 0).all()
    assert set(competencies["nip"]) == {
        "1985***********002",
        "1990***********001",
        "1988***********003",
    }
    standing = read_export_csv(tmp_path / "status_penghargaan.csv")
    budi = standing[standing["nama"] == "Budi Santoso"].iloc[0]
    assert (budi["score"], budi["tier"], bool(budi["eligible"])) == (86.5, "Emas", True)
    modules = read_export_csv(tmp_path / "modul_selesai.csv")
    assert modules["passed_at"].iloc[0] == "2026-11-09T10:00:00+07:00"
    units = read_export_csv(tmp_path / "ringkasan_unit.csv")
    pd.testing.assert_series_equal(units["mean_mastery"], report.units["mean_mastery"])


# -- Open Badges ---------------------------------------------------------------------------------


def _documents(folder: Path) -> dict[str, dict]:
    public = folder / PUBLIC_DIR
    return {
        p.relative_to(public).as_posix(): json.loads(p.read_text("utf-8"))
        for p in public.rglob("*.json")
    }


def _kind(relative: str) -> str:
    return {"issuer.json": "Profile"}.get(relative) or {
        "badges": "BadgeClass",
        "assertions": "Assertion",
    }[relative.split("/")[0]]


def test_badges_validate_and_hash_the_recipient(report, tmp_path):
    issuer = BadgeIssuer(base_url="https://kit.marelan.example/lencana")
    export_badges(report, tmp_path, issuer, purpose=PURPOSE)
    documents = _documents(tmp_path)
    for relative, document in documents.items():
        assert badge_document_errors(document, _kind(relative)) == [], relative
        assert document["@context"] == "https://w3id.org/openbadges/v2"
        assert document["id"] == f"https://kit.marelan.example/lencana/{relative}"
    assertions = [d for r, d in documents.items() if r.startswith("assertions/")]
    classes = {d["id"]: d for r, d in documents.items() if r.startswith("badges/")}
    # budi: DATA.OLAH level 3, LAYANAN level 2, two modules; siti: DATA.OLAH level 1, one module
    assert len(assertions) == 6 and len(classes) == 5
    emails = {row[6].lower() for row in LEARNERS}
    for assertion in assertions:
        recipient = assertion["recipient"]
        assert recipient["type"] == "email" and recipient["hashed"] is True
        digests = {
            "sha256$" + hashlib.sha256((e + recipient["salt"]).encode()).hexdigest() for e in emails
        }
        assert recipient["identity"] in digests
        assert assertion["verification"] == {"type": "hosted"}
        assert dt.datetime.fromisoformat(assertion["issuedOn"]).utcoffset() is not None
        assert assertion["badge"] in classes
        assert assertion["evidence"][0]["narrative"]
    olah = classes["https://kit.marelan.example/lencana/badges/kompetensi-data-olah-level-3.json"]
    assert olah["alignment"] == [
        {
            "targetName": "1.3 Managing data, information and digital content",
            "targetUrl": "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415",
            "targetFramework": "DigComp 2.2",
            "targetCode": "1.3",
        }
    ]
    assert "level 3" in olah["criteria"]["narrative"]
    assert (tmp_path / PUBLIC_DIR / "images" / "kompetensi-data-olah-level-3.svg").is_file()


def test_no_badge_file_holds_a_plain_email_or_name(report, tmp_path):
    export_badges(report, tmp_path, purpose=PURPOSE)
    text = _all_text(tmp_path).lower()
    for _, nip, *_, email in LEARNERS:
        assert email.lower() not in text
        assert nip not in text
    public = _all_text(tmp_path / PUBLIC_DIR).lower()
    for nama in NAMES:
        assert nama.lower() not in public


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda a: a.pop("recipient"), "'recipient' is a required property"),
        (lambda a: a["recipient"].update(hashed=False), "harus di-hash"),
        (lambda a: a["recipient"].update(identity="budi@medan.example"), "does not match"),
        (lambda a: a.update(issuedOn="2026-11-16T10:00:00"), "does not match"),
        (lambda a: a.update(verification={"type": "emailed"}), "is not one of"),
        (lambda a: a.update(badge="badges/x.json"), "does not match"),
    ],
)
def test_a_broken_assertion_fails_validation(report, tmp_path, breakage, expected):
    export_badges(report, tmp_path, purpose=PURPOSE)
    relative, assertion = next(
        (r, d) for r, d in _documents(tmp_path).items() if r.startswith("assertions/")
    )
    breakage(assertion)
    problems = badge_document_errors(assertion, "Assertion")
    assert any(expected in p for p in problems), problems


def test_badge_class_and_issuer_without_required_properties_fail(report, tmp_path):
    export_badges(report, tmp_path, purpose=PURPOSE)
    documents = _documents(tmp_path)
    issuer = dict(documents["issuer.json"])
    issuer.pop("email")
    assert badge_document_errors(issuer, "Profile")
    badge_class = next(d for r, d in documents.items() if r.startswith("badges/"))
    badge_class.pop("criteria")
    assert badge_document_errors(badge_class, "BadgeClass")


def test_learner_without_email_gets_no_assertion_and_is_listed(report, tmp_path):
    report.learners.loc[report.learners["username"] == "siti.nasution", "email"] = None
    export_badges(report, tmp_path, purpose=PURPOSE)
    assertions = [r for r in _documents(tmp_path) if r.startswith("assertions/")]
    assert len(assertions) == 4
    manifest = read_export_csv(tmp_path / MANIFEST)
    siti = manifest[manifest["nama"] == "Siti Rahmawati Nasution"]
    assert len(siti) == 2 and siti["status"].str.contains("email kosong").all()


def test_assertion_urls_are_stable_with_a_key(report, tmp_path):
    first = export_badges(report, tmp_path / "a", key=KEY, purpose=PURPOSE)
    second = export_badges(report, tmp_path / "b", key=KEY, purpose=PURPOSE)
    names = sorted(p.name for p in first if p.parent.name == "assertions")
    assert names == sorted(p.name for p in second if p.parent.name == "assertions")


# -- certificates --------------------------------------------------------------------------------


def test_one_certificate_pdf_per_completed_module(report, tmp_path):
    paths = export_certificates(report, tmp_path, purpose=PURPOSE)
    pdfs = [p for p in paths if p.suffix == ".pdf"]
    assert len(pdfs) == len(report.modules_completed) == 3
    for pdf in pdfs:
        assert pdf.read_bytes().startswith(b"%PDF")
    register = read_export_csv(tmp_path / "daftar_sertifikat.csv")
    assert sorted(register["berkas"]) == sorted(p.name for p in pdfs)
    assert (
        register["kode_verifikasi"].str.fullmatch(r"MRL-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}").all()
    )
    budi = register[
        (register["nama"] == "Budi Santoso") & (register["module_id"] == "03_pengaduan")
    ]
    text = _pdf_text(tmp_path / budi["berkas"].item())
    for expected in ("SERTIFIKAT", "Budi Santoso", "1985***********002", "4 JP", "2026.1"):
        assert expected in text
    assert budi["kode_verifikasi"].item() in text
    assert "16 November 2026" in text


def test_certificates_mask_the_nip_unless_full_mode(report, tmp_path):
    export_certificates(report, tmp_path / "masked", purpose=PURPOSE)
    masked = _all_text(tmp_path / "masked")
    assert not any(nip in masked for nip in NIPS)
    paths = export_certificates(report, tmp_path / "full", mode="full", purpose=PURPOSE)
    assert "NIP 19850315 201001 1 002" in _pdf_text(paths[0])


def test_certificates_refuse_pseudonym_mode(report, tmp_path):
    with pytest.raises(ValueError, match="pseudonim"):
        export_certificates(report, tmp_path, mode=IdentityMode.pseudonym, key=KEY, purpose=PURPOSE)


# -- identity and keys ---------------------------------------------------------------------------


def test_identify_columns_per_mode(report):
    masked = identify(report.learners)
    assert list(masked.columns) == ["username", "nama", "nip", "jabatan", "unit", "unit_name"]
    assert masked["nip"].iloc[0] == "1985***********002"
    full = identify(report.learners, IdentityMode.full)
    assert full["nip"].iloc[0] == "198503152010011002"
    hidden = identify(report.learners, IdentityMode.pseudonym, KEY)
    assert list(hidden.columns) == ["username", "pseudonim", "unit", "unit_name"]
    assert hidden["pseudonim"].str.fullmatch(r"ASN-[A-Z2-7]{12}").all()
    with pytest.raises(PseudonymKeyError):
        identify(report.learners, IdentityMode.pseudonym)


def test_pseudonyms_are_stable_and_depend_on_the_key():
    assert pseudonym("198503152010011002", KEY) == pseudonym("198503152010011002", KEY)
    assert pseudonym("198503152010011002", KEY) != pseudonym("199001232015032001", KEY)
    assert pseudonym("198503152010011002", KEY) != pseudonym("198503152010011002", bytes(32))
    with pytest.raises(PseudonymKeyError, match="terlalu pendek"):
        pseudonym("198503152010011002", b"pendek")


def test_created_key_is_private_loadable_and_never_overwritten(tmp_path, monkeypatch):
    path = create_pseudonym_key(tmp_path / "rahasia" / "kunci.hex")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert re.fullmatch(r"[0-9a-f]{64}\n", path.read_text())
    key = load_pseudonym_key(path)
    assert len(key) == 32
    monkeypatch.setenv(KEY_ENV, str(path))
    assert load_pseudonym_key() == key
    with pytest.raises(PseudonymKeyError, match="tidak akan ditimpa"):
        create_pseudonym_key(path)
    assert load_pseudonym_key(path) == key


def test_key_inside_the_project_checkout_is_refused(tmp_path, monkeypatch):
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    monkeypatch.setenv("KIT_PROJECT_ROOT", str(checkout))
    with pytest.raises(PseudonymKeyError, match="di dalam folder proyek"):
        create_pseudonym_key(checkout / "kunci.hex")
    assert not (checkout / "kunci.hex").exists()
    inside = checkout / "config" / "kunci.hex"
    inside.parent.mkdir()
    inside.write_text(bytes(range(32)).hex())
    inside.chmod(0o600)
    with pytest.raises(PseudonymKeyError, match="di dalam folder proyek"):
        load_pseudonym_key(inside)


def test_short_unreadable_or_missing_keys_are_refused(tmp_path, monkeypatch):
    short = tmp_path / "pendek.hex"
    short.write_text(bytes(16).hex())
    short.chmod(0o600)
    with pytest.raises(PseudonymKeyError, match="terlalu pendek"):
        load_pseudonym_key(short)
    shared = tmp_path / "terbuka.hex"
    shared.write_text(bytes(range(32)).hex())
    shared.chmod(0o644)
    with pytest.raises(PseudonymKeyError, match="chmod 600"):
        load_pseudonym_key(shared)
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(PseudonymKeyError, match=KEY_ENV):
        load_pseudonym_key()


# -- audit: every export records itself, whoever called it --------------------------------------


@pytest.mark.parametrize("kind", ["excel", "csv", "badges", "certificates"])
def test_every_export_is_audited_in_the_library(report, tmp_path, kind):
    exporters = {
        "excel": lambda: [export_excel(report, tmp_path / "x.xlsx", purpose="rapat BKPSDM",
                                       actor="bkpsdm.medan")],
        "csv": lambda: export_csv(report, tmp_path / "csv", purpose="rapat BKPSDM",
                                  actor="bkpsdm.medan"),
        "badges": lambda: export_badges(report, tmp_path / "b", purpose="rapat BKPSDM",
                                        actor="bkpsdm.medan"),
        "certificates": lambda: export_certificates(report, tmp_path / "c", mode="full",
                                                    purpose="rapat BKPSDM", actor="bkpsdm.medan"),
    }  # fmt: skip
    paths = exporters[kind]()
    events = read_events(report.meta.course_root)
    assert [e["event"] for e in events] == [f"export.{kind}"]
    event = events[0]
    assert event["by"] == "bkpsdm.medan"
    assert event["purpose"] == "rapat BKPSDM"
    assert event["files"] == len(paths)
    assert event["rule_version"] == "2026.1" and event["year"] == 2026
    assert event["identity"] == ("full" if kind == "certificates" else "masked")
    dt.datetime.fromisoformat(event["at"])
    if kind == "badges":
        # Badges and certificates cover only the people who receive one.
        covered = read_export_csv(tmp_path / "b" / MANIFEST)["nip"].nunique()
    elif kind == "certificates":
        covered = report.modules_completed["username"].nunique()
    else:
        covered = len(LEARNERS)
    assert covered > 0
    assert event["people"] == covered
    # The event names no one beyond usernames: no NIP, no name.
    text = json.dumps(event, ensure_ascii=False)
    assert not any(nip in text for nip in NIPS)
    assert not any(nama in text for _, _, nama, *_ in LEARNERS)


def test_export_without_a_purpose_is_refused_and_writes_nothing(report, tmp_path):
    with pytest.raises(ValueError, match="tujuan ekspor"):
        export_excel(report, tmp_path / "x.xlsx", purpose="  ")
    assert read_events(report.meta.course_root) == []


def test_export_without_an_actor_names_the_operator(report, tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "instruktur.usu")
    export_csv(report, tmp_path / "csv", purpose=PURPOSE)
    assert read_events(report.meta.course_root)[-1]["by"] == "instruktur.usu"
