"""Exceptions raised by the pricing rules, so callers can report them to people."""
from __future__ import annotations


class PricingError(Exception):
    """Base class for every pricing failure."""


class PriceRuleError(PricingError):
    """A price, price-list value or pricing input breaks a rule.

    ``column`` names the price-list column at fault (``None`` when there is no
    column, e.g. a bare money string), ``reason`` says what is wrong.
    """

    def __init__(self, column: str | None, reason: str) -> None:
        # Both go to args so the exception pickles and reconstructs unchanged.
        super().__init__(column, reason)
        self.column = column
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.column}: {self.reason}" if self.column else self.reason


class MissingCensus(PricingError):
    """A pupil-number price was asked for but the school has no census figure.

    DESIGN §1 (census-based pricing): reported, never silently priced at 0.
    """

    def __init__(self, census_label: str | None) -> None:
        super().__init__(census_label)
        self.census_label = census_label

    def __str__(self) -> str:
        if self.census_label:
            return f"no pupil figure for the {self.census_label} census"
        return "no pupil figure for the pricing census"
