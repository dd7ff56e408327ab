"""The demo database and logins that `make run` seeds."""
