"""The database: engine, tables, migrations, the unit of work and one repository per aggregate."""
