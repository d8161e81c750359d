"""The rules of agreements (§2.4, §2.5): transitions, notice terms. Pure Python."""
