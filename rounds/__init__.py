"""The buying round's rules (§2.6 "SLA setting period"; DESIGN "The buying round", "An
acceptance stands"): who may answer, what a change after an answer does, and which outcome
the close gives each school. Plain Python with no Flask or SQLAlchemy, like agreements/."""
