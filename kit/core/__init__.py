"""Reference data and services every stage uses: where the project lives, messages,
expected errors, dates in WIB, working days, the work units, data files checked against their
schemas, the audit log, reading CSV files people made and replacing files atomically. Imports no
other stage.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submod_attrs={
        "atomic_files": ["atomic_write", "atomic_writer"],
        "audit": ["LOG_NAME", "current_operator", "read_events", "record_event"],
        "csv_intake": ["CsvFileError", "CsvRow", "CsvTable", "RowProblem", "read_csv_rows"],
        "errors": [
            "DEBUG_ENV",
            "KitError",
            "RowsError",
            "PATH_ERRORS",
            "as_expected",
            "SetupError",
            "UsageError",
            "error_lines",
            "from_os_error",
            "report_unexpected",
            "usage_error",
        ],
        "dates": ["MONTHS", "WIB", "date_label", "to_wib", "wib_label"],
        "messages": ["current_language", "message"],
        "organisation": ["KELURAHAN", "Unit", "load_units", "unit_names"],
        "project": ["APP_NAME", "project_root"],
        "schema": [
            "DataFile",
            "DataFileError",
            "Problem",
            "read_data_file",
            "read_kit_data",
            "schema_names",
            "validate_data",
        ],
        "workdays": ["add_working_days", "holidays", "working_days_between"],
    },
)
