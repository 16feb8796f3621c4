"""Competencies: the framework (YAML), which grade cell evidences what, and mastery from grades.

Mastery of a competency is the weighted share of points earned on the grade cells tagged with it:
``sum(score * weight) / sum(max_score * weight)``, over cells already graded. A learner with no
graded evidence has no mastery value (NaN), which is not the same as 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import nbformat
import pandas as pd
import yaml

__all__ = [
    "Competency",
    "CompetencyFramework",
    "FrameworkError",
    "TagError",
    "cell_competency_map",
    "mastery_by_learner",
    "mastery_by_unit",
    "PILLARS",
    "TAG_KEY",
]

PILLARS = ("Cakap Digital", "Etika Digital", "Aman Digital", "Budaya Digital")
TAG_KEY = "marelan"


class FrameworkError(ValueError):
    """The competency framework file is not valid."""


class TagError(ValueError):
    """A grade cell's competency tags are missing or invalid."""


@dataclass(frozen=True)
class Competency:
    code: str
    name_id: str
    name_en: str
    pillar: str
    digcomp: str


@dataclass(frozen=True)
class CompetencyFramework:
    version: str
    name: str
    competencies: tuple[Competency, ...]

    @classmethod
    def load(cls, path: Path | None = None) -> CompetencyFramework:
        """Read and validate a framework file (the kit's own when ``path`` is None)."""
        if path is None:
            text = resources.files("kit").joinpath("data/competencies.yml").read_text("utf-8")
            where = "kit/data/competencies.yml"
        else:
            text = Path(path).read_text(encoding="utf-8")
            where = str(path)
        raw = yaml.safe_load(text)
        if not isinstance(raw, dict) or not isinstance(raw.get("competencies"), list):
            raise FrameworkError(f"{where}: expected a mapping with a 'competencies' list")
        items = []
        seen: set[str] = set()
        for index, entry in enumerate(raw["competencies"], start=1):
            missing = [
                k for k in ("code", "name_id", "name_en", "pillar", "digcomp") if k not in entry
            ]
            if missing:
                raise FrameworkError(f"{where}: competency #{index} lacks {', '.join(missing)}")
            code = str(entry["code"])
            if code in seen:
                raise FrameworkError(f"{where}: competency code '{code}' is declared twice")
            seen.add(code)
            if entry["pillar"] not in PILLARS:
                raise FrameworkError(
                    f"{where}: competency '{code}' has pillar '{entry['pillar']}'; "
                    f"expected one of {', '.join(PILLARS)}"
                )
            items.append(
                Competency(
                    code,
                    str(entry["name_id"]),
                    str(entry["name_en"]),
                    str(entry["pillar"]),
                    str(entry["digcomp"]),
                )
            )
        return cls(str(raw.get("version", "")), str(raw.get("name", "")), tuple(items))

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.competencies]

    def display_name(self, code: str, lang: str = "id") -> str:
        for competency in self.competencies:
            if competency.code == code:
                return competency.name_id if lang == "id" else competency.name_en
        raise KeyError(code)


def cell_competency_map(source_dir: Path, framework: CompetencyFramework) -> pd.DataFrame:
    """Competency tags of every grade cell in ``source/<assignment>/*.ipynb``.

    Tags are read from the instructor's source notebooks, never from submissions, so a learner
    cannot change what a cell counts for. Every grade cell must carry at least one known tag.
    """
    rows = []
    problems = []
    known = set(framework.codes)
    for notebook_path in sorted(Path(source_dir).glob("*/*.ipynb")):
        assignment = notebook_path.parent.name
        nb = nbformat.read(notebook_path, as_version=4)
        for cell in nb.cells:
            nbgrader = cell.metadata.get("nbgrader", {})
            if not nbgrader.get("grade"):
                continue
            grade_id = nbgrader.get("grade_id")
            where = f"{assignment}/{notebook_path.name}, sel '{grade_id}'"
            tags = cell.metadata.get(TAG_KEY, {}).get("competencies")
            if not tags:
                problems.append(
                    f"{where}: tidak ada tag kompetensi (metadata.{TAG_KEY}.competencies)"
                )
                continue
            for tag in tags:
                spec = {"code": tag} if isinstance(tag, str) else dict(tag)
                code = spec.get("code")
                if code not in known:
                    problems.append(f"{where}: kompetensi '{code}' tidak ada di kerangka")
                    continue
                try:
                    weight = float(spec.get("weight", 1.0))
                    level = int(spec.get("level", 1))
                except (TypeError, ValueError):
                    problems.append(f"{where}: bobot/level kompetensi '{code}' bukan angka")
                    continue
                if weight <= 0:
                    problems.append(f"{where}: bobot kompetensi '{code}' harus lebih dari 0")
                    continue
                rows.append(
                    {
                        "assignment": assignment,
                        "notebook": notebook_path.stem,
                        "grade_id": grade_id,
                        "competency": code,
                        "weight": weight,
                        "level": level,
                    }
                )
    if problems:
        raise TagError("Tag kompetensi bermasalah:\n" + "\n".join(f"- {p}" for p in problems))
    return pd.DataFrame(
        rows, columns=["assignment", "notebook", "grade_id", "competency", "weight", "level"]
    )


def mastery_by_learner(
    grades: pd.DataFrame, cell_map: pd.DataFrame, learners: pd.DataFrame
) -> pd.DataFrame:
    """Mastery per learner and competency (long format), with every roster learner present.

    ``learners`` needs ``username`` and ``unit``; columns of the result: username, unit,
    competency, earned, possible, evidence_cells, pending_cells, mastery (0-1 or NaN).
    """
    tagged = grades.merge(cell_map, on=["assignment", "notebook", "grade_id"], how="inner")
    tagged = tagged.rename(columns={"student_id": "username"})
    graded = tagged[~tagged["needs_manual_grade"]]
    pending = tagged[tagged["needs_manual_grade"]]
    earned = (
        graded.assign(
            earned=graded["score"] * graded["weight"],
            possible=graded["max_score"] * graded["weight"],
        )
        .groupby(["username", "competency"], as_index=False)
        .agg(
            earned=("earned", "sum"),
            possible=("possible", "sum"),
            evidence_cells=("grade_id", "count"),
        )
    )
    waiting = pending.groupby(["username", "competency"], as_index=False).agg(
        pending_cells=("grade_id", "count")
    )
    competencies = sorted(cell_map["competency"].unique())
    grid = learners[["username", "unit"]].merge(
        pd.DataFrame({"competency": competencies}), how="cross"
    )
    result = grid.merge(earned, on=["username", "competency"], how="left").merge(
        waiting, on=["username", "competency"], how="left"
    )
    result[["earned", "possible"]] = result[["earned", "possible"]].fillna(0.0)
    result[["evidence_cells", "pending_cells"]] = (
        result[["evidence_cells", "pending_cells"]].fillna(0).astype(int)
    )
    result["mastery"] = (result["earned"] / result["possible"]).where(result["possible"] > 0)
    return result


def mastery_by_unit(per_learner: pd.DataFrame) -> pd.DataFrame:
    """Per unit and competency: learners, learners with evidence, and mean mastery of those."""
    return (
        per_learner.groupby(["unit", "competency"], as_index=False)
        .agg(
            learners=("username", "nunique"),
            with_evidence=("mastery", "count"),
            mean_mastery=("mastery", "mean"),
        )
        .sort_values(["unit", "competency"], ignore_index=True)
    )
