"""The demo workspace and its simulated cohort (real submissions graded for real)."""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submod_attrs={
        "cohort": [
            "AnswerBank",
            "AnswerVariant",
            "load_answer_bank",
            "simulate_cohort",
            "simulate_manual_grading",
            "write_submission",
        ],
        "request": [
            "DEFAULT_DEMO_ASSIGNMENTS",
            "DEMO_ASSIGNMENT",
            "DemoError",
            "available_demo_assignments",
            "check_demo_request",
            "demo_assignments",
        ],
        "run": ["demo_viewer", "run_demo"],
        "workspace": [
            "build_demo",
            "build_learner_lessons",
            "demo_banks",
            "write_workspace_config",
        ],
    },
)
