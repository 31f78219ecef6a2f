"""Local Sphinx extension: small repairs to the generated pages of the course site.

- sphinx-thebe registers its inline configuration script twice under Jupyter
  Book 1 (`const THEBE_JS_URL` declared twice), a JavaScript error on every
  page. Each page keeps one copy of any script that appears more than once.
"""


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


def setup(app):
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

