"""The filled-in SLA document: template parsing, filling in, PDF and HTML renderers, bulk ZIP. Pure Python."""
