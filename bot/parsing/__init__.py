"""Chinese in, pure: identification, draft answers, numbers."""
