"""Payment reversals and imported payments (issue #20)

A wrong payment is answered by a reversing entry (a negative payment naming it, at most
one per payment); each row of a bank file carries an import key, unique, so a file
imported twice pays nothing twice.

Revision ID: 0011_payment_reversals
Revises: 0010_outbox
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_payment_reversals'
down_revision = '0010_outbox'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=12), server_default='manual', nullable=False))
        batch_op.add_column(sa.Column('reverses_payment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('import_key', sa.String(length=64), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_payments_amount_positive'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_payments_amount_sign'),
            "(reverses_payment_id IS NULL AND amount > 0) OR (reverses_payment_id IS NOT NULL AND amount < 0)")
        batch_op.create_check_constraint(batch_op.f('ck_payments_method_known'),
                                         "method IN ('manual', 'import', 'reversal')")
        batch_op.create_foreign_key(batch_op.f('fk_payments_reverses_payment_id_payments'), 'payments',
                                    ['reverses_payment_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_payments_reverses_payment_id'), ['reverses_payment_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_payments_import_key'), ['import_key'])


def downgrade():
    # reversing entries cannot be positive payments: they go with the columns that explain them
    op.execute("DELETE FROM payments WHERE reverses_payment_id IS NOT NULL")
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_payments_import_key'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_payments_reverses_payment_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_payments_reverses_payment_id_payments'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_payments_method_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_payments_amount_sign'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_payments_amount_positive'), 'amount > 0')
        batch_op.drop_column('import_key')
        batch_op.drop_column('reason')
        batch_op.drop_column('reverses_payment_id')
        batch_op.drop_column('method')
