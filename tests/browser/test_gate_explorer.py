"""The gate explorer in a real browser: it shows lstm_lib's numbers (the build's cases.json),
it can be worked by keyboard and read by a screen reader, it follows light and dark mode, and on a
390-px-wide screen it fits and nothing moves as its values change. That it loads nothing from
outside the site is checked for every page by test_site.py."""
import json
import pathlib
import sys

import pytest

from conftest import ROOT, SITE

sys.path.insert(0, str(ROOT / "_ext"))
import gate_explorer  # noqa: E402  (the Sphinx extension that writes the cases)

pytestmark = pytest.mark.browser

CASES = SITE / "_static" / "gate_explorer" / "cases.json"
PAGE = "chapters/gate_explorer.html"
PAGES = [PAGE, "chapters/lstm_cell.html"]
STEP_QUANTITIES = ("z_f", "z_i", "z_c", "z_o", "f", "i", "g", "o", "c_t", "h_t")
SEQUENCE_QUANTITIES = ("f", "i", "g", "o", "c", "h", "carried")

# The page rounds to the 4 decimals it shows, so a shown value is within half a unit of the last
# place, 5e-5, of the exact one. The browser's exp and tanh may differ from NumPy's in the last bit
# or so; the values are below 50 in size (|z| <= 6 * 1 + 6 * 4 + 6), where a few units in the last
# place are below 1e-13, so 1e-12 more covers them with room to spare.
TOLERANCE = 0.5e-4 + 1e-12


def number(text):
    return float(text.strip().replace("\u2212", "-"))


@pytest.fixture(scope="module")
def cases():
    if not CASES.exists():
        pytest.fail(f"{CASES.relative_to(ROOT)} is missing: the build writes it (make test-book)")
    return json.loads(CASES.read_text())


def open_explorer(browser, base_url, name=PAGE, width=1280, scheme="light"):
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{base_url}/{name}", wait_until="load")
    page.wait_for_selector(".gate-explorer.ge-ready .ge")
    page.wait_for_load_state("networkidle")
    return page, problems


@pytest.fixture(scope="module")
def explorer(browser, base_url):
    page, problems = open_explorer(browser, base_url)
    yield page
    assert problems == [], problems
    page.close()


def shown_step(page):
    return page.evaluate(
        """() => Object.fromEntries(Array.from(
            document.querySelectorAll('.ge-equations [data-quantity]'))
            .map(s => [s.dataset.quantity, s.textContent]))""")


def set_sliders(page, settings):
    """Move each slider whose value differs, as a user would (fill on a range input)."""
    current = page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('.ge input[type=range]'))
            .map(i => [i.dataset.setting, Number(i.value)]))""")
    for name, value in settings.items():
        if current[name] != value:
            page.locator(f'.ge input[data-setting="{name}"]').fill(f"{value:.2f}")


def assert_close(shown, expected, where):
    for quantity, value in expected.items():
        got = number(shown[quantity])
        assert abs(got - value) <= TOLERANCE, f"{where}: {quantity} shows {got}, lstm_lib gives {value}"


@pytest.mark.parametrize("name", PAGES)
def test_the_explorer_replaces_its_placeholder_and_starts_at_the_worked_example(
        browser, base_url, cases, name):
    page, problems = open_explorer(browser, base_url, name)
    try:
        assert problems == [], problems
        assert page.locator(".ge").count() == 1
        assert page.locator(".gate-explorer a[href*='lstm-course.github.io']").count() == 0
        assert page.locator(".ge input[type=range]").count() == 15
        assert_close(shown_step(page), cases["step"][0]["expected"], f"{name}, at the start")
    finally:
        page.close()


def test_every_slider_setting_of_the_cases_shows_lstm_libs_numbers(explorer, cases):
    for k, case in enumerate(cases["step"]):
        set_sliders(explorer, case["settings"])
        shown = shown_step(explorer)
        assert set(shown) == set(STEP_QUANTITIES)
        assert_close(shown, case["expected"], f"step case {k} {case['settings']}")
        # the value beside each slider is its setting
        outputs = explorer.evaluate(
            """() => Object.fromEntries(Array.from(document.querySelectorAll('.ge-slider'))
                .map(s => [s.querySelector('input').dataset.setting,
                           s.querySelector('output').textContent]))""")
        for name, value in case["settings"].items():
            assert number(outputs[name]) == value, (name, outputs[name], value)


def test_the_diagram_shows_the_same_values_as_the_equations(explorer, cases):
    case = cases["step"][-1]
    set_sliders(explorer, case["settings"])
    texts = explorer.evaluate(
        "() => Array.from(document.querySelectorAll('.ge-diagram text.ge-value')).map(t => t.textContent)")
    e = case["expected"]
    for quantity in ("f", "i", "g", "o"):
        assert f"{e[quantity]:.4f}".replace("-", "\u2212") in texts, (quantity, texts)
    assert any(t.startswith("c\u209c =") and abs(number(t.split("=")[1]) - e["c_t"]) <= TOLERANCE
               for t in texts), texts
    assert any(t.startswith("h\u209c =") and abs(number(t.split("=")[1]) - e["h_t"]) <= TOLERANCE
               for t in texts), texts


def shown_days(page):
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.ge-results td')).map(td => [
            Number(td.dataset.company), Number(td.dataset.day), td.dataset.quantity, td.textContent])""")


def test_the_two_companies_day_by_day_show_lstm_forwards_numbers(explorer, cases):
    back = explorer.get_by_role("button", name="Previous day")
    forward = explorer.get_by_role("button", name="Next day")
    for k, case in enumerate(cases["sequence"]):
        set_sliders(explorer, case["settings"])
        for row, prices in enumerate(case["prices"]):
            for d, price in enumerate(prices):
                explorer.locator(f'.ge input[data-price="{row},{d}"]').fill(f"{price:g}")
        while back.is_enabled():
            back.click()
        for day in range(1, 5):
            assert explorer.locator(".ge-status").inner_text() == f"Day {day} of 4"
            for company, column, quantity, text in shown_days(explorer):
                if column > day:
                    assert text == "\u00b7", f"day {column} is shown on day {day}"
                    continue
                expected = case["expected"][quantity][company][column - 1]
                assert abs(number(text) - expected) <= TOLERANCE, (
                    f"sequence case {k}, company {company}, day {column}: {quantity} shows {text}, "
                    f"lstm_lib gives {expected}")
            if day < 4:
                forward.click()
        assert not forward.is_enabled()
        for company in range(2):
            text = explorer.locator(f'[data-prediction="{company}"]').inner_text()
            assert abs(number(text) - case["expected"]["h"][company][3]) <= TOLERANCE


def test_a_price_that_is_not_a_number_in_range_is_named_and_nothing_changes(explorer):
    before = shown_days(explorer)
    price = explorer.get_by_role("spinbutton", name="B, price on day 2")
    price.fill("7")
    alert = explorer.get_by_role("alert")
    assert "B, day 2" in alert.inner_text() and "from \u22123 to 3" in alert.inner_text()
    assert price.get_attribute("aria-invalid") == "true"
    assert shown_days(explorer) == before
    price.fill("0.5")
    assert alert.inner_text() == "" and price.get_attribute("aria-invalid") == "false"


def test_sliders_work_from_the_keyboard_and_announce_their_values(explorer):
    explorer.get_by_role("button", name="Back to the worked example").click()
    sliders = explorer.get_by_role("slider")
    assert sliders.count() == 15
    # accessible names: the group and the part, as a screen reader reads them
    bias = explorer.get_by_role("slider", name="forget gate f bias", exact=True)
    assert bias.count() == 1
    bias.focus()
    explorer.keyboard.press("ArrowRight")
    settings = {**gate_explorer.default_settings(), "f.b": 1.63}
    assert bias.input_value() == "1.63" and bias.get_attribute("aria-valuetext") == "1.63"
    assert_close(shown_step(explorer), gate_explorer.step_case(settings)["expected"], "f.b + 0.01")
    explorer.keyboard.press("Home")
    assert bias.input_value() == "-6"
    explorer.keyboard.press("End")
    assert bias.input_value() == "6"
    assert_close(shown_step(explorer),
                 gate_explorer.step_case({**settings, "f.b": 6.0})["expected"], "f.b at its end")
    # Tab goes on to the next control; the summary is read out as it changes
    explorer.keyboard.press("Tab")
    assert explorer.evaluate("() => document.activeElement.dataset.setting") == "i.wh"
    assert explorer.locator(".ge-summary").get_attribute("aria-live") == "polite"
    for name in ("input x", "short-term memory h", "long-term memory c", "input gate i weight on x",
                 "candidate c\u0303 weight on h", "output gate o bias"):
        assert explorer.get_by_role("slider", name=name).count() == 1, name
    # the buttons too: Enter on "Next day" steps the sequence
    back = explorer.get_by_role("button", name="Previous day")
    while back.is_enabled():
        back.click()
    explorer.get_by_role("button", name="Next day").focus()
    explorer.keyboard.press("Enter")
    assert explorer.locator(".ge-status").inner_text() == "Day 2 of 4"


def relative_luminance(rgb):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


COLOURS = """() => {
    const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
    let node = document.querySelector('.ge'), background = null;
    while (node && !background) {
        const c = getComputedStyle(node).backgroundColor;
        if (!/rgba\\(0, 0, 0, 0\\)|transparent/.test(c)) background = rgb(c);
        node = node.parentElement;
    }
    const pick = (selector, property) => rgb(getComputedStyle(document.querySelector(selector))[property]);
    return {background, text: pick('.ge-equations li', 'color'), label: pick('.ge-slider label', 'color'),
            diagram: pick('.ge-diagram text.ge-value:not(.ge-cell-text):not(.ge-hidden-text)', 'fill'),
            cell: pick('.ge-results td', 'color'), chart: pick('.ge-chart-svg text', 'fill')};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_is_readable_in_light_and_dark_mode(browser, base_url, screenshots, scheme):
    page, problems = open_explorer(browser, base_url, scheme=scheme)
    try:
        assert page.evaluate("() => document.documentElement.dataset.theme") == scheme
        page.locator(".ge").screenshot(path=str(screenshots / f"gate_explorer__{scheme}.png"))
        colours = page.evaluate(COLOURS)
        background = colours.pop("background")
        assert (relative_luminance(background) > 0.5) == (scheme == "light"), background
        for part, colour in colours.items():
            # WCAG AA for normal text
            assert contrast(colour, background) >= 4.5, f"{scheme}: {part} {colour} on {background}"
        assert problems == [], problems
    finally:
        page.close()


BOXES = """() => Array.from(document.querySelectorAll(
        '.ge input, .ge button, .ge-diagram, .ge-equations, .ge-table, .ge-chart, .ge-sequence'))
    .map(e => { const r = e.getBoundingClientRect();
                return [r.x + window.scrollX, r.y + window.scrollY, r.width, r.height]; })"""


def test_on_a_phone_it_fits_and_nothing_moves_as_values_change(browser, base_url, screenshots, cases):
    page, problems = open_explorer(browser, base_url, width=390)
    try:
        fits = page.evaluate("""() => ({
            page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
            explorer: document.querySelector('.ge').getBoundingClientRect().right,
            tables: Array.from(document.querySelectorAll('.ge-scroll'))
                .map(s => [s.scrollWidth, s.clientWidth])})""")
        assert fits["page"][0] <= fits["page"][1], f"the page scrolls sideways: {fits}"
        assert fits["explorer"] <= 390, fits
        assert all(inner <= outer for inner, outer in fits["tables"]), f"a table scrolls: {fits}"
        before = page.evaluate(BOXES)
        # values of every length: the extreme settings, then all four days
        for case in (cases["step"][1], cases["step"][-1], cases["step"][0]):
            set_sliders(page, case["settings"])
            assert page.evaluate(BOXES) == before, "the layout moved when a slider moved"
        for _ in range(3):
            page.get_by_role("button", name="Next day").click()
            assert page.evaluate(BOXES) == before, "the layout moved when the day changed"
        clipped = page.evaluate("""() => Array.from(document.querySelectorAll('.ge-results td'))
            .filter(td => td.scrollWidth > td.clientWidth).map(td => td.textContent)""")
        assert clipped == [], f"values wider than their cells: {clipped}"
        page.screenshot(path=str(screenshots / "gate_explorer__390px.png"), full_page=True)
        assert problems == [], problems
    finally:
        page.close()


def test_without_javascript_the_placeholder_points_to_the_website(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/{PAGE}")
        link = page.locator(".gate-explorer a")
        assert link.count() == 1 and "gate_explorer.html" in link.get_attribute("href")
    finally:
        context.close()
