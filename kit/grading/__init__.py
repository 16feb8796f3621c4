"""Fast, isolated, tamper-proof grading of nbgrader courses (``kit grade``), and the fast read
of nbgrader's gradebook that every later stage starts from.

nbgrader stays the engine and its gradebook the source of truth; see :mod:`kit.grading.engine`.
Learner code runs in the sandbox unless the weaker ``limits_only`` mode is chosen explicitly
(:mod:`kit.grading.isolation`); a sandbox that cannot be set up refuses the run.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submod_attrs={
        "backup": ["BACKUPS_KEPT", "backup_gradebook"],
        "capabilities": ["SandboxCapabilities", "probe_capabilities"],
        "engine": ["default_jobs", "grade_assignment"],
        "gradebook": ["GRADE_COLUMNS", "engine_for", "read_grades", "read_students"],
        "isolation": [
            "Isolation",
            "IsolationUnavailable",
            "normalise_isolation",
        ],
        "history": [
            "GRADING_FLAGS",
            "GRADING_STATUSES",
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
        "limits": ["Limits"],
        "report": ["ProgressBar", "run_to_json", "summary_table"],
        "results": [
            "ISOLATION_MODES",
            "STATUSES",
            "GradingError",
            "GradingRun",
            "SubmissionResult",
        ],
        "sandbox": ["SandboxUnavailable", "SandboxedKernelManager", "start_zygote"],
    },
)
