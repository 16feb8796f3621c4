"""An nbgrader course folder and the programme of modules (``courses/<module>/module.yml``)."""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submod_attrs={
        "curriculum": ["CurriculumError", "Module", "load_modules"],
        "nbgrader_course": ["Course", "NbgraderError", "nbgrader_env", "put_scripts_on_path"],
    },
)
