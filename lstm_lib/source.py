"""Library source for the chapters: whole functions, or named regions.

A region is a run of lines inside a function (or class) between two
anchor comments of their own, each on a line alone:

    # region: cell-step
    ...
    # endregion

Regions may nest; names are unique within one object. The anchor lines
are never shown, whether a region or the whole object is asked for.

    source_text(obj, region=None)   the text, as a string
    show_source(obj, region=None)   the text displayed in a notebook:
        plain text for nbval, highlighted HTML for the web page

A region is dedented, so that it reads as a block of its own; a whole
object is shown as inspect.getsource returns it.
"""
import inspect
import re
import textwrap

__all__ = ["show_source", "source_text"]

_OPEN = re.compile(r"^\s*# region: (?P<name>[\w.-]+)\s*$")
_CLOSE = re.compile(r"^\s*# endregion\s*$")


def _name(obj):
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None) or repr(obj)
    return f"{module}.{qualname}" if module else qualname


def _regions(lines, name):
    """{region: (first, stop)} line indices of lines, anchors excluded."""
    found, open_ = {}, []
    for k, line in enumerate(lines):
        opened = _OPEN.match(line)
        if opened:
            region = opened["name"]
            if region in found or region in (r for r, _ in open_):
                raise ValueError(f"region {region!r} appears twice in the "
                                 f"source of {name}")
            open_.append((region, k + 1))
        elif _CLOSE.match(line):
            if not open_:
                raise ValueError(f"'# endregion' without '# region: ...' "
                                 f"in the source of {name}")
            region, first = open_.pop()
            found[region] = (first, k)
    if open_:
        raise ValueError(f"region {open_[-1][0]!r} has no '# endregion' "
                         f"in the source of {name}")
    return found


def source_text(obj, region=None):
    """The source of obj, or of its region `region`, without anchor lines.

    A region that obj's source does not hold is a ValueError naming both.
    """
    name = _name(obj)
    lines = inspect.getsource(obj).splitlines(keepends=True)
    regions = _regions(lines, name)
    if region is not None:
        if region not in regions:
            known = ", ".join(repr(r) for r in sorted(regions)) or "none"
            raise ValueError(f"no region {region!r} in the source of "
                             f"{name}; its regions: {known}")
        first, stop = regions[region]
        lines = lines[first:stop]
    text = "".join(line for line in lines
                   if not (_OPEN.match(line) or _CLOSE.match(line)))
    return textwrap.dedent(text) if region is not None else text


class _Source:
    # Plain text for nbval; highlighted, wrapped HTML for the web page.
    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text

    def _repr_html_(self):
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer

        style = "white-space: pre-wrap; font-size: 85%"  # wrap long lines
        formatter = HtmlFormatter(noclasses=True, nobackground=True,
                                  prestyles=style)
        return highlight(self.text, PythonLexer(), formatter)


def show_source(obj, region=None):
    """Display source_text(obj, region) in a notebook; returns None."""
    from IPython.display import display

    display(_Source(source_text(obj, region)))
