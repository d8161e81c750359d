"""Invoicing: runs, balances and payments, documents and exports, the number series."""
