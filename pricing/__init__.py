"""Pure pricing rules for school SLAs: money, SLA years, census, price models and price lists.

No web or database code here, so the rules can be tested and reused on their own.
"""
from pricing.bands import Band, band_for, format_bands, parse_bands, validate_bands
from pricing.census import CensusRef, census_for_year, parse_census_label
from pricing.check import PriceComparison, PricedLine, compare_lists, price_line, price_services
from pricing.errors import MissingCensus, PriceRuleError, PricingError
from pricing.models import (
    Banded,
    BasePlusPerPupil,
    Flat,
    PerPupil,
    PerUnit,
    PriceModel,
    PricingContext,
    build_model,
)
from pricing.money import PENNY, format_gbp, format_plain, format_rate, round_money, to_decimal
from pricing.price_list import (
    REQUIRED_COLUMNS,
    PriceListProblem,
    PriceListRefused,
    PriceRow,
    expand_customer_types,
    parse_price_row,
    validate_price_list,
)
from pricing.sla_year import SlaYear
from pricing.vat import VAT_DESCRIPTIONS, VAT_RATES, vat_rate

__all__ = [
    "Band", "band_for", "format_bands", "parse_bands", "validate_bands",
    "CensusRef", "census_for_year", "parse_census_label",
    "PriceComparison", "PricedLine", "compare_lists", "price_line", "price_services",
    "MissingCensus", "PriceRuleError", "PricingError",
    "Banded", "BasePlusPerPupil", "Flat", "PerPupil", "PerUnit", "PriceModel", "PricingContext",
    "build_model",
    "PENNY", "format_gbp", "format_plain", "format_rate", "round_money", "to_decimal",
    "REQUIRED_COLUMNS", "PriceListProblem", "PriceListRefused", "PriceRow",
    "expand_customer_types", "parse_price_row", "validate_price_list",
    "SlaYear",
    "VAT_DESCRIPTIONS", "VAT_RATES", "vat_rate",
]
