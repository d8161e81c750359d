"""SLA template versions apply to maintained schools, academies or both (issue #15 item 15)

Revision ID: 0007_template_applies_to
Revises: 4b21bca6248d
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_template_applies_to'
down_revision = '4b21bca6248d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sla_templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applies_to', sa.String(length=10), nullable=False, server_default='all'))
        batch_op.create_check_constraint('applies_to_known', "applies_to IN ('all', 'maintained', 'academy')")


def downgrade():
    with op.batch_alter_table('sla_templates', schema=None) as batch_op:
        batch_op.drop_constraint('applies_to_known', type_='check')
        batch_op.drop_column('applies_to')
