"""Competencies: the framework (YAML), which grade cell evidences what, and mastery from grades.

Mastery of a competency is the weighted share of points earned on the grade cells tagged with it:
``sum(score * weight) / sum(max_score * weight)``, over cells already graded. A learner with no
graded evidence has no mastery value (NaN), which is not the same as 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import nbformat
import pandas as pd
import yaml

__all__ = [
    "ASN_LEVELS",
    "AsnLevel",
    "Competency",
    "CompetencyFramework",
    "DigComp",
    "FrameworkError",
    "LevelRule",
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


# Dot-separated upper-case parts such as DATA.OLAH or ETIKA.DATA_PRIBADI.
_CODE_FORMAT = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*(\.[A-Z][A-Z0-9]*(_[A-Z0-9]+)*)*")
# The technical-competency levels of PermenPAN-RB 38/2017; their names live in the framework.
ASN_LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class DigCompCompetence:
    number: str  # "1.3"
    name_en: str
    name_id: str


@dataclass(frozen=True)
class DigCompArea:
    number: str  # "1"
    name_en: str
    name_id: str
    competences: tuple[DigCompCompetence, ...]


@dataclass(frozen=True)
class DigCompProficiency:
    level: int  # 1-8
    name_en: str  # Foundation, Intermediate, Advanced or Highly specialised
    name_id: str
    complexity_en: str
    autonomy_en: str


@dataclass(frozen=True)
class DigComp:
    """EU DigComp 2.2 (5 areas, 21 competences, 8 proficiency levels), read from YAML."""

    version: str
    areas: tuple[DigCompArea, ...]
    proficiency_levels: tuple[DigCompProficiency, ...]

    @classmethod
    def load(cls, path: Path | None = None) -> DigComp:
        """Read and validate a DigComp file (the kit's own when ``path`` is None)."""
        raw, where = _read_yaml(path, "data/digcomp.yml")
        if not isinstance(raw, dict) or not isinstance(raw.get("areas"), list):
            raise FrameworkError(f"{where}: expected a mapping with an 'areas' list")
        areas = []
        numbers: set[str] = set()
        for index, area in enumerate(raw["areas"], start=1):
            _require(
                area, ("number", "name_en", "name_id", "competences"), f"{where}: area #{index}"
            )
            area_number = str(area["number"])
            if not isinstance(area["competences"], list):
                raise FrameworkError(f"{where}: area {area_number} competences: expected a list")
            competences = []
            for entry in area["competences"]:
                label = f"{where}: area {area_number} competence"
                _require(entry, ("number", "name_en", "name_id"), label)
                number = str(entry["number"])
                if number.split(".")[0] != area_number or number.count(".") != 1:
                    raise FrameworkError(f"{label} '{number}' is not numbered {area_number}.n")
                if number in numbers:
                    raise FrameworkError(f"{where}: competence '{number}' is declared twice")
                numbers.add(number)
                competences.append(
                    DigCompCompetence(number, str(entry["name_en"]), str(entry["name_id"]))
                )
            areas.append(
                DigCompArea(
                    area_number, str(area["name_en"]), str(area["name_id"]), tuple(competences)
                )
            )
        # DigComp 2.2's shape is fixed; a different count means an entry was lost or invented.
        if len(areas) != 5 or len(numbers) != 21:
            raise FrameworkError(
                f"{where}: DigComp 2.2 has 5 areas and 21 competences; "
                f"found {len(areas)} areas and {len(numbers)} competences"
            )
        levels = []
        for index, entry in enumerate(raw.get("proficiency_levels") or [], start=1):
            keys = ("level", "name_en", "name_id", "complexity_en", "autonomy_en")
            _require(entry, keys, f"{where}: proficiency level #{index}")
            levels.append(DigCompProficiency(*(entry[k] for k in keys)))
        if [p.level for p in levels] != list(range(1, 9)):
            raise FrameworkError(
                f"{where}: proficiency_levels must list levels 1 to 8 in order; "
                f"found {[p.level for p in levels]}"
            )
        return cls(str(raw.get("version", "")), tuple(areas), tuple(levels))

    @property
    def competences(self) -> tuple[DigCompCompetence, ...]:
        return tuple(c for area in self.areas for c in area.competences)

    def competence(self, number: str) -> DigCompCompetence:
        for competence in self.competences:
            if competence.number == number:
                return competence
        raise KeyError(number)


@dataclass(frozen=True)
class AsnLevel:
    """One technical-competency level (1-5) and the DigComp proficiency levels it covers."""

    level: int
    name_id: str
    name_en: str
    descriptor_id: str
    descriptor_en: str
    digcomp_proficiency: tuple[int, ...]


@dataclass(frozen=True)
class LevelRule:
    """How evidence becomes a level: least mastery (0-1) per level and fewest graded cells."""

    thresholds: dict[int, float]
    min_evidence_cells: int
    # A competency below this level, or without evidence, is a training need.
    training_need_below: int = 2

    # Explicit, because the dict would make the generated hash fail and the framework holding
    # this rule is frozen (hashable) too.
    def __hash__(self) -> int:
        return hash(
            (
                tuple(sorted(self.thresholds.items())),
                self.min_evidence_cells,
                self.training_need_below,
            )
        )


@dataclass(frozen=True)
class Competency:
    code: str
    name_id: str
    name_en: str
    pillar: str
    digcomp: str  # DigComp 2.2 competence number, e.g. "1.3"
    description_id: str = ""
    description_en: str = ""
    level_descriptors: tuple[str, ...] = ()  # Indonesian descriptors of levels 1-5, in order


@dataclass(frozen=True)
class CompetencyFramework:
    """Competencies with their alignments, the ASN levels, and the rule giving a level.

    A framework that declares ``levels`` is complete: it must also give a ``level_rule``, and
    every competency descriptions and descriptors for levels 1-5. Without ``levels`` (small
    frameworks in tests) those parts are optional, but checked whenever present.
    """

    version: str
    name: str
    competencies: tuple[Competency, ...]
    levels: tuple[AsnLevel, ...] = ()
    level_rule: LevelRule | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> CompetencyFramework:
        """Read and validate a framework file (the kit's own when ``path`` is None)."""
        raw, where = _read_yaml(path, "data/competencies.yml")
        if not isinstance(raw, dict) or not isinstance(raw.get("competencies"), list):
            raise FrameworkError(f"{where}: expected a mapping with a 'competencies' list")
        digcomp = _kit_digcomp()
        levels = _parse_levels(raw["levels"], where, digcomp) if "levels" in raw else ()
        rule = _parse_level_rule(raw["level_rule"], where) if "level_rule" in raw else None
        if levels and rule is None:
            raise FrameworkError(f"{where}: declares levels but no level_rule")
        items = []
        seen: set[str] = set()
        for index, entry in enumerate(raw["competencies"], start=1):
            competency = _parse_competency(entry, index, where, digcomp, complete=bool(levels))
            if competency.code in seen:
                raise FrameworkError(
                    f"{where}: competency code '{competency.code}' is declared twice"
                )
            seen.add(competency.code)
            items.append(competency)
        return cls(
            str(raw.get("version", "")), str(raw.get("name", "")), tuple(items), levels, rule
        )

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.competencies]

    def get(self, code: str) -> Competency:
        for competency in self.competencies:
            if competency.code == code:
                return competency
        raise KeyError(code)

    def display_name(self, code: str, lang: str = "id") -> str:
        competency = self.get(code)
        return competency.name_id if lang == "id" else competency.name_en

    def digcomp_name(self, code: str, lang: str = "id") -> str:
        """Name of the DigComp 2.2 competence that competency ``code`` is aligned with."""
        competence = _kit_digcomp().competence(self.get(code).digcomp)
        return competence.name_id if lang == "id" else competence.name_en

    def level(self, level: int) -> AsnLevel:
        for declared in self.levels:
            if declared.level == level:
                return declared
        raise KeyError(level)

    def level_name(self, level: int, lang: str = "id") -> str:
        declared = self.level(level)
        return declared.name_id if lang == "id" else declared.name_en

    def level_descriptor(self, code: str, level: int) -> str:
        """What a civil servant at ``level`` of competency ``code`` is seen doing (Indonesian)."""
        descriptors = self.get(code).level_descriptors
        if level not in ASN_LEVELS or not descriptors:
            raise KeyError(f"{code} has no descriptor for level {level}")
        return descriptors[level - 1]


def _read_yaml(path: Path | None, kit_file: str) -> tuple[object, str]:
    """The parsed YAML of ``path`` (the kit's ``kit_file`` if None) and the name errors cite."""
    if path is None:
        text = resources.files("kit").joinpath(kit_file).read_text("utf-8")
        where = f"kit/{kit_file}"
    else:
        text = Path(path).read_text(encoding="utf-8")
        where = str(path)
    try:
        return yaml.safe_load(text), where
    except yaml.YAMLError as error:
        raise FrameworkError(f"{where}: not valid YAML ({error})") from None


@cache
def _kit_digcomp() -> DigComp:
    return DigComp.load()


def _require(entry: object, keys: tuple[str, ...], label: str) -> None:
    if not isinstance(entry, dict):
        raise FrameworkError(f"{label} is not a mapping")
    missing = [k for k in keys if entry.get(k) in (None, "")]
    if missing:
        raise FrameworkError(f"{label} lacks {', '.join(missing)}")


def _level_keys(value: object, label: str) -> dict[int, object]:
    """A mapping keyed by ASN level 1-5 (YAML may give 1 or "1"), complete and nothing else."""
    if not isinstance(value, dict):
        raise FrameworkError(f"{label}: expected a mapping of levels 1 to 5")
    by_level: dict[int, object] = {}
    unexpected = []
    for key, item in value.items():
        level = key if isinstance(key, int) and not isinstance(key, bool) else None
        if isinstance(key, str) and key.strip().isdigit():
            level = int(key)
        if level not in ASN_LEVELS:
            unexpected.append(str(key))
        elif level in by_level:
            raise FrameworkError(f"{label}: level {level} is given twice")
        else:
            by_level[level] = item
    if unexpected:
        raise FrameworkError(
            f"{label}: unexpected level {', '.join(unexpected)}; levels are 1 to 5"
        )
    missing = [str(n) for n in ASN_LEVELS if n not in by_level]
    if missing:
        raise FrameworkError(
            f"{label}: missing level {', '.join(missing)}; levels 1 to 5 are all required"
        )
    return dict(sorted(by_level.items()))


def _parse_levels(value: object, where: str, digcomp: DigComp) -> tuple[AsnLevel, ...]:
    keys = ("name_id", "name_en", "descriptor_id", "descriptor_en", "digcomp_proficiency")
    proficiency = [p.level for p in digcomp.proficiency_levels]
    span = f"{proficiency[0]} to {proficiency[-1]}"
    levels = []
    owner: dict[int, int] = {}  # DigComp proficiency level -> ASN level mapping it
    for level, entry in _level_keys(value, f"{where}: levels").items():
        _require(entry, keys, f"{where}: level {level}")
        mapped = entry["digcomp_proficiency"]
        label = f"{where}: level {level} digcomp_proficiency"
        if not isinstance(mapped, list) or not mapped:
            raise FrameworkError(f"{label}: expected a list of DigComp proficiency levels ({span})")
        for number in mapped:
            if not isinstance(number, int) or isinstance(number, bool) or number not in proficiency:
                raise FrameworkError(
                    f"{label}: {number!r} is not a DigComp proficiency level ({span})"
                )
            if number in owner:
                raise FrameworkError(
                    f"{label}: DigComp proficiency level {number} is already mapped by level "
                    f"{owner[number]}; each of {span} belongs to exactly one level"
                )
            owner[number] = level
        levels.append(
            AsnLevel(
                level,
                str(entry["name_id"]),
                str(entry["name_en"]),
                str(entry["descriptor_id"]),
                str(entry["descriptor_en"]),
                tuple(sorted(mapped)),
            )
        )
    unmapped = [str(n) for n in proficiency if n not in owner]
    if unmapped:
        raise FrameworkError(
            f"{where}: levels digcomp_proficiency: DigComp proficiency level "
            f"{', '.join(unmapped)} belongs to no level; each of {span} belongs to exactly one"
        )
    for lower, higher in zip(levels, levels[1:], strict=False):
        if max(lower.digcomp_proficiency) > min(higher.digcomp_proficiency):
            raise FrameworkError(
                f"{where}: levels digcomp_proficiency: level {higher.level} maps to DigComp "
                f"{min(higher.digcomp_proficiency)}, below level {lower.level}'s "
                f"{max(lower.digcomp_proficiency)}; a higher level maps to higher DigComp levels"
            )
    return tuple(levels)


def _parse_level_rule(value: object, where: str) -> LevelRule:
    _require(value, ("thresholds", "min_evidence_cells"), f"{where}: level_rule")
    label = f"{where}: level_rule thresholds"
    thresholds: dict[int, float] = {}
    for level, share in _level_keys(value["thresholds"], label).items():
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
            raise FrameworkError(
                f"{label}: level {level} is {share!r}; a threshold is a share in (0, 1]"
            )
        previous = thresholds.get(level - 1)
        if previous is not None and share < previous:
            raise FrameworkError(
                f"{label}: level {level} ({share}) is below level {level - 1} ({previous}); "
                "thresholds must not decrease from level 1 to 5"
            )
        thresholds[level] = float(share)
    cells = value["min_evidence_cells"]
    if isinstance(cells, bool) or not isinstance(cells, int) or cells < 1:
        raise FrameworkError(
            f"{where}: level_rule min_evidence_cells: {cells!r} is not a whole number of at least 1"
        )
    need = value.get("training_need_below", 2)
    if isinstance(need, bool) or not isinstance(need, int) or not 1 <= need <= 5:
        raise FrameworkError(
            f"{where}: level_rule training_need_below: {need!r} is not a level from 1 to 5"
        )
    return LevelRule(thresholds, cells, need)


def _parse_competency(
    entry: object, index: int, where: str, digcomp: DigComp, *, complete: bool
) -> Competency:
    if not isinstance(entry, dict):
        raise FrameworkError(f"{where}: competency #{index} is not a mapping")
    code = entry.get("code")
    required = ("code", "name_id", "name_en", "pillar", "digcomp")
    missing = [k for k in required if entry.get(k) in (None, "")]
    if missing:
        known = f" (code '{code}')" if code else ""
        raise FrameworkError(f"{where}: competency #{index} lacks {', '.join(missing)}{known}")
    code = str(code)
    if not _CODE_FORMAT.fullmatch(code):
        raise FrameworkError(
            f"{where}: competency #{index} code '{code}' is not UPPER.DOTTED "
            "(upper-case letters, digits and _ in dot-separated parts, e.g. DATA.OLAH)"
        )
    label = f"{where}: competency '{code}'"
    if entry["pillar"] not in PILLARS:
        raise FrameworkError(
            f"{label} has pillar '{entry['pillar']}'; expected one of {', '.join(PILLARS)}"
        )
    number = str(entry["digcomp"])
    numbers = [c.number for c in digcomp.competences]
    if number not in numbers:
        raise FrameworkError(
            f"{label} digcomp: '{number}' is not a DigComp 2.2 competence "
            f"({numbers[0]} to {numbers[-1]}, see kit/data/digcomp.yml)"
        )
    if complete:
        _require(entry, ("description_id", "description_en", "levels"), label)
    descriptors: tuple[str, ...] = ()
    if "levels" in entry:
        by_level = _level_keys(entry["levels"], f"{label} levels")
        for level, text in by_level.items():
            if not isinstance(text, str) or not text.strip():
                raise FrameworkError(f"{label} levels: descriptor of level {level} is empty")
        descriptors = tuple(str(text).strip() for text in by_level.values())
    return Competency(
        code,
        str(entry["name_id"]),
        str(entry["name_en"]),
        str(entry["pillar"]),
        number,
        str(entry.get("description_id") or "").strip(),
        str(entry.get("description_en") or "").strip(),
        descriptors,
    )


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
