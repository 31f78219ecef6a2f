"""Every page of the built site, in a real browser, as a learner would open it."""
import pathlib
import struct
import urllib.parse
from html.parser import HTMLParser

import pytest
import yaml

from conftest import ROOT, SITE
from lstm_lib.plotting import SMALLEST_FONT_PT

pytestmark = pytest.mark.browser

SKIP = {"genindex.html", "search.html", "index.html"}  # index.html only redirects to intro.html
PAGES = sorted(
    str(p.relative_to(SITE)) for p in SITE.rglob("*.html")
    if p.name not in SKIP and not p.relative_to(SITE).parts[0].startswith("_")
) if SITE.exists() else []


def repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    owner_repo = urllib.parse.urlparse(config["url"]).path.strip("/")
    return owner_repo, config.get("branch", "main"), config.get("path_to_book", "").strip("/")


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


_ID_CACHE = {}


def ids_in(path):
    if path not in _ID_CACHE:
        parser = _Ids()
        parser.feed(path.read_text(encoding="utf-8"))
        _ID_CACHE[path] = parser.ids
    return _ID_CACHE[path]


# The site's body text is 16 px and its smallest text (buttons, labels) 12.8 px; figure text must not
# be smaller than 12 px on the page.
SMALLEST_TEXT_PX = 12


def png_dpi(path):
    """The resolution a PNG records in its pHYs chunk (matplotlib writes it), or None."""
    data = path.read_bytes()
    at = data.find(b"pHYs")
    if not data.startswith(b"\x89PNG") or at < 0:
        return None
    per_metre, _, unit = struct.unpack(">IIB", data[at + 4:at + 13])
    return per_metre * 0.0254 if unit == 1 else None


def smallest_text_px(path, natural_width, shown_width):
    """How tall, in CSS pixels, the smallest text the course allows in a figure is on the page."""
    dpi = png_dpi(path) if path.exists() else None
    if dpi is None:  # not a figure of ours
        return float("inf")
    return SMALLEST_FONT_PT / 72 * dpi * shown_width / natural_width


def open_page(browser, url):
    """Load a page, let MathJax finish, and return it with what went wrong on the way."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems, requests = [], []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="load")
    if page.evaluate("() => Boolean(window.MathJax)"):
        page.wait_for_function("() => window.MathJax.startup && window.MathJax.startup.promise", timeout=20000)
        page.evaluate("() => window.MathJax.startup.promise")
    page.wait_for_load_state("networkidle")
    return page, problems, requests


def test_there_are_pages_to_check():
    assert "intro.html" in PAGES and len(PAGES) >= 3, PAGES


@pytest.mark.parametrize("name", PAGES)
def test_page(browser, base_url, screenshots, name):
    page, problems, requests = open_page(browser, f"{base_url}/{name}")
    try:
        page.screenshot(path=str(screenshots / (name.replace("/", "__").replace(".html", ".png"))), full_page=True)

        assert problems == [], f"{name}: JavaScript errors: {problems}"

        outside = [u for u in requests if not u.startswith(base_url) and not u.startswith("data:")]
        assert outside == [], f"{name}: the page reached outside the site (breaks offline use): {outside[:5]}"

        broken = page.evaluate(
            "() => Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
        )
        assert broken == [], f"{name}: images that did not load: {broken}"
        missing_alt = page.evaluate(
            "() => Array.from(document.querySelectorAll('main img')).filter(i => !i.alt).map(i => i.src)"
        )
        assert missing_alt == [], f"{name}: images without alt text: {missing_alt}"

        shown = page.evaluate(
            "() => Array.from(document.querySelectorAll('main img')).filter(i => i.clientWidth > 0)"
            ".map(i => [new URL(i.src).pathname, i.naturalWidth, i.clientWidth])"
        )
        small = [f"{src.rsplit('/', 1)[-1]}: {px:.1f} px" for src, natural, width in shown
                 if (px := smallest_text_px(SITE / src.lstrip("/"), natural, width)) < SMALLEST_TEXT_PX]
        assert small == [], (f"{name}: figures shrunk until their {SMALLEST_FONT_PT} pt text is below "
                             f"{SMALLEST_TEXT_PX} px; make them narrower: {small}")

        math = page.evaluate(
            """() => ({
                spans: document.querySelectorAll('main .math').length,
                typeset: document.querySelectorAll('main mjx-container').length,
                untypeset: Array.from(document.querySelectorAll('main .math'))
                    .filter(m => !m.querySelector('mjx-container')).length,
                // prose only: code and its printed output (<pre>) are never typeset, and text
                // a model generated may well hold a $$ (the language model's samples do)
                raw: (() => {
                    const prose = document.querySelector('main').cloneNode(true);
                    prose.querySelectorAll('pre').forEach(block => block.remove());
                    return (prose.textContent.match(/\\$\\$|\\\\\\(|\\\\\\[/g) || []).length;
                })(),
            })"""
        )
        if math["spans"]:
            assert math["typeset"] > 0 and math["untypeset"] == 0, f"{name}: MathJax did not typeset: {math}"
        assert math["raw"] == 0, f"{name}: raw TeX delimiters left on the page: {math}"

        assert "Traceback (most recent call last)" not in page.inner_text("main"), f"{name}: a traceback is shown"

        links = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        for link in links:
            if not link.startswith(base_url):
                continue
            parsed = urllib.parse.urlparse(link)
            target = SITE / urllib.parse.unquote(parsed.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            assert target.exists(), f"{name}: broken internal link {link}"
            if parsed.fragment and target.suffix == ".html":
                assert urllib.parse.unquote(parsed.fragment) in ids_in(target), f"{name}: no anchor for {link}"

        notebook = ROOT / pathlib.Path(name).with_suffix(".ipynb")
        learner = ROOT / "exercises" / notebook.name  # exercise pages open the learner's notebook
        colab = [l for l in links if "colab.research.google.com" in l]
        if notebook.exists():
            owner_repo, branch, book_path = repository()
            opened = learner.relative_to(ROOT) if learner.exists() else pathlib.Path(name).with_suffix(".ipynb")
            path = "/".join(p for p in (book_path, str(opened)) if p)
            expected = f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{path}"
            assert colab and set(colab) == {expected}, f"{name}: Colab links {colab}, expected {expected}"
        else:
            assert colab == [], f"{name} is not a notebook but offers a Colab link: {colab}"
    finally:
        page.close()


def test_search_finds_the_chapters_on_the_forget_gate(browser, base_url, screenshots):
    page, problems, _ = open_page(browser, f"{base_url}/search.html?q=forget+gate")
    try:
        page.wait_for_selector("#search-results ul li", timeout=20000)
        page.screenshot(path=str(screenshots / "search__forget_gate.png"), full_page=True)
        hits = page.evaluate("() => Array.from(document.querySelectorAll('#search-results ul li a')).map(a => a.href)")
        assert problems == [], problems
        chapters = {urllib.parse.urlparse(h).path.rsplit("/", 1)[-1] for h in hits if "/chapters/" in h}
        assert chapters, f"searching 'forget gate' found no chapter: {hits}"
        if (SITE / "chapters" / "lstm_cell.html").exists():
            assert "lstm_cell.html" in chapters, f"the gate-by-gate chapter is not among the results: {chapters}"
    finally:
        page.close()
