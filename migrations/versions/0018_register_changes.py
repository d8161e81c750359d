"""Register changes applied (issue #28): why an agreement ended, and one row per applied change

Revision ID: 0018_register_changes
Revises: 0017_link_type_length
Create Date: 2026-12-07 06:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_register_changes'
down_revision = '0017_link_type_length'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreements') as batch:
        batch.add_column(sa.Column('end_reason', sa.String(length=200), server_default='', nullable=False))
    op.create_table(
        'register_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('urn', sa.Integer(), nullable=False),
        sa.Column('successor_urns', sa.String(length=200), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('credited', sa.BigInteger(), nullable=False),
        sa.Column('successor_agreement_id', sa.Integer(), nullable=True),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('applied_at', sa.DateTime(), nullable=False),
        sa.Column('applied_by', sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'],
                                name=op.f('fk_register_changes_agreement_id_agreements')),
        sa.ForeignKeyConstraint(['successor_agreement_id'], ['agreements.id'],
                                name=op.f('fk_register_changes_successor_agreement_id_agreements')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_register_changes')),
        sa.UniqueConstraint('agreement_id', name=op.f('uq_register_changes_agreement_id')),
    )


def downgrade():
    op.drop_table('register_changes')
    with op.batch_alter_table('agreements') as batch:
        batch.drop_column('end_reason')
