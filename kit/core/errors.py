"""Expected errors: what a user can put right, told in one Indonesian line with what to try.

Every domain error of the kit that a user can fix (a missing folder or gradebook, a bad file, an
unknown learner, a busy port...) is a ``KitError``. A command line or page shows it as
``Kesalahan: <what>. Coba: <hint>`` and never as a traceback. Anything else is a defect: the
command line writes its traceback to a log file (``report_unexpected``) and says where.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import traceback
from collections.abc import Iterable
from pathlib import Path

import platformdirs

from kit.core.messages import message
from kit.core.project import APP_NAME

__all__ = [
    "KitError",
    "RowsError",
    "SetupError",
    "UsageError",
    "DEBUG_ENV",
    "PATH_ERRORS",
    "as_expected",
    "error_lines",
    "from_os_error",
    "report_unexpected",
    "usage_error",
]

DEBUG_ENV = "KIT_DEBUG"


class KitError(Exception):
    """An error the user can fix (bad input, wrong folder, missing file), never a defect.

    ``str(error)`` says what is wrong, ``hint`` what to do about it, ``details`` carries extra
    lines (e.g. one per bad row of a file). ``exit_code``: 1 when input was refused (nothing
    changed), 2 when the course or the set-up cannot be used as it is. A subclass may name a
    catalogue key (``hint_key``) for the hint its errors carry unless one is given.
    """

    exit_code = 1
    hint_key: str | None = None

    def __init__(self, what: str, hint: str | None = None, details: Iterable[object] = ()):
        super().__init__(what)
        if hint is None and self.hint_key:
            hint = message(self.hint_key)
        self.what = str(what)
        self.hint = hint
        self.details = tuple(str(d) for d in details)


class RowsError(KitError):
    """A file refused whole: ``summary`` says why, ``problems`` one line per bad row.

    ``str(error)`` is the summary followed by the rows; a command line prints the summary with
    a hint (correct the rows listed) and the rows as details.
    """

    def __init__(self, summary: str, problems: Iterable[object] = ()) -> None:
        self.summary = summary
        self.problems = list(problems)
        rows = [str(p) for p in self.problems]
        hint = message("error.hint.rows") if rows else None
        super().__init__(summary, hint=hint, details=rows)

    def __str__(self) -> str:
        return "\n".join([self.summary, *self.details])


class SetupError(KitError):
    """The course, a configuration file or the machine is not ready (exit code 2)."""

    exit_code = 2


class UsageError(KitError):
    """The command line itself is wrong: a missing or malformed argument (exit code 2)."""

    exit_code = 2


def _sentence(text: str) -> str:
    text = " ".join(str(text).split())
    return text if not text or text[-1] in ".!?" else text + "."


def error_lines(error: KitError) -> list[str]:
    """The lines a command line prints for ``error``: one ``Kesalahan: … Coba: …`` line, then
    its details indented."""
    what = _sentence(getattr(error, "what", str(error)))
    if error.hint:
        first = message("error.line_with_hint", what=what, hint=_sentence(error.hint))
    else:
        first = message("error.line", what=what)
    return [first, *(f"  {detail}" for detail in error.details)]


# File-system errors about a path the user named or owns: expected, said with the path.
PATH_ERRORS = (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError)


def as_expected(error: BaseException) -> KitError | None:
    """``error`` as a ``KitError`` when a user can fix it, else None (a defect).

    Every domain error of the kit derives from ``KitError``; a file-system error about a path
    the user named is said as one too.
    """
    if isinstance(error, KitError):
        return error
    if isinstance(error, PATH_ERRORS):
        return from_os_error(error)
    return None


def from_os_error(error: OSError) -> KitError:
    """A file-system error about a path the user named or owns, said as an expected error."""
    path = error.filename or ""
    if isinstance(error, PermissionError):
        return KitError(
            message("error.permission", path=path), hint=message("error.permission_hint")
        )
    if isinstance(error, IsADirectoryError):
        return KitError(message("error.is_folder", path=path), hint=message("error.path_hint"))
    if isinstance(error, NotADirectoryError):
        return KitError(message("error.not_folder", path=path), hint=message("error.path_hint"))
    if isinstance(error, FileNotFoundError):
        return KitError(message("error.no_file", path=path), hint=message("error.path_hint"))
    return KitError(
        message("error.os", path=path, reason=error.strerror or error),
        hint=message("error.path_hint"),
    )


# argparse's own messages (English), said in the kit's language: pattern -> catalogue key.
_ARGPARSE = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"), "usage.required"),
    (re.compile(r"unrecognized arguments: (?P<names>.+)"), "usage.unknown"),
    (
        re.compile(
            r"argument (?P<names>\S+): invalid choice: (?P<value>'[^']*')"
            r" \(choose from (?P<choices>.+)\)"
        ),
        "usage.choice",
    ),
    (
        re.compile(r"argument (?P<names>\S+): invalid \w+ value: (?P<value>'[^']*')"),
        "usage.bad_value",
    ),
    (re.compile(r"argument (?P<names>\S+): expected one argument"), "usage.needs_value"),
    (re.compile(r"argument (?P<names>\S+): (?P<value>.+)"), "usage.argument"),
)


def usage_error(text: str, prog: str) -> UsageError:
    """argparse's complaint about a command line (``prog``) as a one-line ``UsageError``."""
    for pattern, key in _ARGPARSE:
        found = pattern.fullmatch(text.strip())
        if found:
            what = message(key, **found.groupdict())
            break
    else:
        what = message("usage.other", detail=text.strip())
    return UsageError(what, hint=message("usage.hint", prog=prog))


def report_unexpected(error: BaseException, log_dir: Path | None = None) -> Path | None:
    """Write ``error``'s traceback to a new file and return its path: in ``log_dir`` (the user's
    log folder, e.g. ``~/.local/state/marelan-kit/log``), else the temporary folder; None when
    neither can be written."""
    text = "".join(traceback.format_exception(error))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for folder in (log_dir or platformdirs.user_log_path(APP_NAME), Path(tempfile.gettempdir())):
        path = folder / f"kit-{stamp}-{os.getpid()}.log"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError:  # a home folder one may not write to: try the next place
            continue
        return path
    return None
