"""Buying round, offers and acceptances (issue #19)

Revision ID: 0012_buying_round
Revises: 0011_payment_reversals
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_buying_round'
down_revision = '0011_payment_reversals'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signatory', sa.Boolean(), nullable=False, server_default='0'))

    op.create_table(
        'buying_rounds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sla_year', sa.Integer(), nullable=False),
        sa.Column('price_list_id', sa.Integer(), nullable=False),
        sa.Column('opens_on', sa.Date(), nullable=False),
        sa.Column('closes_on', sa.Date(), nullable=False),
        sa.Column('default_action', sa.String(length=8), nullable=False),
        sa.Column('approval', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('opened_by', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('closed_by', sa.String(length=254), nullable=True),
        sa.Column('close_summary', sa.Text(), nullable=False),
        sa.CheckConstraint("default_action IN ('renew', 'lapse')", name=op.f('ck_buying_rounds_default_known')),
        sa.CheckConstraint("approval IN ('immediate', 'approval')", name=op.f('ck_buying_rounds_approval_known')),
        sa.CheckConstraint("status IN ('open', 'closing', 'closed')", name=op.f('ck_buying_rounds_status_known')),
        sa.CheckConstraint('closes_on >= opens_on', name=op.f('ck_buying_rounds_dates_in_order')),
        sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'],
                                name=op.f('fk_buying_rounds_price_list_id_price_lists')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_buying_rounds')),
        sa.UniqueConstraint('sla_year', name=op.f('uq_buying_rounds_sla_year')),
    )
    op.create_index(op.f('ix_buying_rounds_price_list_id'), 'buying_rounds', ['price_list_id'], unique=False)

    op.create_table(
        'offers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('source_agreement_id', sa.Integer(), nullable=True),
        sa.Column('agreement_id', sa.Integer(), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('po_number', sa.String(length=60), nullable=False),
        sa.Column('invoice_contact', sa.String(length=200), nullable=False),
        sa.Column('invoice_email', sa.String(length=254), nullable=False),
        sa.Column('agreement_contact', sa.String(length=200), nullable=False),
        sa.Column('agreement_email', sa.String(length=254), nullable=False),
        sa.Column('total', sa.BigInteger(), nullable=True),
        sa.Column('problem', sa.Text(), nullable=False),
        sa.Column('viewed_at', sa.DateTime(), nullable=True),
        sa.Column('changed_at', sa.DateTime(), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("state IN ('not_opened', 'viewed', 'in_progress', 'accepted', 'declined', 'no_answer')",
                           name=op.f('ck_offers_state_known')),
        sa.ForeignKeyConstraint(['round_id'], ['buying_rounds.id'], name=op.f('fk_offers_round_id_buying_rounds'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_offers_school_id_schools')),
        sa.ForeignKeyConstraint(['source_agreement_id'], ['agreements.id'],
                                name=op.f('fk_offers_source_agreement_id_agreements')),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_offers_agreement_id_agreements')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offers')),
        sa.UniqueConstraint('round_id', 'school_id', name=op.f('uq_offers_round_id_school_id')),
    )
    op.create_index('ix_offers_round_state', 'offers', ['round_id', 'state'], unique=False)
    op.create_index(op.f('ix_offers_school_id'), 'offers', ['school_id'], unique=False)

    op.create_table(
        'offer_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('service_code', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('list_name', sa.String(length=12), nullable=False),
        sa.Column('quantity', sa.BigInteger(), nullable=False),
        sa.CheckConstraint("list_name IN ('subscribed', 'additional', 'excluded')",
                           name=op.f('ck_offer_lines_list_known')),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_offer_lines_quantity_positive')),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_offer_lines_offer_id_offers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_offer_lines_service_id_services')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_lines')),
        sa.UniqueConstraint('offer_id', 'service_code', name=op.f('uq_offer_lines_offer_id_service_code')),
    )
    op.create_index(op.f('ix_offer_lines_offer_id'), 'offer_lines', ['offer_id'], unique=False)

    op.create_table(
        'offer_acceptances',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('user_email', sa.String(length=254), nullable=False),
        sa.Column('full_name', sa.String(length=200), nullable=False),
        sa.Column('job_title', sa.String(length=200), nullable=False),
        sa.Column('authorised', sa.Boolean(), nullable=False),
        sa.Column('ip_address', sa.String(length=64), nullable=False),
        sa.Column('user_agent', sa.String(length=500), nullable=False),
        sa.Column('accepted_at', sa.DateTime(), nullable=False),
        sa.Column('basket', sa.JSON(), nullable=False),
        sa.Column('total', sa.BigInteger(), nullable=False),
        sa.Column('document_sha256', sa.String(length=64), nullable=False),
        sa.Column('document_path', sa.String(length=500), nullable=False),
        sa.Column('agreement_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_offer_acceptances_offer_id_offers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_offer_acceptances_user_id_users')),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'],
                                name=op.f('fk_offer_acceptances_agreement_id_agreements')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_acceptances')),
        sa.UniqueConstraint('offer_id', 'revision', name=op.f('uq_offer_acceptances_offer_id_revision')),
    )
    op.create_index(op.f('ix_offer_acceptances_offer_id'), 'offer_acceptances', ['offer_id'], unique=False)
    op.create_index(op.f('ix_offer_acceptances_user_id'), 'offer_acceptances', ['user_id'], unique=False)

    op.create_table(
        'offer_declines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('user_email', sa.String(length=254), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('declined_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_offer_declines_offer_id_offers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_offer_declines_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_declines')),
    )
    op.create_index(op.f('ix_offer_declines_offer_id'), 'offer_declines', ['offer_id'], unique=False)

    op.create_table(
        'offer_reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('sent_by', sa.String(length=254), nullable=False),
        sa.Column('recipients', sa.Text(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_offer_reminders_offer_id_offers'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_reminders')),
    )
    op.create_index(op.f('ix_offer_reminders_offer_id'), 'offer_reminders', ['offer_id'], unique=False)


def downgrade():
    for table in ('offer_reminders', 'offer_declines', 'offer_acceptances', 'offer_lines', 'offers',
                  'buying_rounds'):
        op.drop_table(table)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('signatory')
