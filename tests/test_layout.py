"""The layout CONTRIBUTING.md promises: each module of lstm_lib has its own test file, named
after it, and no module reaches for another module's private names."""
import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "lstm_lib"


def test_each_library_module_has_its_test_file():
    modules = [p.stem.lstrip("_") for p in LIBRARY.glob("*.py") if p.name != "__init__.py"]
    modules += [p.name for p in LIBRARY.iterdir() if (p / "__init__.py").exists()]  # packages
    missing = [m for m in sorted(modules) if not (ROOT / "tests" / f"test_{m}.py").exists()]
    assert modules and not missing, f"no tests/test_<module>.py for {missing}"


def test_no_private_name_crosses_a_module_boundary():
    """`from .x import _name` is a sign that _name belongs in the public part of x."""
    found = []
    for path in sorted(LIBRARY.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                found += [f"{path.relative_to(ROOT)}: {alias.name}" for alias in node.names
                          if alias.name.startswith("_")]
    assert not found, found
