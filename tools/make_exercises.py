"""Make the learner notebooks exercises/ex_*.ipynb from the solution notebooks chapters/ex_*.ipynb.

    python tools/make_exercises.py            # write every learner notebook
    python tools/make_exercises.py --check    # exit 1, naming each learner notebook out of date

A solution notebook is the single source of its exercises. In the learner notebook made from it,

- each region between `### BEGIN SOLUTION` and `### END SOLUTION` becomes
  `# YOUR CODE HERE` and `raise NotImplementedError`, at the region's indentation;
- outputs and execution counts are cleared, cells tagged `solution-only` are left out and the
  `hide-input` tag (which folds solutions away on the site) is removed;
- the first cell, the Colab set-up that tools/colab_cell.py writes, is copied as it is;
- Markdown is made plain, as Colab and Jupyter show it: {doc}`text <chapter>` links point at
  the chapter's page on the book's site (`html: baseurl:` in _config.yml) and admonitions
  become quotes.

It also checks each solution notebook: balanced markers, every solution cell tagged
`hide-input`, every check written `_ = check_x(x)` (so that the cell shows the checker's
message, not also the True or False it returns), the checks those of the checkers that
lstm_lib.checks.CHECKERS registers for this notebook, each once, and a link to its learner
notebook in Colab.
"""
import argparse
import functools
import pathlib
import posixpath
import re
import sys

import nbformat

import course_config
from lstm_lib.checks import CHECKERS

ROOT = pathlib.Path(__file__).resolve().parent.parent
BEGIN = re.compile(r"^([ \t]*)### BEGIN SOLUTION[ \t]*$")
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
STUB = "{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError"
SOLUTION_ONLY, HIDE_INPUT = "solution-only", "hide-input"
# A check whose value would be echoed. `check_x(x);` is not enough: IPython looks for the `;` in
# the input history, which a kernel run with store_history=False (as nbval runs) does not update.
ECHOED_CHECK = re.compile(r"^[ \t]*check_\w+\(", re.M)
CHECK_CALL = re.compile(r"^_ = check_(\w+)\(", re.M)


class SolutionError(ValueError):
    """A solution notebook that cannot be turned into a learner notebook."""


def repository(root=ROOT):
    """(url, branch) of the course repository, from _config.yml."""
    return course_config.repository(root / "_config.yml")


def site_url(root=ROOT):
    """The book's address, `html: baseurl:` in _config.yml, without a trailing slash."""
    config = course_config.read_config(root / "_config.yml")
    baseurl = (config.get("html") or {}).get("baseurl") or ""
    if not baseurl.startswith(("https://", "http://")):
        raise SolutionError(f"_config.yml: html: baseurl must be the book's address, https://...; "
                            f"got {baseurl!r}")
    return baseurl.rstrip("/")


def colab_url(name, root=ROOT):
    """The Colab address of the learner notebook exercises/<name>.ipynb."""
    url, branch = repository(root)
    github = url.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{github}/blob/{branch}/exercises/{name}.ipynb"


def strip_solutions(source, where):
    """Replace every marked solution region of a code cell's source by the stub."""
    out, indent = [], None
    for line in source.split("\n"):
        begin = BEGIN.match(line)
        if begin:
            if indent is not None:
                raise SolutionError(f"{where}: BEGIN SOLUTION inside another solution region")
            indent = begin.group(1)
            out.append(STUB.format(indent=indent))
        elif END.match(line):
            if indent is None:
                raise SolutionError(f"{where}: END SOLUTION without a BEGIN SOLUTION")
            indent = None
        elif indent is None:
            out.append(line)
    if indent is not None:
        raise SolutionError(f"{where}: BEGIN SOLUTION without an END SOLUTION")
    return "\n".join(out)


def _page_link(target, site):
    """The address of the page a {doc} target in chapters/ names: a path relative to chapters/,
    or to the book's root if it starts with /."""
    target = target.strip()
    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("chapters/" + target)
    return f"{site}/{path}.html"


@functools.lru_cache(maxsize=None)
def _references():
    """{key: (first author's surname, "et al." or "", year)} from references.bib."""
    entries = {}
    bib = (ROOT / "references.bib").read_text()
    for key, body in re.findall(r"@\w+\{([^,\s]+),(.*?)\n\}", bib, flags=re.S):
        authors = re.search(r"author\s*=\s*\{(.+?)\},?\s*\n", body)
        year = re.search(r"year\s*=\s*\{?(\d{4})", body)
        names = authors.group(1).split(" and ") if authors else ["?"]
        surname = names[0].split(",")[0].strip("{} ")
        entries[key] = (surname, " et al." if len(names) > 2 else
                        f" and {names[1].split(',')[0].strip('{} ')}" if len(names) == 2 else "",
                        year.group(1) if year else "n.d.")
    return entries


def _citation(keys, textual):
    """{cite:t}`key` as "Author et al. (year)", {cite}`key` as "(Author et al., year)"."""
    refs = _references()
    found = [refs[k.strip()] for k in keys.split(",") if k.strip() in refs]
    if not found:
        return keys
    if textual:
        return "; ".join(f"{name}{others} ({year})" for name, others, year in found)
    return "(" + "; ".join(f"{name}{others}, {year}" for name, others, year in found) + ")"


def plain_markdown(text, site):
    """MyST that Colab would show raw, turned into plain Markdown; `site` is the book's address."""
    text = re.sub(r"\{doc\}`([^`<]+?)\s*<([^`>]+)>`",
                  lambda m: f"[{m.group(1)}]({_page_link(m.group(2), site)})", text)
    text = re.sub(r"\{doc\}`([^`]+)`",
                  lambda m: f"[{m.group(1)}]({_page_link(m.group(1), site)})", text)
    text = re.sub(r"\{cite(:t|:p)?\}`([^`]+)`", lambda m: _citation(m.group(2), m.group(1) == ":t"), text)
    text = re.sub(r"\{[a-z:-]+\}`([^`]+)`", r"\1", text)  # other roles: keep their text
    text = re.sub(r"\$\$[ \t]*\([\w:-]+\)", "$$", text)  # equation labels
    lines, quoting = [], False
    for line in text.split("\n"):
        opening = re.match(r"^:::+\{(\w[\w-]*)\}[ \t]*(.*)$", line)
        if opening:
            kind, title = opening.groups()
            title = title.strip() or kind.capitalize()
            lines.append(f"> **{title}**")
            lines.append(">")
            quoting = True
        elif quoting and re.match(r"^:::+[ \t]*$", line):
            quoting = False
        elif quoting and re.match(r"^:[\w-]+:", line):
            continue  # directive options such as :class: note
        elif quoting:
            lines.append(f"> {line}".rstrip())
        else:
            lines.append(line)
    return "\n".join(lines)


def learner_notebook(solution, where, root=ROOT):
    """The learner notebook made from a solution notebook (an nbformat node); the input is unchanged."""
    nb = nbformat.from_dict(solution)  # a copy
    site = site_url(root)
    colab_cell = next((k for k, c in enumerate(nb.cells, 1) if c.cell_type == "code"), None)
    cells = []
    for number, cell in enumerate(nb.cells, 1):
        tags = list(cell.metadata.get("tags", []))
        if SOLUTION_ONLY in tags:
            continue
        if cell.cell_type == "code":
            if number != colab_cell:  # the Colab set-up keeps its source and tags
                has_solution = any(BEGIN.match(line) for line in cell.source.split("\n"))
                if has_solution and HIDE_INPUT not in tags:
                    raise SolutionError(
                        f"{where}, cell {number}: a solution cell needs the tag {HIDE_INPUT!r}")
                if ECHOED_CHECK.search(cell.source):
                    raise SolutionError(f"{where}, cell {number}: write a check as `_ = check_x(x)`, "
                                        "so that the notebook does not echo its True or False")
                cell.source = strip_solutions(cell.source, f"{where}, cell {number}")
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
        elif cell.cell_type == "markdown":
            cell.source = plain_markdown(cell.source, site)
        if HIDE_INPUT in tags:
            tags.remove(HIDE_INPUT)
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    _require_registered_checks(solution, where)
    return nb


def _require_registered_checks(solution, where):
    """The notebook calls each checker registered for it, once, and no other."""
    notebook = pathlib.PurePath(where).stem
    called = [name for cell in solution.cells if cell.cell_type == "code"
              for name in CHECK_CALL.findall(cell.source)]
    wanted = sorted(name for name, c in CHECKERS.items() if c.notebook == notebook)
    for name in called:
        if name not in CHECKERS:
            raise SolutionError(f"{where}: check_{name} is not a checker of lstm_lib.checks")
        if CHECKERS[name].notebook != notebook:
            raise SolutionError(f"{where}: check_{name} is registered for "
                                f"chapters/{CHECKERS[name].notebook}.ipynb, not this notebook")
    missing = [name for name in wanted if name not in called]
    if missing:
        raise SolutionError(f"{where}: no cell calls {', '.join(f'check_{n}' for n in missing)}, "
                            "registered for this notebook")
    twice = sorted({name for name in called if called.count(name) > 1})
    if twice:
        raise SolutionError(f"{where}: {', '.join(f'check_{n}' for n in twice)} called more "
                            "than once")


def pairs(root=ROOT):
    """(solution path, learner path) for every solution notebook chapters/ex_*.ipynb."""
    return [(path, root / "exercises" / path.name) for path in sorted((root / "chapters").glob("ex_*.ipynb"))]


def render(solution_path, root=ROOT):
    """The learner notebook's file text for a solution notebook."""
    where = str(solution_path.relative_to(root))
    solution = nbformat.read(solution_path, as_version=4)
    text = "".join(c.source for c in solution.cells if c.cell_type == "markdown")
    if colab_url(solution_path.stem, root) not in text:
        raise SolutionError(f"{where}: its Markdown must link to the learner notebook in Colab, "
                            f"{colab_url(solution_path.stem, root)}")
    return nbformat.writes(learner_notebook(solution, where, root)) + "\n"


def check(root=ROOT):
    """Problems, one line each: learner notebooks out of date, missing or orphaned; bad solutions."""
    problems = []
    for solution, learner in pairs(root):
        try:
            wanted = render(solution, root)
        except SolutionError as error:
            problems.append(str(error))
            continue
        if not learner.exists():
            problems.append(f"{learner.relative_to(root)} is missing: run python tools/make_exercises.py")
        elif learner.read_text() != wanted:
            problems.append(f"{learner.relative_to(root)} is out of date with {solution.relative_to(root)}: "
                            "run python tools/make_exercises.py")
    solutions = {s.name for s, _ in pairs(root)}
    for learner in sorted((root / "exercises").glob("*.ipynb")):
        if learner.name not in solutions:
            problems.append(f"{learner.relative_to(root)} has no solution notebook chapters/{learner.name}")
    return problems


def write(root=ROOT):
    """Write every learner notebook; return the paths that changed."""
    changed = []
    (root / "exercises").mkdir(exist_ok=True)
    for solution, learner in pairs(root):
        text = render(solution, root)
        if not learner.exists() or learner.read_text() != text:
            learner.write_text(text)
            changed.append(learner)
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report learner notebooks out of date")
    parser.add_argument("--root", type=pathlib.Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.check:
        problems = check(root)
        for line in problems:
            print(line)
        if not problems:
            print(f"all {len(pairs(root))} learner notebooks are up to date")
        return 1 if problems else 0
    try:
        changed = write(root)
    except SolutionError as error:
        print(error)
        return 1
    for path in changed:
        print(f"wrote {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
