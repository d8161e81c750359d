"""The rules of ad hoc work (§2.6, §7.2-7.3, §9.5): lifecycle and charging. Pure Python."""
