"""The demo council, one module per area."""
