"""public pages, inspection codes, admin API tokens (issue 13)

Revision ID: 0007_public
Revises: 0006_schedule
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_public'
down_revision: str | None = '0007_notify'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_api_token_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_api_token_token_sha256'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_department_id'), ['department_id'], unique=False)

    op.create_table('inspection_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('stop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('inspector_ids', sa.JSON(), nullable=False),
    sa.Column('issued_by_inspector_id', sa.Integer(), nullable=True),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['issued_by_inspector_id'], ['inspector.id'], name=op.f('fk_inspection_code_issued_by_inspector_id_inspector')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_inspection_code_task_id_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_code')),
    sa.UniqueConstraint('nonce', name=op.f('uq_inspection_code_nonce'))
    )
    with op.batch_alter_table('inspection_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_code_stop_id'), ['stop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_code_task_id'), ['task_id'], unique=False)

    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('public_task_code', sa.String(length=18), nullable=False),
    sa.Column('public_plan_code', sa.String(length=14), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('published_by', sa.String(length=200), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_publication_task_id_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication')),
    sa.UniqueConstraint('task_id', 'version', name=op.f('uq_publication_task_id_version'))
    )
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_task_id'), ['task_id'], unique=False)

    op.create_table('code_scan',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=True),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['inspection_code.id'], name=op.f('fk_code_scan_code_id_inspection_code')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_scan'))
    )
    with op.batch_alter_table('code_scan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_scan_code_id'), ['code_id'], unique=False)

    op.create_table('visit_confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('stop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['inspection_code.id'], name=op.f('fk_visit_confirmation_code_id_inspection_code')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_confirmation')),
    sa.UniqueConstraint('code_id', name=op.f('uq_visit_confirmation_code_id'))
    )
    with op.batch_alter_table('visit_confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_confirmation_stop_id'), ['stop_id'], unique=False)



def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table('visit_confirmation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_confirmation_stop_id'))

    op.drop_table('visit_confirmation')
    with op.batch_alter_table('code_scan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_scan_code_id'))

    op.drop_table('code_scan')
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_task_id'))

    op.drop_table('publication')
    with op.batch_alter_table('inspection_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_code_task_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_code_stop_id'))

    op.drop_table('inspection_code')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_department_id'))

    op.drop_table('api_token')
