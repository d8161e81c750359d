"""Email outbox and school contact preferences (issue #18)

Revision ID: 0010_outbox
Revises: 0009_jobs
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_outbox'
down_revision = '0009_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=400), nullable=False),
        sa.Column('purpose', sa.String(length=40), nullable=False),
        sa.Column('concerns_type', sa.String(length=20), nullable=False),
        sa.Column('concerns_id', sa.Integer(), nullable=True),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("state IN ('queued', 'sent', 'failed')", name=op.f('ck_outbox_messages_state_known')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
        sa.UniqueConstraint('key', name=op.f('uq_outbox_messages_key')),
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_state_next', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_outbox_messages_concerns', ['concerns_type', 'concerns_id'], unique=False)
    op.create_table(
        'outbox_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('mimetype', sa.String(length=100), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('size', sa.Integer(), nullable=True),
        sa.Column('render_kind', sa.String(length=30), nullable=True),
        sa.Column('render_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('sha256 IS NOT NULL OR render_kind IS NOT NULL',
                           name=op.f('ck_outbox_attachments_stored_or_rendered')),
        sa.ForeignKeyConstraint(['message_id'], ['outbox_messages.id'],
                                name=op.f('fk_outbox_attachments_message_id_outbox_messages'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachments')),
    )
    with op.batch_alter_table('outbox_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_attachments_message_id'), ['message_id'], unique=False)
        batch_op.create_index('ix_outbox_attachments_render', ['render_kind', 'render_id'], unique=False)
    with op.batch_alter_table('key_stakeholders', schema=None) as batch_op:
        for flag in ('invoices', 'agreements', 'notices'):
            batch_op.add_column(sa.Column(flag, sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('key_stakeholders', schema=None) as batch_op:
        for flag in ('notices', 'agreements', 'invoices'):
            batch_op.drop_column(flag)
    with op.batch_alter_table('outbox_attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_attachments_render')
        batch_op.drop_index(batch_op.f('ix_outbox_attachments_message_id'))
    op.drop_table('outbox_attachments')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_concerns')
        batch_op.drop_index('ix_outbox_messages_state_next')
    op.drop_table('outbox_messages')
