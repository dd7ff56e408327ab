"""the daily roll-up of turns for /staff/insights: turn_day_counts and conversation_day_counts, filled from turns

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The same back-fill as bot/store/turns.rebuild_roll_up, written out here so this migration keeps meaning what it
# means whatever the code later becomes. Portable SQL: SQLite and PostgreSQL alike.
FILL_TURN_DAY_COUNTS = """
INSERT INTO turn_day_counts (day, city, topic, kind, turns, up, down)
SELECT day, COALESCE(city, ''), COALESCE(topic, ''), kind, COUNT(*),
       COALESCE(SUM(CASE WHEN vote = 1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN vote = -1 THEN 1 ELSE 0 END), 0)
FROM turns GROUP BY day, COALESCE(city, ''), COALESCE(topic, ''), kind
"""
FILL_CONVERSATION_DAY_COUNTS = """
INSERT INTO conversation_day_counts (day, city, topic, conversations)
SELECT day, '', '', COUNT(DISTINCT conversation_key) FROM turns GROUP BY day
UNION ALL
SELECT day, city, '', COUNT(DISTINCT conversation_key) FROM turns WHERE city <> '' GROUP BY day, city
UNION ALL
SELECT day, '', topic, COUNT(DISTINCT conversation_key) FROM turns WHERE topic <> '' GROUP BY day, topic
UNION ALL
SELECT day, city, topic, COUNT(DISTINCT conversation_key) FROM turns WHERE city <> '' AND topic <> ''
GROUP BY day, city, topic
"""


def upgrade() -> None:
    op.create_table('turn_day_counts',
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('city', sa.String(length=50), nullable=False),
                    sa.Column('topic', sa.String(length=80), nullable=False),
                    sa.Column('kind', sa.String(length=20), nullable=False),
                    sa.Column('turns', sa.Integer(), nullable=False),
                    sa.Column('up', sa.Integer(), nullable=False),
                    sa.Column('down', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('day', 'city', 'topic', 'kind'))
    op.create_table('conversation_day_counts',
                    sa.Column('city', sa.String(length=50), nullable=False),
                    sa.Column('topic', sa.String(length=80), nullable=False),
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('conversations', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('city', 'topic', 'day'))
    op.execute(FILL_TURN_DAY_COUNTS)
    op.execute(FILL_CONVERSATION_DAY_COUNTS)


def downgrade() -> None:
    op.drop_table('conversation_day_counts')
    op.drop_table('turn_day_counts')
