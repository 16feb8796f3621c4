"""Simulated cohorts: real submission notebooks made from the released assignment.

Each simulated learner answers every question with one variant from the assignment's answer bank
(``assessments/simulation/<assignment>.yml``): right, partly right, wrong, raising an error or
blank. The notebooks are then graded by the real nbgrader pipeline; no score is invented here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np
import yaml

from kit.course import Course

__all__ = [
    "AnswerBank",
    "AnswerVariant",
    "load_answer_bank",
    "write_submission",
    "simulate_cohort",
    "simulate_manual_grading",
]

# Quality order used to pick variants: a stronger learner more often picks earlier ones.
_BLANK = "kosong"


@dataclass(frozen=True)
class AnswerVariant:
    name: str
    source: str | None
    expected: Mapping[str, float]
    manual: bool = False
    # The score a (simulated) instructor gives this written answer, per grade cell.
    manual_score: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class AnswerBank:
    assignment: str
    notebook: str
    answers: Mapping[str, Mapping[str, AnswerVariant]]

    def covering_plans(self) -> list[dict[str, str]]:
        """As few plans as it takes to use every variant of every question at least once."""
        widest = max(len(variants) for variants in self.answers.values())
        return [
            {
                grade_id: list(variants)[i % len(variants)]
                for grade_id, variants in self.answers.items()
            }
            for i in range(widest)
        ]

    def expected_scores(self, plan: Mapping[str, str]) -> dict[str, float]:
        """Designed score of every test cell for a plan (solution grade_id -> variant name)."""
        scores: dict[str, float] = {}
        for grade_id, variant in plan.items():
            scores.update(self.answers[grade_id][variant].expected)
        return scores


def load_answer_bank(path: Path) -> AnswerBank:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    answers: dict[str, dict[str, AnswerVariant]] = {}
    for grade_id, variants in raw["answers"].items():
        answers[grade_id] = {
            name: AnswerVariant(
                name=name,
                source=spec.get("source"),
                expected={k: float(v) for k, v in (spec.get("expected") or {}).items()},
                manual=bool(spec.get("manual", False)),
                manual_score={k: float(v) for k, v in (spec.get("manual_score") or {}).items()},
            )
            for name, spec in variants.items()
        }
    return AnswerBank(raw["assignment"], raw["notebook"], answers)


def write_submission(
    course: Course,
    bank: AnswerBank,
    student: str,
    plan: Mapping[str, str],
    timestamp: dt.datetime,
) -> Path:
    """Write ``submitted/<student>/<assignment>/`` from the release, answering as ``plan`` says."""
    release = course.release_dir / bank.assignment / f"{bank.notebook}.ipynb"
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id not in plan:
            continue
        variant = bank.answers[grade_id][plan[grade_id]]
        if variant.source is not None:
            cell.source = variant.source.rstrip("\n")
    target = course.submitted_dir / student / bank.assignment
    target.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target / f"{bank.notebook}.ipynb")
    (target / "timestamp.txt").write_text(timestamp.strftime("%Y-%m-%d %H:%M:%S.%f%z"))
    return target


def simulate_cohort(
    course: Course,
    bank: AnswerBank,
    students: Sequence[str],
    seed: int = 2026,
    plans: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, dict[str, str]]:
    """Write one submission per student; return the plan (variant per question) each one got.

    ``plans`` fixes the answers of chosen students; the others get seeded random answers whose
    quality follows a per-learner skill, so the cohort is varied but the same on every run.
    """
    rng = np.random.default_rng(seed)
    fixed = dict(plans or {})
    start = dt.datetime(2026, 11, 16, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    chosen: dict[str, dict[str, str]] = {}
    for index, student in enumerate(students):
        skill = float(rng.beta(2.5, 1.5))
        plan = dict(fixed.get(student) or _random_plan(bank, skill, rng))
        stamp = start + dt.timedelta(hours=int(rng.integers(0, 96)), minutes=index)
        write_submission(course, bank, student, plan, stamp)
        chosen[student] = plan
    return chosen


def _random_plan(bank: AnswerBank, skill: float, rng: np.random.Generator) -> dict[str, str]:
    plan = {}
    for grade_id, variants in bank.answers.items():
        names = list(variants)  # declared best first
        if rng.random() < skill:
            plan[grade_id] = names[0]
        else:
            others = [n for n in names[1:] if n != _BLANK] or names[1:]
            # A blank answer is kept rare: one learner in ten leaves a question empty.
            plan[grade_id] = (
                _BLANK if _BLANK in names and rng.random() < 0.1 else rng.choice(others)
            )
    return {k: str(v) for k, v in plan.items()}


def simulate_manual_grading(
    course: Course,
    bank: AnswerBank,
    plans: Mapping[str, Mapping[str, str]],
    grader: str = "instruktur-demo",
) -> int:
    """Record the instructor's rubric scores for written answers, as formgrader would.

    Only for the demo and tests: real manual grading happens in nbgrader's formgrader, which
    writes the same gradebook fields through the same API. Returns the number of grades set.
    """
    from nbgrader.api import Gradebook

    count = 0
    with Gradebook(course.gradebook_url) as gradebook:
        for student, plan in plans.items():
            for grade_id, variant_name in plan.items():
                variant = bank.answers[grade_id][variant_name]
                for cell, points in variant.manual_score.items():
                    grade = gradebook.find_grade(cell, bank.notebook, bank.assignment, student)
                    grade.manual_score = points
                    grade.needs_manual_grade = False
                    comment = gradebook.find_comment(cell, bank.notebook, bank.assignment, student)
                    comment.manual_comment = f"Dinilai sesuai rubrik ({grader})."
                    count += 1
        gradebook.db.commit()
    return count
