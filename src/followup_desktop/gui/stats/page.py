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

from followup_desktop.core import localformat
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.files import write_atomically
from followup_desktop.core.i18n import _, formatting_locale, ngettext
from followup_desktop.core.queries.stats import search_stats
from followup_desktop.core.services import Change, FollowupService
from followup_desktop.core.stats import (
    CompanyResponse,
    FunnelRow,
    FunnelStep,
    SearchStats,
    StageTime,
    StatsCache,
    WeekActivity,
    csv_tables,
    funnel_summary,
    multiplier_advice,
    response_summary,
    weekly_summary,
)
from followup_desktop.gui.dialogs import Dialogs, show_local_dates
from followup_desktop.gui.plain import PlainLabel
from followup_desktop.gui.snapshot_table import SnapshotTableModel
from followup_desktop.gui.stats.chart import BarChart, Series
from followup_desktop.gui.tasks import TaskRunner

#: Weeks the activity chart shows (the table has every week).
CHART_WEEKS = 12


def _fixed(value: float, digits: int) -> str:
    # A table column keeps its decimals ("10.0" beside "4.5"), which the locale's number
    # pattern would drop; only the decimal sign is the locale's ("10,0").
    from babel.numbers import get_decimal_symbol

    return f"{value:.{digits}f}".replace(".", str(get_decimal_symbol(formatting_locale())))


def _n(value: float | None, digits: int = 1) -> str:
    return "" if value is None else _fixed(value, digits)


def _pct(value: float | None) -> str:
    return "" if value is None else localformat.percent(value)


def _days(_row: object, value: float) -> str:
    return ngettext("{n} day", "{n} days", 1 if value == 1 else 2).format(n=_fixed(value, 1))


def _count_and_share(step: FunnelStep, value: float) -> str:
    if step.rate_from_applied is None:
        return localformat.number(value)
    return _("{count} ({share})").format(
        count=localformat.number(value), share=localformat.percent(step.rate_from_applied)
    )


_FUNNEL_COLUMNS: Sequence[tuple[str, Callable[[FunnelStep], str]]] = (
    (_("Step"), lambda s: s.label()),
    (_("Count"), lambda s: str(s.count)),
    (_("Of the step before"), lambda s: _pct(s.rate_from_previous)),
    (_("Of applications"), lambda s: _pct(s.rate_from_applied)),
)
_ROW_COLUMNS: Sequence[tuple[str, Callable[[FunnelRow], str]]] = (
    ("", lambda r: r.label),
    (_("Applied"), lambda r: str(r.applied)),
    (_("Screening"), lambda r: str(r.screening)),
    (_("Interviews"), lambda r: str(r.interviews)),
    (_("Offer"), lambda r: str(r.offers)),
    (_("Reached interviews"), lambda r: _pct(r.interview_rate)),
)
_STAGE_COLUMNS: Sequence[tuple[str, Callable[[StageTime], str]]] = (
    (_("Stage"), lambda r: r.label()),
    (_("Median days"), lambda r: _n(r.median_days)),
    (_("Mean days"), lambda r: _n(r.mean_days)),
    (_("Stays ended"), lambda r: str(r.stays)),
    (_("There now"), lambda r: str(r.still_there)),
)
_WEEK_COLUMNS: Sequence[tuple[str, Callable[[WeekActivity], str]]] = (
    (_("Week starting"), lambda w: localformat.short_date(w.week_start)),
    (_("Applications"), lambda w: str(w.applications)),
    (_("Interviews"), lambda w: str(w.interviews)),
    (_("Messages sent"), lambda w: str(w.messages_sent)),
)
_COMPANY_COLUMNS: Sequence[tuple[str, Callable[[CompanyResponse], str]]] = (
    (_("Company"), lambda c: c.company),
    (_("Interviews answered"), lambda c: str(c.interviews_answered)),
    (_("Median days after interview"), lambda c: _n(c.median_days_after_interview)),
    (_("Follow-ups answered"), lambda c: str(c.follow_ups_answered)),
    (_("Median days after follow-up"), lambda c: _n(c.median_days_after_follow_up)),
    (_("Stated timelines"), lambda c: str(c.stated_samples)),
    (_("Median stated days"), lambda c: _n(c.median_stated_days)),
    (_("Median actual days"), lambda c: _n(c.median_actual_days)),
    (_("Actual / stated"), lambda c: _n(c.median_ratio, 2)),
)


class _Overall:
    """One bar of the response-time chart: a label and a number of days."""

    __slots__ = ("days", "label")

    def __init__(self, label: str, days: float | None) -> None:
        self.label = label
        self.days = days


_OVERALL_COLUMNS: Sequence[tuple[str, Callable[[_Overall], str]]] = (
    ("", lambda o: o.label),
    (_("Median days"), lambda o: _n(o.days)),
)


def _table(model: SnapshotTableModel[Any], key: str, name: str, tab: str) -> QTableView:
    """A table of ``model``: ``key`` names the object, ``name`` is what a screen reader
    says, ``tab`` the label of its tab beside the chart."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setObjectName(key)
    view.setProperty("tabLabel", tab)
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
        self.summary.setAccessibleName(_("{section}: summary").format(section=title))
        self.chart = chart
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("{section}: chart or table").format(section=title))
        self.tabs.tabBar().setAccessibleName(_("{section}: chart or table").format(section=title))
        self.tabs.addTab(chart, _("Chart"))
        for table in tables:
            self.tabs.addTab(table, str(table.property("tabLabel")))
        self.tables = list(tables)
        self.png_button = QPushButton(_("Export PNG…"))
        self.png_button.setAccessibleName(
            _("Export the chart of “{section}” as PNG").format(section=title)
        )
        self.csv_button = QPushButton(_("Export CSV…"))
        self.csv_button.setAccessibleName(
            _("Export the table of “{section}” as CSV").format(section=title)
        )
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
        self.setAccessibleName(_("Your search"))
        self._service = service
        self._tasks = tasks
        self._tz = tz
        self._dialogs = dialogs
        self._generation = 0
        self.stale = True
        self.stats: SearchStats | None = None
        # What the figures were read from, kept until something is committed: a new
        # period or Refresh then only figures again (closed with the window).
        self.cache = StatsCache(service.db.path)

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
        scroll.setAccessibleName(_("Your search figures"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def _build_header(self) -> QHBoxLayout:
        heading = PlainLabel(_("Your search"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        self.all_time = QCheckBox(_("All time"))
        self.all_time.setChecked(True)
        self.all_time.setAccessibleName(_("Show all time"))
        self.start_edit = QDateEdit()
        self.end_edit = QDateEdit()
        day = self._service.clock().astimezone(self._tz).date()
        today = QDate(day.year, day.month, day.day)
        for edit, name, value in (
            (self.start_edit, _("From"), today.addMonths(-3)),
            (self.end_edit, _("To"), today),
        ):
            edit.setCalendarPopup(True)
            show_local_dates(edit)
            edit.setDate(value)
            edit.setAccessibleName(name)
            edit.setEnabled(False)
            edit.dateChanged.connect(self.refresh)
        self.all_time.toggled.connect(self._period_toggled)
        self.refresh_button = QPushButton(_("&Refresh"))
        self.refresh_button.setAccessibleName(_("Compute the figures again"))
        self.refresh_button.clicked.connect(self.refresh)
        self.status = PlainLabel()
        self.status.setAccessibleName(_("Status of the figures"))
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.all_time)
        for caption, edit in ((_("From"), self.start_edit), (_("To"), self.end_edit)):
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
        self.silence_label.setAccessibleName(_("Applications that went silent"))
        self.advice = PlainLabel()
        self.advice.setWordWrap(True)
        self.advice.setTextFormat(Qt.TextFormat.PlainText)
        self.advice.setAccessibleName(_("Suggested multiplier for stated timelines"))
        self.apply_button = QPushButton(_("Use it in the playbook"))
        self.apply_button.setAccessibleName(_("Use the suggested multiplier in the playbook"))
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply_multiplier)
        advice_row = QHBoxLayout()
        advice_row.addWidget(self.advice, 1)
        advice_row.addWidget(self.apply_button)
        return advice_row

    def _build_sections(self) -> None:
        count = Series(_("Count"), lambda s: float(s.count), _count_and_share)
        self.funnel_section = _Section(
            _("Funnel"),
            "funnel",
            BarChart(self.funnel_model, lambda s: s.label(), [count], name=_("Funnel chart")),
            [
                _table(self.funnel_model, "funnel_table", _("Funnel table"), _("Table")),
                _table(
                    self.source_model, "funnel_by_source", _("Funnel by source"), _("By source")
                ),
                _table(self.month_model, "funnel_by_month", _("Funnel by month"), _("By month")),
                _table(
                    self.stage_model,
                    "funnel_time_in_stage",
                    _("Funnel time in stage"),
                    _("Time in stage"),
                ),
            ],
        )
        weekly = BarChart(
            self.week_model,
            lambda w: localformat.day(w.week_start),
            [
                Series(_("Applications"), lambda w: float(w.applications)),
                Series(_("Interviews"), lambda w: float(w.interviews)),
                Series(_("Messages sent"), lambda w: float(w.messages_sent)),
            ],
            horizontal=False,
            last_rows=CHART_WEEKS,
            name=_("Weekly activity chart"),
        )
        weekly.setMinimumHeight(220)
        self.weekly_section = _Section(
            _("Weekly activity"),
            "weekly",
            weekly,
            [
                _table(
                    self.week_model, "weekly_activity_table", _("Weekly activity table"), _("Table")
                )
            ],
        )
        self.response_section = _Section(
            _("Response times"),
            "responses",
            BarChart(
                self.overall_model,
                lambda o: o.label,
                [Series(_("Median days"), lambda o: o.days, _days)],
                name=_("Response times chart"),
            ),
            [
                _table(
                    self.overall_model,
                    "response_times_table",
                    _("Response times table"),
                    _("Table"),
                ),
                _table(
                    self.company_model,
                    "response_times_by_company",
                    _("Response times by company"),
                    _("By company"),
                ),
            ],
        )
        for section in (self.funnel_section, self.weekly_section, self.response_section):
            section.png_button.clicked.connect(lambda _checked=False, s=section: self.export_png(s))
            section.csv_button.clicked.connect(lambda _checked=False, s=section: self.export_csv(s))
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

    def close_cache(self) -> None:
        """Let go of what was kept (the window is closing; the worker has finished)."""
        self.cache.close()

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
        service, tz, cache = self._service, self._tz, self.cache
        clock: Callable[[], datetime] = service.clock

        def work() -> SearchStats:
            return search_stats(service.db, clock(), tz, start=start, end=end, cache=cache)

        self.status.setText(_("Computing…"))
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
            self.status.setText(_("The figures could not be computed; the log has the details."))

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
                _Overall(_("After an interview"), stats.after_interview.median_days),
                _Overall(_("After a follow-up"), stats.after_follow_up.median_days),
                # Over the interviews where they named a timeline and answered.
                _Overall(_("What they said"), calibration.median_stated_days),
                _Overall(_("What they took"), calibration.median_actual_days),
            ]
        )
        self.company_model.set_rows(stats.companies)
        self.funnel_section.set_summary(funnel_summary(stats))
        self.weekly_section.set_summary(weekly_summary(stats))
        self.response_section.set_summary(response_summary(stats))
        silence = stats.silence
        self.silence_label.setText(
            ngettext(
                "Went silent: {silent} of {judged} application{share} had no answer "
                "{days} or more days after your last step.",
                "Went silent: {silent} of {judged} applications{share} had no answer "
                "{days} or more days after your last step.",
                silence.judged,
            ).format(
                silent=localformat.number(silence.silent),
                judged=localformat.number(silence.judged),
                share=""
                if silence.share is None
                else _(" ({share})").format(share=localformat.percent(silence.share)),
                days=localformat.number(silence.quiet_days),
            )
        )
        self.advice.setText(multiplier_advice(stats))
        self.apply_button.setEnabled(calibration.differs)
        if calibration.suggested is not None:
            self.apply_button.setText(
                _("Use {n} times in the playbook").format(
                    n=localformat.number(calibration.suggested)
                )
            )
        self.status.setText(
            ngettext(
                "{n} application · computed {time}",
                "{n} applications · computed {time}",
                stats.applied,
            ).format(
                n=localformat.number(stats.applied),
                time=localformat.clock(stats.now.astimezone(self._tz)),
            )
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
            self,
            _("Export the chart of “{section}”").format(section=section.title()),
            f"{section.key}.png",
            _("PNG pictures (*.png)"),
        )
        if path is None:
            return None
        if not section.chart.grab().save(str(path), "PNG"):
            self._dialogs.warning(
                self, _("Could not write {path}; choose another folder.").format(path=path)
            )
            return None
        return path

    def export_csv(self, section: _Section) -> Path | None:
        """Save the section's table as CSV (UTF-8, comma-separated)."""
        if self.stats is None:
            return None
        path = self._dialogs.save_file(
            self,
            _("Export the table of “{section}”").format(section=section.title()),
            f"{section.key}.csv",
            _("CSV files (*.csv)"),
        )
        if path is None:
            return None
        try:
            write_atomically(
                path, csv_tables(self.stats)[section.key].encode("utf-8"), _("the table")
            )
        except OSError as error:
            self._dialogs.warning(
                self,
                _("Could not write {path}: {reason}. Choose another folder.").format(
                    path=path, reason=error.strerror
                ),
            )
            return None
        return path
