"""typed notifications (issue 8 item 6, issue 12): an outbox row can be cancelled, with a reason

Revision ID: 0007_notify
Revises: 0006_schedule
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_notify"
down_revision: str | None = "0006_schedule"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("cancel_reason", sa.String(length=200), nullable=False,
                                   server_default=""))
    op.create_index("ix_outbox_due_at", "outbox", ["due_at"])


def downgrade() -> None:
    """Revert."""
    op.drop_index("ix_outbox_due_at", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("cancel_reason")
        batch.drop_column("cancelled_at")
