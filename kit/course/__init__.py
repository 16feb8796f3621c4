"""An nbgrader course folder, which course the kit works on by default, and the programme of
modules (``courses/<module>/module.yml``).
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submod_attrs={
        "curriculum": ["CurriculumError", "Module", "load_modules"],
        "nbgrader_course": ["Course", "NbgraderError", "nbgrader_env", "put_scripts_on_path"],
        "selection": [
            "COURSE_ENV",
            "CourseChoice",
            "choose_course",
            "default_course_label",
            "demo_course_dir",
            "forget_course",
            "open_course",
            "settings_file",
            "use_course",
        ],
    },
)
