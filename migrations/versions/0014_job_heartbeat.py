"""Jobs recover by themselves; every email has a stable Message-ID (issue #27)

A running job's heartbeat and worker, when it was found interrupted and how often; each
outbox message's Message-ID, made once (existing messages get one from their id).

Revision ID: 0014_job_heartbeat
Revises: 0013_round_outcomes
Create Date: 2026-12-07 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_job_heartbeat'
down_revision = '0013_round_outcomes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('worker', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('interrupted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('interruptions', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_jobs_state', ['state'], unique=False)
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.alter_column('interruptions', server_default=None)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=250), nullable=True))
    op.execute("UPDATE outbox_messages SET message_id = '<outbox-' || id || '@sla-contracts.invalid>'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('message_id', existing_type=sa.String(length=250), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_messages_message_id'), ['message_id'])


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_messages_message_id'), type_='unique')
        batch_op.drop_column('message_id')

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_state')
        batch_op.drop_column('interruptions')
        batch_op.drop_column('interrupted_at')
        batch_op.drop_column('worker')
        batch_op.drop_column('heartbeat_at')
