"""The competency framework (``kit/data/competencies.yml``) and EU DigComp 2.2 (``digcomp.yml``).

Both files are checked against their schemas in ``kit/data/schemas`` when loaded; the checks a
schema cannot express (codes used once, DigComp numbers that exist, levels that rise) follow
here. A file with any problem is refused whole with a :class:`FrameworkError` listing them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kit.core import DataFile, DataFileError, Problem, message, read_data_file, read_kit_data

__all__ = [
    "ASN_LEVELS",
    "AsnLevel",
    "Competency",
    "CompetencyFramework",
    "DigComp",
    "FrameworkError",
    "LevelRule",
    "PILLARS",
]

# Indonesia's four digital-literacy pillars; competencies.schema.yml lists the same four.
PILLARS = ("Cakap Digital", "Etika Digital", "Aman Digital", "Budaya Digital")
# The technical-competency levels of PermenPAN-RB 38/2017; their names live in the framework.
ASN_LEVELS = (1, 2, 3, 4, 5)


class FrameworkError(DataFileError):
    """The competency framework or DigComp file is not valid (message in the reader's language)."""

    hint_key = "error.hint.framework"


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
        doc = _read(path, "digcomp.yml", "digcomp")
        raw = doc.data
        problems: list[Problem] = []
        areas = []
        first: dict[str, int] = {}
        for a, area in enumerate(raw["areas"]):
            competences = []
            for c, entry in enumerate(area["competences"]):
                number = entry["number"]
                at = ("areas", a, "competences", c, "number")
                if number.split(".")[0] != area["number"]:
                    text = message("digcomp.wrong_area", number=number, area=area["number"])
                    problems.append(doc.problem(at, text))
                elif number in first:
                    text = message("data.used_twice", value=repr(number), first=first[number])
                    problems.append(doc.problem(at, text))
                first.setdefault(number, c + 1)
                competences.append(DigCompCompetence(number, entry["name_en"], entry["name_id"]))
            areas.append(
                DigCompArea(area["number"], area["name_en"], area["name_id"], tuple(competences))
            )
        # DigComp 2.2's shape is fixed; a different count means an entry was lost or invented.
        count = sum(len(area.competences) for area in areas)
        if len(areas) != 5 or count != 21:
            text = message("digcomp.shape", areas=len(areas), competences=count)
            problems.append(doc.problem(("areas",), text))
        keys = ("level", "name_en", "name_id", "complexity_en", "autonomy_en")
        levels = [DigCompProficiency(*(e[k] for k in keys)) for e in raw["proficiency_levels"]]
        if [p.level for p in levels] != list(range(1, 9)):
            text = message("digcomp.proficiency_order", found=[p.level for p in levels])
            problems.append(doc.problem(("proficiency_levels",), text))
        doc.check(problems)
        return cls(raw["version"], tuple(areas), tuple(levels))

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
    every competency descriptions and descriptors for levels 1-5 (the schema says so). Without
    ``levels`` (small frameworks in tests) those parts are optional, but checked when present.
    """

    version: str
    name: str
    competencies: tuple[Competency, ...]
    levels: tuple[AsnLevel, ...] = ()
    level_rule: LevelRule | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> CompetencyFramework:
        """Read and validate a framework file (the kit's own when ``path`` is None)."""
        doc = _read(path, "competencies.yml", "competencies")
        raw = doc.data
        problems: list[Problem] = []
        levels = _levels(doc, _kit_digcomp(), problems) if "levels" in raw else ()
        rule = _level_rule(doc, problems) if "level_rule" in raw else None
        competencies = _competencies(doc, _kit_digcomp(), problems)
        doc.check(problems)
        return cls(str(raw.get("version", "")), raw.get("name", ""), competencies, levels, rule)

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


def _read(path: Path | None, kit_file: str, schema: str) -> DataFile:
    if path is None:
        return read_kit_data(kit_file, schema, error=FrameworkError)
    return read_data_file(path, schema, error=FrameworkError)


@cache
def _kit_digcomp() -> DigComp:
    return DigComp.load()


def _levels(doc: DataFile, digcomp: DigComp, problems: list[Problem]) -> tuple[AsnLevel, ...]:
    """The ASN levels; each DigComp proficiency level belongs to exactly one, in rising order."""
    proficiency = [p.level for p in digcomp.proficiency_levels]
    span = {"first": proficiency[0], "last": proficiency[-1]}
    found = len(problems)
    levels = []
    owner: dict[int, int] = {}  # DigComp proficiency level -> ASN level mapping it
    for level in ASN_LEVELS:
        entry = doc.data["levels"][str(level)]
        mapped = entry["digcomp_proficiency"]
        for index, number in enumerate(mapped):
            at = ("levels", str(level), "digcomp_proficiency", index)
            if number not in proficiency:
                text = message("framework.not_proficiency", value=number, **span)
                problems.append(doc.problem(at, text))
            elif number in owner:
                text = message("framework.proficiency_taken", value=number, owner=owner[number],
                               **span)  # fmt: skip
                problems.append(doc.problem(at, text))
            else:
                owner[number] = level
        levels.append(
            AsnLevel(
                level,
                entry["name_id"],
                entry["name_en"],
                entry["descriptor_id"],
                entry["descriptor_en"],
                tuple(sorted(mapped)),
            )
        )
    unmapped = [str(n) for n in proficiency if n not in owner]
    if unmapped:
        text = message("framework.proficiency_unmapped", values=", ".join(unmapped), **span)
        problems.append(doc.problem(("levels",), text))
    if len(problems) == found:  # the order means something only once the mapping is sound
        for lower, higher in zip(levels, levels[1:], strict=False):
            if max(lower.digcomp_proficiency) > min(higher.digcomp_proficiency):
                text = message(
                    "framework.proficiency_order",
                    level=higher.level,
                    value=min(higher.digcomp_proficiency),
                    lower=lower.level,
                    lower_value=max(lower.digcomp_proficiency),
                )
                at = ("levels", str(higher.level), "digcomp_proficiency")
                problems.append(doc.problem(at, text))
    return tuple(levels)


def _level_rule(doc: DataFile, problems: list[Problem]) -> LevelRule:
    """The level rule; thresholds must not fall from level 1 to 5."""
    raw = doc.data["level_rule"]
    thresholds = {level: float(raw["thresholds"][str(level)]) for level in ASN_LEVELS}
    for level in ASN_LEVELS[1:]:
        share, previous = thresholds[level], thresholds[level - 1]
        if share < previous:
            text = message("framework.threshold_falls", level=level, value=f"{share:g}",
                           lower=level - 1, lower_value=f"{previous:g}")  # fmt: skip
            problems.append(doc.problem(("level_rule", "thresholds", str(level)), text))
    return LevelRule(thresholds, raw["min_evidence_cells"], raw.get("training_need_below", 2))


def _competencies(
    doc: DataFile, digcomp: DigComp, problems: list[Problem]
) -> tuple[Competency, ...]:
    """The competencies; codes used once, each aligned with a DigComp competence that exists."""
    numbers = [c.number for c in digcomp.competences]
    first: dict[str, int] = {}
    items = []
    for index, entry in enumerate(doc.data["competencies"]):
        code = entry["code"]
        if code in first:
            text = message("data.used_twice", value=repr(code), first=first[code])
            problems.append(doc.problem(("competencies", index, "code"), text))
        first.setdefault(code, index + 1)
        if entry["digcomp"] not in numbers:
            text = message("framework.unknown_digcomp", value=repr(entry["digcomp"]),
                           first=numbers[0], last=numbers[-1])  # fmt: skip
            problems.append(doc.problem(("competencies", index, "digcomp"), text))
        descriptors = entry.get("levels") or {}
        items.append(
            Competency(
                code,
                entry["name_id"],
                entry["name_en"],
                entry["pillar"],
                entry["digcomp"],
                entry.get("description_id", "").strip(),
                entry.get("description_en", "").strip(),
                tuple(descriptors[str(n)].strip() for n in ASN_LEVELS if descriptors),
            )
        )
    return tuple(items)
