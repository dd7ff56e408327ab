"""attempt keys, host token uses, web sessions (issue 15)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('verification_attempts') as batch:
        batch.add_column(sa.Column('subject_key', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('client_key', sa.String(length=64), nullable=True))
    op.create_index('ix_verification_subject_at', 'verification_attempts', ['kind', 'subject_key', 'at'])
    op.create_table('host_token_uses',
                    sa.Column('token_digest', sa.String(length=64), nullable=False),
                    sa.Column('conversation_key', sa.String(length=64), nullable=False),
                    sa.Column('first_used_at', sa.DateTime(), nullable=False),
                    sa.PrimaryKeyConstraint('token_digest'))
    op.create_index('ix_host_token_uses_first_used_at', 'host_token_uses', ['first_used_at'])
    op.create_table('web_sessions',
                    sa.Column('session_digest', sa.String(length=64), nullable=False),
                    sa.Column('kind', sa.String(length=20), nullable=False),
                    sa.Column('account', sa.String(length=100), nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.Column('expires_at', sa.DateTime(), nullable=False),
                    sa.Column('ended_at', sa.DateTime(), nullable=True),
                    sa.PrimaryKeyConstraint('session_digest'))
    op.create_index('ix_web_sessions_expires_at', 'web_sessions', ['expires_at'])


def downgrade() -> None:
    op.drop_index('ix_web_sessions_expires_at', table_name='web_sessions')
    op.drop_table('web_sessions')
    op.drop_index('ix_host_token_uses_first_used_at', table_name='host_token_uses')
    op.drop_table('host_token_uses')
    op.drop_index('ix_verification_subject_at', table_name='verification_attempts')
    with op.batch_alter_table('verification_attempts') as batch:
        batch.drop_column('client_key')
        batch.drop_column('subject_key')
