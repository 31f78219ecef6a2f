"""Local Sphinx extension: small repairs to the generated pages of the course site.

- Exercise pages show the solution notebook chapters/ex_*.ipynb, but their Colab
  button must open the learner's copy exercises/ex_*.ipynb (made by
  tools/make_exercises.py), where the solutions are left for the learner to write.
- sphinx-thebe registers its inline configuration script twice under Jupyter
  Book 1 (`const THEBE_JS_URL` declared twice), a JavaScript error on every
  page. Each page keeps one copy of any script that appears more than once.
"""
import pathlib


def _script_key(script):
    """What a script does: its file or inline body and attributes (priority aside)."""
    attributes = tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items()))
    return getattr(script, "filename", None) or None, attributes  # None and "" both mean inline


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def learner_notebook(srcdir, pagename):
    """exercises/ex_<topic>.ipynb for the page chapters/ex_<topic>, if that notebook exists."""
    folder, _, name = pagename.rpartition("/")
    if folder != "chapters" or not name.startswith("ex_"):
        return None
    candidate = pathlib.Path(srcdir) / "exercises" / f"{name}.ipynb"
    return f"exercises/{name}.ipynb" if candidate.exists() else None


def point_colab_to_learner_notebooks(app, pagename, templatename, context, doctree):
    learner = learner_notebook(app.srcdir, pagename)
    if learner is None:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            if "colab.research.google.com" in button.get("url", ""):
                button["url"] = button["url"].replace(f"{pagename}.ipynb", learner)
                button["tooltip"] = "Open the exercises (without solutions) in Colab"


def setup(app):
    # after sphinx-book-theme's add_launch_buttons (priority 501)
    app.connect("html-page-context", point_colab_to_learner_notebooks, priority=600)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

