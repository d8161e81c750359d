"""The buying round\x27s pages: the SLA team\x27s round page and each school\x27s offer."""
