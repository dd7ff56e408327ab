"""reminder outbox, opt-outs, an employer's reminder address (issue 17)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 18:31:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('employers') as batch:
        batch.add_column(sa.Column('reminder_email', sa.String(length=200), nullable=True))
    op.create_table('reminder_outbox',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('audience', sa.String(length=20), nullable=False),
                    sa.Column('subject_key', sa.String(length=64), nullable=False),
                    sa.Column('kind', sa.String(length=40), nullable=False),
                    sa.Column('reference_date', sa.Date(), nullable=False),
                    sa.Column('channel', sa.String(length=20), nullable=False),
                    sa.Column('body', sa.Text(), nullable=False),
                    sa.Column('status', sa.String(length=20), nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.Column('sent_at', sa.DateTime(), nullable=True),
                    sa.Column('error', sa.String(length=300), nullable=True),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('audience', 'subject_key', 'kind', 'reference_date', 'channel'))
    op.create_index('ix_reminder_outbox_status_channel', 'reminder_outbox', ['status', 'channel'])
    op.create_table('reminder_opt_outs',
                    sa.Column('audience', sa.String(length=20), nullable=False),
                    sa.Column('subject_key', sa.String(length=64), nullable=False),
                    sa.Column('opted_out_at', sa.DateTime(), nullable=False),
                    sa.PrimaryKeyConstraint('audience', 'subject_key'))


def downgrade() -> None:
    op.drop_table('reminder_opt_outs')
    op.drop_index('ix_reminder_outbox_status_channel', table_name='reminder_outbox')
    op.drop_table('reminder_outbox')
    with op.batch_alter_table('employers') as batch:
        batch.drop_column('reminder_email')
