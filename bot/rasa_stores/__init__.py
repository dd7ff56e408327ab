"""Where Rasa keeps conversations and per-conversation locks, chosen by environment variables only.

endpoints.yml names these classes; they read DATABASE_URL / TRACKER_STORE_URL and REDIS_URL, so the same
file serves `make run` (SQLite, in-memory locks) and the cluster (PostgreSQL, Redis).
"""
