from decimal import Decimal

from pricing.describe import describe_terms
from pricing.models import build_model


def test_each_model_described():
    assert describe_terms(build_model("flat", amount="1200")) == "£1,200.00 a year"
    assert describe_terms(build_model("per_pupil", rate="3.565", minimum="1500")) == \
        "£3.565 per pupil (min £1,500.00)"
    assert describe_terms(build_model("base_plus_per_pupil", amount="500", rate="1.2", maximum="2000")) == \
        "£500.00 + £1.20 per pupil (max £2,000.00)"
    assert describe_terms(build_model("banded", bands="0-100:1200;101-:2400")) == \
        "0-100: £1,200.00; 101+: £2,400.00"
    assert describe_terms(build_model("per_unit", rate=Decimal("45"), unit="device")) == "£45.00 per device"
