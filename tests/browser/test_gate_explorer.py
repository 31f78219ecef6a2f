"""The gate explorer in a real browser: every value it shows is lstm_lib's (the cases the build
writes), it can be worked by keyboard and read by a screen reader, it follows light and dark mode,
and on a 390-px-wide screen it fits, its text stays legible and nothing moves as its values change.
That it loads nothing from outside the site is checked for every page by test_site.py."""
import json
import re
import sys

import pytest

from conftest import ROOT, SITE

sys.path.insert(0, str(ROOT / "_ext"))
import gate_explorer  # noqa: E402  (the Sphinx extension that writes the cases)

pytestmark = pytest.mark.browser

CASES = SITE.parent.joinpath(*gate_explorer.CASES_PATH)
PAGE = "chapters/gate_explorer.html"
PAGES = [PAGE, "chapters/lstm_cell.html"]
SMALLEST_TEXT_PX = 12  # as for the figures (test_site.py)

# The page rounds to the 4 decimals it shows, so a shown value is within half a unit of the last
# place, 5e-5, of the exact one. The browser's exp and tanh may differ from NumPy's in the last bit
# or so; the values are below 40 in size (|z| <= 6 * 1 + 6 * 3 + 6 = 30, |c_t| < 4 + 1), where a
# few units in the last place are below 1e-13, so 1e-12 more covers them with room to spare.
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


def set_sliders(page, settings):
    """Move each slider whose value differs, as a user would (fill on a range input)."""
    current = page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('.ge input[type=range]'))
            .map(i => [i.dataset.setting, Number(i.value)]))""")
    for name, value in settings.items():
        if current[name] != value:
            page.locator(f'.ge input[data-setting="{name}"]').fill(f"{value:.2f}")


SHOWN_STEP = """() => ({
    values: Array.from(document.querySelectorAll('.ge-step [data-quantity]'))
        .map(e => [e.dataset.quantity, (e.dataset.sign || '') + e.textContent,
                   e.closest('svg') ? 'diagram' : e.closest('.ge-summary') ? 'summary' : 'equations']),
    meters: Array.from(document.querySelectorAll('.ge-diagram [data-meter]'))
        .map(m => [m.dataset.meter, Number(m.getAttribute('x')), Number(m.getAttribute('width'))]),
    fields: Array.from(document.querySelectorAll('.ge input[data-field]'))
        .map(i => [i.dataset.field, i.value]),
    valuetexts: Array.from(document.querySelectorAll('.ge input[type=range]'))
        .map(i => [i.dataset.setting, i.getAttribute('aria-valuetext')]),
})"""


def check_step(page, case, where):
    """Every value the step shows (diagram, equations, summary, meters, the number fields and what
    a screen reader hears of each slider) against the case."""
    shown = page.evaluate(SHOWN_STEP)
    expected, settings = case["expected"], case["settings"]
    seen = set()
    for quantity, text, place in shown["values"]:
        seen.add(quantity)
        if quantity in settings:  # a slider's value, shown with its two decimals
            assert number(text) == settings[quantity], f"{where}: {place} shows {quantity} = {text}"
        else:
            assert abs(number(text) - expected[quantity]) <= TOLERANCE, (
                f"{where}: {place} shows {quantity} = {text}, lstm_lib gives {expected[quantity]}")
    assert seen == set(expected) | set(settings), f"{where}: not shown: {set(expected) - seen}"
    # a gate's meter fills its block's 40 px by the gate's value; the candidate's starts at the
    # block's centre and goes right or left by 20 px times its value. Widths are written to 0.01 px.
    meters = {gate: (x, width) for gate, x, width in shown["meters"]}
    for gate, (x, width) in meters.items():
        size = abs(expected[gate]) * (20 if gate == "g" else 40)
        assert abs(width - size) <= 0.006, f"{where}: the {gate} meter is {width} px wide, not {size}"
    x_g, width_g = meters["g"]
    centre = meters["f"][0] + (6.2 - 2.6) * 40 + 20  # the candidate block is 3.6 units right of f's
    starts = centre - width_g if expected["g"] < 0 else centre
    assert abs(x_g - starts) <= 0.006, f"{where}: the candidate meter starts at {x_g}, not {starts}"
    for name, text in shown["fields"]:
        assert number(text) == settings[name], f"{where}: the field of {name} says {text}"
    for name, text in shown["valuetexts"]:
        assert number(text) == settings[name], f"{where}: {name} is announced as {text}"


@pytest.mark.parametrize("name", PAGES)
def test_the_explorer_replaces_its_placeholder_and_starts_at_the_worked_example(
        browser, base_url, cases, name):
    page, problems = open_explorer(browser, base_url, name)
    try:
        assert problems == [], problems
        assert page.locator(".ge").count() == 1
        assert page.locator(".gate-explorer a[href*='lstm-course.github.io']").count() == 0
        assert page.locator(".ge input[type=range]").count() == 15
        check_step(page, cases["step"][0], f"{name}, at the start")
    finally:
        page.close()


def test_every_slider_setting_of_the_cases_shows_lstm_libs_numbers(explorer, cases):
    for k, case in enumerate(cases["step"]):
        set_sliders(explorer, case["settings"])
        check_step(explorer, case, f"step case {k} {case['settings']}")


def reset(page):
    page.get_by_role("button", name="Back to the worked example").click()


def test_a_number_typed_beside_a_slider_moves_it_and_anything_else_is_put_back(explorer):
    reset(explorer)
    field = explorer.locator('.ge input[data-field="f.b"]')
    slider = explorer.locator('.ge input[data-setting="f.b"]')
    field.fill("-3")
    assert slider.input_value() == "-3"
    field.blur()
    settings = {**gate_explorer.default_settings(), "f.b": -3.0}
    check_step(explorer, gate_explorer.step_case(settings), "f.b typed as -3")
    announced = explorer.locator(".ge-step [role=status]")
    for typed in ("9", "1e1", "", "-"):  # out of range, or no number: put back, and said so
        if typed == "-":  # not a number: typed as a reader would, key by key
            field.focus()
            field.press("Control+a")
            explorer.keyboard.type(typed)
        else:
            field.fill(typed)
        field.blur()
        assert field.input_value() == "-3.00", typed
        check_step(explorer, gate_explorer.step_case(settings), f"f.b typed as {typed!r}")
        assert "from \u22126 to 6" in announced.text_content() and "back at -3" in announced.text_content()
    field.fill("0.005")  # between two steps: the slider takes a step, the field shows it
    field.blur()
    value = float(slider.input_value())
    assert value in (0.0, 0.01) and number(field.input_value()) == value
    check_step(explorer, gate_explorer.step_case({**settings, "f.b": value}), "f.b typed as 0.005")
    assert announced.text_content() == ""
    # a number typed on the way is applied, but what is left when leaving decides
    memory = explorer.locator('.ge input[data-field="c_prev"]')
    memory.focus()
    memory.press("Control+a")
    explorer.keyboard.type("45")  # "4" is in range, "45" is not
    memory.blur()
    assert memory.input_value() == "2.00"
    assert explorer.locator('.ge input[data-setting="c_prev"]').input_value() == "2"
    reset(explorer)


def shown_days(page):
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.ge-results td[data-quantity]')).map(td => [
            Number(td.dataset.company), Number(td.dataset.day), td.dataset.quantity,
            td.querySelector('[aria-hidden]') ? null : td.textContent])""")


def step_back_to_day_1(page):
    back = page.get_by_role("button", name="Previous day")
    while back.get_attribute("aria-disabled") != "true":
        back.click()


def test_the_two_companies_day_by_day_show_lstm_forwards_numbers(explorer, cases):
    forward = explorer.get_by_role("button", name="Next day")
    names = ("A", "B")
    for k, case in enumerate(cases["sequence"]):
        set_sliders(explorer, case["settings"])
        for row, prices in enumerate(case["prices"]):
            for d, price in enumerate(prices):
                explorer.locator(f'.ge input[data-price="{row},{d}"]').fill(f"{price:g}")
        step_back_to_day_1(explorer)
        e = case["expected"]
        for day in range(1, 5):
            status = explorer.locator(".ge-status").text_content()
            assert status.startswith(f"Day {day} of 4"), status
            # what a screen reader hears: day 1's memory left (4 decimals), and the chart's c_t
            # of each day so far (2 decimals)
            label = explorer.locator(".ge-chart-svg").get_attribute("aria-label")
            for company in range(2):
                left = number(re.search(f"{names[company]} (\\S+?)[,.]( |$)", status).group(1))
                assert abs(left - e["carried"][company][day - 1]) <= TOLERANCE, status
                said = re.search(f"company {names[company]} ([^;]+)", label).group(1).split(", ")
                assert len(said) == day, label
                for text, value in zip(said, e["c"][company]):
                    assert abs(number(text) - value) <= 0.005 + 1e-12, label
            for company, column, quantity, text in shown_days(explorer):
                if column > day:
                    assert text is None, f"day {column} is shown on day {day}"
                    continue
                expected = e[quantity][company][column - 1]
                assert abs(number(text) - expected) <= TOLERANCE, (
                    f"sequence case {k}, company {company}, day {column}: {quantity} shows {text}, "
                    f"lstm_lib gives {expected}")
            if day < 4:
                assert explorer.locator("[data-prediction]").count() == 0
                forward.click()
        assert forward.get_attribute("aria-disabled") == "true"
        for company in range(2):
            line = explorer.locator(".ge-prediction p").nth(company + 1).text_content()
            text = explorer.locator(f'[data-prediction="{company}"]').text_content()
            assert abs(number(text) - e["h"][company][3]) <= TOLERANCE
            unedited = case["prices"][company] == gate_explorer.company_prices()[company].tolist()
            assert ("actual" in line) == unedited and ("edited" in line) != unedited, line


def test_a_bad_price_is_named_and_put_back_and_the_days_follow_the_weights(explorer, cases):
    reset(explorer)
    price = explorer.get_by_role("spinbutton", name="B, price on day 2")
    price.fill("7")
    price.blur()
    alert = explorer.get_by_role("alert")
    assert "B, day 2" in alert.inner_text() and "from \u22123 to 3" in alert.inner_text()
    assert price.input_value() == "0.5"
    # the days are those of the weights and the prices in the fields
    forgetful = next(c for c in cases["sequence"] if c["settings"]["f.b"] == -3.0)
    assert forgetful["prices"] == gate_explorer.company_prices().tolist()
    set_sliders(explorer, forgetful["settings"])
    day1 = {(c, q): t for c, d, q, t in shown_days(explorer) if d == 1}
    assert abs(number(day1[(1, "f")]) - forgetful["expected"]["f"][1][0]) <= TOLERANCE
    # an edited price is used at once, and the button back to the worked example undoes it
    explorer.get_by_role("spinbutton", name="A, price on day 1").fill("2")
    day1 = {(c, q): t for c, d, q, t in shown_days(explorer) if d == 1}
    edited = gate_explorer.sequence_case(forgetful["settings"], [[2, 0.5, 0.25, 1], [1, 0.5, 0.25, 1]])
    assert abs(number(day1[(0, "c")]) - edited["expected"]["c"][0][0]) <= TOLERANCE
    reset(explorer)
    assert alert.inner_text() == "" and price.input_value() == "0.5"
    assert explorer.get_by_role("spinbutton", name="A, price on day 1").input_value() == "0"


def test_typing_a_negative_price_raises_no_alarm_on_the_way(explorer):
    reset(explorer)
    price = explorer.get_by_role("spinbutton", name="A, price on day 3")
    price.focus()
    price.press("Control+a")
    explorer.keyboard.type("-")  # the browser holds no number yet
    assert explorer.get_by_role("alert").inner_text() == ""
    explorer.keyboard.type("0.5")
    price.blur()
    assert explorer.get_by_role("alert").inner_text() == "" and price.input_value() == "-0.5"
    reset(explorer)


def test_sliders_and_buttons_work_from_the_keyboard_and_announce_their_values(explorer):
    reset(explorer)
    assert explorer.get_by_role("slider").count() == 15
    # accessible names: the group and the part, as a screen reader reads them
    bias = explorer.get_by_role("slider", name="forget gate f bias", exact=True)
    assert bias.count() == 1
    bias.focus()
    explorer.keyboard.press("ArrowRight")
    settings = {**gate_explorer.default_settings(), "f.b": 1.63}
    assert bias.input_value() == "1.63" and bias.get_attribute("aria-valuetext") == "1.63"
    check_step(explorer, gate_explorer.step_case(settings), "f.b + 0.01")
    explorer.keyboard.press("Home")
    assert bias.input_value() == "-6"
    explorer.keyboard.press("End")
    assert bias.input_value() == "6"
    check_step(explorer, gate_explorer.step_case({**settings, "f.b": 6.0}), "f.b at its end")
    # Tab goes on to the number field beside the slider, then to the next slider
    explorer.keyboard.press("Tab")
    assert explorer.evaluate("() => document.activeElement.dataset.field") == "f.b"
    explorer.keyboard.press("Tab")
    assert explorer.evaluate("() => document.activeElement.dataset.setting") == "i.wh"
    assert explorer.locator(".ge-summary").get_attribute("aria-live") == "polite"
    for name in ("input x", "short-term memory h", "long-term memory c", "input gate i weight on x",
                 "candidate c\u0303 weight on h", "output gate o bias"):
        assert explorer.get_by_role("slider", name=name).count() == 1, name
        assert explorer.get_by_role("spinbutton", name=name).count() == 1, name
    # the stepper: Enter on "Next day" to the last day keeps the focus on the button
    step_back_to_day_1(explorer)
    forward = explorer.get_by_role("button", name="Next day")
    forward.focus()
    for _ in range(4):
        explorer.keyboard.press("Enter")
    assert explorer.locator(".ge-status").text_content().startswith("Day 4 of 4")
    assert explorer.evaluate("() => document.activeElement.textContent").startswith("Next day")
    explorer.keyboard.press("Shift+Tab")
    for _ in range(4):
        explorer.keyboard.press("Enter")
    assert explorer.locator(".ge-status").text_content().startswith("Day 1 of 4")
    assert explorer.evaluate("() => document.activeElement.textContent").endswith("Previous day")


@pytest.mark.parametrize("width, height, sticks", [(1280, 900, True), (390, 844, True),
                                                   (1366, 650, False)])
def test_the_diagram_stays_in_view_while_sliding_where_the_screen_has_room(
        browser, base_url, width, height, sticks):
    """The figure sticks under the page's header when it leaves the sliders at least 40 % of the
    screen; a slider reached by the keyboard is then shown whole, below it and the header."""
    page, problems = open_explorer(browser, base_url, width=width)
    try:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_function(f"() => document.querySelector('.ge').classList.contains('ge-sticky') "
                               f"=== {str(sticks).lower()}")
        header = page.evaluate("() => document.querySelector('.bd-header-article').offsetHeight")
        for name in ("input x", "output gate o weight on h", "output gate o bias"):
            slider = page.get_by_role("slider", name=name)
            slider.focus()
            page.keyboard.press("ArrowLeft")
            box = slider.bounding_box()
            assert box["y"] >= header and box["y"] + box["height"] <= height, (name, box)
            if sticks:  # the whole figure is in view, the slider below it
                figure = page.locator(".ge-figure").bounding_box()
                assert figure["y"] >= header - 0.5, (header, figure)
                assert box["y"] >= figure["y"] + figure["height"], f"{name} is under the diagram"
        assert problems == [], problems
    finally:
        page.close()


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
    return {background, text: {
        equation: pick('.ge-equation', 'color'), label: pick('.ge-slider label', 'color'),
        value: pick('.ge-diagram text.ge-value:not(.ge-cell-text):not(.ge-hidden-text)', 'fill'),
        'cell state': pick('.ge-diagram text.ge-cell-text', 'fill'),
        'hidden state': pick('.ge-diagram text.ge-hidden-text', 'fill'),
        note: pick('.ge-diagram text.ge-note', 'fill'), table: pick('.ge-results td', 'color'),
        chart: pick('.ge-chart-svg text', 'fill'), error: pick('.ge-error', 'color'),
        field: pick('.ge input[type=number]', 'color')},
      graphics: {'meter outline': pick('.ge-meter-track', 'stroke'),
                 'field border': pick('.ge input[type=number]', 'borderTopColor')}};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_is_readable_in_light_and_dark_mode(browser, base_url, screenshots, scheme):
    page, problems = open_explorer(browser, base_url, scheme=scheme)
    try:
        assert page.evaluate("() => document.documentElement.dataset.theme") == scheme
        # the screen as a reader sees it with the explorer at the top (a screenshot of the element
        # alone would be stitched from several scrolls, with the sticky figure in each)
        page.evaluate("() => document.querySelector('.ge').scrollIntoView()")
        page.screenshot(path=str(screenshots / f"gate_explorer__{scheme}.png"))
        colours = page.evaluate(COLOURS)
        background = colours["background"]
        assert (relative_luminance(background) > 0.5) == (scheme == "light"), background
        for part, colour in colours["text"].items():  # WCAG AA: 4.5 for text, 3 for graphics
            assert contrast(colour, background) >= 4.5, f"{scheme}: {part} {colour} on {background}"
        for part, colour in colours["graphics"].items():
            assert contrast(colour, background) >= 3, f"{scheme}: {part} {colour} on {background}"
        assert problems == [], problems
    finally:
        page.close()


DIAGRAM_TEXT = """() => {
    const svg = document.querySelector('.ge-diagram'), frame = svg.getBoundingClientRect();
    const scale = svg.getScreenCTM().a;
    const texts = Array.from(svg.querySelectorAll('text'))
        .filter(t => getComputedStyle(t).display !== 'none' && t.textContent.trim());
    const boxes = texts.map(t => [t.textContent, t.getBoundingClientRect(),
                                  parseFloat(getComputedStyle(t).fontSize) * scale,
                                  Array.from(t.querySelectorAll('.ge-sub'))
                                    .map(s => parseFloat(getComputedStyle(s).fontSize) * scale)]);
    const small = boxes.flatMap(([text, , px, subs]) =>
        [px, ...subs].filter(p => p < %(smallest)s).map(p => `${text}: ${p.toFixed(1)} px`));
    const outside = boxes.filter(([, r]) => r.left < frame.left - 0.5 || r.right > frame.right + 0.5
        || r.top < frame.top - 0.5 || r.bottom > frame.bottom + 0.5).map(([text]) => text);
    const meet = (ra, rb) => ra.left < rb.right && rb.left < ra.right && ra.top < rb.bottom
        && rb.top < ra.bottom;
    const overlaps = [];
    for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
        if (meet(boxes[a][1], boxes[b][1])) overlaps.push(`${boxes[a][0]} / ${boxes[b][0]}`);
    }
    // text that is not meant to sit inside a shape (a block, a meter, a circle) stays off them
    const shapes = Array.from(svg.querySelectorAll('rect, circle')).map(e => e.getBoundingClientRect());
    texts.forEach((t, k) => {
        if (t.matches('.ge-inside')) return;
        if (shapes.some(r => meet(boxes[k][1], r))) overlaps.push(`${boxes[k][0]} / a shape`);
    });
    const chart = document.querySelector('.ge-chart-svg'), chartScale = chart.getScreenCTM().a;
    Array.from(chart.querySelectorAll('text')).forEach(t => {
        const px = parseFloat(getComputedStyle(t).fontSize) * chartScale;
        if (px < %(smallest)s) small.push(`chart ${t.textContent}: ${px.toFixed(1)} px`);
    });
    return {small, outside, overlaps};
}""" % {"smallest": SMALLEST_TEXT_PX}

BOXES = """() => Array.from(document.querySelectorAll(
        '.ge-controls input, .ge-controls button, .ge-equation, .ge-controls, .ge-sequence input, '
        + '.ge-sequence button, .ge-table, .ge-table td, .ge-table th, .ge-error, .ge-status, '
        + '.ge-prediction p, .ge-chart'))
    .map(e => { const r = e.getBoundingClientRect();
        return [e.tagName, r.x + window.scrollX, r.y + window.scrollY, r.width, r.height]; })"""

FIGURE_SIZE = "() => { const r = document.querySelector('.ge-figure').getBoundingClientRect(); " \
              "return [r.width, r.height]; }"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_layout_fits_reads_and_never_moves(browser, base_url, screenshots, cases, width):
    page, problems = open_explorer(browser, base_url, width=width)
    try:
        fits = page.evaluate("""() => ({
            page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
            explorer: document.querySelector('.ge').getBoundingClientRect().right,
            tables: Array.from(document.querySelectorAll('.ge-scroll'))
                .map(s => [s.scrollWidth, s.clientWidth])})""")
        assert fits["page"][0] <= fits["page"][1], f"the page scrolls sideways: {fits}"
        assert fits["explorer"] <= width, fits
        assert all(inner <= outer for inner, outer in fits["tables"]), f"a table scrolls: {fits}"
        boxes, figure = page.evaluate(BOXES), page.evaluate(FIGURE_SIZE)
        for k, case in enumerate(cases["step"]):  # values of every length
            set_sliders(page, case["settings"])
            text = page.evaluate(DIAGRAM_TEXT)
            assert text == {"small": [], "outside": [], "overlaps": []}, f"{width} px, case {k}: {text}"
            assert page.evaluate(BOXES) == boxes, f"{width} px: the layout moved in step case {k}"
            assert page.evaluate(FIGURE_SIZE) == figure, f"{width} px: the figure changed size"
        for case in cases["sequence"]:
            set_sliders(page, case["settings"])
            step_back_to_day_1(page)
            for _ in range(3):
                page.get_by_role("button", name="Next day").click()
                assert page.evaluate(BOXES) == boxes, f"{width} px: the layout moved with the day"
        clipped = page.evaluate("""() => Array.from(document.querySelectorAll('.ge-results td'))
            .filter(td => td.scrollWidth > td.clientWidth).map(td => td.textContent)""")
        assert clipped == [], f"values wider than their cells: {clipped}"
        page.screenshot(path=str(screenshots / f"gate_explorer__{width}px.png"), full_page=True)
        assert problems == [], problems
    finally:
        page.close()


@pytest.mark.parametrize("width", [1024, 800, 700, 600, 480])
def test_the_diagram_and_chart_text_is_legible_at_every_width(browser, base_url, width):
    page, problems = open_explorer(browser, base_url, width=width)
    try:
        text = page.evaluate(DIAGRAM_TEXT)
        assert text == {"small": [], "outside": [], "overlaps": []}, f"{width} px: {text}"
        assert problems == [], problems
    finally:
        page.close()


def test_two_explorers_on_one_page_work_apart(browser, base_url):
    page, problems = open_explorer(browser, base_url)
    try:
        page.evaluate("""() => {
            const second = document.createElement('div');
            second.className = 'gate-explorer';
            document.querySelector('.gate-explorer').after(second);
            const script = document.createElement('script');
            script.src = document.querySelector('script[src*="gate_explorer.js"]').src + '&again';
            document.body.appendChild(script);
        }""")
        page.wait_for_function("() => document.querySelectorAll('.ge').length === 2")
        ids = page.evaluate("() => Array.from(document.querySelectorAll('[id]')).map(e => e.id)")
        assert len(ids) == len(set(ids)), "two elements share an id"
        first, second = page.locator(".ge").nth(0), page.locator(".ge").nth(1)
        first.locator('input[data-setting="f.b"]').fill("-3.00")
        assert second.locator('input[data-setting="f.b"]').input_value() == "1.62"
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
