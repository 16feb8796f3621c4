"""Marelan digital-competency kit: lessons, nbgrader assessments, competencies and dashboards."""

__version__ = "0.1.0"
