"""Group offers (issue #29): a group sharing one agreement gets one offer in the round

Revision ID: 0031_group_offers
Revises: 0030_job_chunks
Create Date: 2026-12-08 01:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0031_group_offers'
down_revision = '0030_job_chunks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_offers_group_id'), ['group_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_offers_group_id_school_groups'), 'school_groups',
                                    ['group_id'], ['id'])


def downgrade():
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_offers_group_id_school_groups'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_offers_group_id'))
        batch_op.drop_column('group_id')
