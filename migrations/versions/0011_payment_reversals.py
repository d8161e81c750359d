"""Payment reversals and imported payments (issue #20)

Revision ID: 0011_payment_reversals
Revises: 0010_outbox
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_payment_reversals'
down_revision = '0010_outbox'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
