"""A learner's own record ("Rapor Kompetensi Saya", a Voila app): competencies, JP, modules, award.

The page layer (``kit.apps.page``) checks that the viewer is a learner and hands over the
course's cached report; it is narrowed to the viewer's own rows (``kit.reports.record_for``)
before any widget is built, so the page never receives another learner's data.
``voila_apps/rapor_saya.ipynb`` only calls ``learner_record()``.
"""

from __future__ import annotations

import dataclasses
import html
import math

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from kit.apps.charts import LEVEL_COLOURS, PALETTE, chart_output, page_figure, show_figure
from kit.apps.charts import warm_up as warm_up_charts
from kit.apps.page import PageData, PageSpec, build_page
from kit.apps.pages import PAGE_CSS, html_table
from kit.competency import CompetencyFramework, load_rules
from kit.core import MONTHS, date_label, message, project_root, to_wib, wib_label
from kit.course import Course, load_modules
from kit.people import Viewer, scope_learners
from kit.reports import LearnerRecord, record_for

__all__ = [
    "LEARNER_RECORD",
    "LearnerRecordView",
    "jp_figure",
    "learner_record",
    "mastery_figure",
]

LEARNER_RECORD = PageSpec(
    title="rapor.title",
    allowed_roles=frozenset({"learner"}),
    denied="rapor.not_learner",
    access_heading="rapor.access_heading",
    contact="rapor.contact",
    wording={
        "no_viewer": "rapor.no_viewer",
        "unknown_viewer": "rapor.not_learner",
        "no_gradebook": "rapor.no_course",
    },
    warm_up=warm_up_charts,
)

_CSS = """
<style>
.marelan-rapor .marelan-badges { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0; }
.marelan-rapor .marelan-badge { border: 2px solid #2f8132; border-radius: 10px; padding: 8px 14px;
  background: #e3f9e5; max-width: 300px; }
.marelan-rapor .marelan-badge b { display: block; color: #05400a; }
.marelan-rapor .marelan-badge b::before { content: ""; display: inline-block; width: 0.8em;
  height: 0.8em; margin-right: 6px; border-radius: 50%; background: #f0b429;
  border: 2px solid #cb6e17; vertical-align: -1px; }
.marelan-rapor .marelan-badge span { font-size: 0.9em; color: #3e4c59; }
.marelan-rapor .marelan-next { background: #e6f6ff; border-left: 5px solid #2680c2;
  padding: 8px 14px; }
.marelan-rapor .marelan-reward { background: #f0f4f8; border-radius: 6px; padding: 10px 16px; }
.marelan-rapor .marelan-reward b { font-size: 1.3em; color: #102a43; }
</style>
"""


def mastery_figure(record: LearnerRecord, framework: CompetencyFramework) -> go.Figure:
    """The learner's mastery per competency: horizontal bars 0-100 %, one colour per level.

    One bar trace per level reached (its name is the legend entry). A competency without graded
    evidence gets no bar but the words "no evidence yet" (a ``text`` scatter trace): a missing
    measurement must not read as 0 %.
    """
    competencies = _own_rows(record, record.competencies, "competencies")
    names = [str(name) for name in competencies["competency_name"]]
    figure = page_figure(message("rapor.chart.mastery.title"), height=90 + 34 * max(len(names), 1))
    evidenced = (competencies["evidence_cells"] > 0) & competencies["mastery"].notna()
    for level in sorted(set(competencies.loc[evidenced, "level"].astype(int))):
        rows = competencies[evidenced & (competencies["level"] == level)]
        label = _level_label(framework, level)
        hover = [
            message(
                "rapor.chart.mastery.hover",
                competency=row.competency_name,
                mastery=f"{row.mastery * 100:.0f}%",
                level=label,
                cells=int(row.evidence_cells),
            )
            for row in rows.itertuples()
        ]
        figure.add_trace(
            go.Bar(
                x=(rows["mastery"] * 100).tolist(),
                y=rows["competency_name"].tolist(),
                orientation="h",
                name=label,
                marker={"color": LEVEL_COLOURS[level], "line": {"color": "#102a43", "width": 1}},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    missing = competencies[~evidenced]
    if len(missing):
        no_evidence = message("rapor.chart.mastery.no_evidence")
        figure.add_trace(
            go.Scatter(
                x=[0.0] * len(missing),
                y=missing["competency_name"].tolist(),
                mode="text",
                text=[no_evidence] * len(missing),
                textposition="middle right",
                textfont={"color": "#52606d", "size": 12},
                name=no_evidence,
                hovertext=[f"{name}<br>{no_evidence}" for name in missing["competency_name"]],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    figure.update_layout(barmode="overlay")
    figure.update_xaxes(
        range=[0, 100], ticksuffix="%", title_text=message("rapor.chart.mastery.axis")
    )
    # The table's order, first competency on top.
    figure.update_yaxes(
        categoryorder="array", categoryarray=names, autorange="reversed", automargin=True
    )
    return figure


def jp_figure(record: LearnerRecord) -> go.Figure:
    """This year's JP added up month by month, against the yearly target.

    Months run from January to the report's month (to December for a past year, or to the
    latest record if that is later). Trace 0 is the cumulative JP, trace 1 the target line.
    """
    ledger = _own_rows(record, record.jp_ledger, "jp_ledger")
    ledger = ledger[ledger["year"] == record.year]
    months_of = [pd.Timestamp(d).month for d in ledger["date"]]
    generated = to_wib(record.generated_at)
    last = generated.month if generated is not None and generated.year == record.year else 12
    last = max([last, *months_of])
    per_month = [0.0] * last
    for month, jp in zip(months_of, ledger["jp"], strict=True):
        per_month[month - 1] += float(jp)
    cumulative = pd.Series(per_month).cumsum().tolist()
    labels = [name[:3] for name in MONTHS[:last]]
    hover = [
        message(
            "rapor.chart.jp.hover",
            month=f"{MONTHS[i]} {record.year}",
            total=_number(cumulative[i]),
            added=_number(per_month[i]),
        )
        for i in range(last)
    ]
    figure = page_figure(message("rapor.chart.jp.title", year=record.year), height=320)
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=cumulative,
            mode="lines+markers",
            name=message("rapor.chart.jp.line"),
            line={"color": PALETTE[0], "width": 3},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    target = message("rapor.chart.jp.target", target=_number(record.jp_target))
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=[record.jp_target] * last,
            mode="lines",
            name=target,
            line={"color": PALETTE[5], "dash": "dash", "width": 2},
            hovertemplate=f"{target}<extra></extra>",
        )
    )
    top = max(record.jp_target, cumulative[-1] if cumulative else 0.0)
    figure.update_yaxes(range=[0, top * 1.15], title_text=message("rapor.chart.jp.axis"))
    figure.update_xaxes(type="category")
    return figure


def _own_rows(record: LearnerRecord, frame: pd.DataFrame, name: str) -> pd.DataFrame:
    # The record is built by record_for; refuse anything else rather than chart it.
    others = set(frame["username"]) - {record.username}
    if others:
        raise ValueError(f"{name} of the record holds rows of other learners")
    return frame


def _level_label(framework: CompetencyFramework, level: int) -> str:
    if level <= 0:
        return message("rapor.level.none")
    return message("rapor.level.named", level=level, name=framework.level_name(level))


def learner_record(viewer_name: str | None = None, course: Course | None = None) -> widgets.Widget:
    """The record page of ``viewer_name`` (default: the current viewer), or a message widget.

    An unknown viewer, a viewer who is not a learner of the course, or a course without data
    gets a short Indonesian message and no data at all. The course's report comes from the
    page layer's cache: it is computed once per change of the course, not on every open.
    """
    return build_page(LEARNER_RECORD, _render, course=course, viewer_name=viewer_name)


def _render(viewer: Viewer, data: PageData) -> LearnerRecordView:
    rules = load_rules()
    # Only the viewer's own row, NIP masked (HR reads full NIPs elsewhere); the cached report
    # itself is left as it is.
    report = dataclasses.replace(
        data.report, learners=scope_learners(data.report.learners, viewer, "learner")
    )
    modules = load_modules(project_root() / "courses")
    record = record_for(report, viewer.username, modules, rules)
    return LearnerRecordView(record, data.summary.framework)


class LearnerRecordView(widgets.VBox):
    """The record of one learner: identity, JP, competencies with evidence, badges, award.

    Choosing a competency in ``competency_picker`` shows the graded cells behind it in
    ``evidence_view``.
    """

    def __init__(self, record: LearnerRecord, framework: CompetencyFramework) -> None:
        self.record = record
        self.framework = framework
        header = _html(self._header_html(), "marelan-rapor-header")
        jp_numbers = record.jp
        self.jp_bar = widgets.FloatProgress(
            value=min(float(jp_numbers["jp_total"]), record.jp_target),
            min=0.0,
            max=record.jp_target,
            description=message("rapor.jp.bar", year=record.year),
            bar_style="success" if bool(jp_numbers["met"]) else "warning",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
        )
        self.jp_chart = chart_output("marelan-rapor-jp-chart")
        self.mastery_chart = chart_output("marelan-rapor-mastery-chart")
        jp_view = widgets.VBox(
            [
                _html(self._jp_heading_html()),
                self.jp_bar,
                self.jp_chart,
                _html(self._jp_detail_html()),
            ]
        )
        jp_view.add_class("marelan-rapor-jp")
        competencies = widgets.VBox(
            [
                _html(f"<h3>{html.escape(message('rapor.competency.heading'))}</h3>"),
                self.mastery_chart,
                _html(self._competency_html()),
            ]
        )
        competencies.add_class("marelan-rapor-competencies")
        options = [
            (f"{row.competency_name} ({self._level_text(row.level)})", row.competency)
            for row in record.competencies.itertuples()
        ]
        with_evidence = record.competencies[record.competencies["evidence_cells"] > 0]
        first = with_evidence["competency"].iloc[0] if len(with_evidence) else None
        self.competency_picker = widgets.Dropdown(
            options=options,
            value=first if first is not None else (options[0][1] if options else None),
            description=message("rapor.evidence.choose"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="640px"),
        )
        self.evidence_view = _html("", "marelan-rapor-evidence")
        self.competency_picker.observe(lambda _change: self.show_evidence(), names="value")
        badges = _html(self._badges_html(), "marelan-rapor-badges")
        reward = _html(self._reward_html(), "marelan-rapor-reward")
        upcoming = _html(self._next_html(), "marelan-rapor-next")
        super().__init__(
            children=[
                header,
                jp_view,
                competencies,
                self.competency_picker,
                self.evidence_view,
                badges,
                upcoming,
                reward,
            ]
        )
        self.add_class("marelan-rapor")
        self.show_evidence()
        show_figure(self.jp_chart, jp_figure(record))
        show_figure(self.mastery_chart, mastery_figure(record, framework))

    def show_evidence(self) -> None:
        """Show the graded cells behind the chosen competency."""
        self.evidence_view.value = self._evidence_html(self.competency_picker.value)

    def _header_html(self) -> str:
        r = self.record
        updated = message("rapor.updated", when=wib_label(r.generated_at))
        identity = message(
            "rapor.identity", unit=r.unit_name, position=r.position, nip=r.masked_nip
        )
        return (
            f"<h2>{html.escape(message('rapor.title'))}: {html.escape(r.name)}</h2>"
            f'<div class="muted">{html.escape(identity)}</div>'
            f'<div class="muted">{html.escape(updated)}</div>'
        )

    def _jp_heading_html(self) -> str:
        r = self.record
        progress = message(
            "rapor.jp.progress", jp=_number(r.jp["jp_total"]), target=_number(r.jp_target)
        )
        return (
            f"<h3>{html.escape(message('rapor.jp.heading', year=r.year))}</h3>"
            f'<div class="marelan-figure"><b>{html.escape(progress)}</b></div>'
        )

    def _jp_detail_html(self) -> str:
        r = self.record
        gap = r.jp_target - float(r.jp["jp_total"])
        status = (
            message("rapor.jp.missing", gap=_number(gap), target=_number(r.jp_target))
            if gap > 1e-9
            else message("rapor.jp.met", target=_number(r.jp_target))
        )
        parts = message(
            "rapor.jp.parts",
            modules=_number(r.jp["jp_modules"]),
            external=_number(r.jp["jp_external"]),
        )
        if r.jp_ledger.empty:
            table = f"<p>{html.escape(message('rapor.jp.no_records'))}</p>"
        else:
            rows = pd.DataFrame(
                {
                    message("rapor.jp.col.date"): [_date(d) for d in r.jp_ledger["date"]],
                    message("rapor.jp.col.title"): r.jp_ledger["title"],
                    message("rapor.jp.col.organiser"): r.jp_ledger["organiser"],
                    message("rapor.jp.col.jp"): [_number(v) for v in r.jp_ledger["jp"]],
                }
            )
            table = html_table(rows, [])
        return f"<p><b>{html.escape(status)}</b> {html.escape(parts)}</p>{table}"

    def _level_text(self, level: int) -> str:
        return _level_label(self.framework, level)

    def _competency_html(self) -> str:
        c = self.record.competencies
        rows = pd.DataFrame(
            {
                message("rapor.competency.col.name"): c["competency_name"],
                message("rapor.competency.col.pillar"): c["pillar"],
                message("rapor.competency.col.level"): [self._level_text(v) for v in c["level"]],
                message("rapor.competency.col.mastery"): c["mastery"] * 100,
                message("rapor.competency.col.cells"): c["evidence_cells"].astype(int),
            }
        )
        return (
            html_table(rows, [message("rapor.competency.col.mastery")])
            + f'<div class="muted">{html.escape(self._competency_note())}</div>'
        )

    def _competency_note(self) -> str:
        rule = self.framework.level_rule
        cells = rule.min_evidence_cells if rule is not None else 1
        return message("rapor.competency.note", cells=cells)

    def _evidence_html(self, code: str | None) -> str:
        if code is None:
            return f"<p>{html.escape(message('rapor.evidence.none'))}</p>"
        row = self.record.competencies.set_index("competency").loc[code]
        heading = message("rapor.evidence.heading", competency=row["competency_name"])
        parts = [f"<h3>{html.escape(heading)}</h3>"]
        level = int(row["level"])
        if level > 0:
            descriptor = self.framework.level_descriptor(code, level)
            text = message("rapor.evidence.descriptor", level=level, descriptor=descriptor)
            parts.append(f'<p class="muted">{html.escape(text)}</p>')
        cells = self.record.evidence[self.record.evidence["competency"] == code]
        if cells.empty:
            parts.append(f"<p>{html.escape(message('rapor.evidence.none'))}</p>")
        else:
            table = pd.DataFrame(
                {
                    message("rapor.evidence.col.assignment"): cells["assignment"],
                    message("rapor.evidence.col.cell"): cells["grade_id"],
                    message("rapor.evidence.col.score"): [
                        f"{_number(s)}/{_number(m)}"
                        for s, m in zip(cells["score"], cells["max_score"], strict=True)
                    ],
                    message("rapor.evidence.col.time"): [_when(t) for t in cells["timestamp"]],
                }
            )
            parts.append(html_table(table, []))
        return '<div class="marelan-dash">' + "".join(parts) + "</div>"

    def _badges_html(self) -> str:
        r = self.record
        heading = f"<h3>{html.escape(message('rapor.badges.heading'))}</h3>"
        if r.modules_completed.empty:
            text = message("rapor.badges.none", share=_number(r.pass_share * 100))
            return heading + f"<p>{html.escape(text)}</p>"
        badges = []
        for row in r.modules_completed.itertuples():
            detail = message(
                "rapor.badges.detail",
                jp=_number(row.jp),
                score=_number(row.score),
                max_score=_number(row.max_score),
                date=_date(row.passed_at),
            )
            badges.append(
                f'<div class="marelan-badge"><b>{html.escape(row.module_title)}</b>'
                f"<span>{html.escape(detail)}</span></div>"
            )
        return heading + f'<div class="marelan-badges">{"".join(badges)}</div>'

    def _next_html(self) -> str:
        module = self.record.next_module
        if module is None:
            text = message("rapor.next.all_done")
        else:
            text = message(
                "rapor.next.module",
                title=module.title,
                jp=_number(module.jp),
                assignment=module.assignment,
            )
        return (
            f"<h3>{html.escape(message('rapor.next.heading'))}</h3>"
            f'<div class="marelan-next">{html.escape(text)}</div>'
        )

    def _reward_html(self) -> str:
        s = self.record.standing
        tier = (
            message("rapor.reward.tier", tier=s["tier"])
            if s["tier"]
            else message("rapor.reward.no_tier")
        )
        score = message("rapor.reward.score", score=_number(s["score"]))
        rules = message("rapor.reward.rules", version=self.record.rule_version)
        return (
            f"<h3>{html.escape(message('rapor.reward.heading', year=self.record.year))}</h3>"
            f'<div class="marelan-reward"><b>{html.escape(score)} · {html.escape(tier)}</b>'
            f"<p>{html.escape(str(s['explanation']))}</p>"
            f'<div class="muted">{html.escape(rules)}</div></div>'
        )


def _html(value: str, css_class: str | None = None) -> widgets.HTML:
    # Each block carries the shared styles, so any block renders right on its own.
    widget = widgets.HTML(
        PAGE_CSS + _CSS + f'<div class="marelan-dash marelan-rapor">{value}</div>' if value else ""
    )
    if css_class:
        widget.add_class(css_class)
    return widget


def _number(value: object) -> str:
    """Indonesian number format: comma as decimal separator, no trailing zeros."""
    number = float(value)
    if math.isnan(number):
        return message("dashboard.no_value")
    text = f"{number:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _date(value: object) -> str:
    return date_label(value)


def _when(value: object) -> str:
    moment = pd.Timestamp(value)
    return f"{_date(moment)}, pukul {moment:%H.%M}"
