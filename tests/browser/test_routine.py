"""The routine with a phone in hand: the current point's name, picture and cautions in view
beside a compact timer, the screen kept awake, progress kept across a reload, the steps
reordered, and cues that can be turned off."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROUTINE = "/routine/?points=bl23-shenshu&points=cv6-qihai&points=bl40-weizhong"

# Fakes of the browser's own APIs, recording what the page asks of them.
RECORD_CUES = """
    window.buzzes = [];
    navigator.vibrate = pattern => { window.buzzes.push(pattern); return true; };
"""
RECORD_WAKE_LOCK = """
    window.wakeLocks = 0;
    Object.defineProperty(navigator, 'wakeLock', {value: {request: async () => {
        window.wakeLocks += 1;
        return {released: false, release() { window.wakeLocks -= 1; },
                addEventListener() {}};
    }}});
"""
NO_WAKE_LOCK = "delete Navigator.prototype.wakeLock;"


def uncovered(page, selector):
    """Whether the element is inside the viewport and not under the timer bar."""
    return page.locator(selector).first.evaluate(
        """element => {
            const box = element.getBoundingClientRect();
            const x = box.left + Math.min(box.width / 2, 40), y = box.top + box.height / 2;
            const hit = document.elementFromPoint(x, y);
            return box.top >= 0 && box.bottom <= innerHeight && !!hit
                && (element.contains(hit) || hit.contains(element));
        }"""
    )


@pytest.mark.parametrize("width", [360, 390])
def test_the_current_point_shows_above_a_compact_timer(page, demo_site, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(reduced_motion="reduce")  # scrolled at once, not smoothly
    page.goto(demo_site + ROUTINE)
    guide = page.get_by_role("region", name="Routine timer")
    guide.get_by_role("button", name="Next", exact=True).click()
    guide.get_by_role("button", name="Start", exact=True).click()

    bar = page.locator(".guide__bar").bounding_box()
    assert bar["height"] <= 130
    assert bar["y"] + bar["height"] == pytest.approx(800, abs=1)
    expect(page.locator("#step-2")).to_have_attribute("aria-current", "step")
    assert abs(page.locator("#step-2").bounding_box()["y"]) < 20
    for part in [
        "#step-2 h3",
        "#step-2 .routine-step__image",
        "#step-2 .routine-step__cautions h4",
    ]:
        assert uncovered(page, part), part


def test_progress_survives_a_reload(page, demo_site):
    page.clock.install()
    page.goto(demo_site + ROUTINE)
    guide = page.get_by_role("region", name="Routine timer")
    guide.get_by_role("button", name="Start", exact=True).click()
    page.clock.run_for("02:01")
    page.clock.run_for("02:01")
    expect(guide.get_by_text("Point 2 of 3: CV6 Qihai")).to_be_visible()
    guide.get_by_role("button", name="Start", exact=True).click()
    page.clock.run_for("00:20")
    expect(page.locator(".guide__time")).to_have_text("0:40")

    page.reload()

    expect(guide.get_by_text("Point 2 of 3: CV6 Qihai")).to_be_visible()
    expect(page.locator(".guide__time")).to_have_text("0:40")
    expect(guide.get_by_role("status")).to_contain_text("Welcome back")
    expect(page.locator("#step-1 .routine-step__done input")).to_be_checked()
    expect(guide.get_by_role("button", name="Start", exact=True)).to_be_visible()

    guide.get_by_role("button", name="Clear progress and go back to the first point").click()
    expect(guide.get_by_text("Point 1 of 3: BL23 Shenshu")).to_be_visible()
    expect(page.locator("#step-1 .routine-step__done input")).not_to_be_checked()


def test_the_reader_reorders_the_steps_with_the_keyboard(page, demo_site):
    page.goto(demo_site + ROUTINE)
    move = page.get_by_role("link", name="Move later BL23")

    move.focus()
    page.keyboard.press("Enter")

    names = page.locator(".routine-step").evaluate_all("steps => steps.map(s => s.dataset.slug)")
    assert names == ["cv6-qihai", "bl23-shenshu", "bl40-weizhong"]
    expect(page.get_by_role("link", name="Move later BL23")).to_be_focused()
    expect(page).to_have_url(re.compile(r"points=cv6-qihai&points=bl23-shenshu&points=bl40"))
    guide = page.get_by_role("region", name="Routine timer")
    expect(guide.get_by_text("Point 2 of 3: BL23 Shenshu")).to_be_visible()

    page.reload()
    expect(page.locator(".routine-step h3").first).to_contain_text("CV6 Qihai")


def test_without_javascript_the_move_links_reorder_the_list(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_site + ROUTINE)

    page.get_by_role("link", name="Move earlier BL40").click()

    expect(page.locator(".routine-step h3").nth(1)).to_contain_text("BL40 Weizhong")
    expect(page.get_by_role("link", name="Move earlier BL23")).to_have_count(0)
    context.close()


def test_a_cue_at_switch_sides_and_next_which_the_reader_can_turn_off(page, demo_site):
    page.add_init_script(RECORD_CUES)
    page.clock.install()
    page.goto(demo_site + ROUTINE)
    guide = page.get_by_role("region", name="Routine timer")
    expect(guide.get_by_label(re.compile("Beep at"))).to_be_checked()
    guide.get_by_role("button", name="Start", exact=True).click()

    page.clock.run_for("02:01")
    assert page.evaluate("window.buzzes") == [[200, 100, 200]]
    page.clock.run_for("02:01")
    assert page.evaluate("window.buzzes") == [[200, 100, 200], 400]

    guide.get_by_label("Vibrate too").uncheck()
    page.reload()
    expect(guide.get_by_label("Vibrate too")).not_to_be_checked()
    guide.get_by_role("button", name="Start", exact=True).click()
    page.clock.run_for("01:01")
    assert page.evaluate("window.buzzes") == []


def test_the_screen_is_kept_awake_while_the_timer_runs(page, demo_site):
    page.add_init_script(RECORD_WAKE_LOCK)
    page.goto(demo_site + ROUTINE)
    guide = page.get_by_role("region", name="Routine timer")

    guide.get_by_role("button", name="Start", exact=True).click()
    assert page.evaluate("window.wakeLocks") == 1
    expect(guide.get_by_text("The screen stays on while the timer runs.")).to_be_visible()
    guide.get_by_role("button", name="Pause", exact=True).click()
    assert page.evaluate("window.wakeLocks") == 0


def test_where_the_screen_cannot_be_kept_awake_the_reader_is_told(page, demo_site):
    page.add_init_script(NO_WAKE_LOCK)
    page.goto(demo_site + ROUTINE)

    expect(page.get_by_text("This browser may let the screen dim or lock")).to_be_visible()
