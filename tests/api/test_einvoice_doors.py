"""The e-invoice's doors (issue #32): the download beside the PDF (page and portal), the command,
the API, the finance check page and the every-e-invoice ZIP job, on the API's billed world."""
from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from contracts_app.services import jobs
from contracts_app.services.jobs.einvoices import KIND
from pricing.errors import ActionRefused
from tests.api.conftest import OTHER, OWN, assert_error
from tests.einvoice_fixtures import EINVOICE_CONFIG


@pytest.fixture
def app_config(app_config):
    return {**app_config, **EINVOICE_CONFIG}


def _root(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def test_the_invoice_page_and_portal_offer_the_e_invoice(world, client, login):
    login(world.users["school"])
    number = world.invoices[OWN]
    page = client.get(f"/invoices/{number}").get_data(as_text=True)
    assert f"/invoices/{number}/ubl" in page and f"/invoices/{number}/pdf" in page
    assert f"/invoices/{number}/ubl" in client.get("/portal/").get_data(as_text=True)
    response = client.get(f"/invoices/{number}/ubl")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.headers["Content-Disposition"] == f"attachment; filename={number}.xml"
    assert _root(response.data).findtext("{*}ID") == number
    assert client.get(f"/invoices/{world.invoices[OTHER]}/ubl").status_code == 404  # another school's


def test_a_missing_council_detail_is_named_on_the_page_not_a_500(world, client, login, app):
    app.config["COUNCIL_BANK_SORT_CODE"] = ""
    login(world.users["finance"])
    number = world.invoices[OWN]
    response = client.get(f"/invoices/{number}/ubl", follow_redirects=True)
    assert response.status_code == 200
    assert "The e-invoice cannot be written: COUNCIL_BANK_SORT_CODE is not set" in response.get_data(as_text=True)


def test_the_api_serves_it_as_application_xml_with_the_pdfs_access(world, api, app):
    number = world.invoices[OWN]
    for role in ("school", "sla", "finance", "admin"):
        response = api("GET", f"/invoices/{number}/ubl", role)
        assert response.status_code == 200 and response.mimetype == "application/xml", role
        assert etree.QName(_root(response.data)).localname == "Invoice"
    assert_error(api("GET", f"/invoices/{world.invoices[OTHER]}/ubl", "school"), 404)
    assert_error(api("GET", "/invoices/NOPE-1/ubl", "finance"), 404)
    spec = api("GET", "/openapi.json", "finance").get_json()
    operation = spec["paths"]["/api/v1/invoices/{number}/ubl"]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["application/xml"]
    assert {"404", "409"} <= set(operation["responses"])
    app.config["COUNCIL_VAT_NUMBER"] = "123"
    assert_error(api("GET", f"/invoices/{number}/ubl", "finance"), 409, mentions="COUNCIL_VAT_NUMBER")


def test_the_command_writes_one_and_checks_a_run(world, app, tmp_path):
    runner = app.test_cli_runner()
    number = world.invoices[OWN]
    out = tmp_path / "inv.xml"
    result = runner.invoke(args=["invoices", "ubl", number, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _root(out.read_bytes()).findtext("{*}ID") == number
    run_id = _run_id(number)
    result = runner.invoke(args=["invoices", "ubl", "--check", str(run_id)])
    assert result.exit_code == 0, result.output
    assert f"Run {run_id}: 2 of 2 e-invoice(s) pass (our checks, UBL 2.1 XSD, EN 16931, Peppol BIS 3.0)" in result.output
    for args, message in ((["invoices", "ubl", "INV-NOPE", "-o", str(out)], "no invoice or credit note numbered"),
                          (["invoices", "ubl", number], "give an invoice NUMBER and -o FILE"),
                          (["invoices", "ubl", "--check", "999"], "there is no invoice run 999"),
                          (["invoices", "ubl", number, "--check", str(run_id)], "not both"),
                          (["invoices", "ubl", number, "-o", str(tmp_path / "no" / "x.xml")], "cannot write")):
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and message in result.output, (args, result.output)
    app.config.update(EINVOICE_RULES_DIR="", COUNCIL_TOWN="")
    result = runner.invoke(args=["invoices", "ubl", "--check", str(run_id)])
    assert result.exit_code == 1
    assert "not run: EN 16931 rules" in result.output
    assert f"{number} our checks refused: COUNCIL_TOWN is not set" in result.output


def _run_id(number: str) -> int:
    from contracts_app.services.invoicing.balances import by_number

    return by_number(number).run_id


def test_the_check_page_names_failing_invoices_and_rules(world, client, login, app):
    login(world.users["finance"])
    run_id = _run_id(world.invoices[OWN])
    page = client.get("/invoices/einvoice-check").get_data(as_text=True)
    assert f'<option value="{run_id}"' in page and "einvoice-result" not in page
    page = client.get(f"/invoices/einvoice-check?run={run_id}").get_data(as_text=True)
    assert "2 of 2 pass" in page and 'id="einvoice-ok"' in page and "einvoice-skipped" not in page
    app.config.update(EINVOICE_RULES_DIR="", EINVOICE_BUYER_SCHEME="")
    page = client.get(f"/invoices/einvoice-check?run={run_id}").get_data(as_text=True)
    assert "0 of 2 pass" in page and "EINVOICE_RULES_DIR" in page and 'id="einvoice-skipped"' in page
    assert world.invoices[OWN] in page and "EINVOICE_BUYER_SCHEME is not set" in page
    assert client.get("/invoices/einvoice-check?run=999").status_code == 200  # named, not a 500
    assert client.get("/invoices/einvoice-check?run=x").status_code == 400


def test_every_e_invoice_of_a_run_as_a_zip_job(world, client, login):
    login(world.users["finance"])
    run_id = _run_id(world.invoices[OWN])
    response = client.post(f"/invoices/einvoice-check?run={run_id}")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    job = jobs.execute(job_id)
    assert job.state == "done", job.error
    download = client.get(f"/jobs/{job_id}/result")
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert sorted(archive.namelist()) == sorted(f"{n}.xml" for n in world.invoices.values())
        assert _root(archive.read(f"{world.invoices[OWN]}.xml")).findtext("{*}ID") == world.invoices[OWN]
    with pytest.raises(jobs.NotFound, match="no invoice run 999"):
        jobs.start(KIND, {"run_id": 999}, "test")
    with pytest.raises(ActionRefused, match="run_id: 'x' is not a whole number"):
        jobs.start(KIND, {"run_id": "x"}, "test")


def test_the_zip_job_fails_naming_the_invoice_a_detail_is_missing_for(world, app, tmp_path):
    app.config["COUNCIL_COUNTRY"] = ""
    app.config["JOBS_DIR"] = str(tmp_path / "jobs")
    job = jobs.execute(jobs.start(KIND, {"run_id": _run_id(world.invoices[OWN])}, "test").id)
    assert job.state == "failed" and "COUNCIL_COUNTRY is not set" in job.error
    assert min(world.invoices.values()) in job.error
    # Nothing half-written is left in the results store.
    assert not [p.name for p in (tmp_path / "jobs").rglob("*") if p.is_file()]


@pytest.mark.parametrize("role", ["admin", "sla", "finance", "school"])
def test_access_per_role(world, client, login, make_user, role):
    user = world.users[role] if role in world.users else make_user(role)
    login(user)
    number, run_id = world.invoices[OWN], _run_id(world.invoices[OWN])
    assert client.get(f"/invoices/{number}/ubl").status_code == 200  # as the PDF: everyone, a school its own
    assert client.get(f"/invoices/{world.invoices[OTHER]}/ubl").status_code == (404 if role == "school" else 200)
    finance = role in ("admin", "finance")
    assert client.get(f"/invoices/einvoice-check?run={run_id}").status_code == (200 if finance else 403)
    assert client.post(f"/invoices/einvoice-check?run={run_id}").status_code == (302 if finance else 403)
    client.post("/logout")
    assert client.get(f"/invoices/{number}/ubl").status_code == 302  # to the sign-in page
