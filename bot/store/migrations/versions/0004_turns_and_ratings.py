"""turns and service ratings: feedback and /staff/insights (issue 17)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 18:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('turns',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('conversation_key', sa.String(length=64), nullable=False),
                    sa.Column('asked_at', sa.DateTime(), nullable=False),
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('city', sa.String(length=50), nullable=True),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.Column('kind', sa.String(length=20), nullable=False),
                    sa.Column('intent', sa.String(length=80), nullable=True),
                    sa.Column('confidence', sa.Float(), nullable=True),
                    sa.Column('topic', sa.String(length=80), nullable=True),
                    sa.Column('basis', sa.String(length=300), nullable=True),
                    sa.Column('vote', sa.Integer(), nullable=True),
                    sa.Column('vote_reason', sa.String(length=20), nullable=True),
                    sa.Column('voted_at', sa.DateTime(), nullable=True),
                    sa.Column('reviewed_topic', sa.String(length=80), nullable=True),
                    sa.Column('reviewed_by', sa.String(length=100), nullable=True),
                    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
                    sa.PrimaryKeyConstraint('id'))
    # Covering indexes for /staff/insights over a range of days (bench/insights_bench.py, a million messages).
    op.create_index('ix_turns_day_facts', 'turns', ['day', 'conversation_key', 'kind', 'topic', 'city', 'vote'])
    op.create_index('ix_turns_day_asked', 'turns', ['day', 'asked_at', 'kind', 'vote'])
    op.create_index('ix_turns_conversation_day', 'turns', ['conversation_key', 'day'])
    op.create_table('service_ratings',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('conversation_key', sa.String(length=64), nullable=False),
                    sa.Column('rated_at', sa.DateTime(), nullable=False),
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('city', sa.String(length=50), nullable=True),
                    sa.Column('topic', sa.String(length=80), nullable=True),
                    sa.Column('rating', sa.Integer(), nullable=False),
                    sa.Column('occasion', sa.String(length=20), nullable=False),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('conversation_key', 'occasion'))
    op.create_index('ix_service_ratings_day', 'service_ratings', ['day'])


def downgrade() -> None:
    op.drop_index('ix_service_ratings_day', table_name='service_ratings')
    op.drop_table('service_ratings')
    for name in ('ix_turns_conversation_day', 'ix_turns_day_asked', 'ix_turns_day_facts'):
        op.drop_index(name, table_name='turns')
    op.drop_table('turns')
