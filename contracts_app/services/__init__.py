"""Service layer: load through the ORM, call the domain, save - one transaction each."""
