from flask.cli import AppGroup

adhoc_group = AppGroup("adhoc", help="Ad hoc work charged by the hour.")
