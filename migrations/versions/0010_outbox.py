"""Email outbox and school contact preferences (issue #18)

Revision ID: 0010_outbox
Revises: 0009_jobs
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_outbox'
down_revision = '0009_jobs'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
