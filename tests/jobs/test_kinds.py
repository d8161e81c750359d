"""Each job kind run by a real consumer, asserted by its results; killed midway and re-run."""
from __future__ import annotations

import csv
import io
import sys
from datetime import timedelta
from decimal import Decimal

import pytest
from huey.storage import RedisStorage
from sqlalchemy import func, select

from contracts_app import queue
from contracts_app.extensions import db
from contracts_app.models import Agreement, AgreementLine, AuditEvent, Invoice, InvoiceLine, Job
from contracts_app.services import agreements as agreement_service, jobs
from contracts_app.services.agreements import issuing
from contracts_app.services.jobs.core import JobContext
from pricing.errors import ActionRefused
from tests.jobs.helpers import L, count, priced_world, zip_texts


def _result(job: Job) -> bytes:
    path = jobs.result_file(job)
    assert path is not None, job.error
    return path.read_bytes()


def _csv(job: Job) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_result(job).decode())))


def test_agreement_documents_zip_holds_one_pdf_per_issued_agreement(app, make_school, make_user, job_consumer):
    schools = priced_world(make_school, next_year=False)
    agreement_service.create_draft(2025, school=make_school(urn=109999, name="Draft Only School"))
    sla = make_user("sla")
    job = jobs.start("agreement_documents", {"year": 2025}, sla)
    done = job_consumer.wait(job.id)
    assert done.state == "done", done.error
    assert (done.done, done.total) == (3, 3)
    texts = zip_texts(_result(done))
    assert len(texts) == 3 and all(name.endswith(".pdf") for name in texts)
    for school in schools:
        [text] = [t for name, t in texts.items() if str(school.urn) in name]
        assert school.name in text
    assert not any("Draft Only School" in t for t in texts.values())


def test_agreement_documents_for_one_group(app, make_school, make_user):
    schools = priced_world(make_school, next_year=False)
    from contracts_app.models import SchoolGroup

    group = SchoolGroup(name="Three Spires Trust", schools=[schools[0], schools[1]])
    db.session.add(group)
    db.session.commit()
    job = jobs.start("agreement_documents", {"year": 2025, "group_id": group.id}, make_user("sla"))
    done = jobs.execute(job.id)
    assert done.state == "done", done.error
    assert sorted(zip_texts(_result(done))) == sorted(
        n for n in zip_texts(_result(done)) if str(schools[0].urn) in n or str(schools[1].urn) in n)
    assert len(zip_texts(_result(done))) == 2
    with pytest.raises(ActionRefused, match="group_id: there is no group"):
        jobs.start("agreement_documents", {"year": 2025, "group_id": 999}, "test")


def test_rollover_keeps_quantities_reprices_and_lists_what_was_not_rolled(app, make_school, make_user, job_consumer):
    schools = priced_world(make_school)
    agreement_service.create_draft(2026, school=schools[2])  # already has a 2026-27 agreement
    job = jobs.start("rollover", {"year": 2025}, make_user("sla"))
    done = job_consumer.wait(job.id)
    assert done.state == "done", done.error
    assert done.summary["created"] == 2 and done.summary["not rolled over"] == 1
    rows = _csv(done)
    assert rows[0] == ["agreement", "reason"] and "already has a 2026-27 agreement" in rows[1][1]
    new = db.session.scalars(select(Agreement).where(Agreement.sla_year == 2026, Agreement.school_id == schools[0].id)).one()
    av = [line for line in new.lines if line.service_code == "AV"][0]
    assert av.quantity == Decimal(118) and av.list_name == "subscribed"
    assert {line.service_code: line.list_name for line in new.lines} == {
        "SIMS": "subscribed", "AV": "subscribed", "DPO": "subscribed", "WEB": "excluded"}
    issued = job_consumer.wait(jobs.start("issue_agreements", {"year": 2026}, "test").id)
    assert issued.state == "done" and issued.summary["issued"] == 3, issued.summary
    db.session.refresh(new)
    dpo = [line for line in new.lines if line.service_code == "DPO"][0]
    assert dpo.annual_price == Decimal("950.00")  # re-priced on 2026's list (900.00 in 2025)


class _Killed(RuntimeError):
    pass


def _kill_after_first_batch(monkeypatch):
    """The worker dies after the first batch has committed (the second progress report)."""
    calls = {"n": 0}
    original = JobContext.progress

    def progress(self, done, total=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise _Killed("worker killed")
        return original(self, done, total)

    monkeypatch.setattr(JobContext, "progress", progress)
    return calls


def test_rollover_killed_midway_then_rerun_duplicates_nothing(app, make_school, make_user, monkeypatch):
    priced_world(make_school, schools=5)
    # The package's __init__ names the function rollover; the module is in sys.modules.
    monkeypatch.setattr(sys.modules["contracts_app.services.agreements.rollover"], "BATCH", 2)
    _kill_after_first_batch(monkeypatch)
    job = jobs.start("rollover", {"year": 2025}, make_user("sla"))
    failed = jobs.execute(job.id)
    assert failed.state == "failed" and "start it again" in failed.error
    assert 0 < count(2026) < 5  # the first batch is kept
    monkeypatch.undo()
    jobs.rerun(failed)
    again = jobs.execute(job.id)
    assert again.state == "done", again.error
    assert count(2026) == 5 and again.attempts == 2
    lines = db.session.scalar(select(func.count()).select_from(AgreementLine).join(Agreement)
                              .where(Agreement.sla_year == 2026))
    assert lines == 20


def test_issue_lists_each_schools_reason_and_rerun_after_a_kill_issues_once(app, make_school, make_user, monkeypatch):
    schools = priced_world(make_school, schools=4)
    for school in schools:
        agreement_service.create_draft(2026, school=school, from_catalogue=False)
        agreement_service.set_lines(agreement_service.find(2026, school), [L("SIMS", "subscribed")])
    db.session.commit()
    no_census = make_school(urn=108888, name="No Census School")
    agreement_service.set_lines(agreement_service.create_draft(2026, school=no_census), [L("SIMS", "subscribed")])
    db.session.commit()
    monkeypatch.setattr(issuing, "BATCH", 2)
    _kill_after_first_batch(monkeypatch)
    job = jobs.start("issue_agreements", {"year": 2026}, make_user("sla"))
    failed = jobs.execute(job.id)
    assert failed.state == "failed"
    assert count(2026, "active") == 2
    monkeypatch.undo()
    jobs.rerun(failed)
    done = jobs.execute(job.id)
    assert done.state == "done", done.error
    assert count(2026, "active") == 4 and done.summary["not issued"] == 1
    [(name, reason)] = done.summary["reasons"]
    # The agreement named once, beside its reason (the reason no longer repeats "name: ").
    assert (name, reason) == ("No Census School 2026-27",
                              "No Census School (URN 108888) has no pupil figure for the January 2026 census")
    transitions = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "transition", AuditEvent.summary.like("%2026-27: draft → active%")))
    assert transitions == 4  # nobody issued twice


def test_import_is_all_or_nothing(app, make_school, make_user):
    priced_world(make_school, schools=1, next_year=False)
    make_school(urn=140001)
    sla = make_user("sla")
    good = "urn,service_code,quantity,status\n140001,SIMS,1,subscribed\n140001,AV,118,subscribed\n"
    done = jobs.execute(jobs.start("import_agreements", {"year": 2025}, sla, upload=("year.csv", good.encode())).id)
    assert done.state == "done", done.error
    assert count(2025, "draft") == 1
    bad = "urn,service_code,quantity,status\n140001,AV,120,subscribed\n999999,SIMS,1,subscribed\n"
    failed = jobs.execute(jobs.start("import_agreements", {"year": 2025}, sla, upload=("bad.csv", bad.encode())).id)
    assert failed.state == "failed" and "999999" in failed.error and "row 3" in failed.error.lower()
    av = db.session.scalars(select(AgreementLine).join(Agreement).where(
        Agreement.sla_year == 2025, Agreement.status == "draft", AgreementLine.service_code == "AV")).one()
    assert av.quantity == Decimal(118)  # the refused file changed nothing


def test_invoice_run_preview_then_run_then_rerun(app, make_school, make_user):
    priced_world(make_school, next_year=False)
    finance = make_user("finance")
    params = {"year": 2025, "term": "summer", "issue_date": "2025-04-10", "dry_run": True}
    preview = jobs.execute(jobs.start("invoice_run", params, finance).id)
    assert preview.state == "done", preview.error
    assert preview.summary["invoices"] == 3 and preview.summary["preview"] is True
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 0
    real = jobs.execute(jobs.start("invoice_run", {**params, "dry_run": "0"}, finance).id)
    assert real.summary["invoices"] == 3 and _csv(real)[1][2] == "3"
    again = jobs.execute(jobs.start("invoice_run", {**params, "dry_run": False}, finance).id)
    assert again.summary["invoices"] == 0
    keys = db.session.scalars(select(InvoiceLine.billing_key).where(InvoiceLine.billing_key.is_not(None))).all()
    assert len(keys) == len(set(keys)) and db.session.scalar(select(func.count()).select_from(Invoice)) == 3


@pytest.mark.parametrize(("kind", "params", "message"), [
    ("rollover", {}, "year: missing"),
    ("rollover", {"year": "next"}, "year: 'next' is not a whole number"),
    ("rollover", {"year": 1999}, "year: 1999 is not an SLA year"),
    ("rollover", {"year": 2025, "yaer": 1}, "yaer: not a parameter"),
    ("invoice_run", {"year": 2025, "term": "winter", "issue_date": "2025-04-10"}, "term: 'winter' is not a term"),
    ("invoice_run", {"year": 2025, "term": "summer", "issue_date": "10/04/2025"}, "issue_date: '10/04/2025' is not a date"),
    ("invoice_run", {"year": 2025, "term": "summer", "issue_date": "2025-04-10", "dry_run": "maybe"}, "dry_run:"),
    ("nonsense", {}, "kind: 'nonsense' is not a kind of job"),
])
def test_bad_parameters_are_refused_naming_the_field_and_save_nothing(app, kind, params, message):
    with pytest.raises(ActionRefused) as refused:
        jobs.start(kind, params, "test")
    assert message in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_roles_per_kind_and_never_a_school(app, make_school, make_user):
    school = make_school()
    sla, finance, admin, school_user = (make_user("sla"), make_user("finance"), make_user("admin"),
                                        make_user("school", school=school))
    assert jobs.may_use("agreement_documents", sla) and not jobs.may_use("agreement_documents", finance)
    assert jobs.may_use("invoice_run", finance) and not jobs.may_use("invoice_run", sla)
    assert all(jobs.may_use(kind, admin) for kind in ("rollover", "invoice_run", "agreement_documents"))
    assert not any(jobs.may_use(kind, school_user) for kind in jobs.KINDS)
    with pytest.raises(jobs.NotAllowed):
        jobs.start("rollover", {"year": 2025}, finance)
    with pytest.raises(jobs.NotAllowed):
        jobs.start("agreement_documents", {"year": 2025}, school_user)


def test_result_files_are_removed_after_the_kept_days(app, make_school, make_user):
    priced_world(make_school, schools=1, next_year=False)
    job = jobs.execute(jobs.start("rollover", {"year": 2025}, make_user("sla")).id)
    path = jobs.result_file(job)
    assert path.is_file()
    assert jobs.clean_up() == 0 and path.is_file()
    assert jobs.clean_up(now=job.finished_at + timedelta(days=app.config["JOB_RESULT_DAYS"], seconds=1)) == 1
    assert not path.exists() and jobs.result_file(db.session.get(Job, job.id)) is None


def test_a_missing_job_or_a_done_one_is_not_run_again(app, make_school, make_user):
    priced_world(make_school, schools=1, next_year=False)
    assert jobs.execute(12345) is None
    job = jobs.execute(jobs.start("rollover", {"year": 2025}, make_user("sla")).id)
    finished = job.finished_at
    assert jobs.execute(job.id).finished_at == finished
    with pytest.raises(ActionRefused, match="only a failed job"):
        jobs.rerun(job)


def test_against_a_real_redis_queue(app, make_school, make_user, start_consumer, redis_url):
    priced_world(make_school, schools=2, next_year=False)
    consumer = start_consumer(redis_url=redis_url)
    job = jobs.start("agreement_documents", {"year": 2025}, make_user("sla"))
    done = consumer.wait(job.id)
    assert done.state == "done", done.error
    assert len(zip_texts(_result(done))) == 2
    assert isinstance(queue.huey.storage, RedisStorage)  # the consumer ran on Redis, not the SQLite file
