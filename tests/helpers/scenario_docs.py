"""Export documents for playbook tests, written in the documented JSON format.

The way another tool (or a person with a text editor) would hand Followup their search:
every table of docs/data-format.md, every field written out, times in UTC with a ``Z``.
Fields a test does not name get the format's empty value.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from followup_desktop.core.exchange import TABLES, instant_to_text, iter_tables
from followup_desktop.core.models import DEFAULT_STAGES

BERLIN = ZoneInfo("Europe/Berlin")

# Values of fields a test leaves out, per table (checked against the format below).
_EMPTY: dict[str, dict[str, Any]] = {
    "contacts": {"title": "", "email": "", "phone": "", "linkedin": "", "notes": ""},
    "opportunities": {
        "link": "",
        "location": "",
        "salary_min": None,
        "salary_max": None,
        "salary_currency": "",
        "source": "",
        "referrer_id": None,
        "archived": False,
        "notes": "",
        "acceptance_criteria": "",
        "start_date": None,
        "letter_language": None,
        "playbook_overrides": {},
    },
    "stage_changes": {"from_stage_id": None, "note": ""},
    "interviews": {
        "round": 1,
        "kind": "video",
        "timezone": "Europe/Berlin",
        "location": "",
        "next_steps": "",
        "decision_timeline_days": None,
        "decision_date": None,
        "may_check_in": None,
        "check_back_on": None,
        "preferred_channel": None,
        "ical_uid": None,
        "notes": "",
    },
    "interview_participants": {"mention": ""},
    "debriefs": {
        "went_well": "",
        "went_badly": "",
        "preparedness": None,
        "tied_experience": None,
        "learned_job": "",
        "learned_organization": "",
        "skills_to_build": "",
        "promised_material": "",
        "submitted_at": None,
    },
    "actions": {
        "interview_id": None,
        "contact_id": None,
        "recipient": "",
        "channel": None,
        "reason": "",
        "snoozed_until": None,
        "origin": "generated",
        "due_edited": False,
        "completed_at": None,
    },
    "correspondence": {
        "contact_id": None,
        "action_id": None,
        "channel": "email",
        "subject": "",
        "body": "",
        "check_back_on": None,
    },
}


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Berlin wall-clock time as an aware UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return instant_to_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class Document:
    """A search written row by row; :meth:`build` gives the JSON object to import."""

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        self.tables: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
        self.tables["settings"].append(
            {"key": "playbook", "value": {"timezone": "Europe/Berlin", **(settings or {})}}
        )
        self.stage_ids: dict[str, int] = {}
        for position, (name, kind) in enumerate(DEFAULT_STAGES):
            ident = position + 1
            self.stage_ids[name] = ident
            self.tables["stages"].append(
                {
                    "id": ident,
                    "name": name,
                    "kind": kind.value,
                    "position": position,
                    "hidden": False,
                }
            )

    def _add(self, table: str, **fields: Any) -> int:
        rows = self.tables[table]
        row = {**_EMPTY.get(table, {}), **{name: _plain(value) for name, value in fields.items()}}
        if "id" in dict(iter_tables())[table]:
            row.setdefault("id", len(rows) + 1)
        columns = dict(iter_tables())[table]
        assert set(row) == set(columns), (table, set(row) ^ set(columns))
        rows.append({column: row[column] for column in columns})
        return int(row.get("id", 0))

    def contact(self, name: str, **fields: Any) -> int:
        return self._add("contacts", name=name, **fields)

    def opportunity(
        self, company: str, role: str, stage: str, created_at: datetime, **fields: Any
    ) -> int:
        stage_id = self.stage_ids[stage]
        ident = self._add(
            "opportunities",
            company=company,
            role=role,
            stage_id=stage_id,
            created_at=created_at,
            updated_at=created_at,
            **fields,
        )
        self._add(
            "stage_changes", opportunity_id=ident, to_stage_id=stage_id, changed_at=created_at
        )
        return ident

    def move(self, opportunity: int, stage: str, at: datetime, from_stage: str) -> None:
        self._add(
            "stage_changes",
            opportunity_id=opportunity,
            from_stage_id=self.stage_ids[from_stage],
            to_stage_id=self.stage_ids[stage],
            changed_at=at,
        )

    def link(self, opportunity: int, contact: int, role: str) -> None:
        self._add("opportunity_contacts", opportunity_id=opportunity, contact_id=contact, role=role)

    def interview(
        self,
        opportunity: int,
        starts_at: datetime,
        ends_at: datetime,
        panel: tuple[int, ...] = (),
        **fields: Any,
    ) -> int:
        ident = self._add(
            "interviews", opportunity_id=opportunity, starts_at=starts_at, ends_at=ends_at, **fields
        )
        for position, contact in enumerate(panel):
            self._add(
                "interview_participants", interview_id=ident, contact_id=contact, position=position
            )
            if not any(
                row["opportunity_id"] == opportunity
                and row["contact_id"] == contact
                and row["role"] == "interviewer"
                for row in self.tables["opportunity_contacts"]
            ):
                self.link(opportunity, contact, "interviewer")
        return ident

    def debrief(self, interview: int, updated_at: datetime, **fields: Any) -> int:
        return self._add(
            "debriefs",
            interview_id=interview,
            status=fields.pop("status", "submitted"),
            updated_at=updated_at,
            **fields,
        )

    def message(
        self, opportunity: int, direction: str, occurred_at: datetime, **fields: Any
    ) -> int:
        return self._add(
            "correspondence",
            opportunity_id=opportunity,
            direction=direction,
            occurred_at=occurred_at,
            **fields,
        )

    def action(self, opportunity: int | None, kind: str, due_at: datetime, **fields: Any) -> int:
        return self._add(
            "actions",
            opportunity_id=opportunity,
            kind=kind,
            due_at=due_at,
            state=fields.pop("state", "open"),
            plan_key=fields.pop("plan_key", None),
            created_at=fields.pop("created_at", due_at),
            **fields,
        )

    def build(self) -> dict[str, Any]:
        return {"format": "followup", "version": 1, **self.tables}
