"""A point page printed from Chromium: one A4 or Letter sheet with its picture, where it is,
how to press it, its cautions, the warning signs, the references it cites and its address."""

import re

import pytest
from playwright.sync_api import expect

from points.models import Disclaimer, Point

pytestmark = pytest.mark.browser


def page_count(pdf):
    """Pages in a PDF Chromium wrote: one /Type /Page object each (/Pages is the tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_every_demo_point_prints_on_one_sheet(page, demo_site, paper):
    for point in Point.objects.all():
        page.goto(demo_site + point.get_absolute_url())

        assert page_count(page.pdf(format=paper)) == 1, point.code


def test_the_printed_page_keeps_what_a_reader_needs_at_hand(page, demo_site):
    point = Point.objects.get(code="BL23")
    page.goto(demo_site + point.get_absolute_url())
    page.emulate_media(media="print")

    expect(page.locator(".figure img").first).to_be_visible()
    for heading in ["Before you press: cautions", "Where it is", "How to press it", "References"]:
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    for item in point.contraindication_list + point.caution_list:
        expect(page.get_by_text(item, exact=True)).to_be_visible()
    disclaimer = Disclaimer.objects.get()
    for sign in disclaimer.emergency_sign_list + disclaimer.see_a_doctor_sign_list:
        expect(page.get_by_text(sign, exact=True).first).to_be_visible()
    for citation in point.citations.all():
        expect(page.get_by_text(citation.reference.title, exact=False).first).to_be_visible()
    expect(page.get_by_text(f"This page: {demo_site}{point.get_absolute_url()}")).to_be_visible()
    expect(page.locator(".comments")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()


def test_the_address_line_is_for_paper_only(page, demo_site):
    page.goto(demo_site + "/points/bl23-shenshu/")

    expect(page.locator(".print-address")).to_be_hidden()
