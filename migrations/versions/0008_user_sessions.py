"""Sessions end on logout and password change; login audit (issue #16)

Revision ID: 0008_user_sessions
Revises: 0007_template_applies_to
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_user_sessions'
down_revision = '0007_template_applies_to'
branch_labels = None
depends_on = None


def upgrade():
    # Every existing session and remember-me cookie carries the bare id and is refused after this.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
