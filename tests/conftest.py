"""Shared pytest fixtures, and the ``requires`` marker (skip, or fail when CI=true)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ci import skip_or_fail


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "requires(condition, reason): run only if condition holds; otherwise skip, or fail "
        "when CI=true (tests/ci.py)",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers(name="requires"):
        condition = marker.args[0] if marker.args else marker.kwargs["condition"]
        if not condition:
            skip_or_fail(marker.kwargs.get("reason", "a requirement of this test is not met"))


@pytest.fixture
def isolated_jupyter_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Path]:
    """Point HOME and the Jupyter and IPython folders at fresh temporary ones.

    Kernels started by a test then neither read the developer's own configuration (startup
    scripts, extensions) nor leave runtime files behind. The ``python3`` kernelspec still comes
    from ``sys.prefix/share/jupyter``, i.e. the venv running the tests.
    """
    root = tmp_path_factory.mktemp("jupyter-env")
    folders = {
        "HOME": root / "home",
        "JUPYTER_CONFIG_DIR": root / "jupyter-config",
        "JUPYTER_DATA_DIR": root / "jupyter-data",
        "JUPYTER_RUNTIME_DIR": root / "jupyter-runtime",
        "IPYTHONDIR": root / "ipython",
    }
    for variable, folder in folders.items():
        folder.mkdir()
        monkeypatch.setenv(variable, str(folder))
    # Use the platform-standard folders now, as jupyter_core will by default in its next major.
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    return folders


@pytest.fixture(scope="session", autouse=True)
def _isolated_session_home(tmp_path_factory: pytest.TempPathFactory):
    """Keep every kernel, nbgrader run and browser of the session out of the real home folder."""
    import os

    root = tmp_path_factory.mktemp("session-home")
    saved = {k: os.environ.get(k) for k in _ISOLATED_VARIABLES}
    for variable in _ISOLATED_VARIABLES:
        folder = root / variable.lower()
        folder.mkdir()
        os.environ[variable] = str(folder)
    os.environ["JUPYTER_PLATFORM_DIRS"] = "1"
    yield root
    for variable, value in saved.items():
        if value is None:
            os.environ.pop(variable, None)
        else:
            os.environ[variable] = value


_ISOLATED_VARIABLES = (
    "HOME",
    "JUPYTER_CONFIG_DIR",
    "JUPYTER_DATA_DIR",
    "JUPYTER_RUNTIME_DIR",
    "IPYTHONDIR",
)


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory: pytest.TempPathFactory):
    """The demo course graded by ``kit grade`` (nbgrader's pipeline), with designed answers.

    Returns ``(course, plans)`` where ``plans`` maps learner -> answers of the demo assignment.
    For every assignment with an answer bank: learner 0 gives the best answer everywhere,
    learner 1 leaves everything blank, and the next learners together use every variant of every
    question at least once; the remaining learners answer at random.
    """
    from kit.datasets import load
    from kit.demo.workspace import DEMO_ASSIGNMENT, build_demo, demo_banks

    # Two assignments keep the shared fixture quick: the demo's own and the innovation project
    # (it feeds the rewards). Every other assignment has its own pipeline test.
    chosen = [DEMO_ASSIGNMENT, "tugas08_aksi_perubahan"]
    banks = {name: bank for name, bank in demo_banks().items() if name in chosen}
    widest = max(len(bank.covering_plans()) for bank in banks.values())
    # Enough learners for every unit to have members (the first five are the kecamatan office).
    learners = 1 + widest + 10
    usernames = load("peserta_demo").head(learners)["username"].tolist()
    all_plans = {}
    for assignment, bank in banks.items():
        best, *others = bank.covering_plans()
        blank = {grade_id: "kosong" for grade_id in bank.answers}
        designed = [best, blank, *others]
        all_plans[assignment] = dict(zip(usernames, designed, strict=False))
    course = build_demo(
        tmp_path_factory.mktemp("demo"), learners=learners, plans=all_plans, assignments=list(banks)
    )
    return course, all_plans[DEMO_ASSIGNMENT]


@pytest.fixture(scope="session")
def demo_course(graded_course):
    """The graded demo course alone (dashboards are tested against it)."""
    course, _ = graded_course
    return course


@pytest.fixture(scope="session")
def sync_playwright():
    """Playwright with the system Chromium, or a skip (a failure when CI=true) without them.

    Session-scoped so that it is set up, and skips, before a course is built.
    """
    from tests.browser import playwright_or_skip

    return playwright_or_skip()


# Fixtures that build and grade real courses: a test using one is slow whatever its own marks say,
# so `make test-quick` (-m "not slow and not browser") never builds a course by accident.
_COURSE_BUILDING_FIXTURES = frozenset({"graded_course", "demo_course"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _COURSE_BUILDING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


# `make test` runs two pytest-xdist workers. Tests that share a built course must share a worker,
# or the course is built twice: every file using the demo course goes to one worker, the
# assignment tests (one graded course per assignment, shared by their files) to one, and every
# other file keeps its module fixtures on one. (xdist's own --dist loadgroup marks do not take
# effect with pytest 9, so the grouping is done here, by file.)
_TESTS = Path(__file__).resolve().parent


def _test_group(path: str) -> str:
    name = Path(path).name
    try:
        text = (_TESTS / name).read_text(encoding="utf-8")
    except OSError:
        return path
    if any(fixture in text for fixture in _COURSE_BUILDING_FIXTURES):
        return "demo-course"
    if name.startswith("test_assignment_"):
        return "assignment-courses"
    return path


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        """LoadScope with a scope per group of files that share a built course."""

        def _split_scope(self, nodeid: str) -> str:
            return _test_group(nodeid.split("::", 1)[0])

    return CourseScheduling(config, log)
