"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest


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
    """A demo course graded by real ``nbgrader autograde``, with designed answers.

    Returns ``(course, plans)``: the first learners answer so that every variant of the answer
    bank is used at least once (plus one all-blank learner); the rest answer at random.
    """
    from kit.cohort import load_answer_bank
    from kit.datasets import load
    from kit.demo import DEMO_ASSIGNMENT, build_demo
    from kit.project import project_root

    bank = load_answer_bank(
        project_root() / "assessments" / "simulation" / f"{DEMO_ASSIGNMENT}.yml"
    )
    designed = [*bank.covering_plans(), {grade_id: "kosong" for grade_id in bank.answers}]
    # Enough learners for every unit to have members (the first five are the kecamatan office).
    learners = len(designed) + 10
    usernames = load("peserta_demo").head(learners)["username"].tolist()
    plans = dict(zip(usernames, designed, strict=False))
    course = build_demo(
        tmp_path_factory.mktemp("demo"), learners=learners, plans={DEMO_ASSIGNMENT: plans}
    )
    return course, plans


@pytest.fixture(scope="session")
def demo_course(graded_course):
    """The graded demo course alone (dashboards are tested against it)."""
    course, _ = graded_course
    return course
