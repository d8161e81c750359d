"""The confirmation step of irreversible actions (issue #15 item 18): the first POST shows what
will happen; only a POST carrying confirmed=1 (from that page, CSRF-protected) acts."""
from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

CARRIED_NOT = ("csrf_token", "confirmed", "submit")


def confirmed() -> bool:
    """True for the POST sent by a confirmation page's Confirm button."""
    return request.form.get("confirmed") == "1"


def confirmation_page(*, title: str, lead: str, consequences: list[str], action: str, back: str,
                      button: str, fields: list[tuple[str, str]] | None = None,
                      undo: str | None = None) -> ResponseReturnValue:
    """The page that says what will happen, with Confirm (carrying the fields first posted) and Cancel;
    ``undo`` says how to undo an action that can be (the page otherwise says it cannot)."""
    carried = fields if fields is not None else [
        (name, value) for name, values in request.form.lists() if name not in CARRIED_NOT for value in values]
    return render_template("confirm.html", title=title, lead=lead, consequences=consequences, action=action,
                           back=back, button=button, fields=carried, undo=undo)
