"""progress links: every signed link to a progress page, revocable one by one (issue 12)

Revision ID: 0009_progress_links
Revises: 0008_codes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_progress_links'
down_revision: str | None = '0008_codes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    op.create_table('progress_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by', sa.String(length=200), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.String(length=200), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_link'))
    )


def downgrade() -> None:
    """Revert."""
    op.drop_table('progress_link')
