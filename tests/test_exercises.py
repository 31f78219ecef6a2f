"""The learner notebooks in exercises/: made from their solution notebooks, free of solutions,
and runnable from top to bottom while every exercise is still open."""
import pathlib
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

import make_exercises  # tools/, on sys.path through pyproject.toml's pytest `pythonpath`
from colab_cell import TAGS, colab_cell_source
from lstm_lib.checks import CHECKERS

ROOT = pathlib.Path(__file__).resolve().parent.parent

TOPICS = sorted({checker.notebook for checker in CHECKERS.values()})
LEARNER = [ROOT / "exercises" / f"{topic}.ipynb" for topic in TOPICS]
NOT_DONE = "is not done yet: replace the `raise NotImplementedError` in its cell"


def check_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and re.match(r"(_ = )?check_\w+\(", c.source)]


def test_every_topic_has_a_solution_and_a_learner_notebook():
    assert sorted(p.stem for p in (ROOT / "chapters").glob("ex_*.ipynb")) == TOPICS
    assert sorted(p.stem for p in (ROOT / "exercises").glob("*.ipynb")) == TOPICS


def test_learner_notebooks_are_up_to_date():
    assert make_exercises.check() == []


def test_check_names_a_learner_notebook_that_is_out_of_date(tmp_path, capsys):
    shutil.copy(ROOT / "_config.yml", tmp_path)
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    (tmp_path / "chapters").mkdir()
    for topic in TOPICS:
        shutil.copy(ROOT / "chapters" / f"{topic}.ipynb", tmp_path / "chapters")
    assert make_exercises.main(["--check", "--root", str(tmp_path)]) == 0

    stale = tmp_path / "exercises" / "ex_rnn.ipynb"
    nb = nbformat.read(stale, as_version=4)
    nb.cells[-1].source += "\nAn edit made in the learner notebook instead of the solution."
    nbformat.write(nb, stale)
    assert make_exercises.main(["--check", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "exercises/ex_rnn.ipynb is out of date with chapters/ex_rnn.ipynb" in out
    assert "ex_lstm" not in out

    assert make_exercises.main(["--root", str(tmp_path)]) == 0  # writing mends it
    assert make_exercises.check(tmp_path) == []


def test_check_rejects_a_solution_shown_on_the_site_or_without_its_colab_link(tmp_path):
    shutil.copy(ROOT / "_config.yml", tmp_path)
    (tmp_path / "chapters").mkdir()
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    path = tmp_path / "chapters" / "ex_rnn.ipynb"
    nb = nbformat.read(ROOT / "chapters" / "ex_rnn.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "### BEGIN SOLUTION" in c.source)
    cell.metadata["tags"].remove("hide-input")
    nbformat.write(nb, path)
    assert any("needs the tag 'hide-input'" in p for p in make_exercises.check(tmp_path))

    cell.metadata["tags"].append("hide-input")
    for md in nb.cells:
        md.source = md.source.replace(make_exercises.colab_url("ex_rnn"), "https://example.org")
    nbformat.write(nb, path)
    assert any("must link to the learner notebook in Colab" in p for p in make_exercises.check(tmp_path))


def test_a_solution_region_becomes_a_stub_at_its_indentation():
    source = "def f(x):\n    y = 2\n    ### BEGIN SOLUTION\n    return x * y\n    ### END SOLUTION\n"
    assert make_exercises.strip_solutions(source, "here") == (
        "def f(x):\n    y = 2\n    # YOUR CODE HERE\n    raise NotImplementedError\n")


@pytest.mark.parametrize("source", [
    "    ### BEGIN SOLUTION\n    x = 1\n",
    "    x = 1\n    ### END SOLUTION\n",
    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n",
])
def test_unbalanced_solution_markers_are_an_error(source):
    with pytest.raises(make_exercises.SolutionError, match="chapters/x.ipynb, cell 3"):
        make_exercises.strip_solutions(source, "chapters/x.ipynb, cell 3")


def test_myst_becomes_plain_markdown():
    text = (":::{admonition} Learning objectives\n:class: note\n- one\n:::\n\n"
            "See {doc}`The LSTM cell <lstm_cell>` and {doc}`first_steps`, "
            "the {doc}`glossary </glossary>` and {doc}`notation <../notation>`.")
    plain = make_exercises.plain_markdown(text, "https://o.github.io/r")
    assert plain == ("> **Learning objectives**\n>\n> - one\n\n"
                     "See [The LSTM cell](https://o.github.io/r/chapters/lstm_cell.html) and "
                     "[first_steps](https://o.github.io/r/chapters/first_steps.html), "
                     "the [glossary](https://o.github.io/r/glossary.html) and "
                     "[notation](https://o.github.io/r/notation.html).")


def test_the_site_address_is_set_once_and_matches_the_repository():
    url, _ = make_exercises.repository()
    owner, name = url.removeprefix("https://github.com/").split("/")
    assert make_exercises.site_url() == f"https://{owner}.github.io/{name}"  # its GitHub Pages


def test_a_site_address_that_is_not_one_is_an_error(tmp_path):
    (tmp_path / "_config.yml").write_text("html:\n  baseurl: ''\n")
    with pytest.raises(make_exercises.SolutionError, match="html: baseurl must be the book's address"):
        make_exercises.site_url(tmp_path)


@pytest.mark.parametrize("topic", TOPICS)
def test_no_check_cell_echoes_its_result(topic):
    """A check prints its message; the notebook must not also show the True or False it returns."""
    nb = nbformat.read(ROOT / "chapters" / f"{topic}.ipynb", as_version=4)
    cells = check_cells(nb)
    assert cells
    for cell in cells:
        assert cell.source.startswith("_ = check_"), cell.source
        kinds = {out.output_type for out in cell.outputs}
        assert kinds == {"stream"}, (cell.source, kinds)  # the message, and no execute_result


def test_check_wants_each_registered_checker_called_once_in_its_own_notebook(tmp_path):
    shutil.copy(ROOT / "_config.yml", tmp_path)
    (tmp_path / "chapters").mkdir()
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    original = nbformat.read(ROOT / "chapters" / "ex_rnn.ipynb", as_version=4)
    edits = {
        "no cell calls check_rnn_step": ("_ = check_rnn_step(rnn_step)", "rnn_step"),
        "check_sigmoid is registered for chapters/ex_activations.ipynb":
            ("_ = check_rnn_step(rnn_step)", "_ = check_sigmoid(rnn_step)"),
        "check_softmax is not a checker": ("_ = check_rnn_step(", "_ = check_softmax("),
        "check_rnn_step called more than once":
            ("_ = check_rnn_step(rnn_step)", "_ = check_rnn_step(rnn_step)\n_ = check_rnn_step(rnn_step)"),
    }
    for problem, (old, new) in edits.items():
        nb = nbformat.from_dict(original)
        cell = next(c for c in check_cells(nb) if old in c.source)
        cell.source = cell.source.replace(old, new)
        nbformat.write(nb, tmp_path / "chapters" / "ex_rnn.ipynb")
        assert any(problem in p for p in make_exercises.check(tmp_path)), problem


def test_check_rejects_a_check_cell_that_would_echo(tmp_path):
    shutil.copy(ROOT / "_config.yml", tmp_path)
    (tmp_path / "chapters").mkdir()
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    nb = nbformat.read(ROOT / "chapters" / "ex_rnn.ipynb", as_version=4)
    cell = check_cells(nb)[0]
    for echoed in (cell.source.removeprefix("_ = "), cell.source.removeprefix("_ = ") + ";"):
        cell.source = echoed  # `;` does not stop the echo when nbval runs the notebook
        nbformat.write(nb, tmp_path / "chapters" / "ex_rnn.ipynb")
        assert any("write a check as `_ = check_x(x)`" in p for p in make_exercises.check(tmp_path))


@pytest.mark.parametrize("path", LEARNER, ids=lambda p: p.stem)
def test_learner_notebook_holds_no_solution_and_no_outputs(path):
    text = path.read_text()
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    nb = nbformat.read(path, as_version=4)
    solution = nbformat.read(ROOT / "chapters" / path.name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source == colab_cell_source() and code[0].metadata["tags"] == TAGS
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        assert "solution-only" not in tags and "hide-input" not in tags
        if cell.cell_type == "markdown":
            assert "{doc}" not in cell.source and ":::" not in cell.source, cell.source
            assert "/blob/" not in cell.source, cell.source  # chapters are linked on the site
    stubs = sum(c.source.count("raise NotImplementedError") for c in code)
    assert stubs == len(check_cells(nb)) == len(check_cells(solution)) > 0
    assert make_exercises.colab_url(path.stem) not in text  # that link is for the site


@pytest.mark.parametrize("path", LEARNER, ids=lambda p: p.stem)
def test_learner_notebook_links_the_books_pages(path):
    site = make_exercises.site_url()
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    pages = re.findall(rf"\]\({re.escape(site)}/([^)]+)\.html\)", text)
    assert pages, "no link to the book"
    for page in pages:
        assert (ROOT / f"{page}.ipynb").exists() or (ROOT / f"{page}.md").exists(), page


@pytest.mark.parametrize("path", LEARNER, ids=lambda p: p.stem)
def test_learner_notebook_runs_and_every_check_is_not_done_yet(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError if any cell fails
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("name") != "stderr", f"stderr in {cell.source[:40]!r}: {out.get('text')}"
    for cell in check_cells(nb):
        printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert printed.count("\n") == 1 and NOT_DONE in printed, (cell.source, printed)


def test_citations_become_author_and_year_in_the_learner_notebook():
    from make_exercises import plain_markdown

    text = plain_markdown("{cite:t}`pascanu2013difficulty` and {cite}`hochreiter1997lstm`", "https://x")
    assert text == "Pascanu et al. (2013) and (Hochreiter and Schmidhuber, 1997)"
