"""API tokens (issue #30): a name saying what each is for, and an optional expiry after which the API
refuses it

Revision ID: 0029_api_token_name_expiry
Revises: 0028_trust_billing
Create Date: 2026-12-07 12:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029_api_token_name_expiry'
down_revision = '0028_trust_billing'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
        batch_op.drop_column('name')
