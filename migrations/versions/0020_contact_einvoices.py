"""E-invoices (issue #32): a school contact may ask for the e-invoice (UBL) with each invoice

Revision ID: 0020_contact_einvoices
Revises: 0019_desk_contacts
Create Date: 2026-12-07 06:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_contact_einvoices'
down_revision = '0019_desk_contacts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('key_stakeholders') as batch:
        batch.add_column(sa.Column('einvoices', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('key_stakeholders') as batch:
        batch.drop_column('einvoices')
