from flask.cli import AppGroup

tickets_group = AppGroup("tickets", help="Service desk tickets and SLA performance.")
