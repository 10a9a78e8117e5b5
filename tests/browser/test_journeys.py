"""Journeys a person could follow by hand, in a real browser against the live server."""

import re

import pytest
from playwright.sync_api import expect

from points.models import Article, Disclaimer
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_reader_goes_from_home_to_article_to_points_to_disclaimer(page, demo_site):
    page.goto(demo_site)
    expect(page).to_have_title(re.compile("Acupressure"))

    page.get_by_role("link", name="11 acupressure points for back pain relief").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "11 acupressure points for back pain relief"
    )

    knee_section = page.locator("section", has=page.get_by_role("heading", name="Knee Back Points"))
    # The section's point card (its editor's note links the point too).
    knee_section.locator(".point-card").get_by_role("link", name="BL40 Weizhong").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("BL40 Weizhong")
    expect(page.get_by_role("heading", name="Before you press: cautions")).to_be_visible()

    page.get_by_role("link", name=re.compile("Next point")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LI4 Hegu")

    page.get_by_role("link", name="Read the full disclaimer").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Medical disclaimer")
    expect(page.get_by_text("We are not professionals!").first).to_be_visible()


def test_editor_changes_a_point_and_sees_it_on_the_public_page(page, demo_site, editor_login):
    sign_in(page, demo_site, editor_login)

    page.get_by_role("link", name="Points", exact=True).click()
    page.get_by_role("link", name="BL40", exact=True).click()
    page.get_by_label("How to find it").fill("Bend your knee.\nFind the middle of the crease.")
    page.get_by_role("button", name="Publish changes and keep editing").click()
    expect(page.locator(".messagelist")).to_contain_text("Published “BL40 Weizhong”")
    # Its picture's description is corrected in the picture library, for every page using it.
    page.locator(".field-preview a").first.click()
    page.get_by_label("Alternative text").fill("The back of a knee with BL40 marked")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{demo_site}/points/bl40-weizhong/")
    expect(page.get_by_text("Find the middle of the crease.")).to_be_visible()
    expect(page.get_by_alt_text("The back of a knee with BL40 marked")).to_be_visible()


def test_draft_point_is_hidden_from_readers_and_previewed_for_editors(
    browser, page, demo_site, editor_login
):
    sign_in(page, demo_site, editor_login)
    page.goto(f"{demo_site}/admin/points/point/?q=BL62")
    page.get_by_role("link", name="BL62", exact=True).click()
    page.get_by_label("Status").select_option(label="Draft (not public)")
    page.get_by_label("Yes, take this page off the site").check()
    page.get_by_role("button", name="Save and keep editing").click()
    expect(page.locator(".messagelist")).to_contain_text("is no longer public")

    page.get_by_role("link", name="View on site").click()
    expect(page.get_by_text("Draft - not public")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("BL62 Shenmai")
    preview_url = page.url

    reader = browser.new_context().new_page()
    response = reader.goto(preview_url)
    assert response.status == 404
    expect(reader.get_by_role("heading", level=1)).to_have_text("Page not found")
    reader.goto(f"{demo_site}/points/")
    expect(reader.get_by_text("BL62 Shenmai")).to_have_count(0)
    reader.context.close()


def test_reader_reports_a_result_and_sees_it_once_an_editor_approves(
    browser, page, demo_site, editor_login
):
    page.goto(f"{demo_site}/points/bl40-weizhong/")
    expect(page.get_by_text("No reader has reported a result for this point yet.")).to_be_visible()

    page.get_by_label("Your name").fill("Maria")
    page.get_by_label("Your comment").fill("Gentle pressure behind the knee eased my sciatica.")
    page.get_by_label("Helped a little").check()
    page.get_by_label("Days you tried it (optional)").fill("7")
    page.get_by_role("button", name="Send comment").click()

    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    expect(page.get_by_text("Awaiting moderation: only you can see this")).to_be_visible()
    expect(page.get_by_text("No reader has reported a result for this point yet.")).to_be_visible()

    editor = browser.new_context().new_page()
    sign_in(editor, demo_site, editor_login)
    expect(editor.get_by_text("1 comment waiting for moderation")).to_be_visible()
    editor.get_by_text("1 comment waiting for moderation").click()
    editor.get_by_role("checkbox", name="Select this object for an action").first.check()
    editor.get_by_role("combobox", name="Action").select_option(
        label="Approve selected comments (publish them)"
    )
    editor.get_by_role("button", name="Run").click()
    expect(editor.get_by_text("Approved 1 comment.")).to_be_visible()
    editor.context.close()

    page.reload()
    expect(page.get_by_text("1 reader reported:")).to_be_visible()
    expect(page.get_by_text("1 helped a little")).to_be_visible()
    expect(page.get_by_text("Gentle pressure behind the knee eased my sciatica.")).to_be_visible()
    expect(page.get_by_text("Awaiting moderation: only you can see this")).to_have_count(0)


def test_editor_schedules_a_point_and_marks_its_picture(browser, page, demo_site, editor_login):
    sign_in(page, demo_site, editor_login)
    page.goto(f"{demo_site}/admin/points/point/?q=GB30")
    page.get_by_role("link", name="GB30", exact=True).click()

    # The point's picture opens in the picture library, where its markers are set: choose
    # the point of the empty marker row, then click the picture where it is.
    point_form = page.url
    page.locator(".field-preview a").first.click()
    expect(page.get_by_role("heading", name="Change picture")).to_be_visible()
    page.locator(".dynamic-markers .select2-selection").first.click()
    page.locator(".select2-search__field").fill("GB30")
    page.locator(".select2-results__option", has_text="GB30").first.click()
    page.locator(".dynamic-markers input[name$='-x']").first.focus()
    picture = page.locator("img[data-picture-picker]")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] / 2, "y": box["height"] / 4})
    marker_x = float(page.locator(".dynamic-markers input[name$='-x']").first.input_value())
    marker_y = float(page.locator(".dynamic-markers input[name$='-y']").first.input_value())
    assert marker_x == pytest.approx(50, abs=1.5)
    assert marker_y == pytest.approx(25, abs=1.5)
    # The focal point is the first choice above the picture.
    page.get_by_label("What a click on the picture sets:").select_option(label="Focal point")
    picture.click(position={"x": box["width"] / 5, "y": box["height"] / 2})
    assert float(page.locator("input[name='focal_x']").input_value()) == pytest.approx(20, abs=1.5)
    # The crops beside it follow, as the site will cut them.
    expect(page.get_by_alt_text("Crop for a point card")).to_have_css("object-position", "20% 50%")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator(".field-where_used")).to_contain_text("The page of GB30")
    page.goto(point_form)

    page.locator("input[name='published_at_0']").fill("2099-01-01")
    page.get_by_label("Yes, take this page off the site").check()
    page.get_by_role("button", name="Publish changes and keep editing").click()
    expect(page.locator(".messagelist")).to_contain_text("until it goes live on 1 January 2099")

    page.get_by_role("link", name="View on site").click()
    expect(page.get_by_text("Scheduled - not public yet.")).to_be_visible()
    expect(page.get_by_text("It goes live on 1 January 2099")).to_be_visible()
    expect(page.get_by_text("The red ring marks where GB30 is.")).to_be_visible()

    reader = browser.new_context().new_page()
    assert reader.goto(page.url).status == 404
    reader.context.close()


def test_reader_finds_a_point_on_the_body_map_with_the_keyboard(page, demo_site):
    page.goto(demo_site)
    marker = page.get_by_role("link", name="BL40 Weizhong, behind the knee")

    marker.focus()
    expect(marker.locator(".marker__label")).to_be_visible()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("BL40 Weizhong")


def test_reader_narrows_the_list_by_area_and_complaint(page, demo_site):
    page.goto(f"{demo_site}/points/")
    page.get_by_role("combobox", name="Body area").select_option(label="Leg and knee")
    page.get_by_role("combobox", name="Complaint").select_option(label="Sciatica")
    page.get_by_role("button", name="Show points").click()

    expect(page).to_have_url(re.compile(r"area=leg&condition=sciatica"))
    expect(page.get_by_text("1 point matches your filters.")).to_be_visible()
    expect(page.get_by_role("heading", name="BL40 Weizhong")).to_be_visible()


def test_reader_searches_by_an_old_code(page, demo_site):
    page.goto(demo_site)
    page.get_by_role("searchbox", name="Search points, names and complaints").fill("UB23")
    page.keyboard.press("Enter")

    expect(page.locator(".point-card__title").first).to_have_text("BL23 Shenshu")


def test_the_routine_times_each_side_and_moves_on(page, demo_site):
    page.clock.install()
    page.goto(f"{demo_site}/routine/?points=bl23-shenshu&points=cv6-qihai")
    guide = page.get_by_role("region", name="Routine timer")
    expect(guide.get_by_text("Point 1 of 2: BL23 Shenshu (side 1 of 2)")).to_be_visible()
    expect(guide.get_by_text("2:00")).to_be_visible()

    guide.get_by_role("button", name="Start").click()
    page.clock.run_for("02:01")
    expect(guide.get_by_role("status")).to_have_text(
        "Switch to the other side, and take your time."
    )
    expect(guide.get_by_text("(side 2 of 2)")).to_be_visible()

    page.clock.run_for("02:01")
    expect(guide.get_by_text("Point 2 of 2: CV6 Qihai")).to_be_visible()
    expect(guide.get_by_role("status")).to_contain_text("Ready for the next point")
    expect(page.locator("#step-1 .routine-step__done input")).to_be_checked()

    guide.get_by_role("button", name="Start").click()
    page.clock.run_for("01:01")
    expect(guide.get_by_role("status")).to_have_text(
        "That was the last point. Take your time getting up."
    )


def test_the_routine_shows_the_warning_signs_first_and_every_caution_open(page, demo_site):
    page.goto(f"{demo_site}/routine/")

    emergency = page.get_by_role("heading", name=re.compile("Call an ambulance or go to A&E now"))
    expect(emergency).to_be_visible()
    expect(page.get_by_role("heading", name="See a doctor soon if")).to_be_visible()
    disclaimer = Disclaimer.objects.get()
    for sign in disclaimer.emergency_sign_list + disclaimer.see_a_doctor_sign_list:
        expect(page.get_by_text(sign, exact=True)).to_be_visible()
    first_step = page.locator("#step-1")
    assert emergency.bounding_box()["y"] < first_step.bounding_box()["y"]

    points = Article.objects.get().linked_points()
    for number, point in enumerate(points, start=1):
        step = page.locator(f"#step-{number}")
        expect(step.get_by_role("heading", name=f"When not to press {point.code}")).to_be_visible()
        for item in point.contraindication_list + point.caution_list:
            expect(step.get_by_text(item, exact=True)).to_be_visible()


def test_without_javascript_the_routine_is_a_checklist(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_site}/routine/")

    expect(page.get_by_role("region", name="Routine timer")).to_have_count(0)
    expect(page.locator(".routine-step")).to_have_count(11 - 1)  # the article's 10 points
    expect(page.get_by_text("about", exact=False).first).to_be_visible()
    context.close()


def test_editor_places_a_point_by_clicking_the_body_map(page, demo_site, editor_login):
    sign_in(page, demo_site, editor_login)
    page.goto(f"{demo_site}/admin/points/point/?q=CV6")
    page.get_by_role("link", name="CV6", exact=True).click()

    back = page.get_by_role("img", name="Back of the body")
    box = back.bounding_box()
    back.click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.6})

    expect(page.get_by_label("Body map view")).to_have_value("back")
    assert float(page.get_by_label("Body map x (%)").input_value()) == pytest.approx(30, abs=1.5)
    assert float(page.get_by_label("Body map y (%)").input_value()) == pytest.approx(60, abs=1.5)
    page.get_by_role("button", name="Publish changes and keep editing").click()
    expect(page.locator(".messagelist")).to_contain_text("Published “CV6")
    expect(page.get_by_label("Body map view")).to_have_value("back")
