"""The web pages: one blueprint per area, each a folder with routes.py and forms.py."""
