"""The first schema, with the default stages.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Columns hold UTC instants as naive text (the app's UTCDateTime type adds the zone back);
migrations use plain SQLAlchemy types so they never change when the app's code does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Frozen here rather than imported: a migration must not change when the app's code does.
DEFAULT_STAGES = (
    ("Wishlist", "prospect"),
    ("Applied", "active"),
    ("Screening", "active"),
    ("Interviewing", "active"),
    ("Final round", "final"),
    ("Offer", "offer"),
    ("Accepted", "accepted"),
    ("Rejected", "rejected"),
    ("Withdrawn", "withdrawn"),
    ("Moved on", "closed"),
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=64), nullable=False),
        sa.Column("linkedin", sa.String(length=500), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "prospect",
                "active",
                "final",
                "offer",
                "accepted",
                "rejected",
                "withdrawn",
                "closed",
                name="stagekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stages")),
        sa.UniqueConstraint("name", name=op.f("uq_stages_name")),
    )
    op.create_table(
        "opportunities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("link", sa.String(length=2000), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("salary_min", sa.Integer(), nullable=True),
        sa.Column("salary_max", sa.Integer(), nullable=True),
        sa.Column("salary_currency", sa.String(length=3), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=True),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("playbook_overrides", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referrer_id"],
            ["contacts.id"],
            name=op.f("fk_opportunities_referrer_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["stages.id"],
            name=op.f("fk_opportunities_stage_id_stages"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunities")),
    )
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.create_index(
            "ix_opportunities_stage_archived", ["stage_id", "archived"], unique=False
        )

    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "phone",
                "video",
                "onsite",
                "panel",
                "technical",
                "other",
                name="interviewkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(length=2000), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("decision_timeline_days", sa.Integer(), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("may_check_in", sa.Boolean(), nullable=True),
        sa.Column("check_back_on", sa.Date(), nullable=True),
        sa.Column(
            "preferred_channel",
            sa.Enum(
                "email",
                "phone",
                "letter",
                "linkedin",
                "in_person",
                name="channel",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("ical_uid", sa.String(length=500), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_interviews_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
        sa.UniqueConstraint("ical_uid", name=op.f("uq_interviews_ical_uid")),
    )
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interviews_opportunity_id"), ["opportunity_id"], unique=False
        )
        batch_op.create_index("ix_interviews_starts_at", ["starts_at"], unique=False)

    op.create_table(
        "opportunity_contacts",
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "interviewer",
                "hr",
                "recruiter",
                "referrer",
                "inside_contact",
                "reference",
                name="contactrole",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_opportunity_contacts_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_opportunity_contacts_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "opportunity_id", "contact_id", "role", name=op.f("pk_opportunity_contacts")
        ),
    )
    with op.batch_alter_table("opportunity_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_contacts_contact_id"), ["contact_id"], unique=False
        )

    op.create_table(
        "stage_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("from_stage_id", sa.Integer(), nullable=True),
        sa.Column("to_stage_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_stage_id"],
            ["stages.id"],
            name=op.f("fk_stage_changes_from_stage_id_stages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_stage_changes_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_stage_id"],
            ["stages.id"],
            name=op.f("fk_stage_changes_to_stage_id_stages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_changes")),
    )
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stage_changes_opportunity_id"), ["opportunity_id"], unique=False
        )

    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=True),
        sa.Column("interview_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("plan_key", sa.String(length=200), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("recipient", sa.String(length=400), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "email",
                "phone",
                "letter",
                "linkedin",
                "in_person",
                name="channel",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "done",
                "snoozed",
                "dismissed",
                name="actionstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("snoozed_until", sa.DateTime(), nullable=True),
        sa.Column(
            "origin",
            sa.Enum("generated", "manual", name="actionorigin", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("due_edited", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_actions_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_actions_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_actions_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
        sa.UniqueConstraint("opportunity_id", "plan_key", name="uq_actions_opportunity_plan_key"),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actions_interview_id"), ["interview_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_actions_opportunity_id"), ["opportunity_id"], unique=False
        )
        batch_op.create_index("ix_actions_state_due_at", ["state", "due_at"], unique=False)

    op.create_table(
        "debriefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "submitted", name="debriefstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("went_well", sa.Text(), nullable=False),
        sa.Column("went_badly", sa.Text(), nullable=False),
        sa.Column("preparedness", sa.Integer(), nullable=True),
        sa.Column("tied_experience", sa.Boolean(), nullable=True),
        sa.Column("learned_job", sa.Text(), nullable=False),
        sa.Column("learned_organization", sa.Text(), nullable=False),
        sa.Column("skills_to_build", sa.Text(), nullable=False),
        sa.Column("promised_material", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_debriefs_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debriefs")),
        sa.UniqueConstraint("interview_id", name=op.f("uq_debriefs_interview_id")),
    )
    op.create_table(
        "interview_participants",
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("mention", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_interview_participants_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_interview_participants_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "interview_id", "contact_id", name=op.f("pk_interview_participants")
        ),
    )
    with op.batch_alter_table("interview_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interview_participants_contact_id"), ["contact_id"], unique=False
        )

    op.create_table(
        "correspondence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column(
            "direction",
            sa.Enum("sent", "received", name="direction", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum(
                "email",
                "phone",
                "letter",
                "linkedin",
                "in_person",
                name="channel",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("subject", sa.String(length=1000), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("check_back_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_correspondence_action_id_actions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_correspondence_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_correspondence_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correspondence")),
    )
    with op.batch_alter_table("correspondence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_correspondence_opportunity_id"), ["opportunity_id"], unique=False
        )

    op.create_table(
        "stumbled_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("debrief_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("my_answer", sa.Text(), nullable=False),
        sa.Column("better_answer", sa.Text(), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("practiced", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["debrief_id"],
            ["debriefs.id"],
            name=op.f("fk_stumbled_questions_debrief_id_debriefs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stumbled_questions")),
    )
    with op.batch_alter_table("stumbled_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stumbled_questions_debrief_id"), ["debrief_id"], unique=False
        )

    stages = sa.table(
        "stages",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("kind", sa.String),
        sa.column("position", sa.Integer),
        sa.column("hidden", sa.Boolean),
    )
    op.bulk_insert(
        stages,
        [
            {"id": position + 1, "name": name, "kind": kind, "position": position, "hidden": False}
            for position, (name, kind) in enumerate(DEFAULT_STAGES)
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("stumbled_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stumbled_questions_debrief_id"))

    op.drop_table("stumbled_questions")
    with op.batch_alter_table("correspondence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correspondence_opportunity_id"))

    op.drop_table("correspondence")
    with op.batch_alter_table("interview_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_participants_contact_id"))

    op.drop_table("interview_participants")
    op.drop_table("debriefs")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_state_due_at")
        batch_op.drop_index(batch_op.f("ix_actions_opportunity_id"))
        batch_op.drop_index(batch_op.f("ix_actions_interview_id"))

    op.drop_table("actions")
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stage_changes_opportunity_id"))

    op.drop_table("stage_changes")
    with op.batch_alter_table("opportunity_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_contacts_contact_id"))

    op.drop_table("opportunity_contacts")
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_index("ix_interviews_starts_at")
        batch_op.drop_index(batch_op.f("ix_interviews_opportunity_id"))

    op.drop_table("interviews")
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.drop_index("ix_opportunities_stage_archived")

    op.drop_table("opportunities")
    op.drop_table("stages")
    op.drop_table("settings")
    op.drop_table("contacts")
