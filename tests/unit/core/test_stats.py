"""The search's figures against a small search worked out by hand, on a real database."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from followup_desktop.cli import main
from followup_desktop.core.db import Database, open_database
from followup_desktop.core.demo import populate_demo
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.models import ContactRole, Direction
from followup_desktop.core.playbook.settings import load_settings
from followup_desktop.core.services import FollowupService, InterviewFields, OpportunityFields
from followup_desktop.core.stats import (
    MULTIPLIER_RANGE,
    SearchStats,
    compute_stats,
    csv_tables,
    suggest_multiplier,
    text_report,
)

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@dataclass
class Clock:
    """A clock the test sets, so every row gets the time the story says."""

    now: datetime = field(default=NOW)

    def __call__(self) -> datetime:
        return self.now


def at(day: str, hour: int = 11) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00")


def stats_of(db: Database, **period: date) -> SearchStats:
    with db.session() as session:
        return compute_stats(session, NOW, UTC, **period)


def stage_ids(service: FollowupService) -> dict[str, int]:
    return {stage.name: stage.id for stage in service.stages()}


def interview(service: FollowupService, opportunity_id: int, day: str, **fields: Any) -> int | None:
    return service.record_interview(
        opportunity_id, at(day, 10), at(day, 11), "UTC", InterviewFields.from_mapping(fields)
    ).created_id


def build_search(db: Database) -> FollowupService:
    """The story the expected figures below are worked out from.

    Acme: applied 1 Oct, interview 5 Oct ("we decide within 5 days"), thank-you the same
    day, a follow-up 12 Oct, their answer 15 Oct (10 days after the interview: twice what
    they said; 3 days after the follow-up); a second interview 20 Oct ("by 24 Oct", 4
    days), their answer 30 Oct (10 days, 2.5 times), then an offer.
    Birch: applied 10 Oct and never heard of again (no interview).
    Cedar: applied 20 Oct, a reply 22 Oct *before* the interview of 25 Oct ("a week"),
    a follow-up 5 Nov, nothing since.
    Dogwood: still on the wishlist (not applied).
    Elm: applied 2 Oct, interview 6 Oct ("3 days"), the answer the next day: rejected.
    """
    clock = Clock()
    service = FollowupService(db, clock=clock)
    stages = stage_ids(service)

    def create(company: str, day: str, **fields: Any) -> int:
        clock.now = at(day, 10)
        created = service.create_opportunity(
            company, "Engineer", OpportunityFields.from_mapping(fields)
        ).created_id
        assert created is not None
        return created

    def move(opportunity_id: int, stage: str, day: str) -> None:
        clock.now = at(day, 12)
        service.move_opportunities([opportunity_id], stages[stage])

    def mail(opportunity_id: int, direction: Direction, moment: datetime, **fields: Any) -> None:
        service.log_correspondence(opportunity_id, direction, moment, **fields)

    acme = create("Acme", "2026-10-01", source="LinkedIn")
    interview(service, acme, "2026-10-05", decision_timeline_days=5)
    mail(acme, Direction.SENT, at("2026-10-05", 15), subject="Thank you")
    mail(acme, Direction.SENT, at("2026-10-12"), subject="Checking in")
    mail(acme, Direction.RECEIVED, at("2026-10-15"), subject="Next round")
    move(acme, "Screening", "2026-10-15")
    move(acme, "Interviewing", "2026-10-16")
    interview(service, acme, "2026-10-20", decision_date=date(2026, 10, 24))
    mail(acme, Direction.RECEIVED, at("2026-10-30"), subject="Offer")
    move(acme, "Offer", "2026-10-30")

    create("Birch", "2026-10-10", source="Job board")

    cedar = create("Cedar", "2026-10-20", source="LinkedIn")
    mail(cedar, Direction.RECEIVED, at("2026-10-22"), subject="Let us talk")
    interview(service, cedar, "2026-10-25", decision_timeline_days=7)
    mail(cedar, Direction.SENT, at("2026-11-05"), subject="Checking in")

    create("Dogwood", "2026-11-25", stage_id=stages["Wishlist"])

    elm = create("Elm", "2026-10-02")
    interview(service, elm, "2026-10-06", decision_timeline_days=3)
    mail(elm, Direction.RECEIVED, at("2026-10-07"), subject="Your application")
    move(elm, "Rejected", "2026-10-07")
    return service


@pytest.fixture
def search(database: Database) -> Database:
    build_search(database)
    return database


def test_an_empty_search_has_no_figures_and_no_suggestion(database: Database) -> None:
    stats = stats_of(database)
    assert [step.count for step in stats.funnel] == [0, 0, 0, 0]
    assert all(step.rate_from_applied is None for step in stats.funnel)
    assert stats.by_source == () and stats.by_month == () and stats.stage_times == ()
    assert (stats.silence.silent, stats.silence.judged, stats.silence.share) == (0, 0, None)
    assert stats.weeks == ()
    assert stats.after_interview.answered == stats.after_interview.unanswered == 0
    assert stats.companies == ()
    assert stats.calibration.samples == 0 and stats.calibration.suggested is None
    assert stats.calibration.current == 2.0  # the playbook's default: double it
    assert "  No applications in this period yet, so there is no funnel to show." in text_report(
        stats
    )
    json.dumps(stats.as_json())  # plain JSON types only


def test_funnel_counts_and_rates(search: Database) -> None:
    stats = stats_of(search)
    # Applied: Acme, Birch, Cedar, Elm (Dogwood is on the wishlist). Screening: Acme (by
    # stage), Cedar and Elm (one interview each). Interviews: Acme. Offer: Acme.
    assert [(s.name, s.count) for s in stats.funnel] == [
        ("Applied", 4),
        ("Screening", 3),
        ("Interviews", 1),
        ("Offer", 1),
    ]
    assert [s.rate_from_previous for s in stats.funnel] == [None, 0.75, pytest.approx(1 / 3), 1.0]
    assert [s.rate_from_applied for s in stats.funnel] == [1.0, 0.75, 0.25, 0.25]
    sources = {
        row.label: (row.applied, row.screening, row.interviews, row.offers)
        for row in stats.by_source
    }
    assert sources == {
        "LinkedIn": (2, 2, 1, 1),
        "Job board": (1, 0, 0, 0),
        "(not recorded)": (1, 1, 0, 0),
    }
    assert stats.by_source[0].label == "LinkedIn"  # most applications first
    assert [(row.label, row.applied) for row in stats.by_month] == [("2026-10", 4)]


def test_time_in_each_stage(search: Database) -> None:
    stays = {row.stage: row for row in stats_of(search).stage_times}
    # Applied: Acme 1 Oct 10:00 -> 15 Oct 12:00 (14 d 2 h), Elm 2 Oct 10:00 -> 7 Oct 12:00
    # (5 d 2 h); Birch and Cedar are still there. Rejected is an end, not a stage to time.
    applied = stays["Applied"]
    assert applied.stays == 2 and applied.still_there == 2
    assert applied.median_days == pytest.approx((14 + 5) / 2 + 2 / 24)
    assert stays["Screening"].median_days == pytest.approx(1.0)
    assert stays["Interviewing"].median_days == pytest.approx(14.0)
    assert (stays["Offer"].stays, stays["Offer"].still_there) == (0, 1)
    assert "Rejected" not in stays and "Wishlist" not in stays


def test_silence_is_no_answer_three_weeks_after_the_last_step(search: Database) -> None:
    silence = stats_of(search).silence
    # Birch: nothing since applying on 10 Oct. Cedar: its only reply came before the
    # interview, and nothing after the follow-up of 5 Nov (25 days ago). Acme (offer) and
    # Elm (rejected) ended with an answer: judged, not silent.
    assert (silence.silent, silence.judged) == (2, 4)
    assert silence.share == 0.5


def test_a_recent_step_is_not_silence_yet(database: Database) -> None:
    service = FollowupService(database, clock=Clock(NOW - timedelta(days=20)))
    service.create_opportunity("Fir", "Engineer")
    silence = stats_of(database).silence
    assert (silence.silent, silence.judged) == (0, 0)


def test_response_times_after_interviews_and_follow_ups(search: Database) -> None:
    stats = stats_of(search)
    # Acme 10 and 10 days, Elm 1 day; Cedar's reply came before its interview: none.
    assert stats.after_interview.answered == 3
    assert stats.after_interview.unanswered == 1
    assert stats.after_interview.median_days == pytest.approx(10.0)
    # Acme's follow-up of 12 Oct was answered 3 days later; Cedar's of 5 Nov was not. The
    # thank-you on the day of the interview is not a follow-up.
    assert stats.after_follow_up.answered == 1
    assert stats.after_follow_up.unanswered == 1
    assert stats.after_follow_up.median_days == pytest.approx(3.0)


def test_a_company_that_answered_later_than_it_said(search: Database) -> None:
    companies = {row.company: row for row in stats_of(search).companies}
    acme = companies["Acme"]
    assert (acme.interviews_answered, acme.follow_ups_answered, acme.stated_samples) == (2, 1, 2)
    assert acme.median_days_after_interview == pytest.approx(10.0)
    assert acme.median_days_after_follow_up == pytest.approx(3.0)
    assert acme.median_stated_days == pytest.approx(4.5)  # 5 days, and "by 24 Oct" = 4
    assert acme.median_actual_days == pytest.approx(10.0)
    assert acme.median_ratio == pytest.approx((2.0 + 2.5) / 2)
    assert companies["Elm"].median_ratio == pytest.approx(1 / 3)
    assert "Cedar" not in companies and "Birch" not in companies  # never answered


def test_the_suggested_multiplier_and_what_it_rests_on(search: Database) -> None:
    calibration = stats_of(search).calibration
    # Ratios 2.0 and 2.5 (Acme) and 1/3 (Elm): the median is 2.0.
    assert calibration.samples == 3
    assert calibration.median_ratio == pytest.approx(2.0)
    assert calibration.suggested == 2.0
    assert calibration.current == 2.0 and not calibration.differs
    # Cedar said a week, 36 days ago, and has not answered.
    assert calibration.overdue_unanswered == 1


def test_no_suggestion_under_three_samples_and_clamped_to_a_sensible_range() -> None:
    assert suggest_multiplier(1.7, 2) is None
    assert suggest_multiplier(None, 10) is None
    assert suggest_multiplier(1.74, 3) == 1.7
    assert suggest_multiplier(0.4, 5) == MULTIPLIER_RANGE[0]  # never ask before their day
    assert suggest_multiplier(7.0, 5) == MULTIPLIER_RANGE[1]


def test_weekly_activity_fills_quiet_weeks(search: Database) -> None:
    weeks = {
        w.week_start.isoformat(): (w.applications, w.interviews, w.messages_sent)
        for w in stats_of(search).weeks
    }
    assert min(weeks) == "2026-09-28" and max(weeks) == "2026-11-30"
    assert len(weeks) == 10
    assert weeks["2026-09-28"] == (2, 0, 0)  # Acme, Elm
    assert weeks["2026-10-05"] == (1, 2, 1)  # Birch; Acme and Elm; the thank-you
    assert weeks["2026-10-12"] == (0, 0, 1)  # Acme's follow-up
    assert weeks["2026-10-19"] == (1, 2, 0)  # Cedar; Acme's second and Cedar's interview
    assert weeks["2026-11-02"] == (0, 0, 1)  # Cedar's follow-up
    assert weeks["2026-11-16"] == (0, 0, 0)


def test_a_period_limits_applications_interviews_and_follow_ups(search: Database) -> None:
    stats = stats_of(search, start=date(2026, 10, 10), end=date(2026, 10, 31))
    # Applied in the period: Birch and Cedar. Interviews in it: Acme's second, Cedar's.
    assert [s.count for s in stats.funnel] == [2, 1, 0, 0]
    assert stats.after_interview.answered == 1 and stats.after_interview.unanswered == 1
    assert stats.after_follow_up.answered == 1  # Acme's of 12 Oct
    assert stats.weeks[0].week_start == date(2026, 10, 5)
    assert stats.weeks[-1].week_start == date(2026, 10, 26)
    with pytest.raises(ValidationError, match="before it starts"):
        stats_of(search, start=date(2026, 10, 31), end=date(2026, 10, 1))


def test_a_referrers_note_and_a_thank_you_acknowledgement_are_no_answer(
    database: Database,
) -> None:
    clock = Clock(at("2026-10-01", 10))
    service = FollowupService(database, clock=clock)
    opportunity = service.create_opportunity("Oak", "Engineer").created_id
    assert opportunity is not None
    friend = service.add_contact("Robin Referrer").created_id
    assert friend is not None
    service.link_contact(opportunity, friend, ContactRole.REFERRER)
    interview(service, opportunity, "2026-10-05", decision_timeline_days=5)
    thanks = service.add_action("thank_you", at("2026-10-06"), opportunity_id=opportunity)
    assert thanks.created_id is not None
    service.complete_action(thanks.created_id)
    service.log_correspondence(
        opportunity,
        Direction.SENT,
        at("2026-10-05", 16),
        subject="Thank you",
        action_id=thanks.created_id,
    )
    service.log_correspondence(
        opportunity, Direction.RECEIVED, at("2026-10-06"), subject="Re: Thank you"
    )
    service.log_correspondence(
        opportunity, Direction.RECEIVED, at("2026-10-07"), subject="Any news?", contact_id=friend
    )
    assert stats_of(database).after_interview.answered == 0
    service.log_correspondence(opportunity, Direction.RECEIVED, at("2026-10-12"), subject="News")
    after = stats_of(database).after_interview
    assert after.answered == 1 and after.median_days == pytest.approx(7.0)


def test_applying_the_multiplier_changes_the_playbook_only_when_asked(search: Database) -> None:
    service = FollowupService(search, clock=Clock())
    with search.session() as session:
        before = load_settings(session)
    assert before.timeline_multiplier == 2.0
    stats_of(search)  # computing never writes
    with search.session() as session:
        assert load_settings(session) == before
    change = service.apply_timeline_multiplier(1.5)
    assert "settings" in change.entities
    with search.session() as session:
        after = load_settings(session)
    assert (after.timeline_multiplier, after.double_timeline) == (1.5, True)
    assert stats_of(search).calibration.current == 1.5


def test_csv_tables_hold_the_same_numbers(search: Database) -> None:
    stats = stats_of(search)
    tables = csv_tables(stats)
    assert tables["funnel"].splitlines()[1:] == [
        "Applied,4,,1.000",
        "Screening,3,0.750,0.750",
        "Interviews,1,0.333,0.250",
        "Offer,1,1.000,0.250",
    ]
    assert len(tables["weekly"].splitlines()) == 1 + len(stats.weeks)
    assert "Acme,2,10.0,1,3.0,2,4.5,10.0,2.25" in tables["responses"].splitlines()


def run_cli(*arguments: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(list(arguments)) == 0
    captured = capsys.readouterr()
    run_cli.err = captured.err  # type: ignore[attr-defined]
    return captured.out


def test_cli_text_and_json_agree_with_the_core(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(db_path)
    build_search(db)
    expected = stats_of(db)
    db.close()
    now = ["--now", NOW.isoformat()]
    data = json.loads(run_cli("--db", str(db_path), "stats", "--json", *now, capsys=capsys))
    assert data == json.loads(json.dumps(expected.as_json()))
    assert [step["count"] for step in data["funnel"]] == [4, 3, 1, 1]
    text = run_cli("--db", str(db_path), "stats", *now, capsys=capsys)
    assert text.splitlines() == text_report(expected)
    assert "Suggested multiplier: 2" in text
    period = json.loads(
        run_cli(
            "--db",
            str(db_path),
            "stats",
            "--json",
            "--from",
            "2026-10-10",
            "--to",
            "2026-10-31",
            *now,
            capsys=capsys,
        )
    )
    assert [step["count"] for step in period["funnel"]] == [2, 1, 0, 0]
    assert main(["--db", str(db_path), "stats", "--from", "October"]) == 2
    assert "--from needs a day like" in capsys.readouterr().err


def test_cli_applies_the_multiplier_only_with_the_flag(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(db_path)
    service = build_search(db)
    service.apply_timeline_multiplier(1.2)
    db.close()
    now = ["--now", NOW.isoformat()]
    run_cli("--db", str(db_path), "stats", *now, capsys=capsys)
    db = open_database(db_path)
    with db.session() as session:
        assert load_settings(session).timeline_multiplier == 1.2
    db.close()
    run_cli("--db", str(db_path), "stats", "--apply-multiplier", *now, capsys=capsys)
    assert "now waits 2 times their stated timeline" in run_cli.err  # type: ignore[attr-defined]
    db = open_database(db_path)
    with db.session() as session:
        assert load_settings(session).timeline_multiplier == 2.0
    db.close()


def test_cli_refuses_to_apply_without_enough_data(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_database(db_path).close()
    assert main(["--db", str(db_path), "stats", "--apply-multiplier"]) == 2
    assert "no multiplier to apply yet" in capsys.readouterr().err


def test_the_demo_search_gives_a_plausible_picture(db_path: Path) -> None:
    db = open_database(db_path)
    populate_demo(db, 120, seed=0, now=NOW)
    stats = stats_of(db)
    db.close()
    applied, screening, interviews, offers = (step.count for step in stats.funnel)
    assert applied > screening > interviews > offers > 0
    assert stats.silence.share is not None and 0.05 < stats.silence.share < 0.6
    assert 2 < (stats.after_interview.median_days or 0) < 14
    calibration = stats.calibration
    assert calibration.samples >= 10
    # Employers in the demo run late, as the playbook expects: between "a bit" and double.
    assert calibration.suggested is not None and 1.2 <= calibration.suggested <= 2.2
    assert any(week.applications for week in stats.weeks[-6:])


@pytest.mark.parametrize("offset", [0, 3600, -18000, 19800, 50400, -43200])
def test_local_weeks_match_sqlite_dates_at_midnight(offset: int) -> None:
    """The week found from a Julian day is the one SQLite's date() gives, to the
    millisecond either side of local midnight, whatever the zone's offset."""
    import sqlite3

    from followup_desktop.core.stats import _UNIX_EPOCH_JD_MS, _week_of

    connection = sqlite3.connect(":memory:")
    modifier = f"{offset:+d} seconds"
    # Local midnight on a Sunday, a Monday and a mid-week day, in UTC.
    midnights = [
        datetime(2026, 11, day, tzinfo=UTC) - timedelta(seconds=offset) for day in (29, 30, 4)
    ]
    moments = [
        midnight + timedelta(microseconds=shift)
        for midnight in midnights
        for shift in (-1000, -501, -499, -1, 0, 1, 499, 500, 1000)
    ]
    checked = 0
    for moment in moments:
        stamp = moment.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        julian, monday = connection.execute(
            "SELECT julianday(?), date(?, ?, 'weekday 0', '-6 days')",
            (stamp, stamp, modifier),
        ).fetchone()
        expected = date.fromisoformat(monday).toordinal() - date(1970, 1, 1).toordinal()
        assert _week_of(julian, offset * 1000 - _UNIX_EPOCH_JD_MS) == expected, stamp
        checked += 1
    assert checked == len(moments) == 27


def test_the_report_speaks_german_and_french(database: Database) -> None:
    from followup_desktop.core import i18n

    stats = stats_of(database)
    try:
        i18n.set_language("de")
        lines = text_report(stats)
        assert lines[0] == "Ihre Suche (alles)"
        assert any(line.startswith("  Beworben ") for line in lines)
        assert "Der Leitfaden wartet jetzt das 2-Fache" in lines[-1]
        i18n.set_language("fr")
        lines = text_report(stats)
        assert lines[0] == "Votre recherche (tout)"
        assert "Délais de réponse" in lines
    finally:
        i18n.set_language("en")
