"""The quality checks the browser tests apply to every page: accessibility (axe-core), valid
HTML (the Nu Html Checker), no sideways scrolling on a phone, and keyboard focus. Each returns
what it found, so a test can assert on it and a failure message says what is wrong."""

import json
import shutil
import subprocess
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
VNU_JAR = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

_axe = Axe()


def accessibility_violations(page):
    """axe-core's WCAG 2.2 A/AA and best-practice violations, one readable line each."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
    ]


def horizontal_overflow(page):
    """How many pixels the page is wider than the viewport (0 when nothing scrolls sideways)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


# Interactive elements a keyboard user must reach; tabindex="-1" takes one out on purpose (the
# body map's mirrored markers repeat a link that is reachable once).
FOCUSABLE = ", ".join(
    f"{selector}:not([tabindex='-1'])"
    for selector in [
        "a[href]",
        "button:not([disabled])",
        "input:not([disabled]):not([type=hidden])",
        "select:not([disabled])",
        "textarea:not([disabled])",
        "summary",
        "[tabindex]",
    ]
)


def keyboard_focus_problems(page, *, max_tabs=400):
    """Tab through the page; report visible interactive elements Tab never reaches, and
    elements that show no focus indicator (outline or box-shadow) when focused."""
    # A radio group is one Tab stop (arrow keys move inside it), so it counts once, by name.
    expected = page.evaluate(
        """selector => {
            document.activeElement && document.activeElement.blur();
            const visible = el => el.getClientRects().length
                && getComputedStyle(el).visibility !== 'hidden';
            const expected = {};
            [...document.querySelectorAll(selector)].filter(visible).forEach((el, index) => {
                const key = el.type === 'radio' ? `radio:${el.name}` : String(index);
                el.dataset.focusCheck = key;
                expected[key] = expected[key] || el.outerHTML.slice(0, 120);
            });
            return expected;
        }""",
        FOCUSABLE,
    )
    reached, problems = set(), []
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return null;
                const style = getComputedStyle(el);
                const outline = style.outlineStyle !== 'none'
                    && parseFloat(style.outlineWidth) >= 2;
                const shadow = style.boxShadow && style.boxShadow !== 'none';
                return {index: el.dataset.focusCheck ?? el.outerHTML.slice(0, 120),
                        html: el.outerHTML.slice(0, 120), visible: outline || shadow};
            }"""
        )
        if focused is None:
            continue
        if focused["index"] in reached:
            break  # Tab has come round to the start again.
        reached.add(focused["index"])
        if not focused["visible"]:
            problems.append(f"no visible focus style: {focused['html']}")
    problems += [
        f"not reachable with Tab: {html}" for key, html in expected.items() if key not in reached
    ]
    return problems


def html_errors(pages):
    """Validate {name: html} with the Nu Html Checker in one run; return "name: message" lines."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        raise RuntimeError("The HTML checker needs java and `npm ci` (make test installs both).")
    folder = Path(settings.MEDIA_ROOT).parent / "html-to-validate"
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, html in pages.items():
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path.resolve())] = name
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    return [
        f"{files.get(Path(message['url'].removeprefix('file:')).as_posix(), message['url'])}: "
        f"line {message.get('lastLine')}: {message['message']}"
        for message in messages
    ]
