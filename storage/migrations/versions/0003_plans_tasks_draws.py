"""plans, tasks, calendar and draws: changes made while building them

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply: plan_change (reviewed changes to an approved plan, Art. 11); draw.summary."""
    op.create_table(
        "plan_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.String(length=200), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["plan_entry.id"],
                                name=op.f("fk_plan_change_entry_id_plan_entry")),
        sa.ForeignKeyConstraint(["plan_id"], ["annual_plan.id"],
                                name=op.f("fk_plan_change_plan_id_annual_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_change")),
    )
    with op.batch_alter_table("plan_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_change_plan_id"), ["plan_id"], unique=False)
    # draw.summary: counts shown without parsing a manifest of millions of ids
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("summary", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    if op.get_bind().dialect.name == "postgresql":
        # manifests and results are canonical JSON of tens of MB: stored out of line without
        # pglz compression, which halves the time to write a 7M-subject manifest
        op.execute("ALTER TABLE draw ALTER COLUMN manifest SET STORAGE EXTERNAL")
        op.execute("ALTER TABLE draw ALTER COLUMN result SET STORAGE EXTERNAL")


def downgrade() -> None:
    """Revert."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE draw ALTER COLUMN manifest SET STORAGE EXTENDED")
        op.execute("ALTER TABLE draw ALTER COLUMN result SET STORAGE EXTENDED")
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.drop_column("summary")
    with op.batch_alter_table("plan_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_change_plan_id"))
    op.drop_table("plan_change")
