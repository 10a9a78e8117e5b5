"""The page furniture on a phone: a header of two rows whose search box shows its whole
example."""

import pytest

from points.models import Point

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 390])
def test_header_is_two_rows_and_the_search_example_fits(page, demo_site, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(demo_site + "/points/")

    name = page.locator(".site-name").bounding_box()
    search = page.locator("#site-search-q").bounding_box()
    link_tops = {round(link.bounding_box()["y"]) for link in page.locator(".site-nav a").all()}
    assert search["y"] < name["y"] + name["height"]  # the search box sits beside the name
    assert len(link_tops) == 1  # the menu is one row
    assert min(link_tops) >= max(name["y"] + name["height"], search["y"] + search["height"])
    assert page.locator(".site-header").bounding_box()["height"] <= 100

    room, needed = page.locator("#site-search-q").evaluate(
        """input => {
            const style = getComputedStyle(input);
            const context = document.createElement('canvas').getContext('2d');
            context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            const room = input.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return [room, context.measureText(input.placeholder).width];
        }"""
    )
    assert needed <= room


CJK_FAMILIES = {
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
}


def test_chinese_names_are_drawn_with_a_chinese_font_not_boxes(page, demo_site):
    """On this machine no Chinese font is installed: the site's own subset draws them."""
    cdp = page.context.new_cdp_session(page)
    for point in Point.objects.exclude(chinese_name=""):
        page.goto(demo_site + point.get_absolute_url())
        # The site's font joins the list by a CSS animation half a second in.
        page.evaluate("Promise.all(document.getAnimations().map(a => a.finished))")
        page.evaluate("document.fonts.ready")
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[lang|=zh]"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]

        assert page.locator("[lang|=zh]").first.text_content() == point.chinese_name
        assert sum(font["glyphCount"] for font in fonts) == len(point.chinese_name)
        assert all(font["familyName"] in CJK_FAMILIES for font in fonts), fonts
