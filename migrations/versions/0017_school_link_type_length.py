"""GIAS link types up to 120 characters (issue #28): the real links file has a 62-character one

Revision ID: 0017_link_type_length
Revises: 0016_school_links
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_link_type_length'
down_revision = '0016_school_links'
branch_labels = None
depends_on = None


def upgrade():
    # "Merged - expansion in school capacity and changer in age range" (sic, 62 characters).
    with op.batch_alter_table('school_links') as batch:
        batch.alter_column('link_type', existing_type=sa.String(length=60), type_=sa.String(length=120),
                           existing_nullable=False)


def downgrade():
    with op.batch_alter_table('school_links') as batch:
        batch.alter_column('link_type', existing_type=sa.String(length=120), type_=sa.String(length=60),
                           existing_nullable=False)
