"""The school register's changes as GIAS records them (issue #28): which link makes a school
another's predecessor or successor, and what a conversion, merger or closure means for its
agreement and invoices. Plain Python: no Flask, no SQLAlchemy."""
