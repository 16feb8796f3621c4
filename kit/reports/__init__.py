"""What leaves the kit: the HR report, the cached course snapshot, month-by-month trends
and the exports (Excel, CSV, Open Badges, certificates), every one audited.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submod_attrs={
        "badges": [
            "BadgeIssuer",
            "BadgeValidationError",
            "OB2_CONTEXT",
            "badge_document_errors",
            "export_badges",
            "validate_badge_document",
        ],
        "certificates": ["REGISTER", "export_certificates"],
        "csv": ["CSV_FILES", "export_csv", "read_export_csv"],
        "excel": ["HEADER_ROW", "SHEETS", "export_excel"],
        "formats": ["EXPORT_FORMATS", "export_report"],
        "identities": ["ExportError", "PERSONAL_COLUMNS", "People", "record_export"],
        "record": ["LearnerRecord", "next_module", "record_for"],
        "report": ["HrReport", "ReportMeta", "build_report", "restrict_report"],
        "standing": ["ranked_standing", "standing_json", "standing_text"],
        "snapshot": ["CACHE_DIR", "CourseSnapshot", "course_fingerprint", "course_snapshot"],
        "trends": ["monthly_jp", "monthly_scores"],
    },
)
