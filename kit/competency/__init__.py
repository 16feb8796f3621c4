"""From grades to competencies, learning hours and rewards: the framework, mastery,
evidence, the JP ledger, managers' confirmations and the reward rules.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submod_attrs={
        "evidence": ["EVIDENCE_COLUMNS", "competency_levels", "evidence_trail"],
        "framework": [
            "ASN_LEVELS",
            "AsnLevel",
            "Competency",
            "CompetencyFramework",
            "DigComp",
            "FrameworkError",
            "LevelRule",
            "PILLARS",
            "TAG_KEY",
            "TagError",
            "cell_competency_map",
            "mastery_by_learner",
            "mastery_by_unit",
        ],
        "implementation": [
            "Confirmation",
            "ConfirmationError",
            "LOG_NAME",
            "confirm_implementation",
            "latest_confirmations",
            "read_confirmations",
            "record_confirmation",
        ],
        "jp": [
            "EXTERNAL_KINDS",
            "ExternalRecord",
            "JpImportError",
            "MAX_JP_PER_DAY",
            "import_external",
            "jp_ledger",
            "jp_per_learner",
            "module_completions",
            "parse_external_csv",
            "read_external",
            "write_external",
        ],
        "rewards": [
            "Component",
            "Condition",
            "RewardRules",
            "RuleError",
            "SOURCES",
            "Tier",
            "compute_standing",
            "load_rules",
        ],
        "summary": [
            "CourseSummary",
            "course_from_env",
            "load_summary",
            "person_table",
            "restrict_summary",
            "summary_json",
            "unit_table",
        ],
    },
)
