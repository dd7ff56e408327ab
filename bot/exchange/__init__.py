"""Import and export of the provincial record exchange format."""
