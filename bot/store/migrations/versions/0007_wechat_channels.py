"""the WeChat and 企业微信 channels: wechat_inbound, wechat_outbound, wechat_access_tokens, wechat_choices

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-20 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('wechat_inbound',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('channel', sa.String(length=10), nullable=False),
                    sa.Column('msg_key', sa.String(length=128), nullable=False),
                    sa.Column('user_id', sa.String(length=128), nullable=False),
                    sa.Column('received_at', sa.DateTime(), nullable=False),
                    sa.Column('state', sa.String(length=20), nullable=False),
                    sa.Column('reply', sa.Text(), nullable=True),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('channel', 'msg_key'))
    op.create_index(op.f('ix_wechat_inbound_received_at'), 'wechat_inbound', ['received_at'], unique=False)
    op.create_table('wechat_outbound',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('channel', sa.String(length=10), nullable=False),
                    sa.Column('user_id', sa.String(length=128), nullable=False),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.Column('delivered_at', sa.DateTime(), nullable=True),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index(op.f('ix_wechat_outbound_created_at'), 'wechat_outbound', ['created_at'], unique=False)
    op.create_index('ix_wechat_outbound_user', 'wechat_outbound', ['channel', 'user_id', 'delivered_at'], unique=False)
    op.create_table('wechat_access_tokens',
                    sa.Column('app_key', sa.String(length=128), nullable=False),
                    sa.Column('token', sa.Text(), nullable=False),
                    sa.Column('expires_at', sa.DateTime(), nullable=False),
                    sa.PrimaryKeyConstraint('app_key'))
    op.create_table('wechat_choices',
                    sa.Column('channel', sa.String(length=10), nullable=False),
                    sa.Column('user_id', sa.String(length=128), nullable=False),
                    sa.Column('payloads', sa.Text(), nullable=False),
                    sa.Column('updated_at', sa.DateTime(), nullable=False),
                    sa.PrimaryKeyConstraint('channel', 'user_id'))
    op.create_index(op.f('ix_wechat_choices_updated_at'), 'wechat_choices', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_wechat_choices_updated_at'), table_name='wechat_choices')
    op.drop_table('wechat_choices')
    op.drop_table('wechat_access_tokens')
    op.drop_index('ix_wechat_outbound_user', table_name='wechat_outbound')
    op.drop_index(op.f('ix_wechat_outbound_created_at'), table_name='wechat_outbound')
    op.drop_table('wechat_outbound')
    op.drop_index(op.f('ix_wechat_inbound_received_at'), table_name='wechat_inbound')
    op.drop_table('wechat_inbound')
