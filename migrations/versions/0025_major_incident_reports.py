"""Major incident reports (issue #31, §6.5): the MIR PDF attached to a major incident, or why none
was produced

Revision ID: 0025_major_incident_reports
Revises: 0024_major_incidents
Create Date: 2026-12-07 07:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_major_incident_reports'
down_revision = '0024_major_incidents'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'major_incident_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=True),
        sa.Column('file_name', sa.String(length=120), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('recorded_by', sa.String(length=254), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("pdf IS NOT NULL OR reason <> ''", name=op.f('ck_major_incident_reports_pdf_or_reason')),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_major_incident_reports_ticket_id_tickets'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_major_incident_reports')),
        sa.UniqueConstraint('ticket_id', name=op.f('uq_major_incident_reports_ticket_id')),
    )


def downgrade():
    op.drop_table('major_incident_reports')
