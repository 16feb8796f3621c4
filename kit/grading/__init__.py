"""Fast, sandboxed, tamper-proof grading of nbgrader courses (``kit grade``).

nbgrader stays the engine and its gradebook the source of truth; see :mod:`kit.grading.engine`.
"""

from kit.grading.engine import (
    STATUSES,
    GradingError,
    GradingRun,
    SubmissionResult,
    backup_gradebook,
    grade_assignment,
)
from kit.grading.kernels import Limits

__all__ = [
    "STATUSES",
    "GradingError",
    "GradingRun",
    "Limits",
    "SubmissionResult",
    "backup_gradebook",
    "grade_assignment",
]
