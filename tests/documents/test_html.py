"""The HTML view: the same content as the PDF, every text escaped."""
from __future__ import annotations

from documents.filling import fill
from documents.html import render_html
from tests.documents.samples import COUNCIL, default_template, facts


def test_the_html_carries_the_same_content():
    html = render_html(fill(default_template(), facts(), COUNCIL))
    assert '<section class="sla-section sla-depth-2" id="s-4-1">' in html
    assert '<a href="#s-4-1">4.1 Services Subscribed</a>' in html
    assert "<td>Anti-virus</td><td class=\"num\">30 devices</td>" in html
    assert "This agreement starts on 1 April 2025 and ends on 31 March 2026." in html
    assert "[" not in html


def test_text_is_escaped():
    html = render_html(fill(default_template(), facts(party_name="<script>alert(1)</script> & Co"), COUNCIL))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
