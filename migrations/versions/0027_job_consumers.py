"""Job consumers (issue #33): each consumer's heartbeat, so the admin home shows the consumers seen
in the last minute

Revision ID: 0027_job_consumers
Revises: 0026_schools_closed_on_index
Create Date: 2026-12-07 11:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027_job_consumers'
down_revision = '0026_schools_closed_on_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_consumers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('identity', sa.String(length=300), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('worker_type', sa.String(length=10), nullable=False),
        sa.Column('workers', sa.Integer(), nullable=False),
        sa.Column('periodic', sa.Boolean(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.Column('stopped_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_consumers')),
        sa.UniqueConstraint('identity', name=op.f('uq_job_consumers_identity')),
    )
    op.create_index('ix_job_consumers_last_seen_at', 'job_consumers', ['last_seen_at'], unique=False)


def downgrade():
    op.drop_index('ix_job_consumers_last_seen_at', table_name='job_consumers')
    op.drop_table('job_consumers')
