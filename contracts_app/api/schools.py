"""GET /schools and /schools/{urn}: the school register, as the school pages show it."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contracts_app.extensions import db
from contracts_app.models import School
from contracts_app.services.queries import paginate, school_filter
from contracts_app.api.auth import allow, own_school_ids
from contracts_app.api.blueprint import bp
from contracts_app.api.errors import not_found
from contracts_app.api.schemas import MAX_ID, SchoolArgs, SchoolDetailSchema, SchoolPageSchema, page_dict

TAGS = ["Schools"]


def school_dict(school: School) -> dict:
    return {c: getattr(school, c) for c in (
        "urn", "name", "customer_type", "establishment_type", "phase", "status", "la_code", "la_name", "town",
        "postcode", "street", "telephone", "head_name", "gias_pupils", "customer_type_derived",
        "customer_type_override")}


@bp.route("/schools", tags=TAGS)
@allow("sla", "finance", "school")
@bp.arguments(SchoolArgs, location="query")
@bp.response(200, SchoolPageSchema)
def list_schools(args):
    """Search the schools

    By name, URN or postcode, a page at a time. A school user sees its own school
    (or its group's schools) only.
    """
    query = school_filter(select(School), args.get("q", ""), args.get("customer_type", ""))
    ids = own_school_ids()
    if ids is not None:
        query = query.where(School.id.in_(ids or {-1}))
    result = paginate(query.order_by(School.name_lower, School.urn), args["page"], args["per_page"])
    return page_dict(result, [school_dict(s) for s in result.items])


@bp.route(f"/schools/<int(max={MAX_ID}):urn>", tags=TAGS)
@allow("sla", "finance", "school")
@bp.response(200, SchoolDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_school(urn: int):
    """One school by URN

    With its key stakeholders, census figures and groups. Another school's URN is
    404 to a school user.
    """
    school = db.session.scalar(select(School).where(School.urn == urn).options(
        selectinload(School.stakeholders), selectinload(School.census_figures), selectinload(School.groups)))
    ids = own_school_ids()
    if school is None or (ids is not None and school.id not in ids):
        raise not_found(f"no school with URN {urn}")
    return {**school_dict(school),
            "key_stakeholders": [{"name": k.name, "role": k.role, "email": k.email, "phone": k.phone}
                                 for k in school.stakeholders],
            "census": [{"census": c.census, "pupils": c.pupils, "source": c.source} for c in school.census_figures],
            "groups": [g.name for g in school.groups]}
