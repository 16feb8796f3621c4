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


TEXT_OF_CODE = (
    "bukan kode kompetensi yang sah: huruf besar, angka dan _ dalam bagian yang dipisah titik, "
    "misalnya DATA.OLAH"
)
TWICE = "sudah dipakai oleh butir ke-1; tiap nilai hanya boleh dipakai sekali"
ONE_LEVEL = "tiap tingkat 1 sampai 8 milik tepat satu level"

# (change, key path, problem): the error names the file, the key path, then the problem.
MISTAKES = [
    # competencies
    (
        lambda d: first(d).update(pillar="Hebat Digital"),
        "competencies[1].pillar",
        "'Hebat Digital' tidak dikenal; pilih salah satu: 'Cakap Digital', 'Etika Digital', "
        "'Aman Digital', 'Budaya Digital'",
    ),
    (
        lambda d: first(d).update(digcomp="6.1"),
        "competencies[1].digcomp",
        "'6.1' bukan kompetensi DigComp 2.2 (1.1 sampai 5.4, lihat kit/data/digcomp.yml)",
    ),
    (
        lambda d: first(d).update(digcomp="2.7"),
        "competencies[1].digcomp",
        "'2.7' bukan kompetensi DigComp 2.2",
    ),
    (
        lambda d: first(d).update(digcomp=1.3),
        "competencies[1].digcomp",
        "harus berupa teks, bukan angka 1.3",
    ),
    (
        lambda d: first(d)["levels"].pop(3),
        "competencies[1].levels.3",
        "wajib ada, tetapi tidak ditulis",
    ),
    (
        lambda d: first(d)["levels"].update({6: "Lebih dari ahli"}),
        "competencies[1].levels.6",
        "kunci tidak dikenal; kunci yang boleh: 1, 2, 3, 4, 5",
    ),
    (
        lambda d: first(d)["levels"].update({2: "  "}),
        "competencies[1].levels.2",
        "tidak boleh kosong",
    ),
    (lambda d: first(d).pop("levels"), "competencies[1].levels", "wajib ada, tetapi tidak ditulis"),
    (
        lambda d: first(d).pop("description_en"),
        "competencies[1].description_en",
        "wajib ada, tetapi tidak ditulis",
    ),
    (
        lambda d: first(d).update(descripton_en="Typo."),
        "competencies[1].descripton_en",
        "kunci tidak dikenal (maksudnya 'description_en'?); kunci yang boleh: code, name_id, "
        "name_en, description_id, description_en, pillar, digcomp, levels",
    ),
    (
        lambda d: d["competencies"][1].update(code="DATA.OLAH"),
        "competencies[2].code",
        f"'DATA.OLAH' {TWICE}",
    ),
    (lambda d: first(d).pop("pillar"), "competencies[1].pillar", "wajib ada, tetapi tidak ditulis"),
    # code format
    *[
        (
            lambda d, bad=bad: first(d).update(code=bad),
            "competencies[1].code",
            f"'{bad}' {TEXT_OF_CODE}",
        )
        for bad in ["data.olah", "DATA..OLAH", "DATA.OLAH.", "1DATA.OLAH", "DATA OLAH", "DATA-OLAH"]
    ],
    # level rule
    (
        lambda d: d["level_rule"]["thresholds"].update({3: 0.55}),
        "level_rule.thresholds.3",
        "ambang level 3 (0.55) di bawah ambang level 2 (0.6); "
        "ambang tidak boleh turun dari level 1 ke 5",
    ),
    (
        lambda d: d["level_rule"]["thresholds"].update({1: 0}),
        "level_rule.thresholds.1",
        "harus lebih dari 0, bukan 0",
    ),
    (
        lambda d: d["level_rule"]["thresholds"].update({5: 1.2}),
        "level_rule.thresholds.5",
        "paling besar 1, bukan 1.2",
    ),
    (
        lambda d: d["level_rule"]["thresholds"].update({4: "tinggi"}),
        "level_rule.thresholds.4",
        "harus berupa angka, bukan teks 'tinggi'",
    ),
    (
        lambda d: d["level_rule"]["thresholds"].pop(5),
        "level_rule.thresholds.5",
        "wajib ada, tetapi tidak ditulis",
    ),
    (
        lambda d: d["level_rule"].update(min_evidence_cells=0),
        "level_rule.min_evidence_cells",
        "paling kecil 1, bukan 0",
    ),
    (
        lambda d: d["level_rule"].update(min_evidence_cells=1.5),
        "level_rule.min_evidence_cells",
        "harus berupa bilangan bulat, bukan angka 1.5",
    ),
    (
        lambda d: d["level_rule"].update(training_need_below=6),
        "level_rule.training_need_below",
        "paling besar 5, bukan 6",
    ),
    (lambda d: d.pop("level_rule"), "level_rule", "wajib ada bila 'levels' ditulis"),
    # ASN levels and their DigComp mapping
    (
        lambda d: d["levels"][2].update(digcomp_proficiency=[3, 4]),
        "levels.3.digcomp_proficiency[1]",
        f"tingkat kecakapan DigComp 4 sudah dipetakan oleh level 2; {ONE_LEVEL}",
    ),
    (
        lambda d: d["levels"][5].update(digcomp_proficiency=[7]),
        "levels",
        f"tingkat kecakapan DigComp 8 belum dipetakan ke level mana pun; {ONE_LEVEL}",
    ),
    (
        lambda d: d["levels"][5].update(digcomp_proficiency=[7, 8, 9]),
        "levels.5.digcomp_proficiency[3]",
        "9 bukan tingkat kecakapan DigComp (1 sampai 8)",
    ),
    (
        lambda d: (
            d["levels"][1].update(digcomp_proficiency=[3]),
            d["levels"][2].update(digcomp_proficiency=[1, 2]),
        ),
        "levels.2.digcomp_proficiency",
        "level 2 dipetakan ke DigComp 1, di bawah DigComp 3 milik level 1",
    ),
    (lambda d: d["levels"].pop(4), "levels.4", "wajib ada, tetapi tidak ditulis"),
    (
        lambda d: d["levels"][2].pop("name_en"),
        "levels.2.name_en",
        "wajib ada, tetapi tidak ditulis",
    ),
]


def problem_pattern(where: str, text: str) -> str:
    """The key path, its line if known, then the problem."""
    return re.escape(where) + r"( \(baris \d+\))?: " + re.escape(text)


@pytest.mark.parametrize(("change", "where", "text"), MISTAKES)
def test_framework_mistakes_name_file_and_field(tmp_path, change, where, text):
    path = write(tmp_path, broken(change))
    with pytest.raises(FrameworkError, match=problem_pattern(where, text)) as caught:
        CompetencyFramework.load(path)
    assert str(caught.value).startswith(f"Berkas {path} tidak sah")
    assert caught.value.source == str(path)


def test_every_problem_of_a_framework_is_listed(tmp_path):
    def shape_and_meaning(data):
        first(data).update(pillar="Hebat Digital", digcomp="6.1")
        data["level_rule"]["thresholds"].update({3: 0.55})

    path = write(tmp_path, broken(shape_and_meaning))
    with pytest.raises(FrameworkError) as caught:
        CompetencyFramework.load(path)
    # Checks in code run only on a file that passed its schema: nothing reads a half-valid one.
    assert [p.where for p in caught.value.problems] == ["competencies[1].pillar"]

    def meaning_only(data):
        first(data).update(digcomp="6.1")
        data["level_rule"]["thresholds"].update({3: 0.55})

    path = write(tmp_path, broken(meaning_only))
    with pytest.raises(FrameworkError) as caught:
        CompetencyFramework.load(path)
    assert [p.where for p in caught.value.problems] == [
        "competencies[1].digcomp",
        "level_rule.thresholds.3",
    ]
    assert str(caught.value).startswith(f"Berkas {path} tidak sah (2 masalah):\n- ")


def test_invalid_yaml_names_the_file(tmp_path):
    path = write(tmp_path, "competencies: [\n")
    expected = f"Berkas {path} tidak sah: baris 2: bukan YAML yang sah"
    with pytest.raises(FrameworkError, match=re.escape(expected)):
        CompetencyFramework.load(path)


def kit_digcomp_raw():
    path = project_root() / "kit" / "data" / "digcomp.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "where", "text"),
    [
        (
            lambda d: d["areas"][0]["competences"].pop(),
            "areas",
            "DigComp 2.2 memiliki 5 area dan 21 kompetensi; di berkas ini 5 area dan 20 kompetensi",
        ),
        (
            lambda d: d["areas"][1]["competences"][0].update(number="1.4"),
            "areas[2].competences[1].number",
            "kompetensi '1.4' ada di area 2, jadi nomornya harus 2.n",
        ),
        (
            lambda d: d["proficiency_levels"].pop(),
            "proficiency_levels",
            "harus memuat tingkat kecakapan 1 sampai 8 secara berurutan; tertulis "
            "[1, 2, 3, 4, 5, 6, 7]",
        ),
        (
            lambda d: d["areas"][1].update(number=2),
            "areas[2].number",
            "harus berupa teks, bukan bilangan bulat 2",
        ),
    ],
)
def test_digcomp_mistakes_get_precise_errors(tmp_path, change, where, text):
    data = kit_digcomp_raw()
    change(data)
    path = write(tmp_path, data, "digcomp.yml")
    with pytest.raises(FrameworkError, match=problem_pattern(where, text)) as caught:
        DigComp.load(path)
    assert str(caught.value).startswith(f"Berkas {path} tidak sah")
