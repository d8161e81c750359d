"""Access to the SLA template pages and to an agreement's filled-in document."""
from __future__ import annotations

from contracts_app.services import documents

EDITORS = {"admin", "sla"}
READERS = {"admin", "sla", "finance", "school"}

EXPECTED = {
    "documents.templates": EDITORS,
    "documents.import_template": EDITORS,
    "documents.new_template_version": EDITORS,
    "documents.template": EDITORS,
    "documents.preview_template": EDITORS,
    "documents.template_markdown": EDITORS,
    "documents.template_service_levels": EDITORS,
    "documents.correct_in_new_version": EDITORS,
    "documents.edit_template": EDITORS,
    "documents.publish_template": EDITORS,
    "documents.discard_template": EDITORS,
    "documents.agreement_document": READERS,
    "documents.agreement_pdf": READERS,
}
# /agreements/<agreement_id>/document[.pdf]: another school's document is "not found".
SCHOOL_SCOPED = {"documents.agreement_document", "documents.agreement_pdf"}


def world(own, other) -> dict:
    """A draft template version for the template routes (the agreements come from test_access)."""
    return {"template_id": documents.new_version("access test").id}
