"""Every kind of data file is checked against its schema when loaded, through its real loader.

For each of the eight kinds (units, holidays, manager positions, a course's roles, module.yml,
the competency framework, DigComp, the reward rules): the shipped files load; a copy with a
misspelt key, a value of the wrong type or a missing required key is refused with a message
naming the file, the key and the problem in Indonesian; and nothing of a refused file is
returned or cached.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import fastjsonschema
import jsonschema
import pytest
import yaml

from kit.competency import (
    CONDITION_KINDS,
    PILLARS,
    SOURCES,
    CompetencyFramework,
    DigComp,
    FrameworkError,
    RuleError,
    load_rules,
)
from kit.core import (
    DataFileError,
    Problem,
    holidays,
    load_units,
    message,
    project_root,
    read_data_file,
    schema_names,
)
from kit.core.schema import _fast_validator, _full_validator, _plain, _schema
from kit.course import Course, CurriculumError, load_modules
from kit.people import (
    AccessError,
    AccessFileError,
    load_manager_positions,
    read_course_roles,
    write_course_roles,
)

ROOT = project_root()
DATA = ROOT / "kit" / "data"
LINE = r"( \(baris \d+\))?"


def _roles_file(tmp_path: Path) -> Path:
    """A roles.yml as the kit writes it."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    return write_course_roles(Course(tmp_path), instructors=["dosen.usu"], hr=["bkpsdm"])


def _load_module(path: Path) -> object:
    return load_modules(path.parents[1])


@dataclass(frozen=True)
class Kind:
    """A kind of data file: where it lives, how the kit loads it, and the error it raises."""

    schema: str
    file_name: str
    load: Callable[[Path], object]
    error: type[DataFileError]

    def place(self, tmp_path: Path) -> Path:
        """Where a copy must stand for ``load`` to find it."""
        if self.schema == "module":
            return tmp_path / "99_uji" / "module.yml"
        return tmp_path / self.file_name


KINDS = {
    "units": Kind("units", "units.yml", load_units, DataFileError),
    "holidays": Kind("holidays", "holidays.yml", lambda p: list(holidays(p)), DataFileError),
    "access": Kind("access", "access.yml", load_manager_positions, AccessFileError),
    "roles": Kind(
        "roles", "roles.yml", lambda p: read_course_roles(Course(p.parent)), AccessFileError
    ),  # fmt: skip
    "module": Kind("module", "module.yml", _load_module, CurriculumError),
    "competencies": Kind(
        "competencies", "competencies.yml", CompetencyFramework.load, FrameworkError
    ),  # fmt: skip
    "digcomp": Kind("digcomp", "digcomp.yml", DigComp.load, FrameworkError),
    "reward_rules": Kind("reward_rules", "reward_rules.yml", load_rules, RuleError),
}

SHIPPED = [
    *[(kind, DATA / KINDS[kind].file_name) for kind in
      ("units", "holidays", "access", "competencies", "digcomp", "reward_rules")],
    *[("module", path) for path in sorted((ROOT / "courses").glob("*/module.yml"))],
]  # fmt: skip


def shipped_data(kind: str, tmp_path: Path) -> dict:
    if kind == "roles":
        source = _roles_file(tmp_path / "asal")
    elif kind == "module":
        source = ROOT / "courses" / "03_pengaduan" / "module.yml"
    else:
        source = DATA / KINDS[kind].file_name
    return yaml.safe_load(source.read_text(encoding="utf-8"))


def rename(container: dict, old: str, new: str) -> None:
    container[new] = container.pop(old)


# (kind, what is wrong, change to the shipped data, key path, problem in Indonesian)
MISTAKES = [
    # units.yml
    ("units", "misspelt", lambda d: rename(d["units"][0], "name", "nama"),
     "units[1].nama", "kunci tidak dikenal (maksudnya 'name'?); kunci yang boleh: code, name, "
     "kind, kelurahan"),
    ("units", "type", lambda d: d["units"][1].update(name=["Labuhan"]),
     "units[2].name", "harus berupa teks, bukan daftar (butir-butir berawalan -)"),
    ("units", "missing", lambda d: d["units"][2].pop("code"),
     "units[3].code", "wajib ada, tetapi tidak ditulis"),
    # holidays.yml
    ("holidays", "misspelt", lambda d: rename(d, "holidays", "hari_libur"),
     "hari_libur", "kunci tidak dikenal; kunci yang boleh: holidays"),
    ("holidays", "type", lambda d: d["holidays"].__setitem__(2, 20250129),
     "holidays[3]", "harus berupa teks, bukan bilangan bulat 20250129"),
    ("holidays", "missing", lambda d: d.pop("holidays"),
     "holidays", "wajib ada, tetapi tidak ditulis"),
    # access.yml
    ("access", "misspelt", lambda d: rename(d["managers"], "own_unit", "own_units"),
     "managers.own_units", "kunci tidak dikenal (maksudnya 'own_unit'?)"),
    ("access", "type", lambda d: d["managers"].update(district_wide="Camat"),
     "managers.district_wide", "harus berupa daftar (butir-butir berawalan -), bukan teks 'Camat'"),
    ("access", "missing", lambda d: d.pop("managers"),
     "managers", "wajib ada, tetapi tidak ditulis"),
    # a course's roles.yml
    ("roles", "misspelt", lambda d: rename(d, "instructors", "instruktur"),
     "instruktur", "kunci tidak dikenal (maksudnya 'instructors'?); kunci yang boleh: "
     "instructors, hr"),
    ("roles", "type", lambda d: d.update(hr="bkpsdm"),
     "hr", "harus berupa daftar (butir-butir berawalan -) atau kosong, bukan teks 'bkpsdm'"),
    ("roles", "missing", lambda d: d.pop("hr"), "hr", "wajib ada, tetapi tidak ditulis"),
    # courses/<module>/module.yml
    ("module", "misspelt", lambda d: rename(d, "title", "titel"),
     "titel", "kunci tidak dikenal (maksudnya 'title'?)"),
    ("module", "type", lambda d: d.update(jp="tiga"),
     "jp", "harus berupa angka, bukan teks 'tiga'"),
    ("module", "missing", lambda d: d.pop("assignment"),
     "assignment", "wajib ada, tetapi tidak ditulis"),
    # competencies.yml
    ("competencies", "misspelt", lambda d: rename(d["competencies"][0], "pillar", "pilar"),
     "competencies[1].pilar", "kunci tidak dikenal (maksudnya 'pillar'?)"),
    ("competencies", "type", lambda d: d["level_rule"].update(min_evidence_cells="dua"),
     "level_rule.min_evidence_cells", "harus berupa bilangan bulat, bukan teks 'dua'"),
    ("competencies", "missing", lambda d: d["competencies"][2].pop("name_id"),
     "competencies[3].name_id", "wajib ada, tetapi tidak ditulis"),
    # digcomp.yml
    ("digcomp", "misspelt", lambda d: rename(d["areas"][0]["competences"][0], "name_id", "nama_id"),
     "areas[1].competences[1].nama_id", "kunci tidak dikenal (maksudnya 'name_id'?)"),
    ("digcomp", "type", lambda d: d["proficiency_levels"][0].update(level="satu"),
     "proficiency_levels[1].level", "harus berupa bilangan bulat, bukan teks 'satu'"),
    ("digcomp", "missing", lambda d: d["areas"][1].pop("name_en"),
     "areas[2].name_en", "wajib ada, tetapi tidak ditulis"),
    # reward_rules.yml
    ("reward_rules", "misspelt", lambda d: rename(d["components"][1], "weight", "bobot"),
     "components[2].bobot", "kunci tidak dikenal; kunci yang boleh: id, name, source, weight"),
    ("reward_rules", "type", lambda d: d["components"][1].update(weight="dua puluh"),
     "components[2].weight", "harus berupa angka, bukan teks 'dua puluh'"),
    ("reward_rules", "missing", lambda d: d["jp"].pop("target_per_year"),
     "jp.target_per_year", "wajib ada, tetapi tidak ditulis"),
]  # fmt: skip
MISTAKE_IDS = [f"{kind}-{what}" for kind, what, *_ in MISTAKES]


def write_copy(kind: str, tmp_path: Path, change: Callable[[dict], object]) -> Path:
    data = copy.deepcopy(shipped_data(kind, tmp_path))
    change(data)
    path = KINDS[kind].place(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- the shipped files ------------------------------------------------------------------------


def test_there_is_one_schema_per_kind_and_each_is_a_valid_schema():
    assert schema_names() == sorted(KINDS)
    for name in schema_names():
        jsonschema.Draft7Validator.check_schema(_schema(name))


@pytest.mark.parametrize(
    ("kind", "path"), SHIPPED, ids=[str(p.relative_to(ROOT)) for _, p in SHIPPED]
)
def test_shipped_files_pass_their_schema_and_load(kind, path):
    assert read_data_file(path, kind).data
    if kind == "module":
        assert load_modules(path.parents[1])
    else:
        assert KINDS[kind].load(path)


def test_roles_written_by_the_kit_pass_their_schema(tmp_path):
    path = _roles_file(tmp_path)
    assert read_course_roles(Course(tmp_path)) == {"instructors": ("dosen.usu",), "hr": ("bkpsdm",)}
    assert read_data_file(path, "roles").data == {"instructors": ["dosen.usu"], "hr": ["bkpsdm"]}


def test_lists_in_code_match_the_schemas():
    competency = _schema("competencies")["definitions"]["competency"]["properties"]
    assert tuple(competency["pillar"]["enum"]) == PILLARS
    rules = _schema("reward_rules")
    assert tuple(rules["properties"]["components"]["items"]["properties"]["source"]["enum"]) == (
        SOURCES
    )
    kinds = rules["definitions"]["condition"]["properties"]["kind"]["enum"]
    assert tuple(kinds) == CONDITION_KINDS


# Keywords whose errors kit.core.schema words from the catalogue (others would fall back to
# jsonschema's English), and keywords that only structure a schema.
WORDED = {"type", "enum", "const", "required", "dependencies", "additionalProperties", "minimum",
          "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems",
          "maxItems", "pattern", "uniqueItems", "format"}  # fmt: skip
STRUCTURE = {"$schema", "$ref", "title", "description", "properties", "items", "definitions",
             "if", "then", "allOf", "x-message"}  # fmt: skip


def _subschemas(schema: object):
    if isinstance(schema, dict):
        yield schema
        for key, value in schema.items():
            if key in ("properties", "definitions"):
                for sub in value.values():
                    yield from _subschemas(sub)
            elif key in ("items", "if", "then", "allOf", "additionalProperties"):
                for sub in value if isinstance(value, list) else [value]:
                    yield from _subschemas(sub)


@pytest.mark.parametrize("name", sorted(KINDS))
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_message_a_schema_can_give_is_in_the_catalogue(name, lang):
    for sub in _subschemas(_schema(name)):
        assert set(sub) <= WORDED | STRUCTURE, (name, sorted(set(sub) - WORDED - STRUCTURE))
        if "x-message" in sub:
            assert message(sub["x-message"], lang, value="'x'")
        if "format" in sub:
            assert message(f"data.format.{sub['format']}", lang, value="'x'")
        types = sub.get("type", [])
        for type_name in types if isinstance(types, list) else [types]:
            assert message(f"data.type.{type_name}", lang)


# --- broken copies ----------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "what", "change", "where", "text"), MISTAKES, ids=MISTAKE_IDS)
def test_a_broken_copy_is_refused_naming_file_key_and_problem(
    tmp_path, kind, what, change, where, text
):
    path = write_copy(kind, tmp_path, change)
    with pytest.raises(KINDS[kind].error) as caught:
        KINDS[kind].load(path)
    error = caught.value
    assert isinstance(error, DataFileError)
    assert error.source == str(path)
    assert str(error).startswith(f"Berkas {path} tidak sah")
    assert re.search(re.escape(where) + LINE + ": " + re.escape(text), str(error)), str(error)
    assert where in [problem.where for problem in error.problems]


@pytest.mark.parametrize(("kind", "what", "change", "where", "text"), MISTAKES, ids=MISTAKE_IDS)
def test_both_validators_refuse_every_broken_copy(tmp_path, kind, what, change, where, text):
    """fastjsonschema decides and jsonschema explains: they must agree, or a file could pass the
    gate that the explanation would refuse."""
    data = copy.deepcopy(shipped_data(kind, tmp_path))
    assert _full_validator(kind).is_valid(_plain(data))
    _fast_validator(kind)(_plain(data))
    change(data)
    assert not _full_validator(kind).is_valid(_plain(data))
    with pytest.raises(fastjsonschema.JsonSchemaValueException):
        _fast_validator(kind)(_plain(data))


def test_messages_follow_kit_lang(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_LANG", "en")
    path = write_copy("module", tmp_path, lambda d: d.update(jp="tiga"))
    with pytest.raises(CurriculumError, match=re.escape(f"File {path} is not valid: jp")) as caught:
        load_modules(tmp_path)
    assert "must be a number, not text 'tiga'" in str(caught.value)


def test_every_problem_is_listed_sorted_by_key_path(tmp_path):
    def many(data):
        data["components"][1].update(weight="dua puluh")
        rename(data["components"][0], "weight", "wieght")
        data["jp"].update(module_pass_share=1.5)
        data.pop("tiers")

    path = write_copy("reward_rules", tmp_path, many)
    with pytest.raises(RuleError) as caught:
        load_rules(path)
    assert [p.where for p in caught.value.problems] == [
        "components[1].weight",
        "components[1].wieght",
        "components[2].weight",
        "jp.module_pass_share",
        "tiers",
    ]
    lines = str(caught.value).splitlines()
    assert lines[0] == f"Berkas {path} tidak sah (5 masalah):"
    assert len(lines) == 6 and all(line.startswith("- ") for line in lines[1:])


def test_problems_carry_the_line_of_their_key(tmp_path):
    path = tmp_path / "module.yml"
    path.write_text("id: m99\ntitle: Uji\njp: 2\nassignment: tugas99\nlessons:\n  - satu.txt\n")
    with pytest.raises(DataFileError) as caught:
        read_data_file(path, "module")
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == (("lessons", 0), 6)
    assert str(problem).startswith("lessons[1] (baris 6): 'satu.txt' bukan nama notebook pelajaran")


def test_a_key_written_twice_is_refused(tmp_path):
    # PyYAML alone keeps the last value silently.
    path = tmp_path / "module.yml"
    path.write_text("id: m99\ntitle: Uji\njp: 2\njp: 20\nassignment: tugas99\n")
    with pytest.raises(DataFileError, match=re.escape("jp (baris 4): kunci ini ditulis dua kali")):
        read_data_file(path, "module")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("holidays: [2026-01-01\n", "tidak sah: baris 2: bukan YAML yang sah"),
        (
            "holidays:\n  - 2026-01-01\n  - 2026-02-30\n",
            "tidak sah: baris 3: nilai tidak dapat dibaca",
        ),
        (
            "holidays:\n  - '2026-02-30'\n",
            "holidays[1] (baris 2): '2026-02-30' bukan tanggal yang sah",
        ),
        ("holidays:\n  - 2026-01-01\n  - 2026-01-01\n", "holidays (baris 1): butir ditulis lebih"),
        ("", "isi berkas: harus berupa pemetaan (kunci: nilai), bukan kosong"),
        ("holidays: &x\n  - 2026-01-01\n  - *x\n", "holidays[2] (baris 1): alias (*) ini"),
    ],
)
def test_unreadable_or_impossible_holidays(tmp_path, text, expected):
    path = tmp_path / "libur.yml"
    path.write_text(text)
    with pytest.raises(DataFileError, match=re.escape(expected)):
        holidays(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(
        RuleError, match=re.escape(f"Berkas {tmp_path / 'tidak_ada.yml'} tidak ditemukan")
    ):
        load_rules(tmp_path / "tidak_ada.yml")


def test_checks_beyond_the_schema_use_the_same_error(tmp_path):
    path = write_copy("units", tmp_path, lambda d: d["units"][3].update(code="LBD"))
    with pytest.raises(
        DataFileError, match=r"units\[4\]\.code \(baris \d+\): 'LBD' sudah dipakai oleh butir ke-2"
    ):
        load_units(path)
    path = write_copy("access", tmp_path, lambda d: d["managers"]["own_unit"].append("Camat"))
    with pytest.raises(AccessFileError, match="jabatan ini juga ada di district_wide"):
        load_manager_positions(path)


# --- nothing of a refused file is returned or cached ------------------------------------------


@pytest.mark.parametrize("kind", ["units", "holidays", "access"])
def test_cached_loaders_do_not_keep_a_failure_as_success(tmp_path, kind):
    broken = next(m for m in MISTAKES if m[0] == kind and m[1] == "type")
    path = write_copy(kind, tmp_path, broken[2])
    for _ in range(2):
        with pytest.raises(DataFileError):
            KINDS[kind].load(path)
    path.write_text((DATA / KINDS[kind].file_name).read_text(encoding="utf-8"), encoding="utf-8")
    assert KINDS[kind].load(path)  # read again, now valid


def test_one_invalid_module_refuses_the_whole_programme(tmp_path):
    for folder in ("01_satu", "02_dua"):
        (tmp_path / folder).mkdir()
    (tmp_path / "01_satu" / "module.yml").write_text(
        "id: m01\ntitle: Satu\njp: 2\nassignment: t1\n"
    )
    (tmp_path / "02_dua" / "module.yml").write_text(
        "id: m02\ntitle: Dua\njp: nol\nassignment: t2\n"
    )
    with pytest.raises(CurriculumError, match=re.escape(str(tmp_path / "02_dua" / "module.yml"))):
        load_modules(tmp_path)


def test_a_module_id_used_twice_names_both_files(tmp_path):
    for folder in ("01_satu", "02_dua"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "module.yml").write_text("id: m01\ntitle: X\njp: 2\nassignment: t1\n")
    with pytest.raises(
        CurriculumError, match="Id modul 'm01' dipakai lebih dari satu modul: .*01_satu.*02_dua"
    ):
        load_modules(tmp_path)


def test_invalid_roles_are_never_written(tmp_path):
    with pytest.raises(
        AccessFileError, match=r"hr\[1\]: 'BKPSDM Medan' bukan nama pengguna yang sah"
    ):
        write_course_roles(Course(tmp_path), instructors=["dosen.usu"], hr=["BKPSDM Medan"])
    assert not (tmp_path / "roles.yml").exists()


def test_invalid_roles_give_nobody_a_role(tmp_path):
    course = Course(tmp_path)
    (tmp_path / "roles.yml").write_text("instructors: [dosen.usu]\nhr: bkpsdm\n")
    from kit.people import resolve_viewer

    # Pages catch AccessError and show its message instead of any data.
    with pytest.raises(AccessError, match=re.escape(f"Berkas {tmp_path / 'roles.yml'} tidak sah")):
        resolve_viewer(course, "dosen.usu")


def test_problem_paths_count_items_from_one():
    assert Problem(("components", 1, "weight"), "x").where == "components[2].weight"
    assert Problem(("levels", "3", "name_en"), "x").where == "levels.3.name_en"


# --- through the real door --------------------------------------------------------------------


def test_kit_rewards_with_bad_rules_prints_one_indonesian_line(tmp_path):
    path = write_copy(
        "reward_rules", tmp_path, lambda d: d["components"][1].update(weight="dua puluh")
    )
    kit = Path(sys.executable).parent / "kit"
    result = subprocess.run(
        [str(kit), "rewards", "--rules", str(path), "--course", str(tmp_path / "kursus")],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "KIT_LANG": "id"},
    )
    assert result.returncode == 2
    assert result.stdout == ""
    # One line: what is wrong (file, key, line, problem), then what to do.
    assert result.stderr.splitlines() == [
        f"Kesalahan: Berkas {path} tidak sah: components[2].weight "
        f"(baris {_line_of(path, 'dua puluh')}): harus berupa angka, bukan teks 'dua puluh'. "
        "Coba: perbaiki berkas aturan itu, atau jalankan tanpa --rules untuk memakai aturan "
        "bawaan kit."
    ]


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)
