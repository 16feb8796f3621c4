"""The Voila pages (manager dashboard, learner record, item analysis), their shared page
layer and charts, and the servers that show them.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submod_attrs={
        "charts": [
            "LEVEL_COLOURS",
            "PALETTE",
            "chart_output",
            "page_figure",
            "show_figure",
            "warm_up",
        ],
        "dashboard": [
            "ManagerDashboard",
            "jp_trend_chart",
            "level_chart",
            "load_dashboard_data",
            "load_dashboard_summary",
            "manager_dashboard",
            "no_data_message",
            "restrict_report",
            "score_trend_chart",
        ],
        "item_analysis": [
            "ALLOWED_ROLES",
            "GRADING_FLAGS",
            "GRADING_STATUSES",
            "GradingRun",
            "ItemAnalysis",
            "difficulty_figure",
            "distribution_figure",
            "flag_label",
            "grading_history",
            "hardest_items",
            "item_analysis_app",
            "item_statistics",
            "latest_grading_run",
            "learner_totals",
            "needs_attention",
            "score_distribution",
            "status_label",
        ],
        "learner_record": [
            "LearnerRecord",
            "LearnerRecordView",
            "jp_figure",
            "learner_record",
            "mastery_figure",
            "next_module",
            "record_for",
        ],
        "pages": [
            "NoDataError",
            "PAGE_CSS",
            "PagedTable",
            "html_table",
            "percent_text",
            "wait_for_viewer",
        ],
        "serve": [
            "PortInUseError",
            "VOILA_EXTENSIONS",
            "VOILA_READY_PATH",
            "ensure_port_free",
            "lab_command",
            "lab_env",
            "serve_demo",
            "stop",
            "voila_command",
            "voila_env",
            "wait_for_http",
        ],
    },
)
