"""GIAS open and close dates, reasons and the links file (issue #28)

Revision ID: 0016_school_links
Revises: 0015_rate_limit_counters
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_school_links'
down_revision = '0015_rate_limit_counters'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('schools') as batch:
        batch.add_column(sa.Column('opened_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('open_reason', sa.String(length=120), server_default='', nullable=False))
        batch.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('close_reason', sa.String(length=120), server_default='', nullable=False))
    op.create_table(
        'school_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('urn', sa.Integer(), nullable=False),
        sa.Column('link_urn', sa.Integer(), nullable=False),
        sa.Column('link_name', sa.String(length=200), nullable=False),
        sa.Column('link_type', sa.String(length=60), nullable=False),
        sa.Column('established_on', sa.Date(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_school_links')),
        sa.UniqueConstraint('urn', 'link_urn', 'link_type', name='uq_school_links_urn_link_type'),
    )
    op.create_index('ix_school_links_link_urn', 'school_links', ['link_urn'], unique=False)


def downgrade():
    op.drop_index('ix_school_links_link_urn', table_name='school_links')
    op.drop_table('school_links')
    with op.batch_alter_table('schools') as batch:
        batch.drop_column('close_reason')
        batch.drop_column('closed_on')
        batch.drop_column('open_reason')
        batch.drop_column('opened_on')
