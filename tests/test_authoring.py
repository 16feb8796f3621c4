"""Partner instructors' workflow: scaffold a module, check it, break it, see precise problems."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from kit.authoring.modules import AuthoringError, ModuleNames, programme
from kit.core.project import project_root

pytestmark = pytest.mark.slow


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the project; commands run against it import the copy's ``kit`` first."""
    root = project_root()
    target = tmp_path / "proyek"
    for part in ("kit", "courses", "assessments"):
        shutil.copytree(
            root / part, target / part, ignore=shutil.ignore_patterns("__pycache__", "*.db")
        )
    return target


def kit(project, *args):
    env = dict(os.environ, PYTHONPATH=str(project), KIT_PROJECT_ROOT=str(project))
    return subprocess.run(
        [sys.executable, "-m", "kit.cli", *args], cwd=project, env=env, capture_output=True,
        text=True,
    )  # fmt: skip


def test_scaffolded_module_passes_every_check(project_copy):
    created = kit(project_copy, "module", "new", "09_arsip_digital", "--title", "Arsip Digital",
                  "--jp", "2")  # fmt: skip
    assert created.returncode == 0, created.stderr
    for path in (
        "courses/09_arsip_digital/09_arsip_digital.ipynb",
        "courses/09_arsip_digital/module.yml",
        "kit/practice/arsip_digital.py",
        "assessments/source/tugas09_arsip_digital/tugas09_arsip_digital.ipynb",
        "assessments/simulation/tugas09_arsip_digital.yml",
    ):
        assert (project_copy / path).exists(), path
    checked = kit(project_copy, "module", "check", "09_arsip_digital")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Modul m09_arsip_digital lolos semua pemeriksaan." in checked.stdout
    assert "versi kosong (rilis) mendapat 0" in checked.stdout
    listing = json.loads(kit(project_copy, "curriculum", "--json").stdout)
    new = next(m for m in listing["modules"] if m["id"] == "m09_arsip_digital")
    assert new["jp"] == 2 and new["assignment"] == "tugas09_arsip_digital"
    assert new["competencies"] == ["DATA.OLAH", "KOMUNIKASI.REKOMENDASI"]
    # never overwrites
    again = kit(project_copy, "module", "new", "09_arsip_digital", "--title", "X", "--jp", "1")
    assert again.returncode == 1 and "tidak ditimpa" in again.stderr


def test_broken_module_gets_precise_problems(project_copy):
    assert (
        kit(project_copy, "module", "new", "09_rusak", "--title", "Rusak", "--jp", "2").returncode
        == 0
    )
    source = project_copy / "assessments/source/tugas09_rusak/tugas09_rusak.ipynb"
    nb = nbformat.read(source, 4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == "test_jumlah_pengaduan_tersembunyi":
            del cell.metadata["marelan"]  # a missing tag
        if grade_id == "jawaban_jumlah_pengaduan":
            cell.source = cell.source.replace("return len(df)", "return len(df) + 1")  # wrong key
    nbformat.write(nb, source)
    yml = project_copy / "courses/09_rusak/module.yml"
    yml.write_text(yml.read_text().replace("jp: 2", "jp: 3"))  # disagrees with the lesson
    checked = kit(project_copy, "module", "check", "09_rusak")
    assert checked.returncode == 1
    problems = checked.stderr
    assert "sel 'test_jumlah_pengaduan_tersembunyi': tidak ada tag kompetensi" in problems
    assert "waktu belajar 2 JP tidak sama dengan jp 3 di module.yml" in problems
    assert (
        "jawaban kunci hanya mendapat 0 dari 1 poin di sel uji 'test_jumlah_pengaduan'" in problems
    )
    assert "Modul m09_rusak: 4 masalah ditemukan." in checked.stdout


def test_a_test_that_passes_without_an_answer_is_caught(project_copy):
    kit(project_copy, "module", "new", "09_longgar", "--title", "Longgar", "--jp", "2")
    source = project_copy / "assessments/source/tugas09_longgar/tugas09_longgar.ipynb"
    nb = nbformat.read(source, 4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_jumlah_pengaduan":
            cell.source = '"""Uji yang terlalu longgar."""\nassert True'
    nbformat.write(nb, source)
    checked = kit(project_copy, "module", "check", "09_longgar")
    assert checked.returncode == 1
    assert "versi kosong (rilis) mendapat 1 poin di sel 'test_jumlah_pengaduan'" in checked.stderr


def test_bad_names_are_refused():
    with pytest.raises(AuthoringError, match="tidak sah"):
        ModuleNames.from_folder("Modul Baru")
    names = ModuleNames.from_folder("09_arsip_digital")
    assert (names.module_id, names.assignment, names.name) == (
        "m09_arsip_digital",
        "tugas09_arsip_digital",
        "arsip_digital",
    )


def test_programme_declares_at_least_20_jp():
    listing = programme(project_root())
    assert listing["total_jp"] >= 20, listing["total_jp"]
    assert all(m["competencies"] for m in listing["modules"])
