"""The use cases: each owns its unit of work and its one commit."""
