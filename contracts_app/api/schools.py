"""GET /schools and /schools/{urn}: the school register, as the school pages show it."""
from __future__ import annotations

from contracts_app.models import School
from contracts_app.services import schools as schools_service
from contracts_app.services.register.links import links_of
from contracts_app.api.auth import allow, own_school_ids
from contracts_app.api.blueprint import bp
from contracts_app.api.errors import not_found
from contracts_app.api.schemas.common import MAX_ID, page_dict
from contracts_app.api.schemas.schools import SchoolArgs, SchoolDetailSchema, SchoolPageSchema

TAGS = ["Schools"]


def school_dict(school: School) -> dict:
    """A school's register fields, as the school page shows them."""
    return {c: getattr(school, c) for c in (
        "urn", "name", "customer_type", "establishment_type", "phase", "status", "la_code", "la_name", "town",
        "postcode", "street", "telephone", "head_name", "gias_pupils", "customer_type_derived",
        "customer_type_override")}


@bp.route("/schools", tags=TAGS)
@allow("sla", "finance", "school")
@bp.arguments(SchoolArgs, location="query")
@bp.response(200, SchoolPageSchema)
def list_schools(args: dict) -> dict:
    """Search the schools

    By name, URN or postcode, a page at a time. A school user sees its own school
    (or its group's schools) only.
    """
    result = schools_service.search(args.get("q", ""), args.get("customer_type", ""), args["page"],
                                    args["per_page"], school_ids=own_school_ids())
    return page_dict(result, [school_dict(s) for s in result.items])


@bp.route(f"/schools/<int(max={MAX_ID}):urn>", tags=TAGS)
@allow("sla", "finance", "school")
@bp.response(200, SchoolDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_school(urn: int) -> dict:
    """One school by URN

    With its GIAS status, open and close dates and reasons, predecessors and
    successors (GIAS's links file), key stakeholders, census figures and groups.
    Another school's URN is 404 to a school user.
    """
    school = schools_service.by_urn(urn, details=True)
    ids = own_school_ids()
    if school is None or (ids is not None and school.id not in ids):
        raise not_found(f"no school with URN {urn}")
    links = links_of(school)
    return {**school_dict(school),
            **{c: getattr(school, c) for c in ("opened_on", "open_reason", "closed_on", "close_reason")},
            "predecessors": [link.as_dict() for link in links.predecessors],
            "successors": [link.as_dict() for link in links.successors],
            "change_proposed": links.upcoming,
            "key_stakeholders": [{"name": k.name, "role": k.role, "email": k.email, "phone": k.phone}
                                 for k in school.stakeholders],
            "census": [{"census": c.census, "pupils": c.pupils, "source": c.source} for c in school.census_figures],
            "groups": [g.name for g in school.groups]}
