"""A price model's terms in words, for price-list pages and documents."""
from __future__ import annotations

from pricing.models import Banded, BasePlusPerPupil, Flat, PerPupil, PerUnit, PriceModel
from pricing.money import format_gbp, format_rate


def _limits(model: PerPupil | BasePlusPerPupil) -> str:
    parts = []
    if model.minimum is not None:
        parts.append(f"min {format_gbp(model.minimum)}")
    if model.maximum is not None:
        parts.append(f"max {format_gbp(model.maximum)}")
    return f" ({', '.join(parts)})" if parts else ""


def describe_terms(model: PriceModel) -> str:
    """``£3.10 per pupil (min £1,500.00)``, ``0-100: £1,200.00; 251+: £2,400.00`` ..."""
    if isinstance(model, Flat):
        return f"{format_gbp(model.amount)} a year"
    if isinstance(model, PerPupil):
        return f"{format_rate(model.rate)} per {model.unit or 'pupil'}{_limits(model)}"
    if isinstance(model, BasePlusPerPupil):
        return f"{format_gbp(model.amount)} + {format_rate(model.rate)} per {model.unit or 'pupil'}{_limits(model)}"
    if isinstance(model, Banded):
        return "; ".join(f"{band.label}: {format_gbp(band.amount)}" for band in model.bands)
    if isinstance(model, PerUnit):
        return f"{format_rate(model.rate)} per {model.unit or 'unit'}"
    raise TypeError(f"unknown price model {model!r}")
