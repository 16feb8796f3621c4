"""Synthetic nbgrader courses of any size, for benchmarking the kit against nbgrader itself.

nbgrader's own ``Gradebook`` creates the database (through its alembic migrations) and the
assignments, notebooks and cells; the per-submission rows (submissions, grades, comments) are then
inserted with plain SQL in one transaction, shaped as ``nbgrader autograde`` and the formgrader
leave them. The course also gets tagged source notebooks, a roster, module declarations, outside
learning and managers' confirmations, so ``kit.reports.report.build_report`` runs on it end to end.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import sqlite3
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kit.competency import LOG_NAME, TAG_KEY, CompetencyFramework, load_rules
from kit.course import Course, put_scripts_on_path
from kit.datasets import generate_roster

__all__ = [
    "COURSE_ID",
    "DATA_YEAR",
    "SCHEMA_VERSION",
    "SyntheticCourse",
    "assignment_names",
    "build_course",
    "ensure_course",
    "write_sources",
]

# Bump whenever the generated data change: cached courses under build/bench are keyed by it.
SCHEMA_VERSION = 1
COURSE_ID = "marelan_sintetis"
# Every submission, module pass and outside-learning record falls in this (past) year.
DATA_YEAR = 2026
SEED = 20261129

# One notebook per assignment: six autograded questions (a solution cell followed by a locked
# test cell) and one written answer graded by hand, as in the kit's own assignments.
TEST_POINTS = (1.0, 1.0, 2.0, 2.0, 3.0, 1.0)
WRITTEN_ID = "uraian"
WRITTEN_POINTS = 4.0
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

# Shares of submissions in each state (per cell); the rest are ordinary autograded answers.
BLANK_ANSWER = 0.04  # unchanged answer cell: the test fails, nbgrader comments "No response."
DELETED_TEST = 0.005  # test cell deleted by the learner: stays "needs manual grade"
OVERRIDDEN_TEST = 0.02  # autograded score overridden by a grader in the formgrader
WRITTEN_BLANK = 0.05  # written answer left blank: autograded 0, nothing to grade
WRITTEN_PENDING = 0.20  # written answer awaiting manual grading
EXTRA_CREDIT = 0.03  # graded written answers given 0.5 extra credit
LATE = 0.03  # submissions after the due date (no late-penalty plugin, so no penalty)
COMPLETES_ALL = 0.70  # learners who attempt every assignment; the others drop out at random
SKIPS = 0.05  # assignments skipped by a learner still attending

_ORGANISERS = (
    ("Universitas Sumatera Utara", "universitas"),
    ("BPSDM Provinsi Sumatera Utara", "pemerintah"),
    ("Diskominfo Kota Medan", "pemerintah"),
    ("Mitra Literasi Digital", "swasta"),
)
_FEEDBACK = (
    "Uraian jelas dan sesuai data.",
    "Sebutkan sumber datanya.",
    "Rekomendasi belum dikaitkan dengan temuan.",
)


def assignment_names(count: int) -> list[str]:
    return [f"tugas{index:02d}" for index in range(1, count + 1)]


@dataclass(frozen=True)
class SyntheticCourse:
    """A generated course: ``root/course`` (nbgrader course) and ``root/courses`` (modules)."""

    root: Path
    learners: int
    assignments: int

    @property
    def course(self) -> Course:
        return Course(self.root / "course")

    @property
    def courses_dir(self) -> Path:
        return self.root / "courses"

    @property
    def year(self) -> int:
        return DATA_YEAR

    @property
    def gradebook_mb(self) -> float:
        return self.course.gradebook_path.stat().st_size / 1e6


def build_course(
    root: Path,
    learners: int,
    assignments: int = 12,
    seed: int = SEED,
    framework: CompetencyFramework | None = None,
) -> SyntheticCourse:
    """Write a complete synthetic course into the new folder ``root``."""
    root = Path(root)
    course = SyntheticCourse(root, learners, assignments)
    course_dir = course.course.root
    course_dir.mkdir(parents=True)
    names = assignment_names(assignments)
    roster = generate_roster(seed, size=learners)
    roster.to_csv(course.course.roster_path, index=False)
    (course_dir / "nbgrader_config.py").write_text(
        "# Synthetic benchmark course written by benchmarks/synthetic.py; never committed.\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n",
        encoding="utf-8",
    )
    notebooks = write_sources(course.course.source_dir, assignments, framework)
    _write_modules(course.courses_dir, names)
    _create_gradebook(course.course.gradebook_path, notebooks)
    _fill_gradebook(course.course.gradebook_path, roster, seed)
    _write_outside_learning(course_dir, roster, seed)
    _write_confirmations(course_dir, roster, seed)
    return course


def ensure_course(
    cache_dir: Path,
    learners: int,
    assignments: int = 12,
    seed: int = SEED,
    framework: CompetencyFramework | None = None,
) -> tuple[SyntheticCourse, float | None]:
    """The cached course of this size, built first when missing; and the build time (or None).

    The cache is keyed by size, seed and ``SCHEMA_VERSION``. A course is only cached once fully
    built (built beside it, then renamed), so an interrupted build is never reused. Source
    notebooks are rewritten every time: their tags follow the competency framework of the day.
    """
    key = (
        Path(cache_dir)
        / f"schema-v{SCHEMA_VERSION}"
        / f"{learners}-learners-{assignments}-assignments-seed{seed}"
    )
    manifest_path = key / "manifest.json"
    expected = {
        "schema_version": SCHEMA_VERSION,
        "learners": learners,
        "assignments": assignments,
        "seed": seed,
    }
    if manifest_path.exists() and (key / "course" / "gradebook.db").exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if {k: manifest.get(k) for k in expected} == expected:
            course = SyntheticCourse(key, learners, assignments)
            write_sources(course.course.source_dir, assignments, framework)
            return course, None
    partial = key.with_name(key.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    start = time.perf_counter()
    build_course(partial, learners, assignments, seed, framework)
    seconds = time.perf_counter() - start
    manifest = {**expected, "build_seconds": round(seconds, 2)}
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    shutil.rmtree(key, ignore_errors=True)
    partial.rename(key)
    return SyntheticCourse(key, learners, assignments), seconds


def write_sources(
    source_dir: Path, assignments: int, framework: CompetencyFramework | None = None
) -> dict[str, nbformat.NotebookNode]:
    """Write ``source/<assignment>/<assignment>.ipynb`` with competency-tagged grade cells.

    Codes come from the framework in force (it changes), spread so that every competency gets
    evidence at several levels; the last assignment's written answer evidences the reward rules'
    implementation competency, as the innovation project does.
    """
    framework = framework or CompetencyFramework.load()
    implementation = load_rules().implementation_competency
    codes = framework.codes
    general = [code for code in codes if code != implementation] or codes
    notebooks = {}
    for index, name in enumerate(assignment_names(assignments)):
        level = 1 + index * 3 // assignments  # later assignments evidence higher levels
        cells = [
            new_markdown_cell(
                f"# Tugas sintetis {index + 1}\n\nData uji kinerja `make bench`; bukan materi."
            )
        ]
        for number, points in enumerate(TEST_POINTS, start=1):
            code = general[(index * len(TEST_POINTS) + number - 1) % len(general)]
            tags = [_tag(code, level + (number > 3))]
            if number == len(TEST_POINTS):
                second = general[(index * len(TEST_POINTS) + number) % len(general)]
                tags.append(_tag(second, level + 1, 0.5))
            cells += [
                new_markdown_cell(f"## Bagian {number} ({points:g} poin)"),
                new_code_cell(
                    f"### BEGIN SOLUTION\njawaban_{number} = {number}\n### END SOLUTION",
                    metadata=_nbgrader_meta(f"jawaban_{number}", solution=True),
                ),
                new_code_cell(
                    f'"""Memeriksa jawaban_{number}."""\nassert jawaban_{number} == {number}',
                    metadata={
                        **_nbgrader_meta(f"tes_{number}", grade=True, locked=True, points=points),
                        TAG_KEY: {"competencies": tags},
                    },
                ),
            ]
        last = index == assignments - 1 and implementation in codes
        written_code = implementation if last else general[(index * 7 + 6) % len(general)]
        cells += [
            new_markdown_cell(f"## Uraian ({WRITTEN_POINTS:g} poin)\n\nJelaskan temuan Anda."),
            new_markdown_cell(
                "YOUR ANSWER HERE",
                metadata={
                    **_nbgrader_meta(WRITTEN_ID, grade=True, solution=True, points=WRITTEN_POINTS),
                    TAG_KEY: {"competencies": [_tag(written_code, 3)]},
                },
            ),
        ]
        notebook = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC})
        path = Path(source_dir) / name / f"{name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, path)
        notebooks[name] = notebook
    return notebooks


def _tag(code: str, level: int, weight: float = 1.0) -> dict:
    return {"code": code, "level": min(level, 5), "weight": weight}


def _nbgrader_meta(
    grade_id: str,
    grade: bool = False,
    solution: bool = False,
    locked: bool = False,
    points: float | None = None,
) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _duedate(index: int) -> dt.datetime:
    return dt.datetime(DATA_YEAR, 1, 31, 23, 59, 59) + dt.timedelta(weeks=3 * index)


def _write_modules(courses_dir: Path, names: Sequence[str]) -> None:
    for index, name in enumerate(names, start=1):
        folder = Path(courses_dir) / f"{index:02d}_sintetis"
        folder.mkdir(parents=True, exist_ok=True)
        module = {
            "id": f"m{index:02d}_sintetis",
            "title": f"Modul sintetis {index}",
            "jp": 2 + index % 3,
            "assignment": name,
        }
        (folder / "module.yml").write_text(
            yaml.safe_dump(module, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )


def _create_gradebook(path: Path, notebooks: dict[str, nbformat.NotebookNode]) -> None:
    """The database, course, assignments, notebooks and cells, through nbgrader's own API.

    The cells are registered as ``nbgrader generate_assignment`` registers them: a grade cell per
    graded cell, a solution cell per answer cell (a written answer is both) and a source cell for
    each of those and each locked cell.
    """
    from nbgrader.api import Gradebook
    from nbgrader.utils import compute_checksum, is_grade, is_locked, is_solution

    put_scripts_on_path()  # nbgrader runs alembic as a program to create the schema
    with Gradebook(f"sqlite:///{path}", course_id=COURSE_ID) as gradebook:
        for index, (name, notebook) in enumerate(notebooks.items()):
            gradebook.add_assignment(name, duedate=_duedate(index))
            gradebook.add_notebook(name, name, kernelspec=json.dumps(KERNELSPEC))
            for cell in notebook.cells:
                meta = cell.metadata.get("nbgrader")
                if not meta:
                    continue
                grade_id = meta["grade_id"]
                if is_grade(cell):
                    gradebook.add_grade_cell(
                        grade_id, name, name, max_score=meta["points"], cell_type=cell.cell_type
                    )
                if is_solution(cell):
                    gradebook.add_solution_cell(grade_id, name, name)
                gradebook.add_source_cell(
                    grade_id,
                    name,
                    name,
                    cell_type=cell.cell_type,
                    locked=is_locked(cell),
                    source=cell.source,
                    checksum=compute_checksum(cell),
                )


def _stamp(moment: dt.datetime) -> str:
    # How SQLAlchemy stores a DateTime in SQLite.
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _half_points(share: float, maximum: float) -> float:
    """A score in half points (exact in binary, so sums compare exactly)."""
    return min(maximum, max(0.0, round(share * maximum * 2) / 2))


def _fill_gradebook(path: Path, roster: pd.DataFrame, seed: int) -> None:
    """Students and every submission's rows, inserted in one transaction.

    Each submission has one submitted notebook (no late penalty, not flagged), one grade per grade
    cell and one comment per solution cell, valued as autograde and the formgrader set them.
    """
    rng = random.Random(seed)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        # Build-time only: a crash means a rebuild anyway, so skip the fsyncs.
        connection.execute("PRAGMA synchronous = OFF")
        layout = _layout(connection)
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO student (id, first_name, last_name, email, lms_user_id) "
            "VALUES (?, ?, '', ?, NULL)",
            roster[["username", "nama", "email"]].itertuples(index=False, name=None),
        )
        count = len(layout)
        plans = []  # per learner: ability and the set of assignments submitted
        for _ in range(len(roster)):
            ability = rng.betavariate(5, 2)
            attempted = count if rng.random() < COMPLETES_ALL else rng.randrange(count)
            submitted = {k for k in range(attempted) if rng.random() >= SKIPS}
            plans.append((ability, submitted))
        for index, part in enumerate(layout):
            rows = _submission_rows(rng, part, roster["username"], plans, index)
            connection.executemany(
                "INSERT INTO submitted_assignment "
                "(id, assignment_id, student_id, timestamp, extension) VALUES (?, ?, ?, ?, NULL)",
                rows["submitted_assignment"],
            )
            connection.executemany(
                "INSERT INTO submitted_notebook "
                "(id, assignment_id, notebook_id, flagged, late_submission_penalty) "
                "VALUES (?, ?, ?, 0, NULL)",
                rows["submitted_notebook"],
            )
            connection.executemany(
                "INSERT INTO grade (id, notebook_id, cell_id, auto_score, manual_score, "
                "extra_credit, needs_manual_grade) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows["grade"],
            )
            connection.executemany(
                "INSERT INTO comment (id, notebook_id, cell_id, auto_comment, manual_comment) "
                "VALUES (?, ?, ?, ?, ?)",
                rows["comment"],
            )
        connection.execute("COMMIT")
    finally:
        connection.close()


@dataclass(frozen=True)
class _AssignmentLayout:
    assignment_id: str
    notebook_id: str
    duedate: dt.datetime
    grade_cells: tuple[tuple[str, str, float], ...]  # id, name, max_score
    solution_cells: tuple[tuple[str, str], ...]  # id, name


def _layout(connection: sqlite3.Connection) -> list[_AssignmentLayout]:
    assignments = connection.execute(
        "SELECT a.id, a.name, a.duedate, n.id FROM assignment AS a "
        "JOIN notebook AS n ON n.assignment_id = a.id ORDER BY a.name"
    ).fetchall()
    layout = []
    for assignment_id, _, duedate, notebook_id in assignments:
        grade_cells = connection.execute(
            "SELECT bc.id, bc.name, gc.max_score FROM base_cell AS bc "
            "JOIN grade_cells AS gc ON gc.id = bc.id WHERE bc.notebook_id = ? ORDER BY bc.name",
            (notebook_id,),
        ).fetchall()
        solution_cells = connection.execute(
            "SELECT bc.id, bc.name FROM base_cell AS bc JOIN solution_cells AS sc "
            "ON sc.id = bc.id WHERE bc.notebook_id = ? ORDER BY bc.name",
            (notebook_id,),
        ).fetchall()
        layout.append(
            _AssignmentLayout(
                assignment_id,
                notebook_id,
                dt.datetime.fromisoformat(duedate),
                tuple(grade_cells),
                tuple(solution_cells),
            )
        )
    return layout


def _submission_rows(
    rng: random.Random,
    part: _AssignmentLayout,
    usernames: Sequence[str],
    plans: Sequence[tuple[float, set[int]]],
    index: int,
) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {
        "submitted_assignment": [],
        "submitted_notebook": [],
        "grade": [],
        "comment": [],
    }
    for username, (ability, submitted) in zip(usernames, plans, strict=True):
        if index not in submitted:
            continue
        submission_id, notebook_id = uuid.uuid4().hex, uuid.uuid4().hex
        if rng.random() < LATE:
            moment = part.duedate + dt.timedelta(seconds=rng.randrange(3600, 3 * 86400))
        else:
            moment = part.duedate - dt.timedelta(seconds=rng.randrange(60, 14 * 86400))
        moment += dt.timedelta(microseconds=rng.randrange(1_000_000))
        rows["submitted_assignment"].append(
            (submission_id, part.assignment_id, username, _stamp(moment))
        )
        rows["submitted_notebook"].append((notebook_id, submission_id, part.notebook_id))
        blank_answers = set()
        for cell_id, name, maximum in part.grade_cells:
            auto = manual = extra = None
            needs_manual = 0
            if name == WRITTEN_ID:
                draw = rng.random()
                if draw < WRITTEN_BLANK:
                    auto = 0.0  # unchanged answer: nbgrader scores it 0 by checksum
                    blank_answers.add(name)
                elif draw < WRITTEN_BLANK + WRITTEN_PENDING:
                    needs_manual = 1
                else:
                    manual = _half_points(rng.gauss(ability, 0.15), maximum)
                    if rng.random() < EXTRA_CREDIT:
                        extra = 0.5
            elif rng.random() < DELETED_TEST:
                needs_manual = 1
            elif rng.random() < BLANK_ANSWER:
                auto = 0.0
                blank_answers.add(name.replace("tes_", "jawaban_"))
            else:
                draw = rng.random()
                if draw < ability:
                    auto = maximum
                elif draw < ability + 0.1 and maximum >= 2:
                    auto = _half_points(rng.random(), maximum)  # partial credit output
                else:
                    auto = 0.0
                if rng.random() < OVERRIDDEN_TEST:
                    manual = _half_points(rng.random(), maximum)
            rows["grade"].append(
                (uuid.uuid4().hex, notebook_id, cell_id, auto, manual, extra, needs_manual)
            )
        for cell_id, name in part.solution_cells:
            auto_comment = "No response." if name in blank_answers else None
            manual_comment = None
            if name == WRITTEN_ID and auto_comment is None and rng.random() < 0.3:
                manual_comment = rng.choice(_FEEDBACK)
            rows["comment"].append(
                (uuid.uuid4().hex, notebook_id, cell_id, auto_comment, manual_comment)
            )
    return rows


def _write_outside_learning(course_dir: Path, roster: pd.DataFrame, seed: int) -> None:
    """A quarter of the learners report one outside training in ``jp_external.csv``."""
    rng = random.Random(seed + 1)
    records = []
    for username in roster["username"]:
        if rng.random() >= 0.25:
            continue
        start = dt.date(DATA_YEAR, 1, 1) + dt.timedelta(days=rng.randrange(300))
        days = rng.randrange(1, 4)
        organiser, kind = rng.choice(_ORGANISERS)
        records.append(
            {
                "username": username,
                "tanggal_mulai": start.isoformat(),
                "tanggal_selesai": (start + dt.timedelta(days=days - 1)).isoformat(),
                "penyelenggara": organiser,
                "judul": f"Pelatihan literasi data angkatan {rng.randrange(1, 9)}",
                "jp": rng.randrange(4, 8 * days + 1),
                "jenis": kind,
            }
        )
    pd.DataFrame(
        records,
        columns=[
            "username",
            "tanggal_mulai",
            "tanggal_selesai",
            "penyelenggara",
            "judul",
            "jp",
            "jenis",
        ],
    ).to_csv(course_dir / "jp_external.csv", index=False)


def _write_confirmations(course_dir: Path, roster: pd.DataFrame, seed: int) -> None:
    """The camat (first roster row) confirms the technology of 15% of the learners in use."""
    rng = random.Random(seed + 2)
    camat = roster["username"].iloc[0]
    rows = []
    for username in roster["username"].iloc[1:]:
        if rng.random() >= 0.15:
            continue
        day = dt.date(DATA_YEAR, 9, 1) + dt.timedelta(days=rng.randrange(60))
        rows.append(
            {
                "username": username,
                "status": "confirmed",
                "confirmed_by": camat,
                "confirmed_at": f"{day.isoformat()}T09:00:00+07:00",
                "note": "Dipakai di layanan kantor",
            }
        )
    pd.DataFrame(
        rows, columns=["username", "status", "confirmed_by", "confirmed_at", "note"]
    ).to_csv(course_dir / LOG_NAME, index=False)
