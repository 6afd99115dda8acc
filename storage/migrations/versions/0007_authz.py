"""one spelling of review decisions (issue 8 item 4): approved → approve, returned → return

Revision ID: 0007_authz
Revises: 0006_schedule
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007_authz"
down_revision: str | None = "0007_public"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    op.execute("UPDATE task_review SET decision = 'approve' WHERE decision = 'approved'")
    op.execute("UPDATE task_review SET decision = 'return' WHERE decision = 'returned'")


def downgrade() -> None:
    """Revert."""
    op.execute("UPDATE task_review SET decision = 'approved' WHERE decision = 'approve'")
    op.execute("UPDATE task_review SET decision = 'returned' WHERE decision = 'return'")
