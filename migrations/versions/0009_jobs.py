"""Background jobs with progress (issue #17)

Revision ID: 0009_jobs
Revises: 0008_user_sessions
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_jobs'
down_revision = '0008_user_sessions'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
