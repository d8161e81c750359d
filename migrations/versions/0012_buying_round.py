"""Buying round, offers and acceptances (issue #19)

Revision ID: 0012_buying_round
Revises: 0011_payment_reversals
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_buying_round'
down_revision = '0011_payment_reversals'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
