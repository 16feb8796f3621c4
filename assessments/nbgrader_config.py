"""nbgrader configuration of the Marelan course (run nbgrader from this folder)."""

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "marelan-digital"
# Learners see these stubs in place of the solutions (Bahasa Indonesia).
c.ClearSolutions.code_stub = {
    "python": "# TULIS JAWABAN ANDA DI SINI\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "TULIS JAWABAN ANDA DI SINI"
# Time limit per cell when grading (seconds).
c.ExecutePreprocessor.timeout = 60
# On a shared server, point the exchange at a folder every user can write, e.g.:
# c.Exchange.root = "/srv/nbgrader/exchange"
