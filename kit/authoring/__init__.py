"""Module authoring for partner instructors: scaffold a module, check it, list the programme."""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submod_attrs={
        "answer_key": [
            "AnswerKeyGrading",
            "answer_key_notebook",
            "grade_answer_key",
            "submit_key_and_blank",
        ],
        "modules": [
            "AuthoringError",
            "CheckReport",
            "ModuleNames",
            "REQUIRED_HEADINGS",
            "check_module",
            "programme",
            "programme_text",
            "scaffold_module",
        ],
    },
)
