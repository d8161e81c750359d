"""Trusts (issue #29): trusts, their contacts, academies' memberships with dates, trust users

Revision ID: 0023_trusts
Revises: 0022_ticket_life
Create Date: 2026-12-07 06:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_trusts'
down_revision = '0022_ticket_life'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'trusts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('name_lower', sa.String(length=200), nullable=False),
        sa.Column('companies_house_number', sa.String(length=8), server_default='', nullable=False),
        sa.Column('street', sa.String(length=200), server_default='', nullable=False),
        sa.Column('town', sa.String(length=120), server_default='', nullable=False),
        sa.Column('postcode', sa.String(length=12), server_default='', nullable=False),
        sa.Column('billing', sa.String(length=12), server_default='per_academy', nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("billing IN ('per_academy', 'consolidated')", name=op.f('ck_trusts_billing_known')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_trusts')),
        sa.UniqueConstraint('code', name=op.f('uq_trusts_code')),
    )
    op.create_index('ix_trusts_name_lower', 'trusts', ['name_lower'], unique=False)
    op.create_table(
        'trust_contacts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trust_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=120), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('finance', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('signatory', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(['trust_id'], ['trusts.id'], name=op.f('fk_trust_contacts_trust_id_trusts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_contacts')),
    )
    op.create_index(op.f('ix_trust_contacts_trust_id'), 'trust_contacts', ['trust_id'], unique=False)
    op.create_table(
        'trust_memberships',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trust_id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('joined_on', sa.Date(), nullable=True),
        sa.Column('left_on', sa.Date(), nullable=True),
        sa.Column('source', sa.String(length=10), server_default='gias', nullable=False),
        sa.Column('note', sa.Text(), server_default='', nullable=False),
        sa.CheckConstraint("source IN ('gias', 'override')", name=op.f('ck_trust_memberships_membership_source_known')),
        sa.CheckConstraint('left_on IS NULL OR joined_on IS NULL OR joined_on <= left_on',
                           name=op.f('ck_trust_memberships_membership_dates')),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_trust_memberships_school_id_schools'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['trust_id'], ['trusts.id'], name=op.f('fk_trust_memberships_trust_id_trusts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_memberships')),
    )
    op.create_index(op.f('ix_trust_memberships_trust_id'), 'trust_memberships', ['trust_id'], unique=False)
    op.create_index('ix_trust_memberships_school', 'trust_memberships', ['school_id', 'left_on'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trust_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_trust_id'), ['trust_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_trust_id_trusts'), 'trusts', ['trust_id'], ['id'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_trust_id_trusts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_trust_id'))
        batch_op.drop_column('trust_id')
    op.drop_index('ix_trust_memberships_school', table_name='trust_memberships')
    op.drop_index(op.f('ix_trust_memberships_trust_id'), table_name='trust_memberships')
    op.drop_table('trust_memberships')
    op.drop_index(op.f('ix_trust_contacts_trust_id'), table_name='trust_contacts')
    op.drop_table('trust_contacts')
    op.drop_index('ix_trusts_name_lower', table_name='trusts')
    op.drop_table('trusts')
