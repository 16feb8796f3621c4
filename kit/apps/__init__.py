"""The Voila pages (manager dashboard, learner record, item analysis), the one page layer
they are built by (``page``: viewer, access, cached data, messages), their shared parts and
charts, and the servers that show them.
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
        "dashboard": ["DASHBOARD", "ManagerDashboard", "manager_dashboard"],
        "dashboard_charts": ["jp_trend_chart", "level_chart", "score_trend_chart"],
        "dashboard_needs": ["RewardsAndNeeds"],
        "item_analysis": [
            "ALLOWED_ROLES",
            "ITEM_ANALYSIS",
            "ItemAnalysis",
            "flag_label",
            "isolation_html",
            "item_analysis_app",
            "status_label",
        ],
        "item_charts": ["LEVEL_CUES", "difficulty_figure", "distribution_figure"],
        "learner_record": [
            "LEARNER_RECORD",
            "LearnerRecordView",
            "jp_figure",
            "learner_record",
            "mastery_figure",
        ],
        "page": [
            "DEBUG_ENV",
            "PROBLEMS",
            "PageData",
            "PageProblem",
            "PageSpec",
            "Problem",
            "build_page",
            "debug_enabled",
            "load_page_data",
            "page_message",
            "page_viewer",
            "technical_detail",
        ],
        "pages": [
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
            "check_ports",
            "ensure_port_free",
            "lab_command",
            "lab_env",
            "serve_demo",
            "stop",
            "stop_all",
            "voila_command",
            "voila_env",
            "wait_for_http",
        ],
    },
)
