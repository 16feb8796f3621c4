"""Open Badges 2.0 (hosted verification): issuer Profile, BadgeClasses and Assertions as JSON files.

Layout of ``out_dir``::

    publik/issuer.json               the issuer Profile        -> {base_url}/issuer.json
    publik/badges/<slug>.json        one BadgeClass per badge  -> {base_url}/badges/<slug>.json
    publik/images/<slug>.svg         the badge's image
    publik/assertions/<token>.json   one Assertion per award   -> {base_url}/assertions/...
    daftar_penerima.csv              internal: who received which assertion (not to publish)

Everything under ``publik/`` is meant to be served at ``base_url``; it holds no name, NIP or
email: recipients are salted SHA-256 hashes of their email, as the specification provides.
Every document is validated against the JSON Schemas in ``kit/reports/schemas`` before any file
is written.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from kit.core import date_label, to_wib
from kit.people import IdentityMode
from kit.reports.identities import People, record_export
from kit.reports.report import HrReport

__all__ = [
    "BadgeIssuer",
    "BadgeValidationError",
    "OB2_CONTEXT",
    "badge_document_errors",
    "export_badges",
    "validate_badge_document",
]

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
DIGCOMP_FRAMEWORK = "DigComp 2.2"
DIGCOMP_URL = "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415"
# The 21 competences of DigComp 2.2 (JRC128415), for the alignment's targetName.
DIGCOMP_COMPETENCES = {
    "1.1": "Browsing, searching and filtering data, information and digital content",
    "1.2": "Evaluating data, information and digital content",
    "1.3": "Managing data, information and digital content",
    "2.1": "Interacting through digital technologies",
    "2.2": "Sharing through digital technologies",
    "2.3": "Engaging in citizenship through digital technologies",
    "2.4": "Collaborating through digital technologies",
    "2.5": "Netiquette",
    "2.6": "Managing digital identity",
    "3.1": "Developing digital content",
    "3.2": "Integrating and re-elaborating digital content",
    "3.3": "Copyright and licences",
    "3.4": "Programming",
    "4.1": "Protecting devices",
    "4.2": "Protecting personal data and privacy",
    "4.3": "Protecting health and well-being",
    "4.4": "Protecting the environment",
    "5.1": "Solving technical problems",
    "5.2": "Identifying needs and technological responses",
    "5.3": "Creatively using digital technologies",
    "5.4": "Identifying digital competence gaps",
}
MANIFEST = "daftar_penerima.csv"
PUBLIC_DIR = "publik"
_SCHEMA_FILES = {
    "Assertion": "assertion.json",
    "BadgeClass": "badgeclass.json",
    "Profile": "profile.json",
}
_PILLAR_COLOURS = {
    "Cakap Digital": "#1F4E79",
    "Etika Digital": "#7A3E9D",
    "Aman Digital": "#B03A2E",
    "Budaya Digital": "#1E7B4F",
}


class BadgeValidationError(ValueError):
    """A badge document does not satisfy the Open Badges 2.0 schema or the kit's privacy rules."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Lencana tidak sah:\n" + "\n".join(f"- {p}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class BadgeIssuer:
    """The organisation named as issuer, and where the ``publik/`` folder will be served."""

    name: str = "Kecamatan Medan Marelan"
    url: str = "https://kit.marelan.example"
    email: str = "pelatihan@kit.marelan.example"
    base_url: str = "https://kit.marelan.example/lencana"
    description: str = (
        "Pelatihan dan penilaian kompetensi digital ASN Kecamatan Medan Marelan, Kota Medan."
    )

    @classmethod
    def at(cls, name: str, url: str, email: str, base_url: str | None = None) -> BadgeIssuer:
        """An issuer whose badges are served under ``base_url`` (``<url>/lencana`` when None)."""
        return cls(name, url, email, base_url or url.rstrip("/") + "/lencana")

    def url_for(self, relative: str) -> str:
        return f"{self.base_url.rstrip('/')}/{relative}"

    @property
    def id(self) -> str:
        return self.url_for("issuer.json")


@dataclass(frozen=True)
class _Award:
    username: str
    badge_slug: str
    badge_name: str
    kind: str  # "kompetensi" or "modul"
    issued_on: str
    evidence: str
    level: int | None = None


def export_badges(
    report: HrReport,
    out_dir: Path,
    issuer: BadgeIssuer | None = None,
    mode: IdentityMode | str = IdentityMode.masked,
    key: bytes | None = None,
    *,
    purpose: str,
    actor: str | None = None,
) -> list[Path]:
    """Write the issuer, BadgeClasses and Assertions (all validated first); return the paths.

    With a pseudonym ``key`` assertion URLs and salts are stable from one export to the next
    (derived from the key); without one they are random, so re-exporting publishes new URLs.
    ``mode`` only decides how the internal ``daftar_penerima.csv`` names people.
    """
    issuer = issuer or BadgeIssuer()
    out_dir = Path(out_dir)
    people = People(report, mode, key)
    learners = report.learners.set_index("username")

    classes: dict[str, dict] = {}
    images: dict[str, str] = {}
    awards = [
        *_competency_awards(report, issuer, classes, images),
        *_module_awards(report, issuer, classes, images),
    ]

    # relative path under publik/ -> (kind, document)
    documents: dict[str, tuple[str, dict]] = {"issuer.json": ("Profile", _issuer_document(issuer))}
    for slug, document in classes.items():
        documents[f"badges/{slug}.json"] = ("BadgeClass", document)
    manifest_rows = []
    emails: list[str] = []
    for award in awards:
        person = learners.loc[award.username]
        email = _email(person.get("email"))
        row = {"username": award.username, "jenis": award.kind, "lencana": award.badge_name}
        row |= {"level": award.level, "diterbitkan": award.issued_on}
        if not email:
            manifest_rows.append(
                row | {"url_asersi": "", "status": "tidak diterbitkan: email kosong"}
            )
            continue
        emails.append(email)
        token = _derive(key, f"asersi|{person['nip']}|{award.badge_slug}")
        relative = f"assertions/{token}.json"
        salt = _derive(key, f"garam|{token}")
        documents[relative] = "Assertion", _assertion(issuer, relative, award, email, salt)
        manifest_rows.append(row | {"url_asersi": issuer.url_for(relative), "status": "terbit"})

    problems = []
    for relative, (kind, document) in documents.items():
        problems += [f"{relative}: {p}" for p in badge_document_errors(document, kind)]
        text = json.dumps(document, ensure_ascii=False)
        problems += [f"{relative}: memuat email penerima" for e in emails if e in text.lower()]
    if problems:
        raise BadgeValidationError(problems)

    public = out_dir / PUBLIC_DIR
    paths = []
    for relative, (_, document) in documents.items():
        path = public / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
        paths.append(path)
    for slug, svg in images.items():
        path = public / "images" / f"{slug}.svg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(svg, encoding="utf-8")
        paths.append(path)
    manifest = pd.DataFrame(
        manifest_rows,
        columns=["username", "jenis", "lencana", "level", "diterbitkan", "url_asersi", "status"],
    )
    manifest["level"] = manifest["level"].astype("Int64")
    manifest = people.attach(manifest)
    manifest.to_csv(out_dir / MANIFEST, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    paths.append(out_dir / MANIFEST)
    record_export(
        "badges",
        report,
        people,
        paths,
        purpose=purpose,
        actor=actor,
        out=out_dir,
        covered={row["username"] for row in manifest_rows},
    )
    return paths


# -- validation ----------------------------------------------------------------------------------


@cache
def _validators() -> dict[str, Draft202012Validator]:
    folder = resources.files("kit.reports").joinpath("schemas")
    schemas = {
        name: json.loads(folder.joinpath(name).read_text("utf-8"))
        for name in ["common.json", *_SCHEMA_FILES.values()]
    }
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    checker = Draft202012Validator.FORMAT_CHECKER
    return {
        kind: Draft202012Validator(schemas[name], registry=registry, format_checker=checker)
        for kind, name in _SCHEMA_FILES.items()
    }


def badge_document_errors(document: dict, kind: str) -> list[str]:
    """Problems of an Open Badges 2.0 ``kind`` document (Assertion, BadgeClass, Profile)."""
    validator = _validators()[kind]
    problems = [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(dokumen)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
    recipient = document.get("recipient")
    # The kit's own rule on top of the specification: public files never hold a plain email.
    if kind == "Assertion" and isinstance(recipient, dict) and recipient.get("hashed") is not True:
        problems.append("recipient: identitas penerima harus di-hash (hashed: true)")
    return problems


def validate_badge_document(document: dict, kind: str) -> None:
    """Raise ``BadgeValidationError`` unless ``document`` is a valid ``kind`` document."""
    problems = badge_document_errors(document, kind)
    if problems:
        raise BadgeValidationError(problems)


# -- documents -----------------------------------------------------------------------------------


def _issuer_document(issuer: BadgeIssuer) -> dict:
    return {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer.id,
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
        "description": issuer.description,
    }


def _assertion(issuer: BadgeIssuer, relative: str, award: _Award, email: str, salt: str) -> dict:
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": issuer.url_for(relative),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest(),
        },
        "badge": issuer.url_for(f"badges/{award.badge_slug}.json"),
        "verification": {"type": "hosted"},
        "issuedOn": award.issued_on,
        "evidence": [{"type": "Evidence", "name": "Bukti", "narrative": award.evidence}],
    }


def _competency_awards(
    report: HrReport, issuer: BadgeIssuer, classes: dict[str, dict], images: dict[str, str]
) -> Iterable[_Award]:
    meta = report.meta
    reached = report.competencies[report.competencies["level"].fillna(0) >= 1]
    for row in reached.itertuples(index=False):
        level = int(row.level)
        code = str(row.competency)
        name = str(getattr(row, "competency_name", code))
        pillar = str(getattr(row, "pillar", "") or "")
        digcomp = str(getattr(row, "digcomp", "") or "")
        slug = _slug(f"kompetensi-{code}-level-{level}")
        if slug not in classes:
            document = _badge_class(
                issuer,
                slug,
                name=f"{name}: level {level}",
                description=(
                    f'Mencapai level {level} dari 5 pada kompetensi "{name}" ({code}), pilar '
                    f"{pillar or '-'}, dalam kerangka kompetensi digital ASN Kecamatan Medan "
                    f"Marelan versi {meta.framework_version}."
                ),
                criteria=(
                    f'Mencapai level {level} pada kompetensi "{name}" ({code}). Level dihitung '
                    "dari penguasaan (bagian poin berbobot) pada sel penugasan yang dinilai "
                    "dan ditandai dengan kompetensi ini, menurut kerangka kompetensi versi "
                    f"{meta.framework_version}."
                ),
                tags=[t for t in ("ASN Medan Marelan", pillar, f"DigComp {digcomp}") if t.strip()],
                version=meta.framework_version,
            )
            if digcomp:
                competence = DIGCOMP_COMPETENCES.get(digcomp, "")
                document["alignment"] = [
                    {
                        "targetName": f"{digcomp} {competence}".strip(),
                        "targetUrl": DIGCOMP_URL,
                        "targetFramework": DIGCOMP_FRAMEWORK,
                        "targetCode": digcomp,
                    }
                ]
            classes[slug] = document
            images[slug] = _badge_image(f"{code}", f"Level {level}", pillar)
        evidence = _competency_evidence(report.evidence, row.username, code)
        moments = evidence["timestamp"].dropna() if "timestamp" in evidence else pd.Series()
        issued = to_wib(moments.max()) if len(moments) else to_wib(meta.generated_at)
        yield _Award(
            username=str(row.username),
            badge_slug=slug,
            badge_name=classes[slug]["name"],
            kind="kompetensi",
            issued_on=issued.isoformat(timespec="seconds"),
            evidence=_competency_narrative(evidence, getattr(row, "mastery", None)),
            level=level,
        )


def _module_awards(
    report: HrReport, issuer: BadgeIssuer, classes: dict[str, dict], images: dict[str, str]
) -> Iterable[_Award]:
    meta = report.meta
    for row in report.modules_completed.itertuples(index=False):
        slug = _slug(f"modul-{row.module_id}")
        title = str(row.module_title)
        if slug not in classes:
            classes[slug] = _badge_class(
                issuer,
                slug,
                name=f"Modul: {title}",
                description=(
                    f'Menyelesaikan modul pelatihan "{title}" ({_number(row.jp)} JP) pada '
                    "pelatihan kompetensi digital ASN Kecamatan Medan Marelan."
                ),
                criteria=(
                    f'Mengumpulkan penugasan `{row.assignment}` modul "{title}" dan mencapai '
                    f"nilai lulus menurut aturan penghargaan versi {meta.rule_version}."
                ),
                tags=["ASN Medan Marelan", "modul", f"{_number(row.jp)} JP"],
                version=meta.rule_version,
            )
            images[slug] = _badge_image("MODUL", title[:18], "")
        passed = to_wib(row.passed_at) or to_wib(meta.generated_at)
        yield _Award(
            username=str(row.username),
            badge_slug=slug,
            badge_name=classes[slug]["name"],
            kind="modul",
            issued_on=passed.isoformat(timespec="seconds"),
            evidence=(
                f"Penugasan `{row.assignment}`: skor {_number(row.score)} dari "
                f"{_number(row.max_score)}, lulus {date_label(passed)}; {_number(row.jp)} JP."
            ),
        )


def _badge_class(
    issuer: BadgeIssuer,
    slug: str,
    *,
    name: str,
    description: str,
    criteria: str,
    tags: list[str],
    version: str,
) -> dict:
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": issuer.url_for(f"badges/{slug}.json"),
        "name": name,
        "description": description,
        "image": issuer.url_for(f"images/{slug}.svg"),
        "criteria": {"narrative": criteria},
        "issuer": issuer.id,
        "tags": tags,
        "version": version,
    }


def _competency_evidence(evidence: pd.DataFrame, username: str, code: str) -> pd.DataFrame:
    if evidence.empty:
        return evidence
    return evidence[(evidence["username"] == username) & (evidence["competency"] == code)]


def _competency_narrative(evidence: pd.DataFrame, mastery: object) -> str:
    lines = []
    if mastery is not None and not pd.isna(mastery):
        lines.append(f"Penguasaan {float(mastery):.0%} dari sel penugasan yang dinilai:")
    else:
        lines.append("Dinilai dari sel penugasan berikut:")
    if evidence.empty:
        lines.append("- (rincian bukti tidak tersedia dalam ekspor ini)")
    for assignment, cells in evidence.groupby("assignment", sort=True):
        ids = ", ".join(f"`{g}`" for g in dict.fromkeys(cells["grade_id"]))
        lines.append(
            f"- Penugasan `{assignment}`: {len(cells)} sel ({ids}), poin "
            f"{_number(cells['score'].sum())} dari {_number(cells['max_score'].sum())}"
        )
    return "\n".join(lines)


def _badge_image(top: str, bottom: str, pillar: str) -> str:
    colour = _PILLAR_COLOURS.get(pillar, "#8A6D1F")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">'
        f'<circle cx="128" cy="128" r="120" fill="{colour}"/>'
        '<circle cx="128" cy="128" r="104" fill="none" stroke="#FFFFFF" stroke-width="4"/>'
        '<text x="128" y="112" font-family="sans-serif" font-size="26" font-weight="bold" '
        f'fill="#FFFFFF" text-anchor="middle">{escape(top)}</text>'
        '<text x="128" y="150" font-family="sans-serif" font-size="22" fill="#FFFFFF" '
        f'text-anchor="middle">{escape(bottom)}</text>'
        '<text x="128" y="186" font-family="sans-serif" font-size="14" fill="#FFFFFF" '
        'text-anchor="middle">ASN Medan Marelan</text>'
        "</svg>\n"
    )


def _derive(key: bytes | None, label: str) -> str:
    """32 hex characters: keyed and stable with a key, random without."""
    if key is None:
        return secrets.token_hex(16)
    return hmac.new(key, label.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _email(value: object) -> str:
    # Backpacks compare the hash of the address the earner types, commonly lower-cased.
    return value.strip().lower() if isinstance(value, str) and "@" in value else ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _number(value: object) -> str:
    return f"{float(value):g}"
