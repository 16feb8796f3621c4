"""The shipped competency framework and DigComp reference, and precise errors for broken files."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from kit.competency import (
    ASN_LEVELS,
    PILLARS,
    CompetencyFramework,
    DigComp,
    FrameworkError,
    cell_competency_map,
)
from kit.core.project import project_root

ORIGINAL_CODES = ["DATA.OLAH", "DATA.ANALISIS", "LAYANAN.PENGADUAN", "KOMUNIKASI.REKOMENDASI"]


@pytest.fixture(scope="module")
def kit_framework() -> CompetencyFramework:
    return CompetencyFramework.load()


# --- the shipped framework -------------------------------------------------------------------


def test_kit_framework_is_complete(kit_framework):
    assert kit_framework.version == "2026.1"
    assert 14 <= len(kit_framework.competencies) <= 18
    assert set(ORIGINAL_CODES) <= set(kit_framework.codes)
    assert "INOVASI.IMPLEMENTASI" in kit_framework.codes  # the reward rules read this code
    assert {c.pillar for c in kit_framework.competencies} == set(PILLARS)
    for competency in kit_framework.competencies:
        assert competency.description_id and competency.description_en, competency.code
        assert len(competency.level_descriptors) == len(ASN_LEVELS), competency.code
        assert len(set(competency.level_descriptors)) == len(ASN_LEVELS), competency.code


def test_kit_framework_keeps_the_original_meanings(kit_framework):
    olah = kit_framework.get("DATA.OLAH")
    assert (olah.name_id, olah.pillar, olah.digcomp) == (
        "Mengolah data dengan pandas",
        "Cakap Digital",
        "1.3",
    )
    assert kit_framework.get("LAYANAN.PENGADUAN").name_en == "Handling public complaints on time"


def test_asn_levels_map_onto_all_eight_digcomp_levels_once(kit_framework):
    assert [level.level for level in kit_framework.levels] == list(ASN_LEVELS)
    mapped = [n for level in kit_framework.levels for n in level.digcomp_proficiency]
    assert mapped == list(range(1, 9))
    assert kit_framework.level(1).digcomp_proficiency == (1, 2)


def test_level_rule_is_exposed(kit_framework):
    rule = kit_framework.level_rule
    assert sorted(rule.thresholds) == list(ASN_LEVELS)
    values = [rule.thresholds[n] for n in ASN_LEVELS]
    assert values == sorted(values)
    assert all(0 < v <= 1 for v in values)
    assert rule.min_evidence_cells >= 1
    hash(kit_framework)  # frozen all the way down, so usable as a cache key


def test_accessors(kit_framework):
    assert kit_framework.get("INOVASI.IMPLEMENTASI").pillar == "Budaya Digital"
    assert kit_framework.display_name("DATA.OLAH", "en") == "Processing data with pandas"
    assert kit_framework.digcomp_name("DATA.OLAH", "en") == (
        "Managing data, information and digital content"
    )
    assert kit_framework.digcomp_name("DATA.OLAH") == "Mengelola data, informasi dan konten digital"
    assert kit_framework.level_name(3, "en") == "Independent application"
    assert kit_framework.level_name(3) == "Penerapan mandiri"
    assert "aksi perubahan" in kit_framework.level_descriptor("INOVASI.IMPLEMENTASI", 3)
    with pytest.raises(KeyError):
        kit_framework.get("TIDAK.ADA")
    with pytest.raises(KeyError):
        kit_framework.level_name(6)
    with pytest.raises(KeyError):
        kit_framework.level_descriptor("DATA.OLAH", 0)


def test_every_assessment_tag_names_a_known_competency_and_level(kit_framework):
    # cell_competency_map raises TagError naming every unknown code; the asserts add the levels.
    table = cell_competency_map(project_root() / "assessments" / "source", kit_framework)
    assert set(table["competency"]) <= set(kit_framework.codes)
    assert set(table["level"]) <= set(ASN_LEVELS)


def test_every_module_lists_known_competencies(kit_framework):
    for module_file in sorted((project_root() / "courses").glob("*/module.yml")):
        module = yaml.safe_load(module_file.read_text(encoding="utf-8"))
        unknown = set(module.get("competencies", [])) - set(kit_framework.codes)
        assert not unknown, f"{module_file.parent.name}: {sorted(unknown)}"


def test_kit_digcomp_reference():
    digcomp = DigComp.load()
    assert len(digcomp.areas) == 5
    assert len(digcomp.competences) == 21
    assert [c.number for c in digcomp.areas[3].competences] == ["4.1", "4.2", "4.3", "4.4"]
    assert [p.name_en for p in digcomp.proficiency_levels] == [
        "Foundation", "Foundation", "Intermediate", "Intermediate",
        "Advanced", "Advanced", "Highly specialised", "Highly specialised",
    ]  # fmt: skip


# --- broken files get precise errors ---------------------------------------------------------


def descriptors(code):
    return {n: f"{code} pada level {n}" for n in ASN_LEVELS}


def competency(code, pillar="Cakap Digital", digcomp="1.3"):
    return {
        "code": code,
        "name_id": f"Nama {code}",
        "name_en": f"Name {code}",
        "description_id": "Uraian.",
        "description_en": "Description.",
        "pillar": pillar,
        "digcomp": digcomp,
        "levels": descriptors(code),
    }


COMPLETE = {
    "version": "t2",
    "name": "Uji lengkap",
    "levels": {
        level: {
            "name_id": f"Level {level}",
            "name_en": f"Level {level}",
            "descriptor_id": "Uraian umum.",
            "descriptor_en": "General description.",
            "digcomp_proficiency": proficiency,
        }
        for level, proficiency in [(1, [1, 2]), (2, [3]), (3, [4, 5]), (4, [6]), (5, [7, 8])]
    },
    "level_rule": {
        "thresholds": {1: 0.5, 2: 0.6, 3: 0.7, 4: 0.8, 5: 0.85},
        "min_evidence_cells": 2,
    },
    "competencies": [
        competency("DATA.OLAH"),
        competency("ETIKA.DATA_PRIBADI", pillar="Etika Digital", digcomp="4.2"),
    ],
}


def write(tmp_path, data, name="kerangka.yml"):
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def broken(change):
    """A copy of the complete framework with ``change`` applied to it."""
    data = copy.deepcopy(COMPLETE)
    change(data)
    return data


def first(data):
    return data["competencies"][0]


def test_complete_framework_loads(tmp_path):
    loaded = CompetencyFramework.load(write(tmp_path, COMPLETE))
    assert loaded.codes == ["DATA.OLAH", "ETIKA.DATA_PRIBADI"]
    assert loaded.level_descriptor("DATA.OLAH", 5) == "DATA.OLAH pada level 5"
    assert loaded.level_rule.min_evidence_cells == 2


MISTAKES = [
    # competencies
    (
        lambda d: first(d).update(pillar="Hebat Digital"),
        "competency 'DATA.OLAH' has pillar 'Hebat Digital'; expected one of Cakap Digital, "
        "Etika Digital, Aman Digital, Budaya Digital",
    ),
    (
        lambda d: first(d).update(digcomp="6.1"),
        "competency 'DATA.OLAH' digcomp: '6.1' is not a DigComp 2.2 competence (1.1 to 5.4",
    ),
    (
        lambda d: first(d).update(digcomp="2.7"),
        "competency 'DATA.OLAH' digcomp: '2.7' is not a DigComp 2.2 competence",
    ),
    (
        lambda d: first(d)["levels"].pop(3),
        "competency 'DATA.OLAH' levels: missing level 3; levels 1 to 5 are all required",
    ),
    (
        lambda d: first(d)["levels"].update({6: "Lebih dari ahli"}),
        "competency 'DATA.OLAH' levels: unexpected level 6; levels are 1 to 5",
    ),
    (
        lambda d: first(d)["levels"].update({2: "  "}),
        "competency 'DATA.OLAH' levels: descriptor of level 2 is empty",
    ),
    (lambda d: first(d).pop("levels"), "competency 'DATA.OLAH' lacks levels"),
    (lambda d: first(d).pop("description_en"), "competency 'DATA.OLAH' lacks description_en"),
    (
        lambda d: d["competencies"][1].update(code="DATA.OLAH"),
        "competency code 'DATA.OLAH' is declared twice",
    ),
    (lambda d: first(d).pop("pillar"), "competency #1 lacks pillar (code 'DATA.OLAH')"),
    # code format
    *[
        (
            lambda d, bad=bad: first(d).update(code=bad),
            f"competency #1 code '{bad}' is not UPPER.DOTTED",
        )
        for bad in ["data.olah", "DATA..OLAH", "DATA.OLAH.", "1DATA.OLAH", "DATA OLAH", "DATA-OLAH"]
    ],
    # level rule
    (
        lambda d: d["level_rule"]["thresholds"].update({3: 0.55}),
        "level_rule thresholds: level 3 (0.55) is below level 2 (0.6); "
        "thresholds must not decrease from level 1 to 5",
    ),
    (
        lambda d: d["level_rule"]["thresholds"].update({1: 0}),
        "level_rule thresholds: level 1 is 0; a threshold is a share in (0, 1]",
    ),
    (
        lambda d: d["level_rule"]["thresholds"].update({5: 1.2}),
        "level_rule thresholds: level 5 is 1.2; a threshold is a share in (0, 1]",
    ),
    (
        lambda d: d["level_rule"]["thresholds"].update({4: "tinggi"}),
        "level_rule thresholds: level 4 is 'tinggi'; a threshold is a share in (0, 1]",
    ),
    (
        lambda d: d["level_rule"]["thresholds"].pop(5),
        "level_rule thresholds: missing level 5",
    ),
    (
        lambda d: d["level_rule"].update(min_evidence_cells=0),
        "level_rule min_evidence_cells: 0 is not a whole number of at least 1",
    ),
    (
        lambda d: d["level_rule"].update(min_evidence_cells=1.5),
        "level_rule min_evidence_cells: 1.5 is not a whole number of at least 1",
    ),
    (
        lambda d: d["level_rule"].update(training_need_below=6),
        "level_rule training_need_below: 6 is not a level from 1 to 5",
    ),
    (lambda d: d.pop("level_rule"), "declares levels but no level_rule"),
    # ASN levels and their DigComp mapping
    (
        lambda d: d["levels"][2].update(digcomp_proficiency=[3, 4]),
        "level 3 digcomp_proficiency: DigComp proficiency level 4 is already mapped by level 2; "
        "each of 1 to 8 belongs to exactly one level",
    ),
    (
        lambda d: d["levels"][5].update(digcomp_proficiency=[7]),
        "levels digcomp_proficiency: DigComp proficiency level 8 belongs to no level",
    ),
    (
        lambda d: d["levels"][5].update(digcomp_proficiency=[7, 8, 9]),
        "level 5 digcomp_proficiency: 9 is not a DigComp proficiency level (1 to 8)",
    ),
    (
        lambda d: (
            d["levels"][1].update(digcomp_proficiency=[3]),
            d["levels"][2].update(digcomp_proficiency=[1, 2]),
        ),
        "levels digcomp_proficiency: level 2 maps to DigComp 1, below level 1's 3",
    ),
    (lambda d: d["levels"].pop(4), "levels: missing level 4"),
    (lambda d: d["levels"][2].pop("name_en"), "level 2 lacks name_en"),
]


@pytest.mark.parametrize(("change", "message"), MISTAKES)
def test_framework_mistakes_name_file_and_field(tmp_path, change, message):
    path = write(tmp_path, broken(change))
    with pytest.raises(FrameworkError, match=re.escape(message)) as caught:
        CompetencyFramework.load(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_invalid_yaml_names_the_file(tmp_path):
    path = write(tmp_path, "competencies: [\n")
    with pytest.raises(FrameworkError, match=re.escape(f"{path}: not valid YAML")):
        CompetencyFramework.load(path)


def kit_digcomp_raw():
    path = project_root() / "kit" / "data" / "digcomp.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["areas"][0]["competences"].pop(),
            "DigComp 2.2 has 5 areas and 21 competences; found 5 areas and 20 competences",
        ),
        (
            lambda d: d["areas"][1]["competences"][0].update(number="1.4"),
            "area 2 competence '1.4' is not numbered 2.n",
        ),
        (
            lambda d: d["proficiency_levels"].pop(),
            "proficiency_levels must list levels 1 to 8 in order; found [1, 2, 3, 4, 5, 6, 7]",
        ),
    ],
)
def test_digcomp_mistakes_get_precise_errors(tmp_path, change, message):
    data = kit_digcomp_raw()
    change(data)
    path = write(tmp_path, data, "digcomp.yml")
    with pytest.raises(FrameworkError, match=re.escape(f"{path}: {message}")):
        DigComp.load(path)
