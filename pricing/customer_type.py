"""Which customer type a school is, from its GIAS record (SLA §3 Definitions)."""
from __future__ import annotations

# GIAS "TypeOfEstablishment (name)" values that a local authority maintains (§3 "Maintained
# School": community, voluntary aided/controlled, foundation, special, LA nursery, PRU).
MAINTAINED_ESTABLISHMENT_TYPES = frozenset(
    name.lower()
    for name in (
        "Community school",
        "Voluntary aided school",
        "Voluntary controlled school",
        "Foundation school",
        "Community special school",
        "Foundation special school",
        "Local authority nursery school",
        "Pupil referral unit",
    )
)


def derive_customer_type(establishment_type: str, la_code: int, home_la_code: int) -> str:
    """'maintained' for an LA-maintained type in the home LA; everything else 'academy'.

    §3: academies, free schools, independent and non-maintained special schools and
    schools maintained by another local authority are all treated as academies.
    """
    maintained_type = establishment_type.strip().lower() in MAINTAINED_ESTABLISHMENT_TYPES
    return "maintained" if maintained_type and la_code == home_la_code else "academy"
