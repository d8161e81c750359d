"""Price lists per SLA year: import as a draft, refuse bad files whole, publish (freeze),
new versions, the ad hoc rate, and the SLA team's price-list pages."""
from __future__ import annotations

import io
from html import unescape
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import AuditEvent, PriceList, PriceListEntry, Service
from contracts_app.services import price_lists
from pricing.errors import ActionRefused
from pricing.models import PricingContext

DATA = Path(__file__).resolve().parent.parent / "data"
PRICES_2025 = DATA / "prices_2025.csv"
PRICES_2024 = DATA / "prices_2024.csv"
HEADER = "service_code,title,customer_type,model,amount,rate,minimum,maximum,bands,unit,vat_code\n"
GOOD_ROW = "EMAIL,Email and Microsoft 365 support,all,flat,780,,,,,,S\n"


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def entry(year: int, code: str, customer_type: str, status: str | None = None) -> PriceListEntry:
    query = (select(PriceListEntry).join(PriceList)
             .where(PriceList.sla_year == year, PriceListEntry.service_code == code,
                    PriceListEntry.customer_type == customer_type))
    if status:
        query = query.where(PriceList.status == status)
    return db.session.scalar(query)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def write(tmp_path, text: str, name: str = "prices.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- import ---------------------------------------------------------------------------------

def test_import_makes_a_draft_with_exact_prices_and_new_catalogue_services(app):
    result = run(app, "prices", "import", str(PRICES_2025), "--year", "2025")
    assert result.exit_code == 0, result.output
    assert "Price list 2025-26: 11 price rows created a draft: 2025-26 price list v1" in result.output
    assert "new catalogue services: ADMIN-SUPPORT, SIMS-SUPPORT, ISP, ANTIVIRUS, EMAIL, DPO" in result.output
    assert "Warning" not in result.output  # the file has its ADHOC rows

    price_list = db.session.scalar(select(PriceList))
    assert (price_list.sla_year, price_list.version, price_list.status) == (2025, 1, "draft")
    assert price_list.census_basis == "january" and price_list.source == "prices_2025.csv"
    assert len(price_list.entries) == 11

    sims = entry(2025, "SIMS-SUPPORT", "academy")
    assert (sims.model, sims.rate, sims.minimum, sims.maximum) == (
        "per_pupil", Decimal("3.565"), Decimal("1100.00"), Decimal("4800.00"))
    admin = entry(2025, "ADMIN-SUPPORT", "maintained")
    assert admin.bands == "0-100:1250;101-250:1890;251-500:2520;501-:3380"
    assert admin.amount is None and admin.rate is None
    isp = entry(2025, "ISP", "all")
    assert (isp.amount, isp.rate) == (Decimal("620.00"), Decimal("1.15"))
    assert entry(2025, "ANTIVIRUS", "all").unit == "device"
    assert entry(2025, "DPO", "all").vat_code == "E"  # VAT code per row
    assert entry(2025, "EMAIL", "maintained").vat_code == "S"

    # Priced services join the catalogue (ADHOC is a rate, not a service a school subscribes to).
    codes = set(db.session.scalars(select(Service.code)))
    assert codes == {"ADMIN-SUPPORT", "SIMS-SUPPORT", "ISP", "ANTIVIRUS", "EMAIL", "DPO"}
    assert db.session.scalar(select(Service).where(Service.code == "ANTIVIRUS")).unit == "device"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import"))
    assert event.summary == "2025-26 price list v1: 11 rows from prices_2025.csv"
    assert event.actor_label.startswith("command line")


def test_import_of_an_xlsx_workbook(app, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["SIMS-SUPPORT", "SIMS and FMS support", "maintained", "per_pupil", None, 3.1, 950, 4200,
                  None, None, "S"])
    sheet.append(["EMAIL", "Email and Microsoft 365 support", "all", "flat", 780.5, None, None, None, None,
                  None, "S"])
    sheet.append(["ADHOC", "Ad hoc work", "all", "per_unit", None, 62, None, None, None, "hour", "S"])
    path = tmp_path / "prices.xlsx"
    book.save(path)

    result = run(app, "prices", "import", str(path), "--year", "2025")
    assert result.exit_code == 0, result.output
    assert "3 price rows created a draft: 2025-26 price list v1" in result.output
    sims = entry(2025, "SIMS-SUPPORT", "maintained")
    assert (sims.rate, sims.minimum, sims.maximum) == (Decimal("3.1"), Decimal("950"), Decimal("4200"))
    assert entry(2025, "EMAIL", "all").amount == Decimal("780.50")
    assert entry(2025, "ADHOC", "all").rate == Decimal("62")


def test_import_without_an_adhoc_row_warns(app, tmp_path):
    result = run(app, "prices", "import", str(write(tmp_path, HEADER + GOOD_ROW)), "--year", "2025")
    assert result.exit_code == 0, result.output
    assert "Warning: no ADHOC row, so the year has no ad hoc hourly rate" in result.output


BAD_ROWS = [
    pytest.param("EMAIL,Email,all,subscription,780,,,,,,S",
                 "row 3, column model: unknown price model 'subscription'", id="unknown model"),
    pytest.param("DPO,Data protection,all,banded,,,,,0-300:950;302-:1450,,E",
                 "row 3, column bands: gap between 300 and 302", id="band gap"),
    pytest.param("DPO,Data protection,all,banded,,,,,0-300:950;250-:1450,,E",
                 "row 3, column bands: 250+ overlaps 0-300", id="band overlap"),
    pytest.param("DPO,Data protection,all,banded,,,,,50-300:950;301-:1450,,E",
                 "row 3, column bands: the first band must start at 0", id="bands not from 0"),
    pytest.param("EMAIL,Email,all,flat,-780,,,,,,S",
                 "row 3, column amount: amount must not be negative (-780)", id="negative amount"),
    pytest.param("EMAIL,Email,all,flat,seven hundred,,,,,,S",
                 "row 3, column amount: 'seven hundred' is not a number", id="non-numeric amount"),
    pytest.param("SIMS,SIMS support,all,per_pupil,,-3.10,,,,,S",
                 "row 3, column rate: rate must not be negative", id="negative rate"),
    pytest.param("EMAIL,Email,all,flat,,780,,,,,S",
                 "row 3, column rate: a flat price takes an amount, not a rate", id="rate where amount taken"),
    pytest.param("SIMS,SIMS support,all,per_pupil,950,3.10,,,,,S",
                 "row 3, column amount: a per-pupil price takes a rate (with optional minimum and maximum), "
                 "not an amount", id="amount where rate taken"),
    pytest.param("EMAIL,Email,nursery,flat,780,,,,,,S",
                 "row 3, column customer_type: customer type 'nursery' should be maintained, academy or all",
                 id="unknown customer type"),
    pytest.param("EMAIL,Email,all,flat,780,,,,,,X",
                 "row 3, column vat_code: unknown VAT code 'X' (expected one of S, Z, E, O)",
                 id="unknown VAT code"),
    pytest.param("EMAIL,Email,all,flat,780,,,,,,",
                 "row 3, column vat_code: unknown VAT code ''", id="missing VAT code"),
    pytest.param("EMAIL,Email,all,flat,780.505,,,,,,S",
                 "row 3, column amount: 780.505 has more than 2 decimal places", id="sub-penny amount"),
    pytest.param("SIMS,SIMS support,all,per_pupil,,3.12345,,,,,S",
                 "row 3, column rate: 3.12345 has more than 4 decimal places", id="rate past 4 places"),
    pytest.param("DPO,Data protection,all,banded,,,,,0-300:950.125;301-:1450,,E",
                 "row 3, column bands: band '0-300:950.125': 950.125 has more than 2 decimal places",
                 id="sub-penny band"),
    pytest.param("EMAIL,Email,all,flat,99999999999999999999,,,,,,S",
                 "row 3, column amount: 99999999999999999999 is too large", id="absurd amount"),
    pytest.param("SIMS,SIMS support,all,per_pupil,,3.10,4200,950,,,S",
                 "row 3, column minimum: minimum £4,200.00 is above maximum £950.00", id="minimum above maximum"),
    pytest.param("ADHOC,Ad hoc work,all,flat,62,,,,,,S",
                 "row 3, column model: the ADHOC row sets the ad hoc hourly rate, so its model must be per_unit",
                 id="ADHOC not per_unit"),
    pytest.param("EMAIL,Email,maintained,flat,800,,,,,,S",
                 "row 3, column customer_type: EMAIL has a all price at row 2 and a maintained price here",
                 id="all and per-type price"),
    pytest.param("EMAIL,,all,flat,780,,,,,,S", "row 3, column title: title is empty", id="no title"),
]


@pytest.mark.parametrize("bad_row, message", BAD_ROWS)
def test_a_bad_row_refuses_the_whole_file(app, tmp_path, bad_row, message):
    path = write(tmp_path, HEADER + GOOD_ROW + bad_row + "\n")
    result = run(app, "prices", "import", str(path), "--year", "2025")
    assert result.exit_code == 1, result.output
    assert "prices.csv: import refused, nothing was changed" in result.output
    assert message in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert count(PriceList) == count(PriceListEntry) == count(Service) == 0


def test_every_problem_of_a_file_is_listed_with_its_row_and_column(app, tmp_path):
    path = write(tmp_path, HEADER
                 + "EMAIL,Email,all,flat,780.505,,,,,,S\n"
                 + "SIMS,SIMS support,all,per_pupil,,three,,,,,S\n"
                 + "DPO,Data protection,academy,banded,,,,,0-300:950;400-:1450,,Q\n")
    result = run(app, "prices", "import", str(path), "--year", "2025")
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines() if line.strip().startswith("- ")]
    assert lines == [
        "- row 2, column amount: 780.505 has more than 2 decimal places",
        "- row 3, column rate: 'three' is not a number",
        "- row 4, column vat_code: unknown VAT code 'Q' (expected one of S, Z, E, O)",
        "- row 4, column bands: gap between 300 and 400",
    ]


def test_a_file_that_is_not_a_price_list_is_refused(app, tmp_path):
    result = run(app, "prices", "import", str(write(tmp_path, "urn,census,pupils\n103700,2025-01,412\n")),
                 "--year", "2025")
    assert result.exit_code == 1
    assert "row 1, column service_code: column missing from the header" in result.output
    assert "row 1, column vat_code: column missing from the header" in result.output
    empty = run(app, "prices", "import", str(write(tmp_path, HEADER)), "--year", "2025")
    assert empty.exit_code == 1 and "the price list has no rows" in empty.output
    missing = run(app, "prices", "import", str(tmp_path / "nope.csv"), "--year", "2025")
    assert missing.exit_code == 1 and "no such file" in missing.output
    assert "Traceback" not in result.output + empty.output + missing.output
    assert count(PriceList) == 0


def test_column_names_in_any_case_are_read_and_still_checked(app, tmp_path):
    header = HEADER.upper().replace("VAT_CODE", "Vat_Code")
    refused = run(app, "prices", "import", str(write(tmp_path, header + "EMAIL,Email,all,flat,780.505,,,,,,S\n")),
                  "--year", "2025")
    assert refused.exit_code == 1, refused.output
    assert "row 2, column amount: 780.505 has more than 2 decimal places" in refused.output
    assert "Traceback" not in refused.output and count(PriceList) == 0
    accepted = run(app, "prices", "import", str(write(tmp_path, header + GOOD_ROW)), "--year", "2025")
    assert accepted.exit_code == 0, accepted.output
    assert entry(2025, "EMAIL", "all").amount == Decimal("780.00")


def test_a_refused_file_leaves_the_existing_draft_alone(app, tmp_path):
    assert run(app, "prices", "import", str(PRICES_2025), "--year", "2025").exit_code == 0
    bad = write(tmp_path, HEADER + "EMAIL,Email,all,flat,-1,,,,,,S\n")
    assert run(app, "prices", "import", str(bad), "--year", "2025").exit_code == 1
    price_list = db.session.scalar(select(PriceList))
    assert price_list.source == "prices_2025.csv" and len(price_list.entries) == 11
    assert entry(2025, "EMAIL", "maintained").amount == Decimal("780.00")


def test_reimporting_replaces_the_draft(app, tmp_path):
    assert run(app, "prices", "import", str(PRICES_2025), "--year", "2025").exit_code == 0
    result = run(app, "prices", "import", str(write(tmp_path, HEADER + GOOD_ROW)), "--year", "2025")
    assert result.exit_code == 0, result.output
    assert "1 price rows replaced the draft: 2025-26 price list v1" in result.output
    assert count(PriceList) == 1 and count(PriceListEntry) == 1
    assert entry(2025, "EMAIL", "all").amount == Decimal("780.00")


def test_year_out_of_range_is_a_clear_error(app):
    result = run(app, "prices", "import", str(PRICES_2025), "--year", "25")
    assert result.exit_code != 0
    assert "25 is not an SLA year" in result.output and "Traceback" not in result.output
    publish = run(app, "prices", "publish", "--year", "99999")
    assert publish.exit_code != 0 and "Traceback" not in publish.output
    assert count(PriceList) == 0


# -- publish, freeze and versions --------------------------------------------------------------

def test_publish_freezes_the_list(app, tmp_path):
    assert run(app, "prices", "import", str(PRICES_2025), "--year", "2025").exit_code == 0
    result = run(app, "prices", "publish", "--year", "2025")
    assert result.exit_code == 0, result.output
    assert "Published 2025-26 price list v1 (11 prices); it is now frozen." in result.output
    price_list = db.session.scalar(select(PriceList))
    assert price_list.status == "published" and price_list.frozen
    assert price_list.published_at is not None and price_list.published_by.startswith("command line")

    # Re-importing over the published list is refused whole: nothing changes.
    again = run(app, "prices", "import", str(write(tmp_path, HEADER + GOOD_ROW)), "--year", "2025")
    assert again.exit_code == 1
    assert ("the 2025-26 price list v1 is published and frozen; start a new version "
            "(prices new-version --year 2025) to change it") in again.output
    assert "Traceback" not in again.output
    assert count(PriceList) == 1 and count(PriceListEntry) == 11
    assert entry(2025, "EMAIL", "maintained").amount == Decimal("780.00")

    # Nor can a row of it be edited, nor can it be published twice.
    with pytest.raises(ActionRefused, match="published; prices cannot change"):
        price_lists.update_entry(entry(2025, "EMAIL", "maintained"), title="Email", model="flat", amount="1",
                                 rate="", minimum="", maximum="", bands="", unit="", vat_code="S")
    db.session.rollback()
    assert entry(2025, "EMAIL", "maintained").amount == Decimal("780.00")
    twice = run(app, "prices", "publish", "--year", "2025")
    assert twice.exit_code == 1 and "there is no draft 2025-26 price list to publish" in twice.output


def test_publish_without_a_draft_is_refused(app):
    result = run(app, "prices", "publish", "--year", "2025")
    assert result.exit_code == 1
    assert "there is no draft 2025-26 price list to publish" in result.output
    assert "Traceback" not in result.output


def test_a_change_to_a_published_list_is_a_new_version(app, tmp_path):
    assert run(app, "prices", "import", str(PRICES_2025), "--year", "2025", "--census-basis", "october"
               ).exit_code == 0
    assert run(app, "prices", "publish", "--year", "2025").exit_code == 0
    refused = run(app, "prices", "new-version", "--year", "2024")
    assert refused.exit_code == 1 and "there is no 2024-25 price list yet; import one" in refused.output

    result = run(app, "prices", "new-version", "--year", "2025")
    assert result.exit_code == 0, result.output
    assert "Started draft 2025-26 price list v2 from the published prices." in result.output
    v1, v2 = price_lists.versions(2025)[::-1]
    assert (v1.version, v1.status, v2.version, v2.status) == (1, "published", 2, "draft")
    assert v2.census_basis == "october" and v2.source == "copy of v1"
    fields = ("service_code", "customer_type", "model", "amount", "rate", "minimum", "maximum", "bands", "unit",
              "vat_code")
    assert ([[getattr(e, f) for f in fields] for e in v2.entries]
            == [[getattr(e, f) for f in fields] for e in v1.entries])
    twice = run(app, "prices", "new-version", "--year", "2025")
    assert twice.exit_code == 1 and "already has a draft (v2)" in twice.output

    # The new draft can be replaced from a file; the published v1 is untouched.
    replaced = run(app, "prices", "import", str(PRICES_2025), "--year", "2025")
    assert "11 price rows replaced the draft: 2025-26 price list v2" in replaced.output
    assert count(PriceList) == 2 and price_lists.draft(2025).census_basis == "october"

    # The draft changes; the published version does not, and stays the one prices come from.
    price_lists.update_entry(entry(2025, "EMAIL", "maintained", "draft"), title="Email", model="flat",
                             amount="800", rate="", minimum="", maximum="", bands="", unit="", vat_code="S")
    assert entry(2025, "EMAIL", "maintained", "published").amount == Decimal("780.00")
    assert price_lists.published(2025).version == 1

    assert run(app, "prices", "publish", "--year", "2025").exit_code == 0
    statuses = {v.version: v.status for v in price_lists.versions(2025)}
    assert statuses == {1: "superseded", 2: "published"}
    assert entry(2025, "EMAIL", "maintained", "published").amount == Decimal("800.00")
    assert entry(2025, "EMAIL", "maintained", "superseded").amount == Decimal("780.00")


def test_the_adhoc_row_sets_the_published_hourly_rate_per_customer_type(app, tmp_path):
    assert run(app, "prices", "import", str(PRICES_2025), "--year", "2025").exit_code == 0
    assert price_lists.adhoc_rate(2025, "maintained") is None  # a draft is not a published rate
    assert run(app, "prices", "publish", "--year", "2025").exit_code == 0
    assert price_lists.adhoc_rate(2025, "maintained") == Decimal("62")
    assert price_lists.adhoc_rate(2025, "academy") == Decimal("72")
    assert price_lists.adhoc_rate(2024, "academy") is None

    one_rate = write(tmp_path, HEADER + "ADHOC,Ad hoc work,all,per_unit,,65.50,,,,,S\n")
    assert run(app, "prices", "import", str(one_rate), "--year", "2026").exit_code == 0
    assert run(app, "prices", "publish", "--year", "2026").exit_code == 0
    assert price_lists.adhoc_rate(2026, "maintained") == price_lists.adhoc_rate(2026, "academy") == Decimal("65.50")
    assert entry(2026, "ADHOC", "all").unit == "hour"


# -- the price-list pages ----------------------------------------------------------------------

def import_2025(app, publish=False):
    assert run(app, "prices", "import", str(PRICES_2025), "--year", "2025").exit_code == 0
    if publish:
        assert run(app, "prices", "publish", "--year", "2025").exit_code == 0


def cells_of(html: str, code: str) -> str:
    start = html.index(f"<code>{code}</code>")
    return html[start:html.index("</tr>", start)]


def test_price_list_page_shows_maintained_and_academy_side_by_side(app, client, login):
    import_2025(app)
    login("finance")
    html = client.get("/prices/2025").get_data(as_text=True)
    assert "Price list 2025-26" in html and "Version 1" in html and 'id="list-status">draft<' in html
    assert "pupil numbers from the January census before the SLA year" in html
    sims = cells_of(html, "SIMS-SUPPORT")
    assert sims.index("£3.10 per pupil (min £950.00, max £4,200.00)") < sims.index(
        "£3.565 per pupil (min £1,100.00, max £4,800.00)")
    admin = cells_of(html, "ADMIN-SUPPORT")
    assert "0-100: £1,250.00; 101-250: £1,890.00; 251-500: £2,520.00; 501+: £3,380.00" in admin
    assert "0-100: £1,450.00" in admin
    isp = cells_of(html, "ISP")
    assert isp.count("£620.00 + £1.15 per pupil") == 2  # an `all` price shows in both columns
    assert "VAT E" in cells_of(html, "DPO")
    adhoc = cells_of(html, "ADHOC")
    assert "£62.00 per hour" in adhoc and "£72.00 per hour" in adhoc
    assert html.index("<code>ADHOC</code>") > html.index("<code>SIMS-SUPPORT</code>")  # the rate comes last
    assert "Edit" not in sims and "Publish version" not in html  # finance reads only
    assert client.get("/prices/").headers["Location"].endswith("/prices/2025")


def test_sla_team_imports_a_price_list_through_the_page(app, client, login):
    login("sla")
    page = client.get("/prices/2025").get_data(as_text=True)
    assert "There is no price list for 2025-26 yet." in page and "Import the price list" in page
    response = client.post("/prices/2025/import", data={
        "file": (io.BytesIO(PRICES_2025.read_bytes()), "prices_2025.csv"), "census_basis": "october"},
        content_type="multipart/form-data", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Imported: 11 price rows created a draft: 2025-26 price list v1" in html
    assert "pupil numbers from the preceding October census" in html
    assert price_lists.draft(2025).census_basis == "october"


def test_a_refused_upload_is_shown_in_the_refusal_box_and_changes_nothing(app, client, login):
    import_2025(app)
    login("sla")
    bad = HEADER + GOOD_ROW + "DPO,Data protection,all,banded,,,,,0-300:950;302-:1450,,E\n"
    response = client.post("/prices/2025/import", data={
        "file": (io.BytesIO(bad.encode()), "new prices.csv"), "census_basis": "january"},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'role="alert"' in html and "new prices.csv was refused; nothing was changed." in html
    assert "row 3, column bands: gap between 300 and 302" in html
    assert len(price_lists.draft(2025).entries) == 11 and price_lists.draft(2025).source == "prices_2025.csv"

    no_file = client.post("/prices/2025/import", data={"census_basis": "january"},
                          content_type="multipart/form-data")
    assert no_file.status_code == 400
    assert '<p class="error" id="file-error">This field is required.</p>' in no_file.get_data(as_text=True)
    word = client.post("/prices/2025/import", data={
        "file": (io.BytesIO(b"not a price list"), "prices.docx"), "census_basis": "january"},
        content_type="multipart/form-data")
    assert '<p class="error" id="file-error">A CSV or XLSX file, please.</p>' in word.get_data(as_text=True)
    assert len(price_lists.draft(2025).entries) == 11


def test_a_published_list_cannot_be_imported_over_from_the_page(app, client, login):
    import_2025(app, publish=True)
    login("sla")
    page = client.get("/prices/2025").get_data(as_text=True)
    assert "Replace the draft" not in page and "Import the price list" not in page
    assert "Start version 2" in page
    response = client.post("/prices/2025/import", data={
        "file": (io.BytesIO((HEADER + GOOD_ROW).encode()), "prices.csv"), "census_basis": "january"},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "is published and frozen; start a new version" in response.get_data(as_text=True)
    assert count(PriceListEntry) == 11


def test_sla_team_edits_a_draft_band_table(app, client, login):
    import_2025(app)
    login("sla")
    admin = entry(2025, "ADMIN-SUPPORT", "maintained")
    form = client.get(f"/prices/2025/entries/{admin.id}").get_data(as_text=True)
    assert 'value="0-100:1250;101-250:1890;251-500:2520;501-:3380"' in form

    fields = {"title": "Admin network support", "model": "banded", "amount": "", "rate": "", "minimum": "",
              "maximum": "", "unit": "", "vat_code": "S"}
    gap = client.post(f"/prices/2025/entries/{admin.id}",
                      data={**fields, "bands": "0-100:1250;101-250:1890;260-:2600"})
    html = gap.get_data(as_text=True)
    assert gap.status_code == 200
    assert '<p class="error" id="bands-error">gap between 250 and 260</p>' in html
    db.session.expire_all()
    assert entry(2025, "ADMIN-SUPPORT", "maintained").bands == "0-100:1250;101-250:1890;251-500:2520;501-:3380"

    saved = client.post(f"/prices/2025/entries/{admin.id}",
                        data={**fields, "bands": "0-100:1300;101-250:1950;251-:2600"}, follow_redirects=True)
    assert ("ADMIN-SUPPORT (maintained) saved: 0-100: £1,300.00; 101-250: £1,950.00; 251+: £2,600.00."
            in saved.get_data(as_text=True))
    db.session.expire_all()
    assert entry(2025, "ADMIN-SUPPORT", "maintained").bands == "0-100:1300;101-250:1950;251-:2600"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "PriceListEntry",
                                                        AuditEvent.action == "update")).one()
    assert event.changes["bands"] == ["0-100:1250;101-250:1890;251-500:2520;501-:3380",
                                      "0-100:1300;101-250:1950;251-:2600"]


@pytest.mark.parametrize("change, field, message", [
    ({"model": "flat", "amount": "780", "rate": "3.10"}, "rate", "a flat price takes an amount, not a rate"),
    ({"model": "flat", "amount": "-5"}, "amount", "amount must not be negative (-5)"),
    ({"model": "flat", "amount": "lots"}, "amount", "'lots' is not a number"),
    ({"model": "flat", "amount": "780.555"}, "amount", "780.555 has more than 2 decimal places"),
    ({"model": "per_pupil", "rate": ""}, "rate", "a per-pupil price needs a rate"),
    ({"model": "banded", "bands": "0-100:1;100-:2"}, "bands", "100+ overlaps 0-100"),
])
def test_a_bad_draft_edit_shows_the_error_beside_its_field(app, client, login, change, field, message):
    import_2025(app)
    login("sla")
    email = entry(2025, "EMAIL", "maintained")
    data = {"title": "Email", "model": "flat", "amount": "", "rate": "", "minimum": "", "maximum": "",
            "bands": "", "unit": "", "vat_code": "S", **change}
    html = unescape(client.post(f"/prices/2025/entries/{email.id}", data=data).get_data(as_text=True))
    assert f'<p class="error" id="{field}-error">{message}</p>' in html
    db.session.expire_all()
    unchanged = entry(2025, "EMAIL", "maintained")
    assert (unchanged.model, unchanged.amount, unchanged.rate) == ("flat", Decimal("780.00"), None)


def test_unknown_vat_code_on_the_edit_form_is_refused(app, client, login):
    import_2025(app)
    login("sla")
    email = entry(2025, "EMAIL", "maintained")
    html = client.post(f"/prices/2025/entries/{email.id}", data={
        "title": "Email", "model": "flat", "amount": "780", "vat_code": "X"}).get_data(as_text=True)
    assert 'id="vat_code-error"' in html
    db.session.expire_all()
    assert entry(2025, "EMAIL", "maintained").vat_code == "S"


def test_publish_from_the_page_freezes_the_list(app, client, login):
    import_2025(app)
    user = login("sla")
    email = entry(2025, "EMAIL", "maintained")
    html = client.post("/prices/2025/publish", data={"confirmed": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "2025-26 price list v1 is published and frozen." in html
    assert 'id="list-status">published<' in html and f"by {user.email}" in html
    assert "/entries/" not in html  # no edit links on a frozen list
    edit = client.get(f"/prices/2025/entries/{email.id}", follow_redirects=True).get_data(as_text=True)
    assert "2025-26 price list v1 is published: start a new version to change prices." in edit
    client.post(f"/prices/2025/entries/{email.id}", data={"title": "Email", "model": "flat", "amount": "1",
                                                           "vat_code": "S"})
    db.session.expire_all()
    assert entry(2025, "EMAIL", "maintained").amount == Decimal("780.00")

    again = client.post("/prices/2025/publish", data={"confirmed": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "there is no draft 2025-26 price list to publish" in again

    started = client.post("/prices/2025/new-version", follow_redirects=True).get_data(as_text=True)
    assert "Draft 2025-26 price list v2 started from the published prices." in started
    assert "Versions: " in started and "v1 (published)" in started and "v2 (draft)" in started
    assert 'id="list-status">draft<' in started
    old = client.get("/prices/2025?version=1").get_data(as_text=True)
    assert 'id="list-status">published<' in old and "/entries/" not in old


def test_compare_with_last_year_gives_the_percentage_change_per_service(app, client, login):
    assert run(app, "prices", "import", str(PRICES_2024), "--year", "2024").exit_code == 0
    login("finance")
    assert "There is no published 2024-25 price list to compare with." in client.get(
        "/prices/2025/compare").get_data(as_text=True)
    assert run(app, "prices", "publish", "--year", "2024").exit_code == 0
    import_2025(app)

    html = client.get("/prices/2025/compare").get_data(as_text=True)
    assert "2025-26 price list v1 (draft) against 2024-25 price list v1" in html
    assert "a school of 250 pupils" in html

    def row(code, customer_type):
        start = html.index(f"<code>{code}</code></td><td>{customer_type}</td>")
        return html[start:html.index("</tr>", start)]

    # Banded at 250 pupils: £1,820 -> £1,890 = +3.8%
    assert "£1,820.00" in row("ADMIN-SUPPORT", "maintained") and "+3.8%" in row("ADMIN-SUPPORT", "maintained")
    # Per pupil at 250: both lifted to the minimum charge, £920 -> £950 = +3.3%
    assert "£920.00" in row("SIMS-SUPPORT", "maintained") and "+3.3%" in row("SIMS-SUPPORT", "maintained")
    assert "+4.0%" in row("EMAIL", "maintained") and "+3.4%" in row("EMAIL", "academy")
    assert "new" in row("DPO", "academy") and "dropped" in row("TELEPHONY", "maintained")

    small = client.get("/prices/2025/compare?pupils=80").get_data(as_text=True)
    start = small.index("<code>ADMIN-SUPPORT</code></td><td>maintained</td>")
    assert "£1,200.00" in small[start:start + 300] and "+4.2%" in small[start:start + 300]


def test_compare_at_a_size_above_a_closed_top_band_says_why(app, client, login, tmp_path):
    closed = HEADER + "DPO,Data protection,all,banded,,,,,0-300:950;301-600:1450,,E\n"
    assert run(app, "prices", "import", str(write(tmp_path, closed)), "--year", "2024").exit_code == 0
    assert run(app, "prices", "publish", "--year", "2024").exit_code == 0
    assert run(app, "prices", "import", str(write(tmp_path, closed)), "--year", "2025").exit_code == 0
    login("sla")
    response = client.get("/prices/2025/compare?pupils=5000")
    assert response.status_code == 200
    assert "Cannot compare at 5000 pupils: bands: 5000 pupils is above the top band 301-600" in response.get_data(
        as_text=True)


# -- issue 15 item 11: 'pupil' in the unit column is a label, at every door ---------------

PUPIL_UNITS = (HEADER + "SIMS-SUPPORT,SIMS support,all,per_pupil,,3.10,950,,,pupil,S\n"
               + "ISP,Internet service,all,base_plus_per_pupil,620,1.15,,,,Pupils,S\n")


def test_a_price_list_saying_pupil_on_pupil_rows_imports_by_command(app, tmp_path):
    result = run(app, "prices", "import", str(write(tmp_path, PUPIL_UNITS)), "--year", "2025")
    assert result.exit_code == 0, result.output
    assert entry(2025, "SIMS-SUPPORT", "all").unit == "pupil"
    assert entry(2025, "ISP", "all").unit == "pupil"
    assert entry(2025, "ISP", "all").price_model().explain(
        PricingContext(pupils=100)) == "base £620.00 + 100 pupils x £1.15 = £735.00"


def test_a_unit_contradicting_a_pupil_model_is_refused_by_command_and_page(app, client, login, tmp_path):
    bad = PUPIL_UNITS.replace(",Pupils,S", ",device,S")
    result = run(app, "prices", "import", str(write(tmp_path, bad)), "--year", "2025")
    assert result.exit_code == 1, result.output
    message = ("row 3, column unit: a base-plus-per-pupil price is charged per census pupil, "
               "so its unit can only be 'pupil', not 'device'")
    assert message in result.output and count(PriceList) == 0
    login("sla")
    refused = client.post("/prices/2025/import", data={
        "file": (io.BytesIO(bad.encode()), "prices.csv"), "census_basis": "january"},
        content_type="multipart/form-data")
    assert refused.status_code == 400 and message in unescape(refused.get_data(as_text=True))
    accepted = client.post("/prices/2025/import", data={
        "file": (io.BytesIO(PUPIL_UNITS.encode()), "prices.csv"), "census_basis": "january"},
        content_type="multipart/form-data", follow_redirects=True)
    assert accepted.status_code == 200 and entry(2025, "SIMS-SUPPORT", "all").unit == "pupil"


def test_the_draft_edit_form_takes_pupil_on_a_per_pupil_price_and_refuses_a_contradiction(app, client, login):
    import_2025(app)
    login("sla")
    sims = entry(2025, "SIMS-SUPPORT", "maintained")
    data = {"title": "SIMS", "model": "per_pupil", "amount": "", "rate": "3.10", "minimum": "950",
            "maximum": "4200", "bands": "", "vat_code": "S"}
    bad = unescape(client.post(f"/prices/2025/entries/{sims.id}", data={**data, "unit": "licence"})
                   .get_data(as_text=True))
    assert ('<p class="error" id="unit-error">a per-pupil price is charged per census pupil, '
            "so its unit can only be 'pupil', not 'licence'</p>") in bad
    saved = client.post(f"/prices/2025/entries/{sims.id}", data={**data, "unit": "pupils"}, follow_redirects=True)
    assert saved.status_code == 200
    db.session.expire_all()
    assert entry(2025, "SIMS-SUPPORT", "maintained").unit == "pupil"
