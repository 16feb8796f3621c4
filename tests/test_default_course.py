"""Which course the kit works on when none is named: one order for every command and page."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kit.competency import course_from_env
from kit.core import SetupError
from kit.course import choose_course, default_course_label, forget_course, open_course, use_course


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project (``assessments/`` only) and an empty user configuration folder."""
    root = tmp_path / "proyek"
    (root / "assessments").mkdir(parents=True)
    monkeypatch.setenv("KIT_PROJECT_ROOT", str(root))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("KIT_COURSE_DIR", raising=False)
    return root


def course_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "nbgrader_config.py").write_text("c = get_config()\n", encoding="utf-8")
    return path


def chosen() -> tuple[Path, str]:
    choice = choose_course()
    # The pages (course_from_env) and the commands agree at every step.
    assert course_from_env().root == choice.root
    return choice.root, choice.source


def test_the_order_option_env_setting_demo_project(project, tmp_path, monkeypatch):
    assert chosen() == (project / "assessments", "project")
    demo = course_folder(project / ".demo" / "course")
    assert chosen() == (demo, "demo")
    saved = course_folder(tmp_path / "kursus-saya")
    use_course(saved)
    assert chosen() == (saved, "setting")
    from_env = course_folder(tmp_path / "kursus-env")
    monkeypatch.setenv("KIT_COURSE_DIR", str(from_env))
    assert chosen() == (from_env, "env")
    explicit = tmp_path / "kursus-opsi"
    assert choose_course(explicit).root == explicit and choose_course(explicit).source == "option"
    monkeypatch.delenv("KIT_COURSE_DIR")
    assert forget_course() == saved
    assert chosen() == (demo, "demo")
    assert forget_course() is None
    assert "kursus demo" in default_course_label()


def test_a_folder_that_is_not_a_course_is_not_saved(project, tmp_path):
    (tmp_path / "kosong").mkdir()
    with pytest.raises(SetupError, match="bukan folder kursus nbgrader"):
        use_course(tmp_path / "kosong")
    with pytest.raises(SetupError, match="tidak ditemukan"):
        use_course(tmp_path / "tidak-ada")
    assert choose_course().source == "project"


def test_a_broken_settings_file_is_said_with_the_way_out(project, tmp_path):
    settings = tmp_path / "config" / "marelan-kit" / "config.yml"
    settings.parent.mkdir(parents=True)
    settings.write_text("course: [rusak\n", encoding="utf-8")
    with pytest.raises(SetupError) as caught:
        choose_course()
    assert "kit course forget" in caught.value.hint
    # Help texts still show something rather than failing.
    assert "rusak" in default_course_label()


def test_open_course_checks_folder_and_gradebook(project, tmp_path):
    with pytest.raises(SetupError, match="tidak ditemukan .*dipilih dengan --course") as missing:
        open_course(tmp_path / "tidak-ada")
    assert missing.value.exit_code == 2 and "--course" in missing.value.hint
    with pytest.raises(SetupError, match="belum punya buku nilai nbgrader"):
        open_course(gradebook=True)
    (project / "assessments" / "gradebook.db").write_bytes(b"SQLite format 3\x00 rusak")
    with pytest.raises(SetupError, match="bukan buku nilai nbgrader"):
        open_course(gradebook=True)
    assert open_course().root == project / "assessments"  # the folder alone is fine


def test_kit_help_names_the_demo_course_once_it_exists(project, tmp_path):
    env = dict(os.environ, KIT_PROJECT_ROOT=str(project), XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("KIT_COURSE_DIR", None)

    def help_text(*words: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "kit.cli", *words, "--help"],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return " ".join(result.stdout.split())

    assert f"Kursus bawaan: {project / 'assessments'} (folder assessments proyek)" in help_text()
    demo = course_folder(project / ".demo" / "course")
    assert f"Kursus bawaan: {demo} (kursus demo)" in help_text()
    assert f"bawaan: {demo} (kursus demo)" in help_text("rewards")


@pytest.mark.slow
def test_a_newcomer_after_the_demo_needs_no_course_option(demo_course, tmp_path):
    """As the README shows it: `make demo`, then `kit rewards` and `kit export excel`."""
    real = Path(__file__).resolve().parents[1]
    project = tmp_path / "proyek"
    project.mkdir()
    for part in ("courses", "assessments", "voila_apps"):
        (project / part).symlink_to(real / part)
    shutil.copytree(demo_course.root, project / ".demo" / "course")
    audit = project / ".demo" / "course" / "audit.jsonl"
    exports_before = audit.read_text().count('"export.excel"') if audit.exists() else 0
    env = dict(os.environ, KIT_PROJECT_ROOT=str(project), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    env.pop("KIT_COURSE_DIR", None)

    def kit(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "kit.cli", *args],
            capture_output=True, text=True, env=env, cwd=project, timeout=600,
        )  # fmt: skip

    rewards = kit("rewards")
    assert rewards.returncode == 0, rewards.stderr
    assert "Status penghargaan tahun" in rewards.stdout and "Traceback" not in rewards.stderr
    exported = kit("export", "excel", "--out", "laporan.xlsx")
    assert exported.returncode == 0, exported.stderr
    assert "Status Penghargaan" in openpyxl.load_workbook(project / "laporan.xlsx").sheetnames
    assert audit.read_text().count('"export.excel"') == exports_before + 1
