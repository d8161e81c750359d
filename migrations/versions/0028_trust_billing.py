"""Billing a trust (issue #29): who an invoice was addressed to when issued (a trust, with its name
and address as they were), and on a consolidated invoice each line's academy, agreement and order number

Revision ID: 0028_trust_billing
Revises: 0027_job_consumers
Create Date: 2026-12-07 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028_trust_billing'
down_revision = '0027_job_consumers'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trust_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('trust_billing', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('bill_to_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('bill_to_street', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('bill_to_town', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('bill_to_postcode', sa.String(length=12), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_invoices_trust_id'), ['trust_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_invoices_trust_id_trusts'), 'trusts', ['trust_id'], ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_invoices_trust_billing_known'),
            "trust_billing IS NULL OR trust_billing IN ('per_academy', 'consolidated')")
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('agreement_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('section', sa.String(length=260), server_default='', nullable=False))
        batch_op.add_column(sa.Column('po_number', sa.String(length=60), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_invoice_lines_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_invoice_lines_school_id_schools'), 'schools', ['school_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_invoice_lines_agreement_id_agreements'), 'agreements',
                                    ['agreement_id'], ['id'])


def downgrade():
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoice_lines_agreement_id_agreements'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_invoice_lines_school_id_schools'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invoice_lines_agreement_id'))
        batch_op.drop_column('po_number')
        batch_op.drop_column('section')
        batch_op.drop_column('agreement_id')
        batch_op.drop_column('school_id')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_invoices_trust_billing_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_invoices_trust_id_trusts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invoices_trust_id'))
        batch_op.drop_column('bill_to_postcode')
        batch_op.drop_column('bill_to_town')
        batch_op.drop_column('bill_to_street')
        batch_op.drop_column('bill_to_name')
        batch_op.drop_column('trust_billing')
        batch_op.drop_column('trust_id')
