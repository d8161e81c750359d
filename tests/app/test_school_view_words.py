"""A school reads its own page in its own words (issue #30): the register's staff wording ("GIAS's links
file names ...") is for the council's staff; the school is told what it means for the school."""
from __future__ import annotations


def test_a_school_reads_its_links_in_its_own_words(app, make_school, client, login):
    school = make_school(urn=990009)
    login("school", school=school)
    page = client.get("/schools/990009").get_data(as_text=True)
    assert "Your school has no predecessor or successor school in the national register (GIAS)." in page
    assert "links file" not in page


def test_staff_keep_the_registers_wording(app, make_school, client, login):
    make_school(urn=990009)
    login("sla")
    page = client.get("/schools/990009").get_data(as_text=True)
    assert "GIAS's links file names no predecessor or successor." in page and "Your school" not in page
