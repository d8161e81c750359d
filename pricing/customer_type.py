"""Which customer type a school is, from its GIAS record (SLA §3 Definitions)."""
from __future__ import annotations

# GIAS "TypeOfEstablishment (name)" values that a local authority maintains (§3 "Maintained
# School": community, voluntary aided/controlled, foundation, special, LA nursery, PRU), as
# every GIAS (and EduBase) extract has named them: today's names and the older "LA nursery
# school". Compared after `_normalised` (any letter case, any spacing).
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
        "LA nursery school",
        "Pupil referral unit",
    )
)


def _normalised(name: str) -> str:
    """Lower case, single spaces (a no-break space counts as a space): "LA  Nursery School " -> "la nursery school"."""
    return " ".join(str(name).replace("\u00a0", " ").split()).lower()


def is_maintained_type(establishment_type: str) -> bool:
    """§3 "Maintained School": is this GIAS type name one a local authority maintains?

    Case and spacing do not matter: GIAS has written "LA Nursery School", "LA nursery
    school" and "Local authority nursery school" for the same type.
    """
    return _normalised(establishment_type) in MAINTAINED_ESTABLISHMENT_TYPES


def derive_customer_type(establishment_type: str, la_code: int, home_la_code: int) -> str:
    """'maintained' for an LA-maintained type in the home LA; everything else 'academy'.

    §3: academies, free schools, independent and non-maintained special schools and
    schools maintained by another local authority are all treated as academies.
    """
    maintained_type = is_maintained_type(establishment_type)
    return "maintained" if maintained_type and la_code == home_la_code else "academy"
