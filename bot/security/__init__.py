"""Keys, kept secrets, password hashing, redaction of credentials and safe log lines."""
