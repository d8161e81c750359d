"""§11.1 standards measured (issue #31): calls to the service desk and emails to its mailbox

Revision ID: 0019_desk_contacts
Revises: 0018_register_changes
Create Date: 2026-12-07 06:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_desk_contacts'
down_revision = '0018_register_changes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'desk_contacts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=5), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=True),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('abandoned', sa.Boolean(), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("channel IN ('call', 'email')", name=op.f('ck_desk_contacts_channel_known')),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_desk_contacts_school_id_schools')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_contacts')),
        sa.UniqueConstraint('channel', 'key', name='uq_desk_contacts_channel_key'),
    )
    op.create_index('ix_desk_contacts_channel_started', 'desk_contacts', ['channel', 'started_at'], unique=False)
    op.create_index('ix_desk_contacts_school_started', 'desk_contacts', ['school_id', 'started_at'], unique=False)


def downgrade():
    op.drop_index('ix_desk_contacts_school_started', table_name='desk_contacts')
    op.drop_index('ix_desk_contacts_channel_started', table_name='desk_contacts')
    op.drop_table('desk_contacts')
