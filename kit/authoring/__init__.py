"""Module authoring for partner instructors: scaffold a module, check it, list the programme."""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submod_attrs={
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
