"""Index schools.closed_on (issue #28): the register-changes page looks only at closed schools

Revision ID: 0026_schools_closed_on_index
Revises: 0025_major_incident_reports
Create Date: 2026-12-07 07:15:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0026_schools_closed_on_index'
down_revision = '0025_major_incident_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_schools_closed_on', 'schools', ['closed_on'], unique=False)


def downgrade():
    op.drop_index('ix_schools_closed_on', table_name='schools')
