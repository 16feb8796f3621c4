"""Marelan digital-competency kit: lessons, nbgrader assessments, competencies and dashboards.

The packages follow the flow from a lesson to a dashboard, lowest first; each imports only
lower ones, and only through their front door (``kit.<stage>``):

    core → datasets → course → practice → grading → people → competency → reports → apps
    (authoring and demo use them all; ``kit.cli`` parses arguments and calls front doors)

See ``docs/architecture.md``.
"""

__version__ = "0.1.0"
