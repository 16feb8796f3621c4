"""How learner code is isolated during a grading run: chosen explicitly, checked, or refused.

Two modes. ``sandbox`` (the default): every kernel in the sandbox of :mod:`kit.grading.sandbox`
(a uid of its own where the grader is root, no network, the course hidden, rlimits, cgroups
where the machine has them). ``limits_only``: a plain kernel under ``prlimit``, bounded in
memory, file size, CPU time and processes but NOT isolated. The weaker mode is used only when
asked for: the ``isolation`` argument (``kit grade --isolation limits-only``) or the course's
``c.KitGrade.isolation = "limits_only"`` in ``nbgrader_config.py``. When the sandbox is asked
for and any part of it cannot be imported or set up, :func:`resolve_isolation` raises
:class:`IsolationUnavailable`: nothing is graded, nothing falls back.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from traitlets.config import Config

from kit.core import message
from kit.grading.results import ISOLATION_MODES, GradingError

__all__ = [
    "CONFIG_SECTION",
    "ISOLATION_MODES",
    "Isolation",
    "IsolationUnavailable",
    "normalise_isolation",
    "resolve_isolation",
]

SANDBOX, LIMITS_ONLY = ISOLATION_MODES
# The course's setting: ``c.KitGrade.isolation = "limits_only"`` in nbgrader_config.py.
CONFIG_SECTION = "KitGrade"
SOURCES = ("default", "option", "course_config")


class IsolationUnavailable(GradingError):
    """The isolation asked for cannot be set up here; ``missing`` lists why (Indonesian)."""

    def __init__(
        self, text: str, mode: str, source: str, missing: tuple[str, ...], hint: str
    ) -> None:
        super().__init__(text, hint)
        self.mode = mode
        self.source = source
        self.missing = missing


@dataclass(frozen=True)
class Isolation:
    """The isolation of one grading run: ``mode``, who chose it, and what it means (Indonesian)."""

    mode: str  # one of ISOLATION_MODES
    source: str  # one of SOURCES
    notes: tuple[str, ...] = ()

    @property
    def sandboxed(self) -> bool:
        return self.mode == SANDBOX


def normalise_isolation(value: object, where: str = "--isolation") -> str:
    """``"sandbox"`` or ``"limits_only"`` from what a user typed (``limits-only`` too)."""
    text = str(value).strip().lower().replace("-", "_")
    if text not in ISOLATION_MODES:
        raise GradingError(
            message("grading.error.bad_isolation", value=value, where=where),
            message("grading.hint.bad_isolation"),
        )
    return text


def course_isolation(config: Config) -> str | None:
    """The course's own choice in ``nbgrader_config.py``, or None when it makes none."""
    section = config.get(CONFIG_SECTION) if CONFIG_SECTION in config else None
    if not section or "isolation" not in section:
        return None
    return normalise_isolation(section["isolation"], where=f"c.{CONFIG_SECTION}.isolation")


def resolve_isolation(requested: str | None, config: Config) -> Isolation:
    """The run's isolation: ``requested``, else the course's setting, else the sandbox.

    Raises :class:`IsolationUnavailable` (a :class:`GradingError`) when it cannot be set up.
    """
    if requested is not None:
        mode, source = normalise_isolation(requested), "option"
    else:
        configured = course_isolation(config)
        mode, source = (configured, "course_config") if configured else (SANDBOX, "default")
    if mode == SANDBOX:
        return _sandbox(source)
    return _limits_only(source)


def _sandbox(source: str) -> Isolation:
    try:
        # Imported here, not at the top: the limits-only mode must work without any of it.
        from kit.grading.sandbox import probe_capabilities

        capabilities = probe_capabilities()
    except Exception as error:  # noqa: BLE001 - whatever breaks a part, the sandbox is missing
        detail = f"{type(error).__name__}: {error}"
        missing = (message("grading.isolation.missing.import", lang="id", detail=detail),)
    else:
        missing = capabilities.shortfalls()
        if not missing:
            return Isolation(SANDBOX, source, capabilities.notes)
    text = message("grading.error.sandbox_unavailable", missing="; ".join(missing))
    raise IsolationUnavailable(
        text, SANDBOX, source, missing, message("grading.hint.sandbox_unavailable")
    )


def _limits_only(source: str) -> Isolation:
    if shutil.which("prlimit") is None:
        # Without prlimit the kernel would run with no limit at all: refuse that too.
        missing = (message("grading.isolation.missing.prlimit", lang="id"),)
        text = message("grading.error.limits_unavailable", missing=missing[0])
        raise IsolationUnavailable(
            text, LIMITS_ONLY, source, missing, message("grading.hint.limits_unavailable")
        )
    chosen = "chosen_config" if source == "course_config" else "chosen_option"
    notes = (
        message(f"grading.isolation.note.{chosen}", lang="id", section=CONFIG_SECTION),
        message("grading.isolation.note.limits_only", lang="id"),
    )
    return Isolation(LIMITS_ONLY, source, notes)
