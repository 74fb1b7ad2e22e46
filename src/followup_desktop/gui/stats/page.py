"""The "Your search" page: every figure of :mod:`followup_desktop.core.stats`.

The figures are computed on the window's worker thread (they read the whole database)
and arrive as one frozen :class:`SearchStats`; a late answer to an older request is
dropped. Each section shows a chart and, on the next tab, a table of the same numbers
(both views of one model), says its gist in one sentence (also the chart's accessible
description), and exports its picture as PNG and its table as CSV. The suggested
multiplier is applied only by its button.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core.errors import FollowupError
from followup_desktop.core.files import write_atomically
from followup_desktop.core.queries.stats import search_stats
from followup_desktop.core.services import Change, FollowupService
from followup_desktop.core.stats import (
    CompanyResponse,
    FunnelRow,
    FunnelStep,
    SearchStats,
    StageTime,
    WeekActivity,
    csv_tables,
    funnel_summary,
    multiplier_advice,
    response_summary,
    weekly_summary,
)
from followup_desktop.gui.dialogs import Dialogs
from followup_desktop.gui.plain import PlainLabel
from followup_desktop.gui.snapshot_table import SnapshotTableModel
from followup_desktop.gui.stats.chart import BarChart, Series
from followup_desktop.gui.tasks import TaskRunner

#: Weeks the activity chart shows (the table has every week).
CHART_WEEKS = 12


def _n(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def _days(_row: object, value: float) -> str:
    return f"{value:.1f} days"


def _count_and_share(step: FunnelStep, value: float) -> str:
    share = "" if step.rate_from_applied is None else f" ({step.rate_from_applied:.0%})"
    return f"{value:g}{share}"


_FUNNEL_COLUMNS: Sequence[tuple[str, Callable[[FunnelStep], str]]] = (
    ("Step", lambda s: s.name),
    ("Count", lambda s: str(s.count)),
    ("Of the step before", lambda s: _pct(s.rate_from_previous)),
    ("Of applications", lambda s: _pct(s.rate_from_applied)),
)
_ROW_COLUMNS: Sequence[tuple[str, Callable[[FunnelRow], str]]] = (
    ("", lambda r: r.label),
    ("Applied", lambda r: str(r.applied)),
    ("Screening", lambda r: str(r.screening)),
    ("Interviews", lambda r: str(r.interviews)),
    ("Offer", lambda r: str(r.offers)),
    ("Reached interviews", lambda r: _pct(r.interview_rate)),
)
_STAGE_COLUMNS: Sequence[tuple[str, Callable[[StageTime], str]]] = (
    ("Stage", lambda r: r.stage),
    ("Median days", lambda r: _n(r.median_days)),
    ("Mean days", lambda r: _n(r.mean_days)),
    ("Stays ended", lambda r: str(r.stays)),
    ("There now", lambda r: str(r.still_there)),
)
_WEEK_COLUMNS: Sequence[tuple[str, Callable[[WeekActivity], str]]] = (
    ("Week starting", lambda w: w.week_start.isoformat()),
    ("Applications", lambda w: str(w.applications)),
    ("Interviews", lambda w: str(w.interviews)),
    ("Messages sent", lambda w: str(w.messages_sent)),
)
_COMPANY_COLUMNS: Sequence[tuple[str, Callable[[CompanyResponse], str]]] = (
    ("Company", lambda c: c.company),
    ("Interviews answered", lambda c: str(c.interviews_answered)),
    ("Median days after interview", lambda c: _n(c.median_days_after_interview)),
    ("Follow-ups answered", lambda c: str(c.follow_ups_answered)),
    ("Median days after follow-up", lambda c: _n(c.median_days_after_follow_up)),
    ("Stated timelines", lambda c: str(c.stated_samples)),
    ("Median stated days", lambda c: _n(c.median_stated_days)),
    ("Median actual days", lambda c: _n(c.median_actual_days)),
    ("Actual / stated", lambda c: _n(c.median_ratio, 2)),
)


class _Overall:
    """One bar of the response-time chart: a label and a number of days."""

    __slots__ = ("days", "label")

    def __init__(self, label: str, days: float | None) -> None:
        self.label = label
        self.days = days


_OVERALL_COLUMNS: Sequence[tuple[str, Callable[[_Overall], str]]] = (
    ("", lambda o: o.label),
    ("Median days", lambda o: _n(o.days)),
)


def _table(model: SnapshotTableModel[Any], name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setObjectName(name.lower().replace(" ", "_"))
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere else
    view.verticalHeader().setVisible(False)
    view.setCornerButtonEnabled(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setMinimumHeight(160)
    return view


class _Section(QGroupBox):
    """A titled section: its one-sentence summary, chart and table tabs, exports."""

    def __init__(self, title: str, key: str, chart: BarChart, tables: Sequence[QTableView]) -> None:
        super().__init__(title)
        self.key = key
        self.setAccessibleName(title)
        self.summary = PlainLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setAccessibleName(f"{title}: summary")
        self.chart = chart
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(f"{title}: chart or table")
        self.tabs.tabBar().setAccessibleName(f"{title}: chart or table")
        self.tabs.addTab(chart, "Chart")
        for table in tables:
            self.tabs.addTab(table, table.accessibleName().removeprefix(f"{title} ").capitalize())
        self.tables = list(tables)
        self.png_button = QPushButton("Export PNG…")
        self.png_button.setAccessibleName(f"Export the {title.lower()} chart as PNG")
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.setAccessibleName(f"Export the {title.lower()} table as CSV")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.png_button)
        buttons.addWidget(self.csv_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs)
        layout.addLayout(buttons)

    def set_summary(self, text: str) -> None:
        self.summary.setText(text)
        self.chart.setAccessibleDescription(text)


class StatsPage(QWidget):
    """Your search in numbers, on its own page of the main window (Ctrl+4)."""

    #: A settings change the page made (the multiplier): the window passes it on.
    changed = Signal(object)

    def __init__(
        self,
        service: FollowupService,
        tasks: TaskRunner,
        tz: tzinfo,
        dialogs: Dialogs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statsPage")
        self.setAccessibleName("Your search")
        self._service = service
        self._tasks = tasks
        self._tz = tz
        self._dialogs = dialogs
        self._generation = 0
        self.stale = True
        self.stats: SearchStats | None = None

        table = SnapshotTableModel
        self.funnel_model: SnapshotTableModel[FunnelStep] = table(_FUNNEL_COLUMNS, self)
        self.source_model: SnapshotTableModel[FunnelRow] = table(_ROW_COLUMNS, self)
        self.month_model: SnapshotTableModel[FunnelRow] = table(_ROW_COLUMNS, self)
        self.stage_model: SnapshotTableModel[StageTime] = table(_STAGE_COLUMNS, self)
        self.week_model: SnapshotTableModel[WeekActivity] = table(_WEEK_COLUMNS, self)
        self.overall_model: SnapshotTableModel[_Overall] = table(_OVERALL_COLUMNS, self)
        self.company_model: SnapshotTableModel[CompanyResponse] = table(_COMPANY_COLUMNS, self)
        self._build()

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        top = self._build_header()
        advice_row = self._build_advice()
        self._build_sections()
        content = QWidget()
        body = QVBoxLayout(content)
        body.addLayout(top)
        body.addWidget(self.status)
        body.addWidget(self.silence_label)
        body.addLayout(advice_row)
        row = QHBoxLayout()
        row.addWidget(self.funnel_section, 1)
        row.addWidget(self.response_section, 1)
        body.addLayout(row)
        body.addWidget(self.weekly_section)
        body.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        scroll.setAccessibleName("Your search figures")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def _build_header(self) -> QHBoxLayout:
        heading = PlainLabel("Your search")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        self.all_time = QCheckBox("All time")
        self.all_time.setChecked(True)
        self.all_time.setAccessibleName("Show all time")
        self.start_edit = QDateEdit()
        self.end_edit = QDateEdit()
        day = self._service.clock().astimezone(self._tz).date()
        today = QDate(day.year, day.month, day.day)
        for edit, name, value in (
            (self.start_edit, "From", today.addMonths(-3)),
            (self.end_edit, "To", today),
        ):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(value)
            edit.setAccessibleName(f"Period {name.lower()}")
            edit.setEnabled(False)
            edit.dateChanged.connect(self.refresh)
        self.all_time.toggled.connect(self._period_toggled)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setAccessibleName("Compute the figures again")
        self.refresh_button.clicked.connect(self.refresh)
        self.status = PlainLabel()
        self.status.setAccessibleName("Status of the figures")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.all_time)
        for caption, edit in (("From", self.start_edit), ("To", self.end_edit)):
            label = PlainLabel(caption)
            label.setBuddy(edit)
            top.addWidget(label)
            top.addWidget(edit)
        top.addWidget(self.refresh_button)
        return top

    def _build_advice(self) -> QHBoxLayout:
        self.silence_label = PlainLabel()
        self.silence_label.setWordWrap(True)
        self.silence_label.setTextFormat(Qt.TextFormat.PlainText)
        self.silence_label.setAccessibleName("Applications that went silent")
        self.advice = PlainLabel()
        self.advice.setWordWrap(True)
        self.advice.setTextFormat(Qt.TextFormat.PlainText)
        self.advice.setAccessibleName("Suggested multiplier for stated timelines")
        self.apply_button = QPushButton("Use it in the playbook")
        self.apply_button.setAccessibleName("Use the suggested multiplier in the playbook")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply_multiplier)
        advice_row = QHBoxLayout()
        advice_row.addWidget(self.advice, 1)
        advice_row.addWidget(self.apply_button)
        return advice_row

    def _build_sections(self) -> None:
        count = Series("Count", lambda s: float(s.count), _count_and_share)
        self.funnel_section = _Section(
            "Funnel",
            "funnel",
            BarChart(self.funnel_model, lambda s: s.name, [count], name="Funnel chart"),
            [
                _table(self.funnel_model, "Funnel table"),
                _table(self.source_model, "Funnel by source"),
                _table(self.month_model, "Funnel by month"),
                _table(self.stage_model, "Funnel time in stage"),
            ],
        )
        weekly = BarChart(
            self.week_model,
            lambda w: w.week_start.strftime("%d %b"),
            [
                Series("Applications", lambda w: float(w.applications)),
                Series("Interviews", lambda w: float(w.interviews)),
                Series("Messages sent", lambda w: float(w.messages_sent)),
            ],
            horizontal=False,
            last_rows=CHART_WEEKS,
            name="Weekly activity chart",
        )
        weekly.setMinimumHeight(220)
        self.weekly_section = _Section(
            "Weekly activity", "weekly", weekly, [_table(self.week_model, "Weekly activity table")]
        )
        self.response_section = _Section(
            "Response times",
            "responses",
            BarChart(
                self.overall_model,
                lambda o: o.label,
                [Series("Median days", lambda o: o.days, _days)],
                name="Response times chart",
            ),
            [
                _table(self.overall_model, "Response times table"),
                _table(self.company_model, "Response times by company"),
            ],
        )
        for section in (self.funnel_section, self.weekly_section, self.response_section):
            section.png_button.clicked.connect(lambda _=False, s=section: self.export_png(s))
            section.csv_button.clicked.connect(lambda _=False, s=section: self.export_csv(s))
        self.sections = (self.funnel_section, self.weekly_section, self.response_section)

    # -- reading -------------------------------------------------------------------------

    def period(self) -> tuple[date | None, date | None]:
        """The chosen first and last day (None for all time)."""
        if self.all_time.isChecked():
            return None, None
        start, end = self.start_edit.date().toPython(), self.end_edit.date().toPython()
        assert isinstance(start, date)
        assert isinstance(end, date)
        return start, end

    def _period_toggled(self, all_time: bool) -> None:
        self.start_edit.setEnabled(not all_time)
        self.end_edit.setEnabled(not all_time)
        self.refresh()

    def mark_stale(self) -> None:
        """The data changed: compute again when next shown (or now, if showing)."""
        self.stale = True
        if self.isVisible():
            self.refresh()

    def refresh_if_stale(self) -> None:
        """Compute the figures if something changed since they were computed."""
        if self.stale:
            self.refresh()

    def refresh(self) -> None:
        """Compute every figure on the worker; the page fills in when they arrive."""
        self.stale = False
        self._generation += 1
        generation = self._generation
        start, end = self.period()
        service, tz = self._service, self._tz
        clock: Callable[[], datetime] = service.clock

        def work() -> SearchStats:
            return search_stats(service.db, clock(), tz, start=start, end=end)

        self.status.setText("Computing…")
        self._tasks.submit(
            work,
            lambda result: self._arrived(generation, result),
            lambda error: self._failed(generation, error),
            quiet=True,
        )

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        if isinstance(error, FollowupError):
            self.status.setText(str(error))
        else:
            self.status.setText("The figures could not be computed; the log has the details.")

    def _arrived(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return  # an older request: a newer one is on its way
        assert isinstance(result, SearchStats)
        self.show_stats(result)

    def show_stats(self, stats: SearchStats) -> None:
        """Fill every model, summary and label from ``stats``."""
        self.stats = stats
        self.funnel_model.set_rows(stats.funnel)
        self.source_model.set_rows(stats.by_source)
        self.month_model.set_rows(stats.by_month)
        self.stage_model.set_rows(stats.stage_times)
        self.week_model.set_rows(stats.weeks)
        calibration = stats.calibration
        self.overall_model.set_rows(
            [
                _Overall("After an interview", stats.after_interview.median_days),
                _Overall("After a follow-up", stats.after_follow_up.median_days),
                # Over the interviews where they named a timeline and answered.
                _Overall("What they said", calibration.median_stated_days),
                _Overall("What they took", calibration.median_actual_days),
            ]
        )
        self.company_model.set_rows(stats.companies)
        self.funnel_section.set_summary(funnel_summary(stats))
        self.weekly_section.set_summary(weekly_summary(stats))
        self.response_section.set_summary(response_summary(stats))
        silence = stats.silence
        share = "" if silence.share is None else f" ({silence.share:.0%})"
        self.silence_label.setText(
            f"Went silent: {silence.silent} of {silence.judged} applications{share} had no "
            f"answer {silence.quiet_days} or more days after your last step."
        )
        self.advice.setText(multiplier_advice(stats))
        self.apply_button.setEnabled(calibration.differs)
        if calibration.suggested is not None:
            self.apply_button.setText(f"Use {calibration.suggested:g} times in the playbook")
        self.status.setText(
            f"{stats.applied} applications · computed {stats.now.astimezone(self._tz):%H:%M}"
        )

    # -- acting --------------------------------------------------------------------------

    def apply_multiplier(self) -> None:
        """Put the suggested multiplier into the playbook settings (the person asked)."""
        if self.stats is None or self.stats.calibration.suggested is None:
            return
        try:
            change: Change = self._service.apply_timeline_multiplier(
                self.stats.calibration.suggested
            )
        except FollowupError as error:
            self._dialogs.warning(self, str(error))
            return
        self.changed.emit(change)
        self.refresh()

    def export_png(self, section: _Section) -> Path | None:
        """Save the section's chart as a PNG picture."""
        path = self._dialogs.save_file(
            self, f"Export the {section.title().lower()} chart", f"{section.key}.png", "PNG (*.png)"
        )
        if path is None:
            return None
        if not section.chart.grab().save(str(path), "PNG"):
            self._dialogs.warning(self, f"Could not write {path}; choose another folder.")
            return None
        return path

    def export_csv(self, section: _Section) -> Path | None:
        """Save the section's table as CSV (UTF-8, comma-separated)."""
        if self.stats is None:
            return None
        path = self._dialogs.save_file(
            self, f"Export the {section.title().lower()} table", f"{section.key}.csv", "CSV (*.csv)"
        )
        if path is None:
            return None
        try:
            write_atomically(path, csv_tables(self.stats)[section.key].encode("utf-8"), "the table")
        except OSError as error:
            self._dialogs.warning(
                self, f"Could not write {path}: {error.strerror}. Choose another folder."
            )
            return None
        return path
