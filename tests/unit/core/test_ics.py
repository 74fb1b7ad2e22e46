"""Calendar files: export parsed back by an independent parser, invitations imported."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from sqlalchemy import func, select

from followup_desktop.core.db import Database
from followup_desktop.core.errors import ImportFormatError, ValidationError
from followup_desktop.core.ics import (
    ActionsAs,
    display_name,
    guess_company_and_role,
    iana_zone_name,
    propose,
    read_invitation_file,
    read_invitations,
)
from followup_desktop.core.ics.parse import Invitation, Person
from followup_desktop.core.models import (
    Action,
    ActionState,
    Contact,
    ContactRole,
    Interview,
    Opportunity,
    OpportunityContact,
    Stage,
    StageKind,
)
from followup_desktop.core.services import (
    DebriefFields,
    FollowupService,
    InterviewFields,
    PanelMember,
)
from followup_desktop.core.services.standalone import (
    export_calendar,
    import_ics_file,
    import_invitations,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "ics"
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def fixture(name: str) -> Path:
    return FIXTURES / name


def counts(db: Database) -> tuple[int, int, int]:
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Opportunity)) or 0,
            session.scalar(select(func.count()).select_from(Interview)) or 0,
            session.scalar(select(func.count()).select_from(Contact)) or 0,
        )


def parse_back(path: Path) -> list[vobject.base.Component]:
    text = path.read_text(encoding="utf-8")
    return list(vobject.readComponents(text))


# -- export --------------------------------------------------------------------------


def seed(service: FollowupService) -> tuple[int, int]:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    starts = datetime(2026, 11, 24, 10, tzinfo=BERLIN)
    interview = service.record_interview(
        acme,
        starts,
        starts + timedelta(hours=1),
        "Europe/Berlin",
        InterviewFields(location="Acme HQ, Berlin", decision_timeline_days=10),
    ).created_id
    assert interview is not None
    service.set_panel(interview, [PanelMember("Ida Ng", email="ida@acme.example")])
    return acme, interview


def test_export_is_valid_icalendar_read_back_by_vobject(
    service: FollowupService, tmp_path: Path
) -> None:
    acme, interview = seed(service)
    target = tmp_path / "followup.ics"
    result = export_calendar(service.db, target, now=NOW)
    assert result.interviews == 1
    assert result.decisions == 1
    assert result.actions >= 1
    raw = target.read_bytes()
    assert b"\r\n" in raw
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded as RFC 5545 says

    (calendar,) = parse_back(target)
    assert calendar.prodid.value.startswith("-//Followup")
    events = calendar.contents["vevent"]
    by_uid = {event.uid.value: event for event in events}
    event = by_uid[f"interview-{interview}@followup.invalid"]
    assert event.dtstart.value == datetime(2026, 11, 24, 10, tzinfo=BERLIN)
    assert event.dtstart.value.utcoffset() == timedelta(hours=1)
    assert b"DTSTART;TZID=Europe/Berlin:20261124T100000" in raw.replace(b"\r\n ", b"")
    assert "vtimezone" in calendar.contents  # add_missing_timezones() did its work
    assert event.summary.value == "Interview: Analyst at Acme"
    assert event.location.value == "Acme HQ, Berlin"
    assert event.attendee.value == "mailto:ida@acme.example"
    assert event.sequence.value == "0"
    for component in events:
        assert component.dtstamp.value == NOW
    decision = by_uid[f"decision-{interview}@followup.invalid"]
    assert decision.dtstart.value == date(2026, 12, 4)
    actions = [e for e in events if e.uid.value.startswith("action-")]
    assert actions
    for action in actions:
        assert action.valarm.action.value == "DISPLAY"
        assert action.valarm.trigger.value == timedelta(0)
    with service.db.session() as session:
        open_ids = set(
            session.scalars(
                select(Action.id).where(
                    Action.opportunity_id == acme, Action.state == ActionState.OPEN
                )
            )
        )
    assert {f"action-{i}@followup.invalid" for i in open_ids} <= set(by_uid)


def test_uids_are_stable_and_sequence_rises_only_on_change(
    service: FollowupService, tmp_path: Path
) -> None:
    _acme, interview = seed(service)
    first, second, third = (tmp_path / f"{n}.ics" for n in ("a", "b", "c"))
    export_calendar(service.db, first, now=NOW)
    export_calendar(service.db, second, now=NOW + timedelta(hours=1))

    def sequences(path: Path) -> dict[str, int]:
        (calendar,) = parse_back(path)
        return {e.uid.value: int(e.sequence.value) for e in calendar.contents["vevent"]}

    assert sequences(first) == sequences(second)
    uid = f"interview-{interview}@followup.invalid"
    assert sequences(first)[uid] == 0
    later = datetime(2026, 11, 25, 14, tzinfo=BERLIN)
    service.update_interview(
        interview, InterviewFields(starts_at=later, ends_at=later + timedelta(hours=1))
    )
    export_calendar(service.db, third, now=NOW)
    assert sequences(third)[uid] == 1
    assert set(sequences(third)) >= {uid}


def test_export_of_one_opportunity_and_todos(service: FollowupService, tmp_path: Path) -> None:
    acme, interview = seed(service)
    other = service.create_opportunity("Globex", "Planner").created_id
    assert other is not None
    service.record_interview(
        other, NOW + timedelta(days=3), NOW + timedelta(days=3, hours=1), "UTC"
    )
    target = tmp_path / "acme.ics"
    export_calendar(service.db, target, opportunity_id=acme, actions_as=ActionsAs.TODOS, now=NOW)
    (calendar,) = parse_back(target)
    summaries = [e.summary.value for e in calendar.contents["vevent"]]
    assert all("Globex" not in text for text in summaries)
    todos = calendar.contents["vtodo"]
    assert todos
    assert all(todo.valarm.action.value == "DISPLAY" for todo in todos)
    assert all(todo.due.value.tzinfo is not None for todo in todos)
    del interview


def test_export_refuses_an_unknown_opportunity_and_a_missing_folder(
    service: FollowupService, tmp_path: Path
) -> None:
    from followup_desktop.core.errors import ValidationError

    with pytest.raises(ValidationError, match="does not exist"):
        export_calendar(service.db, tmp_path / "x.ics", opportunity_id=999, now=NOW)
    with pytest.raises(ValidationError, match="folder"):
        export_calendar(service.db, tmp_path / "nope" / "x.ics", now=NOW)
    assert not [p for p in tmp_path.iterdir() if ".ics" in p.name]


def test_export_is_atomic_when_writing_fails(
    service: FollowupService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(service)
    target = tmp_path / "cal.ics"
    target.write_bytes(b"old")

    def fail(self: Path, other: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", fail)
    full = r"Cannot write the calendar .*: the disk is full \(No space"
    with pytest.raises(ValidationError, match=full):
        export_calendar(service.db, target, now=NOW)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".cal")] == []
    # A failed export does not count: the next one starts the sequences afresh.
    assert service.get_setting("calendar.sequences") is None


def test_reimporting_our_own_export_updates_instead_of_duplicating(
    service: FollowupService, tmp_path: Path
) -> None:
    _acme, interview = seed(service)
    target = tmp_path / "round-trip.ics"
    export_calendar(service.db, target, now=NOW)
    before = counts(service.db)
    invitations = [i for i in read_invitation_file(target) if i.uid.startswith("interview-")]
    # Our UIDs are not invitation UIDs: they match no stored ical_uid, so only a file that
    # came from an invitation (next tests) updates in place. Our export keeps those UIDs.
    assert invitations[0].starts_at == datetime(2026, 11, 24, 9, tzinfo=UTC)
    assert invitations[0].timezone == "Europe/Berlin"
    assert counts(service.db) == before
    del interview


# -- reading invitations -------------------------------------------------------------


def test_google_invitation_with_vtimezone_and_folded_lines() -> None:
    (invitation,) = read_invitation_file(fixture("google.ics"), BERLIN)
    assert invitation.uid == "5q1jrb7v0kt8hb2m1u6c4e9d3s@google.com"
    assert invitation.starts_at == datetime(2026, 12, 1, 19, tzinfo=UTC)
    assert invitation.ends_at == datetime(2026, 12, 1, 20, tzinfo=UTC)
    assert invitation.timezone == "America/New_York"
    assert not invitation.cancelled
    assert invitation.location == "https://meet.google.com/xqv-brtd-kmn"
    assert "45 minutes with Marcus, then 15 minutes" in invitation.description
    emails = [person.email for person in invitation.attendees]
    assert "alex.candidate@gmail.com" in emails  # unfolded across three lines
    assert invitation.organizer is not None
    assert invitation.organizer.name == "Dana Whitfield"


@pytest.mark.parametrize(
    ("name", "utc_start", "zone"),
    [
        ("outlook.ics", datetime(2026, 12, 3, 9, tzinfo=UTC), "Europe/Berlin"),
        ("teams.ics", datetime(2026, 12, 4, 18, 30, tzinfo=UTC), "America/New_York"),
        ("zoom.ics", datetime(2026, 12, 7, 1, tzinfo=UTC), "UTC"),
        ("folded.ics", datetime(2026, 12, 10, 8, 30, tzinfo=UTC), "UTC"),
    ],
)
def test_senders_times_and_windows_zone_names(name: str, utc_start: datetime, zone: str) -> None:
    (invitation,) = read_invitation_file(fixture(name), BERLIN)
    assert invitation.starts_at == utc_start
    assert invitation.timezone == zone


def test_windows_zone_name_without_vtimezone_block() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\n"
        b"UID:no-vtimezone@example.org\r\nDTSTAMP:20261118T120000Z\r\n"
        b"DTSTART;TZID=W. Europe Standard Time:20260701T100000\r\n"
        b"DTEND;TZID=W. Europe Standard Time:20260701T110000\r\n"
        b"SUMMARY:Interview\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (invitation,) = read_invitations(data, BERLIN)
    assert invitation.starts_at == datetime(2026, 7, 1, 8, tzinfo=UTC)  # summer time
    assert invitation.timezone == "Europe/Berlin"


def test_iana_zone_name_maps_windows_names() -> None:
    value = datetime(2026, 1, 1, tzinfo=UTC)
    assert iana_zone_name("Eastern Standard Time", value.replace(tzinfo=None)) == (
        "America/New_York"
    )
    assert iana_zone_name("Not A Zone", value.replace(tzinfo=None)) == "UTC"


def test_all_day_event_is_placed_in_the_morning_and_says_so(
    service: FollowupService,
) -> None:
    (invitation,) = read_invitation_file(fixture("all_day.ics"), BERLIN)
    assert invitation.all_day
    assert invitation.starts_at == datetime(2026, 12, 9, 8, tzinfo=UTC)  # 09:00 Berlin
    result = import_invitations(service.db, [invitation], now=NOW)
    with service.db.session() as session:
        interview = session.get(Interview, result.created[0])
        assert interview is not None
        assert "whole day" in interview.notes


def test_multi_event_file_imports_every_event(service: FollowupService) -> None:
    result = import_ics_file(service.db, fixture("multi.ics"), now=NOW, tz=BERLIN)
    assert len(result.created) == 3
    assert len(result.opportunities_created) == 1  # the later events join the first one's
    with service.db.session() as session:
        opportunities = session.scalars(select(Opportunity)).all()
        assert [(o.company, o.role) for o in opportunities] == [("Lumenpath", "Backend Developer")]
        interviews = session.scalars(select(Interview).order_by(Interview.starts_at)).all()
        assert [i.round for i in interviews] == [1, 2, 3]
        assert interviews[2].ends_at - interviews[2].starts_at == timedelta(minutes=45)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not_a_calendar.ics", "not a calendar file"),
        ("truncated.ics", "cut off"),
        ("bad_date.ics", "cannot be read"),
        ("no_events.ics", "no events"),
    ],
)
def test_broken_files_get_a_clear_error_and_change_nothing(
    service: FollowupService, name: str, message: str
) -> None:
    seed(service)
    before = counts(service.db)
    with pytest.raises(ImportFormatError, match=message) as error:
        import_ics_file(service.db, fixture(name), now=NOW)
    assert name in str(error.value)
    assert counts(service.db) == before


def test_missing_file_is_a_clear_error(service: FollowupService, tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="cannot be read"):
        import_ics_file(service.db, tmp_path / "missing.ics", now=NOW)


def test_a_failure_halfway_rolls_back_every_event(service: FollowupService) -> None:
    import dataclasses
    from datetime import timedelta

    from followup_desktop.core.errors import ValidationError

    good = read_invitation_file(fixture("multi.ics"))
    # Reading refuses a two-day event (below), so the bad one is made by hand: the
    # import's own check must still roll back the events before it.
    bad = dataclasses.replace(
        good[0], uid="too-long@example.org", ends_at=good[0].starts_at + timedelta(days=2)
    )
    with pytest.raises(ValidationError, match="a day or more"):
        import_invitations(service.db, [*good, bad], now=NOW)
    assert counts(service.db) == (0, 0, 0)


def test_an_event_of_a_day_or_more_is_refused_when_read() -> None:
    with pytest.raises(ImportFormatError, match="a day or more") as caught:
        read_invitations(
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\n"
            b"UID:too-long@example.org\r\nDTSTAMP:20261118T120000Z\r\n"
            b"DTSTART:20261201T100000Z\r\nDTEND:20261203T100000Z\r\n"
            b"SUMMARY:Two-day retreat\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    assert "too-long@example.org" in str(caught.value)


# -- matching and people -------------------------------------------------------------


def test_names_from_summaries_and_domains() -> None:
    from followup_desktop.core.ics import Person

    assert guess_company_and_role(
        "Copperleaf <> Alex Candidate: Data Engineer interview",
        Person("Dana", "dana@copperleaf.com"),
    ) == ("Copperleaf", "Data Engineer")
    assert guess_company_and_role(
        "Interview Senior Backend Engineer - Granitehaus", Person("K", "k@granitehaus.de")
    ) == ("Granitehaus", "Senior Backend Engineer")
    assert guess_company_and_role(
        "Quietstone Technical Interview - Site Reliability Engineer", None
    ) == ("Quietstone", "Site Reliability Engineer")
    assert guess_company_and_role("Interview", Person("R", "r@talent.willowbyte.co.uk")) == (
        "Willowbyte",
        "Role from an invitation",
    )
    assert display_name("Lehmann, Katrin", "k@x.de") == "Katrin Lehmann"
    assert display_name("", "jonas.brandt@x.de") == "Jonas Brandt"


def test_invitation_matches_an_existing_opportunity_by_domain_or_summary(
    service: FollowupService,
) -> None:
    granite = service.create_opportunity("Granitehaus GmbH", "Backend Engineer").created_id
    tidal = service.create_opportunity("Tidalworks", "Platform Engineer").created_id
    invitations = [
        *read_invitation_file(fixture("outlook.ics")),
        *read_invitation_file(fixture("teams.ics")),
        *read_invitation_file(fixture("zoom.ics")),
    ]
    with service.db.session() as session:
        proposals = propose(session, invitations)
    assert [p.opportunity_id for p in proposals] == [granite, tidal, None]
    assert "organizer" in proposals[0].matched_by
    assert proposals[2].company == "Quietstone"


def test_import_adds_the_panel_skips_the_own_address_and_links_the_recruiter(
    service: FollowupService,
) -> None:
    service.set_setting(
        "email.account",
        {
            "host": "smtp.example",
            "port": 587,
            "security": "starttls",
            "username": "alex",
            "from_address": "Alex.Candidate@gmail.com",
        },
    )
    result = import_ics_file(service.db, fixture("outlook.ics"), now=NOW)
    (interview_id,) = result.created
    with service.db.session() as session:
        interview = session.get(Interview, interview_id)
        assert interview is not None
        names = [p.contact.name for p in interview.participants]
        assert names == ["Jonas Brandt"]  # own address and the shared mailbox left out
        assert interview.ical_uid is not None
        assert interview.ical_uid.startswith("040000008200E00074C5B7101A82E008")
        assert interview.location.startswith("Granitehaus GmbH, Torstraße 12")
        assert interview.kind.value == "onsite"
        recruiter = session.scalars(
            select(Contact.name)
            .join(OpportunityContact, OpportunityContact.contact_id == Contact.id)
            .where(OpportunityContact.role == ContactRole.RECRUITER)
        ).all()
        assert recruiter == ["Katrin Lehmann"]
        opportunity = session.get(Opportunity, interview.opportunity_id)
        assert opportunity is not None
        assert (opportunity.company, opportunity.role) == (
            "Granitehaus",
            "Senior Backend Engineer",
        )
        # The planner ran: a debrief or thank-you is planned for the new interview.
        planned = session.scalars(
            select(Action.kind).where(Action.interview_id == interview_id)
        ).all()
        assert planned


def test_second_import_of_an_invitation_updates_it_in_place(
    service: FollowupService, tmp_path: Path
) -> None:
    first = import_ics_file(service.db, fixture("google.ics"), now=NOW)
    (interview_id,) = first.created
    service.set_panel(
        interview_id,
        [PanelMember("Marcus Oyelaran", email="marcus.oyelaran@copperleaf.com", mention="ML")],
    )
    moved = (
        fixture("google.ics")
        .read_bytes()
        .replace(b"T140000", b"T160000")
        .replace(b"T150000", b"T170000")
    )
    updated_file = tmp_path / "updated.ics"
    updated_file.write_bytes(moved)
    before = counts(service.db)
    second = import_ics_file(service.db, updated_file, now=NOW)
    assert second.updated == [interview_id]
    assert counts(service.db) == before
    with service.db.session() as session:
        interview = session.get(Interview, interview_id)
        assert interview is not None
        assert interview.starts_at == datetime(2026, 12, 1, 21, tzinfo=UTC)
        mentions = {p.contact.name: p.mention for p in interview.participants}
        assert mentions["Marcus Oyelaran"] == "ML"  # kept
        assert "Dana Whitfield" in mentions


def test_cancel_removes_an_untouched_interview(service: FollowupService) -> None:
    (interview_id,) = import_ics_file(service.db, fixture("google.ics"), now=NOW).created
    result = import_ics_file(service.db, fixture("google_cancel.ics"), now=NOW)
    assert result.cancelled_deleted == [interview_id]
    with service.db.session() as session:
        assert session.get(Interview, interview_id) is None
        assert session.scalar(select(func.count()).select_from(Opportunity)) == 1


def test_cancel_keeps_an_interview_with_a_debrief(service: FollowupService) -> None:
    (interview_id,) = import_ics_file(service.db, fixture("google.ics"), now=NOW).created
    service.save_debrief(interview_id, DebriefFields(went_well="Good rapport with Marcus."))
    result = import_ics_file(service.db, fixture("google_cancel.ics"), now=NOW)
    assert result.cancelled_kept == [interview_id]
    with service.db.session() as session:
        interview = session.get(Interview, interview_id)
        assert interview is not None
        assert interview.debrief is not None
        assert interview.debrief.went_well == "Good rapport with Marcus."
        assert interview.notes.startswith("Cancelled by the organizer")
        still_open = session.scalars(
            select(Action.kind).where(
                Action.interview_id == interview_id, Action.state == ActionState.OPEN
            )
        ).all()
        assert still_open == []


def test_cancel_of_an_unknown_invitation_changes_nothing(service: FollowupService) -> None:
    result = import_ics_file(service.db, fixture("google_cancel.ics"), now=NOW)
    assert "nothing to do" in result.lines[0]
    assert counts(service.db) == (0, 0, 0)


def test_choices_override_the_match(service: FollowupService) -> None:
    chosen = service.create_opportunity("Someone", "Else").created_id
    (invitation,) = read_invitation_file(fixture("zoom.ics"))
    result = import_invitations(service.db, [invitation], choices={invitation.uid: chosen}, now=NOW)
    with service.db.session() as session:
        interview = session.get(Interview, result.created[0])
        assert interview is not None
        assert interview.opportunity_id == chosen


# -- the plan reads, the service writes ------------------------------------------------


def test_planning_an_import_reads_only(service: FollowupService) -> None:
    from followup_desktop.core.ics import plan_import

    (first,) = import_ics_file(service.db, fixture("google.ics"), now=NOW).created
    invitations = [
        *read_invitation_file(fixture("google_cancel.ics")),
        *read_invitation_file(fixture("multi.ics"), BERLIN),
    ]
    before = counts(service.db)
    with service.db.session() as session:
        plan = plan_import(session, invitations)
        # Nothing added, changed or removed in the session: the service does the writing.
        assert not session.new
        assert not session.dirty
        assert not session.deleted
    assert counts(service.db) == before
    actions = [step.proposal.action for step in plan.steps]
    assert actions == ["cancel", "create", "create", "create"]
    assert plan.steps[0].proposal.interview_id == first
    assert plan.steps[0].keep is False  # nothing the person wrote: it will be removed
    assert all(step.share_new for step in plan.steps[1:])
    assert len({step.company_key for step in plan.steps[1:]}) == 1


def test_the_service_imports_and_names_what_changed(service: FollowupService) -> None:
    invitations = read_invitation_file(fixture("multi.ics"), BERLIN)
    result = service.import_invitations(invitations)
    (opportunity_id,) = result.opportunities_created
    change = result.change
    assert change.opportunity_ids == {opportunity_id}
    assert {"opportunity", "interview", "action", "contact"} <= change.entities
    assert change.actions_replanned == result.replanned
    assert result.replanned  # the new interviews were planned at once
    with service.db.session() as session:
        planned = session.scalars(
            select(Action.id).where(Action.opportunity_id == opportunity_id)
        ).all()
    assert set(planned) >= result.replanned


def _invitation(summary: str, organizer: str | None = None) -> Invitation:
    starts = datetime(2026, 12, 1, 9, tzinfo=UTC)
    return Invitation(
        uid=f"{summary}@test",
        sequence=0,
        cancelled=False,
        summary=summary,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        timezone="UTC",
        all_day=False,
        location="",
        description="",
        organizer=None if organizer is None else Person("Jo", organizer),
        attendees=(),
    )


def test_matching_prefers_open_then_recent_and_reads_titles_word_by_word(
    database: Database,
) -> None:
    made: dict[str, int] = {}

    def create(name: str, company: str, days_ago: int) -> None:
        at = FollowupService(database, clock=lambda: NOW - timedelta(days=days_ago))
        created = at.create_opportunity(company, "Analyst").created_id
        assert created is not None
        made[name] = created

    for name, company, days_ago in (
        ("acme_old", "Acme GmbH", 3),
        ("acme_recent", "Acme", 2),
        ("acme_closed", "ACME Inc.", 1),
        ("acme_archived", "Acme", 0),
        ("northwind", "Northwind Traders", 1),
        ("northwind_again", "Northwind Traders", 2),
        ("bluewave", "Blue Wave", 1),
        ("ion", "Ion", 1),
    ):
        create(name, company, days_ago)
    service = FollowupService(database, clock=lambda: NOW)
    with database.session() as session:
        rejected = session.scalars(select(Stage.id).where(Stage.kind == StageKind.REJECTED)).first()
    assert rejected is not None
    service.move_opportunities([made["acme_closed"]], rejected)
    service.set_archived([made["acme_archived"]])
    invitations = [
        _invitation("Call", "jo@acme.example"),  # the organizer's domain
        _invitation("Interview with Northwind Traders (Analyst)"),  # named in the title
        _invitation("BLUEWAVE-interview"),  # the company squashed into the title
        _invitation("Champion round"),  # "Ion" only inside a word: no match
    ]
    with database.session() as session:
        proposals = propose(session, invitations)
    assert [p.opportunity_id for p in proposals] == [
        made["acme_recent"],  # open before closed, archived never, then the newest
        made["northwind"],  # the more recently changed of the two
        made["bluewave"],
        None,
    ]
    assert [p.matched_by.split(" (")[0] for p in proposals] == [
        "the organizer's address",
        "the company name in the title",
        "the company name in the title",
        "no opportunity matches",
    ]
    # Only closed ones left: the closed one is still found.
    service.set_archived([made["acme_old"], made["acme_recent"]])
    with database.session() as session:
        [proposal] = propose(session, invitations[:1])
    assert proposal.opportunity_id == made["acme_closed"]
