"""Job chunks (issue #33): a bulk job's shares that any consumer takes

Revision ID: 0030_job_chunks
Revises: 0029_api_token_name_expiry
Create Date: 2026-12-07 19:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030_job_chunks'
down_revision = '0029_api_token_name_expiry'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_chunks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('results', sa.JSON(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('worker', sa.String(length=300), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')",
                           name=op.f('ck_job_chunks_state_known')),
        sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_job_chunks_job_id_jobs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_chunks')),
        sa.UniqueConstraint('job_id', 'seq', name='uq_job_chunks_job_id_seq'),
    )


def downgrade():
    op.drop_table('job_chunks')
