"""People and what they may see: the roster, NIPs, viewers and their roles, privacy."""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submod_attrs={
        "access": [
            "AccessError",
            "AccessFileError",
            "ManagerPositions",
            "Viewer",
            "current_viewer_name",
            "load_manager_positions",
            "read_course_roles",
            "resolve_viewer",
            "scope_learners",
            "write_course_roles",
        ],
        "nip": ["NipError", "NipParts", "format_nip", "mask_nip", "parse_nip"],
        "privacy": [
            "IdentityMode",
            "KEY_ENV",
            "MIN_KEY_BYTES",
            "PseudonymKeyError",
            "Redactor",
            "create_pseudonym_key",
            "export_key",
            "identify",
            "identity_columns",
            "load_pseudonym_key",
            "pseudonym",
        ],
        "roster": [
            "REQUIRED_COLUMNS",
            "RosterEntry",
            "RosterError",
            "RowProblem",
            "import_roster",
            "move_learner",
            "parse_roster_csv",
            "read_roster",
            "read_unit_history",
            "unit_on",
            "write_roster",
        ],
    },
)
