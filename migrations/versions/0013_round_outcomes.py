"""The buying round's close gives each school one outcome (issue #26)

Each offer records what the close gave its school (accepted, renewed, lapsed, declined, or
not done) and why, so the page, the command and the API list every school left without an
agreement for next year.

Revision ID: 0013_round_outcomes
Revises: 0012_buying_round
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_round_outcomes'
down_revision = '0012_buying_round'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('outcome_reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_offers_outcome_known'),
            "outcome IS NULL OR outcome IN ('accepted', 'renewed', 'lapsed', 'declined', 'not_done')")


def downgrade():
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_offers_outcome_known'), type_='check')
        batch_op.drop_column('outcome_reason')
        batch_op.drop_column('outcome')
