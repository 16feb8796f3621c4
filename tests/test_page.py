"""The page layer every Voila page is built by (``kit.apps.page``), checked once for all three
pages: hand-made course folders, broken on purpose, must give each page a plain Indonesian
message (what happened, what to do) and never a traceback; access is checked before any data
are read. The same broken courses are then served by Voila, as ``kit demo`` serves them, and
opened in headless Chromium.
"""

from __future__ import annotations

import html
import random
import re
from pathlib import Path

import ipywidgets as widgets
import pytest

from kit.apps import page as page_module
from kit.apps.dashboard import DASHBOARD, manager_dashboard
from kit.apps.item_analysis import item_analysis_app
from kit.apps.learner_record import learner_record
from kit.apps.page import PROBLEMS, PageProblem, build_page
from kit.core.messages import message
from kit.course.nbgrader_course import Course
from kit.people.access import AccessError
from kit.reports.snapshot import CourseSnapshot
from tests.browser import APPS_DIR, chromium_page, foreign_requests, save_screenshot, served_voila
from tests.test_dashboard import make_summary

# HR in roles.yml and a learner in the roster: every one of the three pages admits her.
VIEWER = "rina.hr"
LEARNER = "budi.s"  # a plain learner (staff)
INSTRUCTOR = "dosen.usu"  # an instructor, not in the roster
ROSTER = (
    "username,nip,nama,unit,jabatan,email\n"
    f"{VIEWER},198507262010012001,Rina Harahap,KEC,Analis SDM Aparatur,rina@contoh.go.id\n"
    f"{LEARNER},199001012015031002,Budi Santoso,PPS,Staf,budi@contoh.go.id\n"
)
ROLES = f"instructors: [{INSTRUCTOR}]\nhr: [{VIEWER}]\n"

# page -> (builder, Voila notebook, title on the page)
PAGES = {
    "dashboard": (
        lambda viewer, course: manager_dashboard(viewer_name=viewer, course=course),
        "dashboard_manajer.ipynb",
        "Dasbor Kompetensi Digital ASN Kecamatan Medan Marelan",
    ),
    "record": (learner_record, "rapor_saya.ipynb", "Rapor Kompetensi Saya"),
    "items": (item_analysis_app, "analisis_butir.ipynb", "Analisis Butir Soal untuk Instruktur"),
}
pages = pytest.mark.parametrize("page", list(PAGES))


def make_course(root: Path, case: str) -> Course:
    """A small course folder in the state ``case`` names (see ``BROKEN``)."""
    course = Course(root)
    if case == "missing-folder":
        return course
    root.mkdir(parents=True, exist_ok=True)
    (root / "roles.yml").write_text(ROLES, encoding="utf-8")
    roster = root / "roster.csv"
    if case == "malformed-roster":
        # A name with an unquoted comma, as a hand edit in a text editor leaves it.
        roster.write_text(ROSTER + "citra,198801012012012003,Citra, S.Kom,TJN,Staf,\n")
    elif case == "semicolon-roster":
        roster.write_text(ROSTER.replace(",", ";"), encoding="utf-8")
    elif case == "binary-roster":
        roster.write_bytes(b"\xff\xfe\x00u\x00s\x00e\x00r" + bytes(range(128, 256)))
    else:
        roster.write_text(ROSTER, encoding="utf-8")
    if case == "bad-roles":
        (root / "roles.yml").write_text(f"hr: [{VIEWER}\ninstructors: ]\n", encoding="utf-8")
    if case == "corrupt-gradebook":
        course.gradebook_path.write_bytes(random.Random(7).randbytes(64 * 1024))
    elif case == "empty-gradebook":
        course.gradebook_path.write_bytes(b"")  # a file, but no nbgrader tables
    return course


# case -> (problem, what the message says on every page, or per page)
BROKEN = {
    "missing-folder": ("no-course", "Folder kursus untuk halaman ini belum ada di server."),
    "no-gradebook": (
        "no-gradebook",
        {
            "dashboard": "Gradebook nbgrader belum ada di folder kursus.",
            "record": "Data kursus belum tersedia (buku nilai belum dibuat).",
            "items": "Gradebook nbgrader belum ada di folder kursus.",
        },
    ),
    "corrupt-gradebook": ("bad-gradebook", "Gradebook nbgrader tidak dapat dibaca."),
    "empty-gradebook": ("bad-gradebook", "Gradebook nbgrader tidak dapat dibaca."),
    "malformed-roster": ("bad-roster", "Daftar peserta kursus (roster.csv) rusak"),
    "semicolon-roster": ("bad-roster", "Daftar peserta kursus (roster.csv) rusak"),
    "binary-roster": ("bad-roster", "Daftar peserta kursus (roster.csv) rusak"),
    "bad-roles": ("bad-roles", "Berkas peran kursus (roles.yml"),
}
# What to do, by problem: every broken course tells someone what to fix.
TODO = {
    "no-course": "KIT_COURSE_DIR",
    "bad-gradebook": "memulihkan gradebook.db dari cadangan terbaru",
    "bad-roster": "kit roster import",
    "bad-roles": "memperbaiki roles.yml",
}
# Python's own words for a failure; none may reach a page.
PYTHON_WORDS = re.compile(r"Traceback|File \"|\b\w*(Error|Exception|Warning)\b")


def expected_text(case: str, page: str) -> str:
    text = BROKEN[case][1]
    return text[page] if isinstance(text, dict) else text


def assert_message(widget: widgets.Widget, page: str, problem: str, text: str) -> str:
    assert isinstance(widget, widgets.HTML), f"{page} built its page: {type(widget).__name__}"
    assert "marelan-page-message" in widget._dom_classes
    assert f"marelan-problem-{problem}" in widget._dom_classes
    value = widget.value
    assert PAGES[page][2].split(" untuk ")[0] in value  # the page's own title
    assert html.escape(text) in value
    assert PYTHON_WORDS.search(value) is None, PYTHON_WORDS.search(value)
    assert "marelan-debug" not in value
    return value


@pages
@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_course_gives_every_page_a_plain_message(tmp_path, monkeypatch, page, case):
    monkeypatch.delenv("KIT_DEBUG", raising=False)
    course = make_course(tmp_path / "kursus", case)
    widget = PAGES[page][0](VIEWER, course)
    problem = BROKEN[case][0]
    value = assert_message(widget, page, problem, expected_text(case, page))
    if problem in TODO:
        assert "Yang perlu dilakukan" in value and TODO[problem] in value
    assert course.root.exists() == (case != "missing-folder"), "a page creates no folder"


@pages
@pytest.mark.parametrize(
    ("case", "technical"),
    [("corrupt-gradebook", "DatabaseError"), ("empty-gradebook", "OperationalError")],
)
def test_technical_detail_only_in_debug_mode(tmp_path, monkeypatch, page, case, technical):
    course = make_course(tmp_path / "kursus", case)
    monkeypatch.setenv("KIT_DEBUG", "1")
    value = PAGES[page][0](VIEWER, course).value
    assert '<pre class="marelan-debug">' in value and technical in value
    assert "Traceback" not in value and 'File "' not in value
    monkeypatch.setenv("KIT_DEBUG", "0")
    assert technical not in PAGES[page][0](VIEWER, course).value


# --- who may see a page, checked before any data -------------------------------------------------

ACCESS_HEADINGS = {
    "dashboard": "Dasbor tidak dapat ditampilkan untuk akun Anda",
    "record": "Rapor tidak dapat ditampilkan",
    "items": "Analisis butir soal tidak dapat ditampilkan",
}


@pytest.mark.parametrize(
    ("page", "viewer", "problem", "text"),
    [
        ("dashboard", "", "no-viewer", "Identitas pengguna tidak diketahui, sehingga data"),
        ("record", "", "no-viewer", "Identitas pengguna tidak diketahui, sehingga rapor"),
        ("items", "", "no-viewer", "Identitas pengguna tidak diketahui, sehingga data"),
        ("dashboard", "orang.asing", "unknown-viewer",
         "Pengguna 'orang.asing' tidak terdaftar sebagai peserta, atasan, instruktur, atau BKPSDM"),
        ("record", "orang.asing", "unknown-viewer",
         "Akun 'orang.asing' tidak terdaftar sebagai peserta kursus ini"),
        ("items", "orang.asing", "unknown-viewer",
         "Pengguna 'orang.asing' tidak terdaftar sebagai peserta, atasan, instruktur, atau BKPSDM"),
        ("dashboard", LEARNER, "denied", f"Pengguna '{LEARNER}' dapat melihat rapornya sendiri"),
        ("items", LEARNER, "denied",
         f"Pengguna '{LEARNER}' tidak terdaftar sebagai instruktur atau BKPSDM"),
        ("record", INSTRUCTOR, "denied",
         f"Akun '{INSTRUCTOR}' tidak terdaftar sebagai peserta kursus ini"),
    ],
)  # fmt: skip
def test_viewers_without_access_get_a_message_before_any_data_are_read(
    tmp_path, monkeypatch, page, viewer, problem, text
):
    # A corrupt gradebook: a stranger must not even learn that.
    course = make_course(tmp_path / "kursus", "corrupt-gradebook")
    monkeypatch.setattr(page_module, "course_snapshot", _must_not_load)
    value = assert_message(PAGES[page][0](viewer, course), page, problem, text)
    assert ACCESS_HEADINGS[page] in value
    assert "Gradebook" not in value and "Rina Harahap" not in value


def test_the_viewer_comes_from_the_environment(tmp_path, monkeypatch):
    course = make_course(tmp_path / "kursus", "no-gradebook")
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setenv("KIT_VIEWER", LEARNER)
    assert "marelan-problem-denied" in manager_dashboard(course=course)._dom_classes
    monkeypatch.setenv("JUPYTERHUB_USER", VIEWER)  # JupyterHub's name wins
    assert "marelan-problem-no-gradebook" in manager_dashboard(course=course)._dom_classes


def test_a_stranger_of_a_course_without_roster_is_told_the_roster_is_missing(tmp_path):
    course = make_course(tmp_path / "kursus", "no-gradebook")
    course.roster_path.unlink()
    value = assert_message(
        learner_record(LEARNER, course), "record", "no-roster", "Daftar peserta belum diisi"
    )
    assert "kit roster import" in value


# --- what a page needs, and what nobody expected -------------------------------------------------


def _must_not_load(course):
    raise AssertionError("data were read for a viewer without access")


@pytest.mark.parametrize(
    ("page", "emptied", "problem", "text"),
    [
        ("dashboard", "learners", "no-roster", "Daftar peserta belum diisi"),
        ("dashboard", "grades", "no-grades", "Belum ada tugas peserta yang dinilai"),
        ("items", "grades", "no-grades", "Belum ada tugas peserta yang dinilai"),
    ],
)
def test_a_page_without_what_it_needs_says_so(tmp_path, monkeypatch, page, emptied, problem, text):
    course = make_course(tmp_path / "kursus", "empty-gradebook")
    summary = make_summary()
    setattr(summary, emptied, getattr(summary, emptied).iloc[0:0])
    monkeypatch.setattr(
        page_module, "course_snapshot", lambda course: CourseSnapshot("test", summary, None)
    )
    value = assert_message(PAGES[page][0](VIEWER, course), page, problem, text)
    assert "Belum ada data nilai untuk ditampilkan" in value


@pages
def test_an_unexpected_failure_is_a_message_with_detail_only_in_debug_mode(
    tmp_path, monkeypatch, page
):
    course = make_course(tmp_path / "kursus", "empty-gradebook")

    def broken(course):
        raise RuntimeError("boom in /srv/rahasia/kursus")

    monkeypatch.setattr(page_module, "course_snapshot", broken)
    monkeypatch.delenv("KIT_DEBUG", raising=False)
    value = assert_message(
        PAGES[page][0](VIEWER, course), page, "unexpected", "kesalahan yang tidak terduga"
    )
    assert "muat ulang halaman" in value and "KIT_DEBUG=1" in value
    assert "boom" not in value and "/srv/rahasia" not in value
    monkeypatch.setenv("KIT_DEBUG", "1")
    assert "RuntimeError: boom in /srv/rahasia/kursus" in PAGES[page][0](VIEWER, course).value


def test_a_renderer_that_fails_gives_the_message_too(tmp_path, monkeypatch):
    course = make_course(tmp_path / "kursus", "empty-gradebook")
    summary = make_summary()
    monkeypatch.setattr(
        page_module, "course_snapshot", lambda course: CourseSnapshot("test", summary, None)
    )
    rendered = []

    def render(viewer, data):
        rendered.append((viewer.username, data.summary is summary))
        raise KeyError("kolom_hilang")

    widget = build_page(DASHBOARD, render, course=course, viewer_name=VIEWER)
    assert rendered == [(VIEWER, True)]
    assert_message(widget, "dashboard", "unexpected", "kesalahan yang tidak terduga")


def test_a_renderer_refusing_the_viewer_gives_the_access_message(tmp_path, monkeypatch):
    course = make_course(tmp_path / "kursus", "empty-gradebook")
    summary = make_summary()
    monkeypatch.setattr(
        page_module, "course_snapshot", lambda course: CourseSnapshot("test", summary, None)
    )

    def render(viewer, data):
        raise AccessError(f"Akun '{viewer.username}' tidak ada di laporan.")

    widget = build_page(DASHBOARD, render, course=course, viewer_name=VIEWER)
    value = assert_message(
        widget, "dashboard", "unknown-viewer", f"Akun '{VIEWER}' tidak ada di laporan."
    )
    assert ACCESS_HEADINGS["dashboard"] in value


def test_every_problem_has_indonesian_words_and_unknown_ones_are_refused():
    for name, problem in PROBLEMS.items():
        keys = [problem.heading, problem.reason, problem.todo]
        for key in [k for k in keys if k and k != "access"]:
            assert message(key, lang="id") and message(key, lang="en"), (name, key)
    with pytest.raises(ValueError, match="unknown page problem"):
        PageProblem("lost")


# --- served by Voila, opened in Chromium ---------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("case", ["missing-folder", "corrupt-gradebook", "malformed-roster"])
def test_broken_course_in_the_browser(sync_playwright, isolated_jupyter_env, tmp_path, case):
    """One Voila server (preheated, as ``kit demo``) per broken course; its three pages."""
    course = make_course(tmp_path / "kursus", case)
    problem = BROKEN[case][0]
    failures = (
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
    )
    with (
        served_voila(
            APPS_DIR,
            course.root,
            VIEWER,
            tmp_path,
            preheat=True,
            artifact_log=f"voila-broken-{case}.log",
        ) as server,
        chromium_page(sync_playwright, tmp_path) as browser,
    ):
        page = browser.page
        for name, (_build, notebook, title) in PAGES.items():
            page.goto(f"{server.base}/voila/render/{notebook}")
            page.wait_for_selector(f".marelan-page-message, {failures}")
            assert page.locator(failures).count() == 0, page.inner_text("body")
            shown = page.locator(f".marelan-problem-{problem}")
            assert shown.count() == 1
            body = page.inner_text("body")
            assert title.split(" untuk ")[0] in body
            assert expected_text(case, name) in body
            assert "Yang perlu dilakukan" in body and TODO[problem] in body
            assert PYTHON_WORDS.search(body) is None, PYTHON_WORDS.search(body)
            assert "Traceback" not in page.content()
            assert "Loading widget" not in body
            save_screenshot(page, f"broken_{case}_{name}.png")
    assert foreign_requests(browser.requests) == []
