"""check records, evidence, final results, referrals (issue 11)

Revision ID: 0007_records
Revises: 0006_schedule
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_records'
down_revision: str | None = "0007_authz"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    op.create_table('check_record',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('methods', sa.JSON(), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('disposal', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('location_accuracy_m', sa.Float(), nullable=True),
    sa.Column('location_live', sa.Boolean(), nullable=True),
    sa.Column('location_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('location_distance_m', sa.Float(), nullable=True),
    sa.Column('location_flagged', sa.Boolean(), nullable=False),
    sa.Column('opened_by_inspector_id', sa.Integer(), nullable=False),
    sa.Column('submitted_by_inspector_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cosigned_by_inspector_id', sa.Integer(), nullable=True),
    sa.Column('cosigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('amendments', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['cosigned_by_inspector_id'], ['inspector.id'], name=op.f('fk_check_record_cosigned_by_inspector_id_inspector')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_check_record_department_id_department')),
    sa.ForeignKeyConstraint(['opened_by_inspector_id'], ['inspector.id'], name=op.f('fk_check_record_opened_by_inspector_id_inspector')),
    sa.ForeignKeyConstraint(['submitted_by_inspector_id'], ['inspector.id'], name=op.f('fk_check_record_submitted_by_inspector_id_inspector')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_check_record_task_id_task')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_check_record_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_record')),
    sa.UniqueConstraint('task_id', 'subject_id', 'item_code', 'department_id', name=op.f('uq_check_record_task_id_subject_id_item_code_department_id'))
    )
    with op.batch_alter_table('check_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_record_subject_id'), ['subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_record_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_record_team_id'), ['team_id'], unique=False)

    op.create_table('final_result',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('disposals', sa.JSON(), nullable=False),
    sa.Column('disposal_other', sa.Text(), nullable=False),
    sa.Column('correction_due_on', sa.Date(), nullable=True),
    sa.Column('check_date', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('due_assumed_years', sa.JSON(), nullable=False),
    sa.Column('entered_on', sa.Date(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('entered_by_inspector_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revisions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_inspector_id'], ['inspector.id'], name=op.f('fk_final_result_entered_by_inspector_id_inspector')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_final_result_task_id_task')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_final_result_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_final_result')),
    sa.UniqueConstraint('task_id', 'subject_id', name=op.f('uq_final_result_task_id_subject_id'))
    )
    with op.batch_alter_table('final_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_final_result_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_final_result_team_id'), ['team_id'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('mime', sa.String(length=100), nullable=False),
    sa.Column('sent_as', sa.String(length=16), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('file_unique_id', sa.String(length=100), nullable=False),
    sa.Column('media_group_id', sa.String(length=100), nullable=True),
    sa.Column('message_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('exif_taken_at', sa.String(length=32), nullable=True),
    sa.Column('exif_latitude', sa.Float(), nullable=True),
    sa.Column('exif_longitude', sa.Float(), nullable=True),
    sa.Column('uploaded_by_inspector_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['check_record.id'], name=op.f('fk_evidence_record_id_check_record')),
    sa.ForeignKeyConstraint(['uploaded_by_inspector_id'], ['inspector.id'], name=op.f('fk_evidence_uploaded_by_inspector_id_inspector')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence')),
    sa.UniqueConstraint('record_id', 'sha256', name=op.f('uq_evidence_record_id_sha256'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_sha256'), ['sha256'], unique=False)

    op.create_table('record_amendment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('by_inspector_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_inspector_id'], ['inspector.id'], name=op.f('fk_record_amendment_by_inspector_id_inspector')),
    sa.ForeignKeyConstraint(['record_id'], ['check_record.id'], name=op.f('fk_record_amendment_record_id_check_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_amendment')),
    sa.UniqueConstraint('record_id', 'number', name=op.f('uq_record_amendment_record_id_number'))
    )
    with op.batch_alter_table('record_amendment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_amendment_record_id'), ['record_id'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('result_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('from_department_id', sa.Integer(), nullable=False),
    sa.Column('to_department_id', sa.Integer(), nullable=True),
    sa.Column('organ', sa.String(length=300), nullable=False),
    sa.Column('transferred_on', sa.Date(), nullable=True),
    sa.Column('document_no', sa.String(length=100), nullable=False),
    sa.Column('finding', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_by_inspector_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_by_account_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by_account_id'], ['account.id'], name=op.f('fk_referral_acknowledged_by_account_id_account')),
    sa.ForeignKeyConstraint(['created_by_inspector_id'], ['inspector.id'], name=op.f('fk_referral_created_by_inspector_id_inspector')),
    sa.ForeignKeyConstraint(['from_department_id'], ['department.id'], name=op.f('fk_referral_from_department_id_department')),
    sa.ForeignKeyConstraint(['record_id'], ['check_record.id'], name=op.f('fk_referral_record_id_check_record')),
    sa.ForeignKeyConstraint(['result_id'], ['final_result.id'], name=op.f('fk_referral_result_id_final_result')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_referral_task_id_task')),
    sa.ForeignKeyConstraint(['to_department_id'], ['department.id'], name=op.f('fk_referral_to_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_task_id'), ['task_id'], unique=False)



def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_task_id'))

    op.drop_table('referral')
    with op.batch_alter_table('record_amendment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_amendment_record_id'))

    op.drop_table('record_amendment')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_sha256'))
        batch_op.drop_index(batch_op.f('ix_evidence_record_id'))

    op.drop_table('evidence')
    with op.batch_alter_table('final_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_final_result_team_id'))
        batch_op.drop_index(batch_op.f('ix_final_result_task_id'))

    op.drop_table('final_result')
    with op.batch_alter_table('check_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_record_team_id'))
        batch_op.drop_index(batch_op.f('ix_check_record_task_id'))
        batch_op.drop_index(batch_op.f('ix_check_record_subject_id'))

    op.drop_table('check_record')
