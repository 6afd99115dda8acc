"""inspection codes: the scan's hashed address, the rating's time (issue 13 item 4)

Revision ID: 0008_codes
Revises: 0007_records
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_codes'
down_revision: str | None = '0007_records'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    with op.batch_alter_table('code_scan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ip_sha256', sa.String(length=64), server_default='',
                                      nullable=False))
        batch_op.create_index(batch_op.f('ix_code_scan_nonce'), ['nonce'], unique=False)
    with op.batch_alter_table('visit_confirmation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table('visit_confirmation', schema=None) as batch_op:
        batch_op.drop_column('rated_at')
    with op.batch_alter_table('code_scan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_scan_nonce'))
        batch_op.drop_column('ip_sha256')
