"""Module authoring for partner instructors: scaffold, check and list the programme's modules.

``kit module new`` copies the templates in ``kit/templates/module/`` into a working module; ``kit
module check`` runs the same checks CI does (skeleton, tags, solutions pass, blank release scores
0, JP declared) and reports each problem precisely, in Indonesian. The key and the blank release
are graded by ``kit grade``'s own engine (:mod:`kit.authoring.answer_key`).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import nbformat

from kit.authoring.answer_key import BLANK, KEY, grade_answer_key
from kit.competency import CompetencyFramework, TagError, cell_competency_map
from kit.core import KitError, message
from kit.course import CurriculumError, Module, NbgraderError, load_modules
from kit.grading import GradingError

__all__ = [
    "ModuleNames",
    "CheckReport",
    "scaffold_module",
    "check_module",
    "programme",
    "programme_text",
    "AuthoringError",
    "REQUIRED_HEADINGS",
]

REQUIRED_HEADINGS = ("Tujuan pembelajaran", "Prasyarat", "Ringkasan", "Selanjutnya")
_FOLDER = re.compile(r"^(\d{2})_([a-z][a-z0-9_]*)$")
_JP_LINE = re.compile(r"Waktu belajar:\**\s*(\d+(?:[.,]\d+)?)\s*JP")


class AuthoringError(KitError, ValueError):
    """A scaffold request that cannot be carried out, or a module that does not exist."""

    hint_key = "authoring.hint.guide"


@dataclass(frozen=True)
class ModuleNames:
    """Every name derived from a module folder such as ``09_arsip_digital``."""

    folder: str
    number: str
    name: str

    @classmethod
    def from_folder(cls, folder: str) -> ModuleNames:
        match = _FOLDER.match(folder)
        if not match:
            raise AuthoringError(
                f"nama folder modul '{folder}' tidak sah: gunakan dua angka, garis bawah, lalu "
                "huruf kecil/angka/garis bawah, misalnya 09_arsip_digital",
                hint=message("authoring.hint.name"),
            )
        return cls(folder, match.group(1), match.group(2))

    @property
    def module_id(self) -> str:
        return f"m{self.folder}"

    @property
    def assignment(self) -> str:
        return f"tugas{self.folder}"


def _render(text: str, names: ModuleNames, title: str, jp: float) -> str:
    replacements = {
        "__MODULE_ID__": names.module_id,
        "__TITLE__": title,
        "__JP__": f"{jp:g}",
        "__FOLDER__": names.folder,
        "__NAME__": names.name,
        "__NUMBER__": str(int(names.number)),
        "__ASSIGNMENT__": names.assignment,
    }
    for token, value in replacements.items():
        text = text.replace(token, value)
    return text


def scaffold_module(project: Path, folder: str, title: str, jp: float) -> list[Path]:
    """Create a working module from the templates; refuse to overwrite anything."""
    names = ModuleNames.from_folder(folder)
    if jp <= 0:
        raise AuthoringError("jp harus lebih dari 0")
    if not title.strip():
        raise AuthoringError("judul modul tidak boleh kosong")
    targets = {
        "module.yml.tpl": project / "courses" / folder / "module.yml",
        "lesson.ipynb": project / "courses" / folder / f"{folder}.ipynb",
        "checker.py.tpl": project / "kit" / "practice" / f"{names.name}.py",
        "assignment.ipynb": project / "assessments" / "source" / names.assignment
        / f"{names.assignment}.ipynb",
        "answers.yml.tpl": project / "assessments" / "simulation" / f"{names.assignment}.yml",
        "test_practice.py.tpl": project / "tests" / f"test_practice_{names.name}.py",
    }  # fmt: skip
    existing = [str(p.relative_to(project)) for p in targets.values() if p.exists()]
    if existing:
        raise AuthoringError(
            f"berkas sudah ada, tidak ditimpa: {', '.join(existing)}",
            hint=message("authoring.hint.exists"),
        )
    taken = {m.id for m in load_modules(project / "courses")}
    if names.module_id in taken:
        raise AuthoringError(
            f"id modul '{names.module_id}' sudah dipakai", hint=message("authoring.hint.exists")
        )
    templates = resources.files("kit").joinpath("templates/module")
    written = []
    for template, target in targets.items():
        text = _render(templates.joinpath(template).read_text("utf-8"), names, title, jp)
        target.parent.mkdir(parents=True, exist_ok=True)
        if template.endswith(".ipynb"):
            nbformat.write(nbformat.reads(text, as_version=4), target)
        else:
            target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


@dataclass
class CheckReport:
    """Results of ``check_module``: what passed and every problem found."""

    module: str
    passed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    isolation: str | None = None  # how the key was graded ("sandbox" / "limits_only")

    @property
    def ok(self) -> bool:
        return not self.problems


def _find_module(project: Path, module: str) -> Module:
    for candidate in load_modules(project / "courses"):
        if module in (candidate.id, candidate.folder.name):
            return candidate
    raise AuthoringError(
        f"modul '{module}' tidak ditemukan di {project / 'courses'}",
        hint=message("authoring.hint.unknown"),
    )


def check_module(
    project: Path, module: str, execute: bool = True, isolation: str | None = None
) -> CheckReport:
    """Check one module the way CI does; every problem is listed, none stops the others.

    The answer key and the blank release are graded by ``kit grade``'s engine with
    ``isolation`` (None: the course's setting, else the sandbox); a sandbox that cannot be set
    up is a problem, never a silent fallback.

    A module that does not exist is no check at all: ``AuthoringError``.
    """
    report = CheckReport(module)
    try:
        found = _find_module(project, module)
    except CurriculumError as error:
        report.problems.append(str(error))
        return report
    report.module = found.id
    framework = CompetencyFramework.load()
    _check_lessons(found, report, execute)
    source = project / "assessments" / "source" / found.assignment
    notebook = source / f"{found.assignment}.ipynb"
    if not notebook.exists():
        report.problems.append(f"tugas '{found.assignment}' tidak ada: {notebook} belum dibuat")
        return report
    _check_tags(project, found, framework, report)
    if execute:
        _check_grading(project, found, report, isolation)
    return report


def _check_lessons(module: Module, report: CheckReport, execute: bool) -> None:
    if not module.lessons:
        report.problems.append("module.yml tidak menyebut notebook pelajaran (lessons)")
    for lesson in module.lessons:
        path = module.folder / lesson
        if not path.exists():
            report.problems.append(f"pelajaran {path.name} tidak ada di {module.folder}")
            continue
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        missing = [h for h in REQUIRED_HEADINGS if f"## {h}" not in text]
        if missing:
            report.problems.append(f"{path.name}: bagian wajib belum ada: {', '.join(missing)}")
        declared = _JP_LINE.search(text)
        if not declared:
            report.problems.append(f"{path.name}: baris 'Waktu belajar: N JP' belum ada")
        elif float(declared.group(1).replace(",", ".")) != module.jp:
            report.problems.append(
                f"{path.name}: waktu belajar {declared.group(1)} JP tidak sama dengan jp "
                f"{module.jp:g} di module.yml"
            )
        if any(c.get("outputs") or c.get("execution_count") for c in nb.cells):
            report.problems.append(f"{path.name}: simpan tanpa output (Clear All Outputs)")
        if not any("selftest" in c.metadata.get("tags", []) for c in nb.cells):
            report.problems.append(f"{path.name}: belum ada sel uji mandiri bertag 'selftest'")
        if execute:
            _execute_lesson(path, report)
    if not report.problems:
        report.passed.append("kerangka pelajaran lengkap dan JP dideklarasikan")


def _execute_lesson(path: Path, report: CheckReport) -> None:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as work:
        client = NotebookClient(
            nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": work}}
        )
        try:
            client.execute()
        except CellExecutionError as error:
            first = str(error).strip().splitlines()
            report.problems.append(
                f"{path.name}: sel gagal dijalankan: {first[-1] if first else error}"
            )
            return
    report.passed.append(f"{path.name} berjalan tanpa galat, termasuk uji mandiri pemeriksa")


def _check_tags(project: Path, module: Module, framework, report: CheckReport) -> None:
    with tempfile.TemporaryDirectory() as work:
        only = Path(work) / module.assignment
        shutil.copytree(project / "assessments" / "source" / module.assignment, only)
        try:
            cells = cell_competency_map(Path(work), framework)
        except TagError as error:
            report.problems.append(str(error))
            return
    if cells.empty:
        report.problems.append(f"tugas '{module.assignment}' tidak punya sel bernilai (grade)")
        return
    tagged = set(cells["competency"])
    declared = set(module.competencies)
    if declared and declared != tagged:
        report.problems.append(
            "kompetensi di module.yml tidak sama dengan tag sel tugas: "
            f"hanya di module.yml: {sorted(declared - tagged) or '-'}; "
            f"hanya di tag: {sorted(tagged - declared) or '-'}"
        )
    else:
        report.passed.append(f"semua sel bernilai bertag kompetensi yang dikenal: {sorted(tagged)}")


def _check_grading(
    project: Path, module: Module, report: CheckReport, isolation: str | None
) -> None:
    """Grade the answer key and the blank release with ``kit grade``'s engine, in a temporary
    course (:func:`kit.authoring.answer_key.grade_answer_key`)."""
    try:
        graded = grade_answer_key(project, module.assignment, isolation=isolation)
    except NbgraderError as error:
        report.problems.append(f"nbgrader generate_assignment gagal: {_reason(error)}")
        return
    except GradingError as error:
        report.problems.append(f"{error} {error.hint}" if error.hint else str(error))
        return
    run = graded.run
    report.isolation = run.isolation
    report.passed.append(
        message(
            "module.check.engine",
            mode=message(f"grading.isolation.mode.{run.isolation}"),
            source=message(f"grading.isolation.source.{run.isolation_source}"),
        )
    )
    for result in run.results:
        if result.status != "graded":
            report.problems.append(
                message(
                    "module.check.not_graded",
                    student=result.student,
                    status=message(f"grading.status.{result.status}"),
                    reason=result.reason or "-",
                )
            )
        elif result.student == KEY and result.flags:
            flags = "; ".join(
                f"{flag} ({', '.join(result.flag_cells.get(flag, [])) or '-'})"
                for flag in result.flags
            )
            report.problems.append(message("module.check.key_flagged", flags=flags))
    grades = graded.grades
    code = grades[grades["cell_type"] == "code"]
    key = code[code["student_id"] == KEY]
    failing = key[key["score"] < key["max_score"]]
    for row in failing.itertuples(index=False):
        report.problems.append(
            f"jawaban kunci hanya mendapat {row.score:g} dari {row.max_score:g} poin di sel uji "
            f"'{row.grade_id}': perbaiki solusi atau ujinya"
        )
    if failing.empty and not key.empty:
        report.passed.append(
            f"jawaban kunci mendapat nilai penuh ({key['max_score'].sum():g} poin)"
        )
    blank = grades[grades["student_id"] == BLANK]
    scoring = blank[blank["score"] > 0]
    for row in scoring.itertuples(index=False):
        report.problems.append(
            f"versi kosong (rilis) mendapat {row.score:g} poin di sel '{row.grade_id}': uji ini "
            "lolos tanpa jawaban"
        )
    if scoring.empty and not blank.empty:
        report.passed.append("versi kosong (rilis) mendapat 0")


def _reason(error: NbgraderError) -> str:
    """nbgrader's failure with the last lines of its log (where the cause is)."""
    return " / ".join([str(error), *error.details[-3:]])


def programme(project: Path) -> dict:
    """The curriculum: per module its id, title, JP, lessons, assignment and competencies."""
    framework = CompetencyFramework.load()
    cells = cell_competency_map(project / "assessments" / "source", framework)
    modules = []
    for module in load_modules(project / "courses"):
        evidenced = sorted(set(cells.loc[cells["assignment"] == module.assignment, "competency"]))
        modules.append(
            {
                "id": module.id,
                "title": module.title,
                "jp": module.jp,
                "lessons": [f"courses/{module.folder.name}/{name}" for name in module.lessons],
                "assignment": module.assignment,
                "competencies": evidenced,
            }
        )
    return {
        "framework_version": framework.version,
        "total_jp": sum(m["jp"] for m in modules),
        "modules": modules,
    }


def programme_text(data: dict) -> str:
    """``programme(...)`` as ``kit curriculum`` prints it: two lines per module, then the total."""
    lines = []
    for module in data["modules"]:
        lines.append(f"{module['id']:<22} {module['jp']:>4g} JP  {module['title']}")
        competencies = ", ".join(module["competencies"])
        lines.append(f"{'':<22}         tugas {module['assignment']}: {competencies}")
    total = message("curriculum.total", jp=f"{data['total_jp']:g}", count=len(data["modules"]))
    return "\n".join([*lines, total])
