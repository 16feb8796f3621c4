"""The contract every lesson checker keeps, asserted once for all of them.

Lessons are discovered, never listed: every module of ``kit.practice`` that declares
``Question`` objects is a lesson checker, and it shares its name with a folder of ``courses/``.
For each lesson and each question: the placeholder reads as not attempted, hints and a solution
exist, an answer computed independently of the checker passes (also for other data), an answer
for other data fails, each typical wrong value gets its own message, and a learner typing every
solution into the lesson notebook passes every check. Every message key a checker names exists
in both languages with the same placeholders, and every practice message is used.

What is specific to one lesson stays in ``tests/test_practice_<lesson>.py``, which must provide:

- ``independent_answers(seed, folder) -> dict``: a right answer to every question for the data
  of ``seed``, computed without the checker (``folder`` is for answers that are files);
- optionally ``SAME_FOR_EVERY_SEED``: questions whose answer does not change with the data;
- optionally ``use_seed(monkeypatch, seed)``: make the checker read the data of ``seed``, when
  patching the lesson module's ``load`` is not enough.
"""

from __future__ import annotations

import ast
import dataclasses
import fnmatch
import importlib
import pkgutil
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import nbformat
import pytest
import yaml

import kit.practice
from kit.core import message
from kit.datasets import DEFAULT_SEED, load
from kit.practice.core import Question, ____
from kit.practice.learner_build import is_selftest_cell
from kit.practice.toolkit import LessonMessages

ROOT = Path(__file__).resolve().parent.parent
PRACTICE = ROOT / "kit" / "practice"
CATALOGUES = ROOT / "kit" / "data"
OTHER_SEED = 7
SEEDS = (DEFAULT_SEED, OTHER_SEED)
MIN_QUESTIONS = 4
# An exercise cell: the learner replaces ``____`` in ``variable = ____`` and the check reads it.
EXERCISE = re.compile(r"^(\w+) = ____$", re.MULTILINE)
CHECK = re.compile(r"(soal_\d+)\.check\((\w+)\)\s*$")


@dataclass(frozen=True)
class Lesson:
    name: str
    module: ModuleType
    questions: dict[str, Question]
    course: Path

    @property
    def notebook(self) -> Path:
        return self.course / f"{self.course.name}.ipynb"

    @property
    def tests(self) -> ModuleType:
        return importlib.import_module(f"tests.test_practice_{self.name}")

    def data_dependent(self) -> list[str]:
        try:
            same = set(getattr(self.tests, "SAME_FOR_EVERY_SEED", ()))
        except ModuleNotFoundError:  # reported by the test that asks for the module
            same = set()
        return [name for name in self.questions if name not in same]

    def __str__(self) -> str:
        return self.name


def _number(question_name: str) -> tuple[int, str]:
    """soal_2 before soal_10; a name of another form sorts last (and fails the naming test)."""
    number = question_name.removeprefix("soal_")
    return (int(number), "") if number.isdigit() else (10**9, question_name)


def _checker_modules() -> Iterator[tuple[str, ModuleType]]:
    for info in pkgutil.iter_modules(kit.practice.__path__):
        yield info.name, importlib.import_module(f"kit.practice.{info.name}")


def _courses() -> dict[str, Path]:
    """Lesson name -> its course folder (``courses/03_pengaduan`` is lesson ``pengaduan``)."""
    folders = [p for p in (ROOT / "courses").iterdir() if p.is_dir() and any(p.glob("*.ipynb"))]
    return {folder.name.split("_", 1)[1]: folder for folder in folders}


def _discover() -> list[Lesson]:
    courses = _courses()
    lessons = []
    for name, module in _checker_modules():
        questions = {
            attribute: value
            for attribute in getattr(module, "__all__", ())
            if isinstance(value := getattr(module, attribute), Question)
        }
        if questions:
            ordered = dict(sorted(questions.items(), key=lambda item: _number(item[0])))
            lessons.append(Lesson(name, module, ordered, courses.get(name, ROOT / "courses")))
    return lessons


LESSONS = _discover()
QUESTIONS = [(lesson, name) for lesson in LESSONS for name in lesson.questions]
MISTAKES = [
    (lesson, name, index)
    for lesson, name in QUESTIONS
    for index, mistake in enumerate(lesson.questions[name].mistakes)
    if mistake.wrong is not None
]

each_lesson = pytest.mark.parametrize("lesson", LESSONS, ids=str)
each_question = pytest.mark.parametrize(
    ("lesson", "name"), QUESTIONS, ids=[f"{lesson}-{name}" for lesson, name in QUESTIONS]
)


@pytest.fixture(autouse=True)
def indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIT_LANG", raising=False)


_answers: dict[tuple[str, int], dict[str, object]] = {}


@pytest.fixture
def answers(tmp_path_factory: pytest.TempPathFactory):
    """``answers(lesson, seed)``: the lesson's independent answers, computed once per seed."""

    def of(lesson: Lesson, seed: int) -> dict[str, object]:
        if (lesson.name, seed) not in _answers:
            folder = tmp_path_factory.mktemp(f"{lesson.name}_{seed}")
            _answers[lesson.name, seed] = lesson.tests.independent_answers(seed, folder)
        return _answers[lesson.name, seed]

    return of


def use_seed(lesson: Lesson, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    if hasattr(lesson.tests, "use_seed"):
        lesson.tests.use_seed(monkeypatch, seed)
    else:
        monkeypatch.setattr(lesson.module, "load", lambda data_set: load(data_set, seed=seed))


# -- discovery -----------------------------------------------------------------------------------


def test_lessons_are_discovered_and_each_course_has_its_checker():
    assert len(LESSONS) >= 8
    assert {lesson.name for lesson in LESSONS} == set(_courses())


@each_lesson
def test_lesson_has_its_own_test_module_with_independent_answers(lesson):
    assert callable(getattr(lesson.tests, "independent_answers", None)), lesson.tests.__name__
    assert set(getattr(lesson.tests, "SAME_FOR_EVERY_SEED", ())) <= set(lesson.questions)


# -- every lesson and every question -------------------------------------------------------------


@each_lesson
def test_lesson_hands_out_the_placeholder_and_numbered_questions(lesson):
    assert lesson.module.____ is ____
    assert len(lesson.questions) >= MIN_QUESTIONS, f"a lesson has {MIN_QUESTIONS}+ exercises"
    assert list(lesson.questions) == [f"soal_{n}" for n in range(1, len(lesson.questions) + 1)]


@each_question
def test_question_has_hints_a_solution_and_reads_the_placeholder_as_not_attempted(lesson, name):
    q = lesson.questions[name]
    assert len(q.hints) >= 2
    assert q.solution_code
    q.assert_check_unattempted(____)


@each_lesson
def test_every_question_has_an_independent_answer(lesson, answers):
    assert set(answers(lesson, DEFAULT_SEED)) == set(lesson.questions)


@each_question
def test_checker_accepts_an_independently_computed_answer(lesson, name, answers):
    lesson.questions[name].assert_check_passed(answers(lesson, DEFAULT_SEED)[name])


@pytest.mark.parametrize("seed", SEEDS)
@each_question
def test_expected_value_follows_the_data(lesson, name, seed, answers, monkeypatch):
    """Fed other data, a fresh checker expects that data's answer: nothing is hard-coded."""
    use_seed(lesson, monkeypatch, seed)
    fresh = dataclasses.replace(lesson.questions[name])
    fresh.assert_check_passed(answers(lesson, seed)[name])
    if seed != DEFAULT_SEED and name in lesson.data_dependent():
        fresh.assert_check_failed(answers(lesson, DEFAULT_SEED)[name])


DATA_DEPENDENT = [(lesson, name) for lesson, name in QUESTIONS if name in lesson.data_dependent()]


@pytest.mark.parametrize(
    ("lesson", "name"), DATA_DEPENDENT, ids=[f"{lesson}-{name}" for lesson, name in DATA_DEPENDENT]
)
def test_answer_for_other_data_is_rejected(lesson, name, answers):
    lesson.questions[name].assert_check_failed(answers(lesson, OTHER_SEED)[name])


@pytest.mark.parametrize(
    ("lesson", "name", "index"),
    MISTAKES,
    ids=[f"{lesson}-{name}-{index}" for lesson, name, index in MISTAKES],
)
def test_each_typical_wrong_value_is_rejected_with_its_own_message(lesson, name, index):
    """A typical wrong value must differ from the right one; predicates are tested per lesson."""
    q = lesson.questions[name]
    mistake = q.mistakes[index]
    q.assert_check_failed(mistake.wrong(), because=mistake.message)


# -- the lesson notebook -------------------------------------------------------------------------


def _code_cells(lesson: Lesson) -> list[str]:
    nb = nbformat.read(lesson.notebook, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code" and not is_selftest_cell(c)]


def _exercises(lesson: Lesson) -> list[tuple[str, str]]:
    """(question, variable) of every exercise cell, in notebook order."""
    found = []
    for source in _code_cells(lesson):
        if ".check(" not in source:
            continue
        match = CHECK.search(source)
        assert match, f"an exercise cell ends with soal_N.check(variable):\n{source}"
        name, variable = match.groups()
        assert EXERCISE.findall(source) == [variable], f"{name}: `{variable} = ____` first"
        found.append((name, variable))
    return found


def _assigned_last(solution_code: str) -> str:
    """The variable the solution's last top-level assignment to a plain name sets."""
    names = [
        node.targets[0].id
        for node in ast.parse(solution_code).body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    ]
    assert names, "the solution assigns the answer to a variable"
    return names[-1]


@each_lesson
def test_every_question_has_one_exercise_cell_whose_variable_its_solution_assigns(lesson):
    exercises = _exercises(lesson)
    assert [name for name, _ in exercises] == list(lesson.questions), "one cell each, in order"
    for name, variable in exercises:
        assert _assigned_last(lesson.questions[name].solution_code) == variable, name


@each_lesson
def test_a_learner_typing_every_solution_passes_every_check(lesson, tmp_path, monkeypatch):
    """Run the learner's copy top to bottom with each exercise cell replaced by its solution.

    Hints and solutions thus use only the variables the lesson has built by then. The lesson
    runs in a temporary folder, since some write their practice files next to themselves.
    """
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    checked = []
    for source in _code_cells(lesson):
        match = CHECK.search(source) if ".check(" in source else None
        if match is None:
            exec(source, namespace)
            continue
        name, variable = match.groups()
        exec(lesson.questions[name].solution_code, namespace)
        lesson.questions[name].assert_check_passed(namespace[variable])
        checked.append(name)
    assert checked == list(lesson.questions)


# -- the message catalogue -----------------------------------------------------------------------


def _catalogue() -> dict[str, dict[str, str]]:
    files = [CATALOGUES / "messages.yml", *sorted((CATALOGUES / "messages.d").glob("*.yml"))]
    entries: dict[str, dict[str, str]] = {}
    for file in files:
        entries |= yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    return entries


CATALOGUE = _catalogue()
PRACTICE_KEYS = sorted(key for key in CATALOGUE if key.startswith("practice."))
SOURCES = sorted(PRACTICE.rglob("*.py"))


def _module_of(path: Path) -> ModuleType:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))


def _string_pattern(node: ast.AST, constants: dict[str, str]) -> str | None:
    """A string expression as a glob pattern (``*`` where it is not known), else None."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        return constants.get(node.id, "*")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _string_pattern(node.left, constants)
        right = _string_pattern(node.right, constants)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else "*" for part in node.values
        )
    return None


def _named_keys(path: Path) -> list[str]:
    """Patterns of every message key ``path`` names: the string expressions that start with
    ``practice.`` (a prefix ending in ``.`` names none) and the names given to a
    ``LessonMessages``, with module-level constants filled in."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module_of(path)
    constants = {name: value for name, value in vars(module).items() if isinstance(value, str)}
    prefixes = {
        name: value.prefix
        for name, value in vars(module).items()
        if isinstance(value, LessonMessages)
    }
    parts = {
        id(child)
        for node in ast.walk(tree)
        for child in (
            [node.left, node.right] if isinstance(node, ast.BinOp) else
            node.values if isinstance(node, ast.JoinedStr) else []
        )
    }  # fmt: skip
    patterns: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Constant, ast.BinOp, ast.JoinedStr)) and id(node) not in parts:
            named = _string_pattern(node, constants)
            if named and named.startswith("practice.") and not named.endswith("."):
                patterns.append(named)
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            owner = function.value if isinstance(function, ast.Attribute) else function
            called = function.attr if isinstance(function, ast.Attribute) else "__call__"
            if isinstance(owner, ast.Name) and owner.id in prefixes and called != "__init__":
                name = _string_pattern(node.args[0], constants) or "*"
                patterns.append(prefixes[owner.id] + name)
    return sorted(set(patterns))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PRACTICE)))
def test_every_message_key_a_checker_names_exists(path):
    for pattern in _named_keys(path):
        literal = pattern.split("*", 1)[0]
        assert literal.rstrip("._") not in {"practice", *_prefixes()}, (
            f"{pattern}: name the key in the code (a literal, or a literal + a variable)"
        )
        matches = fnmatch.filter(PRACTICE_KEYS, pattern)
        assert matches, f"{pattern} is not in the message catalogue"


def _prefixes() -> set[str]:
    return {
        value.prefix.rstrip(".")
        for _, module in _checker_modules()
        for value in vars(module).values()
        if isinstance(value, LessonMessages)
    }


@each_lesson
def test_every_typical_mistake_reads_in_both_languages(lesson):
    for q in lesson.questions.values():
        for mistake in q.mistakes:
            for lang in ("id", "en"):
                assert message(mistake.message, lang=lang), (mistake.message, lang)


def test_every_practice_message_is_used_by_a_checker():
    patterns = {pattern for path in SOURCES for pattern in _named_keys(path)}
    unused = [key for key in PRACTICE_KEYS if not any(fnmatch.fnmatch(key, p) for p in patterns)]
    assert unused == [], "catalogue entries no checker uses"


@pytest.mark.parametrize("key", PRACTICE_KEYS)
def test_practice_message_takes_the_same_values_in_both_languages(key):
    entry = CATALOGUE[key]
    assert set(entry) == {"id", "en"}
    fields = [
        {field for _, field, _, _ in string.Formatter().parse(entry[lang]) if field}
        for lang in ("id", "en")
    ]
    assert fields[0] == fields[1]
    for lang in ("id", "en"):
        # Every placeholder gets a value: formatting with generous values never fails.
        assert message(key, lang=lang, **dict.fromkeys(fields[0], "x"))


LESSON_CATALOGUES = [
    (lesson, CATALOGUES / "messages.d" / f"m{lesson.course.name}.yml")
    for lesson in LESSONS
    if (CATALOGUES / "messages.d" / f"m{lesson.course.name}.yml").exists()
]


@pytest.mark.parametrize(
    ("lesson", "file"), LESSON_CATALOGUES, ids=[lesson.name for lesson, _ in LESSON_CATALOGUES]
)
def test_catalogue_file_of_a_lesson_holds_only_its_own_keys(lesson, file):
    """``messages.d/m04_visualisasi.yml`` holds ``practice.m04_visualisasi.*`` and nothing else."""
    prefix = f"practice.m{lesson.course.name}."
    keys = yaml.safe_load(file.read_text(encoding="utf-8"))
    assert keys and all(key.startswith(prefix) for key in keys), prefix
