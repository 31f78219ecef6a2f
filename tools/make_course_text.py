"""Regenerate data/course_text.txt, the language chapter's text, from the course's own prose.

    python tools/make_course_text.py            # writes data/course_text.txt, prints its size
    python tools/make_course_text.py --check    # only says whether the file is up to date

The text is a SNAPSHOT: it is committed, and the language chapter's numbers (perplexities,
samples) are computed on it. The chapters keep changing; the snapshot changes only when someone
runs this script on purpose (and then re-executes the language chapter). `make test` never runs it.

What goes in, in this fixed order (so that the same sources give the same bytes):
  1. intro.md, glossary.md, notation.md (the book's own pages),
  2. the Markdown cells of chapters/*.ipynb, notebooks sorted by file name, cells in order.
Code cells and outputs are left out. The chapters come last so that the held-out END of the text
(lstm_lib.language.split_ids) is running prose from the last chapters by name, not the glossary's
definitions. Documents are separated by one blank line, like cells.

The clean-up makes a better character-level corpus without changing the prose:
  - MyST markup that a reader never sees is dropped: directive fences (::: and ```{...} lines,
    and the bare ``` that close them), their option lines (:class:, :label:), label lines
    `(name)=`, the equation labels after $$, and HTML tags and comments;
  - roles become the text a reader sees: {term}, {doc}, {ref}, {numref} and {prf:ref} with an
    explicit text keep that text; {doc} without one becomes the page's title and {ref} the
    heading it labels; {eq} becomes the equation's number on its page, "(3)"; {numref} without
    text becomes "the figure"; {cite:t} becomes "Hochreiter and Schmidhuber (1997)" and {cite}
    "(Hochreiter and Schmidhuber, 1997)", read from references.bib;
  - Markdown links [text](address) become their text (addresses teach nothing about English);
  - LaTeX is KEPT: the maths is part of the course's sentences ("the gate $f_t$ scales ..."),
    dropping it would break them, and its paired $...$ and {...} are the kind of structure a
    character model can learn to track;
  - Markdown emphasis, headings, lists, tables and inline code are kept, as plain text;
  - a few Unicode symbols become ASCII (the minus sign and dashes to "-", "±" to "+/-", ...),
    and any other character outside printable ASCII becomes PLACEHOLDER ("~", unused otherwise),
    so the character set stays under 100 symbols; trailing spaces go and runs of blank lines
    become one.
"""
import argparse
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = ROOT / "data" / "course_text.txt"
PAGES = ["intro.md", "glossary.md", "notation.md"]
PLACEHOLDER = "~"
TO_ASCII = {"\u2212": "-", "\u2013": "-", "\u2014": "--", "\u00b1": "+/-", "\u2019": "'",
            "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00d7": "x", "\u2026": "...",
            "\u00a0": " ", "\t": "    "}
HTML = re.compile(r"<!--.*?-->|</?(?:a|b|br|div|span|sup|sub|img|p|em|strong|code|details|summary|"
                  r"i|u|small|center|figure|figcaption)\b[^<>]*>", re.S | re.I)
ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")
EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)


def sources():
    """[(name, markdown)] in the fixed order of the module docstring."""
    found = [(page, (ROOT / page).read_text(encoding="utf-8")) for page in PAGES]
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        found.append((f"chapters/{path.name}", text))
    return found


def bibliography():
    """{key: (surnames, year)} from references.bib."""
    entries = {}
    for match in re.finditer(r"@\w+\{([^,]+),(.*?)\n\}", (ROOT / "references.bib").read_text(), re.S):
        key, body = match.group(1).strip(), match.group(2)
        author = re.search(r"author\s*=\s*\{(.*)\},?\s*$", body, re.M)
        year = re.search(r"year\s*=\s*\{?(\d{4})", body)
        names = [a.split(",")[0].strip() if "," in a else a.strip().split()[-1]
                 for a in re.split(r"\s+and\s+", author.group(1) if author else "")]
        names = [re.sub(r"[{}\\\"']", "", n) for n in names if n]
        entries[key] = (names, year.group(1) if year else "n.d.")
    return entries


def surnames(names):
    """'A', 'A and B' or 'A et al.'."""
    if len(names) > 2:
        return f"{names[0]} et al."
    return " and ".join(names) or "?"


def titles_and_headings(docs):
    """{doc name: page title} and {label: heading text}, for {doc} and {ref} without text."""
    titles, headings = {}, {}
    for name, text in docs:
        title = re.search(r"^# (.+)$", text, re.M)
        stem = pathlib.PurePosixPath(name).stem
        titles[stem] = title.group(1).strip() if title else stem.replace("_", " ")
        for label, heading in re.findall(r"^\(([^)\n]+)\)=\s*\n#+ (.+)$", text, re.M):
            headings[label] = heading.strip()
        headings.setdefault(stem, titles[stem])
    return titles, headings


def clean(text, titles, headings, bib):
    """One document's markdown as the plain prose described in the module docstring."""
    equations = {label: n for n, label in enumerate(
        re.findall(r"^\$\$\s*\(([^)]+)\)\s*$", text, re.M), start=1)}

    def role(match):
        kind, content = match.groups()
        explicit = EXPLICIT.match(content)
        label, target = ((explicit.group(1), explicit.group(2)) if explicit
                         else (None, content))
        target = target.strip()
        if kind in ("cite", "cite:p", "cite:t"):
            keys = [bib.get(k.strip(), ([k.strip()], "n.d.")) for k in target.split(",")]
            if kind == "cite:t":
                return "; ".join(f"{surnames(n)} ({y})" for n, y in keys)
            return "(" + "; ".join(f"{surnames(n)}, {y}" for n, y in keys) + ")"
        if label:
            return label
        if kind == "eq":
            return f"({equations.get(target, '?')})"
        if kind == "doc":
            return titles.get(pathlib.PurePosixPath(target).stem, target)
        if kind == "ref":
            return headings.get(target, target.replace("-", " "))
        if kind == "numref":
            return "the figure"
        if kind == "prf:ref":
            return "the proposition"
        return target  # term and anything else: the text as written

    lines = []
    for line in text.splitlines():
        if re.match(r"^\s*(:::|```+\s*(\{.*)?$|:[a-z-]+:(\s|$)|\([^)\s]+\)=\s*$)", line):
            continue
        lines.append(re.sub(r"^(\s*\$\$)\s*\([^)]+\)\s*$", r"\1", line))
    text = "\n".join(lines)
    text = ROLE.sub(role, text)
    text = HTML.sub("", text)
    text = re.sub(r"\[([^\]\n]+)\]\([^)\s]+\)", r"\1", text)
    return text


def normalise(text):
    """ASCII look-alikes, the placeholder, no trailing spaces, single blank lines."""
    text = "".join(TO_ASCII.get(ch, ch) for ch in text)
    if PLACEHOLDER in text:
        raise SystemExit(f"the placeholder {PLACEHOLDER!r} occurs in the sources; choose another")
    text = "".join(ch if ch == "\n" or " " <= ch <= "~" else PLACEHOLDER for ch in text)
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def build():
    docs = sources()
    titles, headings = titles_and_headings(docs)
    bib = bibliography()
    return normalise("\n\n".join(clean(text, titles, headings, bib) for _, text in docs))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare with the committed file")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        same = TARGET.exists() and TARGET.read_text(encoding="utf-8") == text
        print("data/course_text.txt is", "up to date" if same else "OUT OF DATE (the chapters changed)")
        return 0 if same else 1
    TARGET.write_text(text, encoding="utf-8", newline="\n")
    symbols = sorted(set(text))
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(text.encode())} bytes, {len(text)} characters, "
          f"{len(symbols)} distinct symbols, {text.count(PLACEHOLDER)} placeholders {PLACEHOLDER!r}")
    print("symbols:", repr("".join(symbols)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
