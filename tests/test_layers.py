"""The layers run one way: no module of symderiv imports one in a layer above its own.

Every ``import`` and ``from … import`` under ``symderiv/`` is read with :mod:`ast`, at
module level and inside functions alike (a lazy import upward is still an upward
dependency).  One exception, SymPy's ``Printable`` pattern: a result's display method
(``__str__``, ``_repr_latex_``, ``to_dict`` …) may ask a printer, importing it inside the
method.  ``LAYERS`` below is the table of docs/architecture.md; the last test keeps the
two the same.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "symderiv"
DOC = ROOT / "docs" / "architecture.md"

#: (number, name, modules) from the bottom up.  A module is a path under symderiv/: a
#: file (``check.py``) or a package with everything under it (``render/``); the most
#: specific entry wins, so ``render/printing.py`` sits below the rest of ``render/``.
LAYERS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (0, "foundation", ("errors.py", "_lazy.py", "forms.py", "rational.py")),
    (1, "space", ("space.py",)),
    (2, "calculus", ("calculus/",)),
    (3, "parse", ("parse/",)),
    (4, "problem", ("problem.py",)),
    (5, "results", ("verdict.py",)),
    (6, "engines", ("engines/",)),
    (7, "notation", ("render/printing.py", "render/notation.py", "render/steps.py",
                     "render/terms.py")),
    (8, "judge", ("check.py", "diagnose.py", "derivation.py", "explain.py",
                  "definitions/", "descent/")),
    (9, "render", ("render/",)),
    (10, "commands", ("cli/", "testing/", "examples.py", "_output.py", "__init__.py",
                      "__main__.py")),
)

#: layers that a layer must not import although they lie below it: the renderers print
#: results and never ask an engine or the judge (the loss's formula belongs to the
#: result it renders, not to the descent package)
SKIPS: dict[str, tuple[str, ...]] = {"render": ("engines", "judge")}

#: display methods of result objects, which may import a printer inside the method
#: (SymPy's Printable: ``str(verdict)`` asks render.text, lazily, so that the result
#: types stay below the printers)
DISPLAY_METHODS = frozenset({"__str__", "_repr_latex_", "to_dict", "to_markdown",
                             "message", "text", "residual_text", "statement"})
PRINTER_LAYERS = frozenset({"notation", "render"})

NUMBER = {name: number for number, name, _ in LAYERS}


@dataclass(frozen=True, slots=True)
class Import:
    """One import of a symderiv module: who imports what, where, and how."""

    source: str  # path under symderiv/, e.g. "render/text.py"
    line: int
    target: str  # path under symderiv/ of the imported module
    statement: str
    display_method: bool  # inside a display method defined in a class body


def layer_of(path: str) -> str | None:
    """The layer of a module given by its path under symderiv/, or None when unplaced."""
    best: tuple[int, str] | None = None
    for _, name, entries in LAYERS:
        for entry in entries:
            if path == entry or (entry.endswith("/") and path.startswith(entry)):
                if best is None or len(entry) > best[0]:
                    best = (len(entry), name)
    return None if best is None else best[1]


def _module_path(dotted: str, package: Path) -> str | None:
    """symderiv.a.b → "a/b.py" or "a/b/__init__.py" when that file exists under package."""
    parts = dotted.split(".")
    if parts[0] != "symderiv":
        return None
    rel = Path(*parts[1:]) if len(parts) > 1 else Path()
    for candidate in (rel.with_suffix(".py") if parts[1:] else None, rel / "__init__.py"):
        if candidate is not None and (package / candidate).is_file():
            return candidate.as_posix()
    return None


def _dotted(path: str) -> str:
    parts = ["symderiv", *Path(path).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: str, source: str, package: Path = PACKAGE) -> list[Import]:
    """Every import of a symderiv module in ``source`` (the file ``path`` under symderiv/)."""
    here = _dotted(path).split(".")
    if not path.endswith("__init__.py"):
        here = here[:-1]  # relative imports start from the module's package
    found: list[Import] = []

    def add(node: ast.stmt, dotted: str, display: bool) -> None:
        target = _module_path(dotted, package)
        if target is not None:
            found.append(Import(path, node.lineno, target, ast.unparse(node), display))

    def visit(node: ast.AST, display: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = display
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = (isinstance(node, ast.ClassDef) and child.name in DISPLAY_METHODS)
            elif isinstance(child, ast.ClassDef):
                inner = False
            if isinstance(child, ast.Import):
                for alias in child.names:
                    add(child, alias.name, display)
            elif isinstance(child, ast.ImportFrom):
                base = (".".join(here[:len(here) - child.level + 1]) if child.level
                        else "")
                module = ".".join(p for p in (base, child.module or "") if p)
                # `from . import matrix` imports a module; `from .x import f, g` names
                # of one module, counted once
                targets = dict.fromkeys(
                    f"{module}.{a.name}" if _module_path(f"{module}.{a.name}", package)
                    else module for a in child.names)
                for dotted in targets:
                    add(child, dotted, display)
            visit(child, inner)

    visit(ast.parse(source, filename=path), False)
    return found


def violations(found: list[Import]) -> list[str]:
    """One located sentence per import that goes up a layer or into a skipped one."""
    out = []
    for imp in found:
        mine, theirs = layer_of(imp.source), layer_of(imp.target)
        if mine is None or theirs is None:
            continue  # unplaced modules are reported by test_every_module_has_a_layer
        where = f"symderiv/{imp.source}:{imp.line}: {imp.statement}"
        if NUMBER[theirs] > NUMBER[mine]:
            if imp.display_method and theirs in PRINTER_LAYERS:
                continue
            out.append(f"{where} — layer {mine} imports {theirs}, a layer above it")
        elif theirs in SKIPS.get(mine, ()):
            out.append(f"{where} — layer {mine} must not import {theirs}")
    return out


def _modules() -> list[str]:
    return sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    unplaced = [m for m in _modules() if layer_of(m) is None]
    assert not unplaced, (f"symderiv/{unplaced[0]} is in no layer: add it to LAYERS in "
                          f"tests/test_layers.py and to the table of docs/architecture.md")


def test_every_entry_names_a_module() -> None:
    # an entry left behind by a move would place nothing and hide a typo
    for _, name, entries in LAYERS:
        for entry in entries:
            assert (PACKAGE / entry).exists(), f"layer {name}: symderiv/{entry} does not exist"


def test_no_import_goes_up() -> None:
    found = [imp for m in _modules() for imp in imports_of(m, (PACKAGE / m).read_text())]
    assert len(found) > 100  # the reader sees the package's imports at all
    bad = violations(found)
    assert not bad, "\n".join(bad)


# -- the reader and the rule on small modules ----------------------------------------------

def _check(path: str, source: str) -> list[str]:
    return violations(imports_of(path, source))


def test_a_lazy_import_upward_is_found() -> None:
    # the circle this test was written against: render/text.py read descent's loss table
    src = "def render_regression(reg):\n    from ..descent.derive import LOSSES\n"
    [message] = _check("render/text.py", src)
    assert message.startswith("symderiv/render/text.py:2: from ..descent.derive import")
    assert "layer render must not import judge" in message


def test_a_module_level_import_of_a_printer_in_a_result_is_upward() -> None:
    [message] = _check("verdict.py", "from .render.text import render_verdict\n")
    assert message == ("symderiv/verdict.py:1: from .render.text import render_verdict — "
                       "layer results imports render, a layer above it")


def test_display_methods_may_ask_the_printer() -> None:
    src = ("class Verdict:\n"
           "    def __str__(self):\n"
           "        from .render.text import render_verdict\n"
           "        return render_verdict(self)\n")
    assert _check("verdict.py", src) == []


def test_the_exception_is_narrow() -> None:
    # a function that is not a display method, a nested helper inside one, and an import
    # of something other than a printer are all upward imports
    helper = "def explain(v):\n    from .render.text import render_verdict\n"
    nested = ("class V:\n    def __str__(self):\n        def f():\n"
              "            from .render.text import render_verdict\n")
    engine = "class V:\n    def __str__(self):\n        from .check import check_gradient\n"
    assert len(_check("verdict.py", helper)) == 1
    assert len(_check("verdict.py", nested)) == 1
    assert len(_check("verdict.py", engine)) == 1


def test_submodules_and_relative_levels_are_resolved() -> None:
    found = imports_of("parse/latex.py", "from ..calculus import indexform as ix\n"
                                         "from . import expression\nimport symderiv.space\n")
    assert [i.target for i in found] == ["calculus/indexform.py", "parse/expression.py",
                                         "space.py"]
    [init] = imports_of("render/__init__.py", "from .printing import to_latex\n")
    assert init.target == "render/printing.py"


def test_the_most_specific_entry_places_a_module() -> None:
    assert layer_of("render/printing.py") == "notation"
    assert layer_of("render/text.py") == "render"
    assert layer_of("render/a_new_printer.py") == "render"
    assert layer_of("engines/a_new_engine.py") == "engines"
    assert layer_of("a_new_module.py") is None


# -- the document --------------------------------------------------------------------------

def _doc_table() -> list[tuple[int, str, tuple[str, ...], tuple[str, ...]]]:
    """Rows of the layer table in docs/architecture.md: | n | name | `modules` | skips | …"""
    text = DOC.read_text()
    section = text.split("\n## Layers", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[0].isdigit():
            continue
        rows.append((int(cells[0]), cells[1].strip("*"),
                     tuple(re.findall(r"`([^`]+)`", cells[2])),
                     tuple(re.findall(r"`([^`]+)`", cells[3]))))
    return rows


def test_the_documented_table_is_the_tested_one() -> None:
    rows = _doc_table()
    assert rows, "docs/architecture.md has no layer table under '## Layers'"
    expected = [(n, name, entries, SKIPS.get(name, ())) for n, name, entries in LAYERS]
    assert rows == expected


@pytest.mark.parametrize("name", sorted(SKIPS))
def test_skips_name_layers_below(name: str) -> None:
    assert all(NUMBER[s] < NUMBER[name] for s in SKIPS[name])


def test_the_documented_display_methods_are_the_tested_ones() -> None:
    layers = DOC.read_text().split("\n## Layers", 1)[1].split("\n## ", 1)[0]
    intro = layers.split("\n| ", 1)[0]
    named = set(re.findall(r"`(\w+)`", intro.split("Printable", 1)[1].split("allowed", 1)[0]))
    assert named == DISPLAY_METHODS
