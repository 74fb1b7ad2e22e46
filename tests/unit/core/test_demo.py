"""The demo generator: varied, plausible, internally consistent, and the same every time."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from followup_desktop.core import playbook
from followup_desktop.core.db import Database, open_database
from followup_desktop.core.demo import populate_demo
from followup_desktop.core.errors import FollowupError, ValidationError
from followup_desktop.core.exchange import export_data, render_export, table_counts

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A 200-opportunity demo database, exported as a document (built once)."""
    db = open_database(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
    try:
        populate_demo(db, 200, seed=3, now=NOW)
        with db.session() as session:
            return export_data(session)
    finally:
        db.close()


def test_same_seed_and_time_give_the_same_database(tmp_path: Path) -> None:
    exports = []
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        db = open_database(tmp_path / f"{name}.sqlite3")
        try:
            populate_demo(db, 40, seed=seed, now=NOW)
            with db.session() as session:
                exports.append(render_export(export_data(session)))
        finally:
            db.close()
    assert exports[0] == exports[1]
    assert exports[0] != exports[2]


def test_opportunities_spread_over_every_stage(demo: dict[str, Any]) -> None:
    names = {stage["id"]: stage["name"] for stage in demo["stages"]}
    counts = Counter(names[row["stage_id"]] for row in demo["opportunities"])
    assert len(demo["opportunities"]) == 200
    assert set(counts) >= set(names.values()) - {"Accepted", "Withdrawn"}
    middle = counts["Applied"] + counts["Screening"] + counts["Interviewing"]
    assert middle > 100
    assert counts["Final round"] + counts["Offer"] < middle / 2
    assert counts["Rejected"] + counts["Moved on"] > 20
    archived = [row for row in demo["opportunities"] if row["archived"]]
    assert 0 < len(archived) < 30
    assert all(names[row["stage_id"]] in {"Rejected", "Withdrawn", "Moved on"} for row in archived)


def test_opportunity_details_are_varied_and_sane(demo: dict[str, Any]) -> None:
    rows = demo["opportunities"]
    assert len({row["company"] for row in rows}) > 100
    assert len({row["role"] for row in rows}) > 40
    assert len({row["location"] for row in rows}) > 10
    assert len({row["source"] for row in rows}) > 6
    with_salary = [row for row in rows if row["salary_min"] is not None]
    assert len(with_salary) > 100
    for row in with_salary:
        assert row["salary_currency"]
        assert row["salary_max"] is None or row["salary_min"] <= row["salary_max"]
    assert any(row["referrer_id"] is not None for row in rows)
    assert all(_instant(row["created_at"]) <= _instant(row["updated_at"]) <= NOW for row in rows)


def test_stage_history_agrees_with_the_current_stage(demo: dict[str, Any]) -> None:
    history: dict[int, list[dict[str, Any]]] = {}
    for change in demo["stage_changes"]:
        history.setdefault(change["opportunity_id"], []).append(change)
    for row in demo["opportunities"]:
        changes = sorted(history[row["id"]], key=lambda change: change["changed_at"])
        assert changes[0]["from_stage_id"] is None
        assert changes[-1]["to_stage_id"] == row["stage_id"]
        for before, after in pairwise(changes):
            assert after["from_stage_id"] == before["to_stage_id"]
        assert all(_instant(change["changed_at"]) < NOW for change in changes)


def test_interviews_past_and_future_with_panels(demo: dict[str, Any]) -> None:
    interviews = demo["interviews"]
    past = [row for row in interviews if _instant(row["ends_at"]) < NOW]
    future = [row for row in interviews if _instant(row["starts_at"]) > NOW]
    assert len(past) + len(future) == len(interviews)
    assert len(past) > 100
    assert len(future) > 5
    assert all(_instant(row["starts_at"]) < _instant(row["ends_at"]) for row in interviews)
    assert {"Europe/Berlin", "America/New_York"} <= {row["timezone"] for row in interviews}
    assert {row["kind"] for row in interviews} >= {"phone", "video", "technical", "onsite"}
    assert max(row["round"] for row in interviews) >= 3
    assert any(row["decision_timeline_days"] for row in interviews)
    panels = Counter(row["interview_id"] for row in demo["interview_participants"])
    assert set(panels.values()) == {1, 2, 3}
    assert set(panels) == {row["id"] for row in interviews}
    mentions = [row["mention"] for row in demo["interview_participants"] if row["mention"]]
    assert len(mentions) > 100
    titles = {row["title"] for row in demo["contacts"]}
    assert len(titles) > 10


def test_debriefs_only_for_past_interviews(demo: dict[str, Any]) -> None:
    ends = {row["id"]: _instant(row["ends_at"]) for row in demo["interviews"]}
    statuses = Counter(row["status"] for row in demo["debriefs"])
    assert statuses["submitted"] > 5 * statuses["draft"] > 0
    for debrief in demo["debriefs"]:
        assert ends[debrief["interview_id"]] < _instant(debrief["updated_at"]) <= NOW
        assert (debrief["submitted_at"] is None) == (debrief["status"] == "draft")
    submitted = {row["id"] for row in demo["debriefs"] if row["status"] == "submitted"}
    assert demo["stumbled_questions"]
    assert {row["debrief_id"] for row in demo["stumbled_questions"]} <= submitted


def test_contacts_of_every_role_and_bidirectional_text(demo: dict[str, Any]) -> None:
    roles = Counter(row["role"] for row in demo["opportunity_contacts"])
    assert set(roles) == {
        "interviewer",
        "hr",
        "recruiter",
        "referrer",
        "inside_contact",
        "reference",
    }
    names = [row["name"] for row in demo["contacts"]]
    assert any("\u0590" <= ch <= "\u06ff" for name in names for ch in name), "no RTL name"
    notes = [row["notes"] for row in demo["interviews"]]
    assert any(any(ord(ch) > 0x1F000 for ch in note) for note in notes), "no emoji"


def test_correspondence_in_both_directions(demo: dict[str, Any]) -> None:
    messages = demo["correspondence"]
    directions = Counter(row["direction"] for row in messages)
    assert directions["sent"] > directions["received"] > 10
    assert any(row["check_back_on"] for row in messages)
    assert any(row["subject"].startswith("Thank you") for row in messages)
    assert all(_instant(row["occurred_at"]) <= NOW for row in messages)


def test_actions_are_planned_as_of_now(demo: dict[str, Any]) -> None:
    origins = Counter(row["origin"] for row in demo["actions"])
    assert origins["generated"] > 0
    assert origins["manual"] > 0
    assert len({row["state"] for row in demo["actions"] if row["origin"] == "manual"}) > 1


def test_sent_thank_yous_are_done_actions_not_reminders(demo: dict[str, Any]) -> None:
    """A note the demo sent is the playbook's thank-you, done; it is not planned again."""
    actions = {row["id"]: row for row in demo["actions"]}
    sent = set()
    for message in demo["correspondence"]:
        if message["subject"].startswith("Thank you"):
            action = actions[message["action_id"]]
            assert action["state"] == "done"
            assert action["contact_id"] == message["contact_id"]
            assert action["completed_at"] == message["occurred_at"]
            sent.add((action["interview_id"], action["contact_id"]))
    assert len(sent) > 100
    still_open = {
        (row["interview_id"], row["contact_id"])
        for row in demo["actions"]
        if row["kind"] == "thank_you" and row["state"] == "open"
    }
    assert not still_open & sent


def test_replan_is_called_once_for_everything(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[object, datetime]] = []

    def record(session: Session, ids: object, now: datetime) -> set[int]:
        assert session.get_bind() is not None
        calls.append((ids, now))
        return set()

    monkeypatch.setattr(playbook, "replan", record)
    populate_demo(database, 3, seed=1, now=NOW)
    # The import plans first; every later re-plan is of everything at once, never per row.
    assert calls
    assert all(call == (None, NOW) for call in calls)


def test_refuses_a_database_with_data(database: Database) -> None:
    populate_demo(database, 2, now=NOW)
    before = table_counts(database)
    with pytest.raises(FollowupError, match="new, empty database"):
        populate_demo(database, 2, now=NOW)
    assert table_counts(database) == before


def test_needs_an_aware_time(database: Database) -> None:
    with pytest.raises(ValidationError):
        populate_demo(database, 1, now=datetime(2026, 11, 23, 12, 0))  # noqa: DTZ001


def test_zero_opportunities_adds_nothing(database: Database) -> None:
    before = table_counts(database)
    populate_demo(database, 0, now=NOW)
    assert table_counts(database)["opportunities"] == 0
    assert table_counts(database)["contacts"] == before["contacts"] == 0


def test_word_lists_are_data_the_generator_reads_whole() -> None:
    import json
    from importlib import resources
    from zoneinfo import ZoneInfo

    from followup_desktop.core import demo as module

    shipped = resources.files("followup_desktop.core") / "demo_data" / module.WORDS_FILE
    words = json.loads(shipped.read_text(encoding="utf-8"))
    lists = {key: value for key, value in words.items() if not key.startswith("$")}
    assert len(lists) > 20
    for key, value in lists.items():
        # Each list of the file is one constant of the generator, as tuples, non-empty.
        constant = getattr(module, f"_{key.upper()}")
        assert constant, key
        assert json.loads(json.dumps(constant)) == value, key
        if isinstance(constant, tuple):
            assert all(isinstance(item, str | tuple) for item in constant), key
    for shown, zone, currency, salary in module._LOCATIONS:
        assert shown
        assert ZoneInfo(zone).key == zone
        assert len(currency) == 3
        assert currency.isupper()
        assert isinstance(salary, int)
        assert salary > 0
    assert all(weight > 0 for _source, weight in module._SOURCES)
    assert all(len(row) == 4 and all(row) for row in module._QUESTIONS)


def test_word_lists_ship_in_the_wheel_and_the_bundle() -> None:
    import runpy
    import tomllib
    from fnmatch import fnmatchcase

    root = Path(__file__).resolve().parents[3]
    package = root / "src" / "followup_desktop"
    files = sorted((package / "core" / "demo_data").iterdir())
    assert files
    patterns = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["package-data"]["followup_desktop"]
    # What the PyInstaller spec collects (packaging/followup.spec calls this).
    data_files = runpy.run_path(str(root / "packaging" / "bundle_files.py"))["data_files"]
    collected = {Path(source) for source, _ in data_files(root / "src")}
    for path in files:
        relative = path.relative_to(package).as_posix()
        assert any(fnmatchcase(relative, pattern) for pattern in patterns), relative
        assert path in collected, relative
