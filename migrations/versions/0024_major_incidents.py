"""Major incidents (issue #31, §6.5): a ticket's major flag, priority history, updates and status
as the ticket log gives them

Revision ID: 0024_major_incidents
Revises: 0023_trusts
Create Date: 2026-12-07 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_major_incidents'
down_revision = '0023_trusts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets') as batch:
        batch.add_column(sa.Column('major', sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('priority_history', sa.Text(), server_default='', nullable=False))
        batch.add_column(sa.Column('updates', sa.Text(), server_default='', nullable=False))
        batch.add_column(sa.Column('status', sa.String(length=20), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('tickets') as batch:
        batch.drop_column('status')
        batch.drop_column('updates')
        batch.drop_column('priority_history')
        batch.drop_column('major')
