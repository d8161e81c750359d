"""Ticket life (issue #31, §6.3-6.4): why a ticket was resolved, the ticket it continues, and
the kind of each pause (third party, awaiting the customer, resolved until re-opened)

Revision ID: 0022_ticket_life
Revises: 0021_blobs
Create Date: 2026-12-07 06:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_ticket_life'
down_revision = '0021_blobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets') as batch:
        batch.add_column(sa.Column('resolved_reason', sa.String(length=12), nullable=True))
        batch.add_column(sa.Column('linked_to', sa.String(length=40), nullable=True))
    with op.batch_alter_table('ticket_suspensions') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=12), server_default='third_party', nullable=False))


def downgrade():
    with op.batch_alter_table('ticket_suspensions') as batch:
        batch.drop_column('kind')
    with op.batch_alter_table('tickets') as batch:
        batch.drop_column('linked_to')
        batch.drop_column('resolved_reason')
