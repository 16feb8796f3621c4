"""Fast, sandboxed, tamper-proof grading of nbgrader courses (``kit grade``), and the fast read
of nbgrader's gradebook that every later stage starts from.

nbgrader stays the engine and its gradebook the source of truth; see :mod:`kit.grading.engine`.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submod_attrs={
        "engine": [
            "BACKUPS_KEPT",
            "STATUSES",
            "GradingError",
            "GradingRun",
            "SubmissionResult",
            "backup_gradebook",
            "grade_assignment",
        ],
        "gradebook": ["GRADE_COLUMNS", "engine_for", "read_grades", "read_students"],
        "history": [
            "GRADING_FLAGS",
            "GRADING_STATUSES",
            "ISOLATION_MODES",
            "RecordedGradingRun",
            "grading_history",
            "latest_grading_run",
        ],
        "item_stats": [
            "ALMOST_NOBODY",
            "EASY_FROM",
            "HARD_BELOW",
            "ITEM_KEYS",
            "MIN_FOR_DISCRIMINATION",
            "WEAK_DISCRIMINATION",
            "difficulty_level",
            "hardest_items",
            "item_statistics",
            "learner_totals",
            "needs_attention",
            "score_distribution",
            "weak_discrimination",
        ],
        "report": ["ProgressBar", "run_to_json", "summary_table"],
        "sandbox": [
            "Limits",
            "SandboxCapabilities",
            "SandboxedKernelManager",
            "probe_capabilities",
            "start_zygote",
        ],
    },
)
