"""Applying every pending register change as a job (issue #28: "a job when several"): each
change in its own transaction through applying.apply_change, so a job stopped half way keeps
what it applied and a re-run applies only the rest (an applied change changes nothing more)."""
from __future__ import annotations

from pricing.errors import ActionRefused

from contracts_app.services.jobs import core as p
from contracts_app.services.jobs.core import JobContext, register
from contracts_app.services.register.applying import apply_change
from contracts_app.services.register.changes import applicable_ids

FIRST_REASONS = 20


def _no_params(params: dict) -> dict:
    p.only(params, set())
    return {}


def run_apply_all(job: JobContext) -> dict:
    """Apply each pending change GIAS has closed the school for; refusals are listed, not fatal."""
    ids = applicable_ids()
    job.progress(0, len(ids))
    applied, refused = [], []
    for change_id in ids:
        try:
            result = apply_change(change_id, job.actor)
        except ActionRefused as exc:
            refused.append((change_id, exc.message))
        else:
            applied.append((change_id, result.message))
        job.advance()
    job.write_csv("register-changes.csv", ["change", "applied", "what"],
                  [(i, "yes", m) for i, m in applied] + [(i, "no", m) for i, m in refused])
    return {"applied": len(applied), "not applied": len(refused), "reasons": refused[:FIRST_REASONS]}


register("apply_register_changes", run_apply_all, title="Apply the register changes", roles=("sla",),
         check=_no_params)
