"""The learner's feedback pages: nbgrader's HTML with an Indonesian header, or why not graded."""

from __future__ import annotations

from html import escape
from pathlib import Path

from kit.core import message
from kit.grading.results import SubmissionResult

__all__ = ["NOT_GRADABLE_PAGE", "write_feedback", "write_not_gradable_page"]

NOT_GRADABLE_PAGE = "tidak_dapat_dinilai.html"


def write_feedback(
    folder: Path,
    pages: dict[str, tuple[str, dict]],
    *,
    assignment: str,
    result: SubmissionResult,
) -> None:
    """Write ``<notebook>.html`` per ``pages`` entry (nbgrader's HTML and its score info)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / NOT_GRADABLE_PAGE).unlink(missing_ok=True)
    for name, (html, info) in pages.items():
        header = _feedback_header(assignment, result.student, info, result)
        html = html.replace("<body>", "<body>\n" + header, 1) if "<body>" in html else header + html
        (folder / f"{name}.html").write_text(html, encoding="utf-8")


def write_not_gradable_page(folder: Path, *, assignment: str, reason: str) -> None:
    """The page a learner whose submission could not be graded reads instead of feedback."""
    folder.mkdir(parents=True, exist_ok=True)
    title = message("grading.feedback.not_gradable_title", lang="id", assignment=assignment)
    advice = message("grading.feedback.not_gradable_advice", lang="id")
    page = (
        '<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>"
        f"<h1>{escape(title)}</h1><p>{escape(reason)}</p><p>{escape(advice)}</p>"
        "</body></html>\n"
    )
    (folder / NOT_GRADABLE_PAGE).write_text(page, encoding="utf-8")


def _feedback_header(assignment: str, student: str, info: dict, result: SubmissionResult) -> str:
    score = info.get("score")
    maximum = info.get("max_score")
    lines = [
        f"<h1>{escape(message('grading.feedback.title', lang='id', assignment=assignment))}</h1>",
        "<p>"
        + escape(
            message(
                "grading.feedback.score",
                lang="id",
                student=student,
                score=f"{score:g}" if score is not None else "-",
                max_score=f"{maximum:g}" if maximum is not None else "-",
            )
        )
        + "</p>",
        "<p>" + escape(message("grading.feedback.manual_note", lang="id")) + "</p>",
    ]
    if result.reason:
        lines.append(f"<p><strong>{escape(result.reason)}</strong></p>")
    learner_flags = [f for f in result.flags if f != "suspicious_code"]
    if learner_flags:
        items = "".join(
            f"<li>{escape(message(f'grading.flag.{f}', lang='id'))}</li>" for f in learner_flags
        )
        lines.append(
            "<p>" + escape(message("grading.feedback.flags", lang="id")) + f"</p><ul>{items}</ul>"
        )
    body = "\n".join(lines)
    return (
        '<div class="kit-umpan-balik" lang="id" style="border:2px solid #1a5276;padding:1em;'
        f'margin:1em;border-radius:6px;background:#eaf2f8">\n{body}\n</div>'
    )
