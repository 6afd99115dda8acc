"""the team's schedule and route (issue 10): versions, days, stops, answers; office, cap

Revision ID: 0006_schedule
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_schedule"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    op.create_table("department_office",
    sa.Column("department_id", sa.Integer(), autoincrement=False, nullable=False),
    sa.Column("latitude", sa.Float(), nullable=False),
    sa.Column("longitude", sa.Float(), nullable=False),
    sa.Column("address", sa.String(length=500), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(["department_id"], ["department.id"], name=op.f("fk_department_office_department_id_department")),
    sa.PrimaryKeyConstraint("department_id", name=op.f("pk_department_office"))
    )
    op.create_table("task_schedule_setting",
    sa.Column("task_id", sa.Integer(), autoincrement=False, nullable=False),
    sa.Column("max_visits_per_day", sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_task_schedule_setting_task_id_task")),
    sa.PrimaryKeyConstraint("task_id", name=op.f("pk_task_schedule_setting"))
    )
    op.create_table("team_schedule",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("team_id", sa.Integer(), nullable=False),
    sa.Column("task_id", sa.Integer(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("state", sa.String(length=16), nullable=False),
    sa.Column("start_latitude", sa.Float(), nullable=False),
    sa.Column("start_longitude", sa.Float(), nullable=False),
    sa.Column("start_label", sa.String(length=200), nullable=False),
    sa.Column("max_visits_per_day", sa.Integer(), nullable=False),
    sa.Column("created_by", sa.String(length=200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("status_chat_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
    sa.Column("status_message_id", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_team_schedule_task_id_task")),
    sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_team_schedule_team_id_team")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_team_schedule")),
    sa.UniqueConstraint("team_id", "version", name=op.f("uq_team_schedule_team_id_version"))
    )
    with op.batch_alter_table("team_schedule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_schedule_task_id"), ["task_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_team_schedule_team_id"), ["team_id"], unique=False)

    op.create_table("schedule_answer",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("schedule_id", sa.Integer(), nullable=False),
    sa.Column("inspector_id", sa.Integer(), nullable=False),
    sa.Column("answer", sa.String(length=16), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["inspector_id"], ["inspector.id"], name=op.f("fk_schedule_answer_inspector_id_inspector")),
    sa.ForeignKeyConstraint(["schedule_id"], ["team_schedule.id"], name=op.f("fk_schedule_answer_schedule_id_team_schedule")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_answer")),
    sa.UniqueConstraint("schedule_id", "inspector_id", name=op.f("uq_schedule_answer_schedule_id_inspector_id"))
    )
    with op.batch_alter_table("schedule_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_answer_schedule_id"), ["schedule_id"], unique=False)

    op.create_table("schedule_day",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("schedule_id", sa.Integer(), nullable=False),
    sa.Column("day", sa.Date(), nullable=False),
    sa.Column("starts_at", sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(["schedule_id"], ["team_schedule.id"], name=op.f("fk_schedule_day_schedule_id_team_schedule")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_day")),
    sa.UniqueConstraint("schedule_id", "day", name=op.f("uq_schedule_day_schedule_id_day"))
    )
    with op.batch_alter_table("schedule_day", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_day_schedule_id"), ["schedule_id"], unique=False)

    op.create_table("schedule_stop",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("schedule_id", sa.Integer(), nullable=False),
    sa.Column("subject_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
    sa.Column("day", sa.Date(), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(["schedule_id"], ["team_schedule.id"], name=op.f("fk_schedule_stop_schedule_id_team_schedule")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_stop")),
    sa.UniqueConstraint("schedule_id", "subject_id", name=op.f("uq_schedule_stop_schedule_id_subject_id"))
    )
    with op.batch_alter_table("schedule_stop", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_stop_schedule_id"), ["schedule_id"], unique=False)



def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("schedule_stop", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_stop_schedule_id"))

    op.drop_table("schedule_stop")
    with op.batch_alter_table("schedule_day", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_day_schedule_id"))

    op.drop_table("schedule_day")
    with op.batch_alter_table("schedule_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_answer_schedule_id"))

    op.drop_table("schedule_answer")
    with op.batch_alter_table("team_schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_schedule_team_id"))
        batch_op.drop_index(batch_op.f("ix_team_schedule_task_id"))

    op.drop_table("team_schedule")
    op.drop_table("task_schedule_setting")
    op.drop_table("department_office")
