"""pytest plugin: every derivation in your notes is a test item.

Registered through the ``pytest11`` entry point, so installing symderiv is enough; it
does nothing until asked::

    pytest --symderiv docs/            # every *.md under docs/ that holds a derivation
    pytest --symderiv -n auto notes/   # in parallel, with pytest-xdist

or, in ``pyproject.toml``::

    [tool.pytest.ini_options]
    symderiv = true                    # collect derivation documents in every run
    symderiv_glob = ["*.md"]           # which files are read (default *.md)
    symderiv_seed = 0                  # the seed of every random point
    symderiv_undecided = "fail"        # or "skip": what an undecided step does

A document is Markdown with ``symderiv`` blocks and display math, as for ``symderiv
verify``; a Markdown file is read only if it has a ```` ```symderiv ```` block (an empty
``let`` will do), so that READMEs and theory notes with other LaTeX are left alone,
while files of other kinds matched by ``symderiv_glob`` (``*.tex``) are read if they hold
display math.  Each derivation in a document — a chain of steps and every later step
that refers back to it — is one item, named after its first expression
(``notes.md::E``, or ``notes.md::line 12``); a failing one reports the wrong step, its
counterexample and the correct result.  A document symderiv cannot read is one failing
item, ``notes.md::document``, that says where — the rest of the run goes on.

This module imports only pytest at load time: symderiv's engines (and SymPy) are
imported when the first document is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = ["DerivationFailed", "DerivationItem", "DocumentError", "DocumentFile",
           "UnreadableDocument"]

_FENCE = re.compile(r"^\s*(```|~~~)\s*symderiv\s*$", re.M)
_MATH = ("$$", "\\[", "\\begin{")
_MARKDOWN = (".md", ".markdown")
_SEED_MAX = 2**32 - 1


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("symderiv", "checking derivation documents with symderiv")
    group.addoption("--symderiv", action="store_true", default=False,
                    help="collect derivation documents (Markdown: ```symderiv blocks and "
                         "display math) as test items, one per derivation")
    group.addoption("--symderiv-seed", default=None, metavar="N",
                    help="seed of every random point (default: the symderiv_seed ini "
                         "value, 0); a failure prints the seed that reproduces it")
    parser.addini("symderiv", type="bool", default=False,
                  help="collect derivation documents in every run (as --symderiv)")
    parser.addini("symderiv_glob", type="args", default=["*.md"],
                  help="glob patterns of the files read as derivation documents")
    parser.addini("symderiv_seed", default="0", help="seed of every random point")
    parser.addini("symderiv_undecided", default="fail",
                  help="what a step symderiv cannot decide does: fail or skip")


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("symderiv") or config.getini("symderiv"))


def _seed(config: pytest.Config) -> int:
    given = config.getoption("symderiv_seed")
    where = "--symderiv-seed" if given is not None else "symderiv_seed"
    raw = str(given if given is not None else config.getini("symderiv_seed")).strip()
    if not raw.isdigit() or int(raw) > _SEED_MAX:
        raise pytest.UsageError(f"{where} must be an integer from 0 to {_SEED_MAX}, not "
                                f"{raw!r}")
    return int(raw)


def pytest_configure(config: pytest.Config) -> None:
    if _enabled(config):
        _seed(config)
        mode = str(config.getini("symderiv_undecided")).strip()
        if mode not in ("fail", "skip"):
            raise pytest.UsageError(f"symderiv_undecided must be 'fail' or 'skip', not "
                                    f"{mode!r}")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> DocumentFile | None:
    config = parent.config
    if not _enabled(config):
        return None
    if not any(file_path.match(g) for g in config.getini("symderiv_glob")):
        return None
    return DocumentFile.from_parent(parent, path=file_path)


def _shown(path: Path, config: pytest.Config) -> str:
    """The path as pytest shows it: relative to the rootdir when it is under it."""
    try:
        return str(path.relative_to(config.rootpath))
    except ValueError:
        return str(path)


class DocumentFile(pytest.File):
    """A derivation document: one item per derivation that claims something."""

    def collect(self) -> Iterator[pytest.Item]:
        from ..derivation import read_derivations
        from ..errors import SymderivError

        shown = _shown(self.path, self.config)
        try:
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            yield UnreadableDocument.from_parent(
                self, name="document", why=f"{shown}: not UTF-8 text ({exc.reason} at byte "
                                           f"{exc.start})")
            return
        markdown = self.path.suffix.lower() in _MARKDOWN
        if not (_FENCE.search(text) if markdown else any(m in text for m in _MATH)):
            return
        try:
            derivations = read_derivations(text)
        except SymderivError as exc:
            if "no derivation found" not in str(exc):
                yield UnreadableDocument.from_parent(self, name="document",
                                                     why=f"{shown}: {exc}")
            return
        for d in derivations:
            if d.checks:
                yield DerivationItem.from_parent(self, name=d.name, derivation=d)


class UnreadableDocument(pytest.Item):
    """A document symderiv cannot read: one failing item that says where."""

    def __init__(self, *, why: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.why = why

    def runtest(self) -> None:
        raise DocumentError(self.why)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, DocumentError):
            return f"cannot read the document: {self.why}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, "derivation document"


class DocumentError(Exception):
    """The document could not be read (its text is in the item)."""


class DerivationFailed(Exception):
    """A derivation with a wrong (or, under symderiv_undecided = fail, undecided) step."""

    def __init__(self, report: Any) -> None:
        super().__init__(report.outcome)
        self.report = report


class DerivationItem(pytest.Item):
    """One derivation of a document, checked by :func:`symderiv.verify_derivation`."""

    def __init__(self, *, derivation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.derivation = derivation

    def runtest(self) -> None:
        from ..derivation import verify_derivation

        report = verify_derivation(self.derivation, seed=_seed(self.config))
        if report.outcome == "holds":
            return
        if report.outcome == "undecided" and self.config.getini(
                "symderiv_undecided").strip() == "skip":
            pytest.skip(f"undecided: {self._undecided(report)}")
        raise DerivationFailed(report)

    @staticmethod
    def _undecided(report: Any) -> str:
        steps = [s for s in report.steps if s.verdict is not None
                 and s.verdict.outcome == "undecided"]
        return ", ".join(f"step {s.number} (line {s.line})" for s in steps)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        from ..errors import SymderivError
        from ..render.text import render_derivation

        where = f"{_shown(self.path, self.config)}:{self.derivation.line}"
        exc = excinfo.value
        if isinstance(exc, DerivationFailed):
            r = exc.report
            head = ("fails" if r.outcome == "fails" else
                    f"is undecided at {self._undecided(r)} (set symderiv_undecided = skip "
                    "to skip such derivations)")
            # the seed is given to pytest by this plugin's option, not the command's --seed
            text = render_derivation(r, reproduce="--symderiv-seed {seed}")
            return f"{where}: derivation {self.name} {head}\n\n{text}"
        if isinstance(exc, SymderivError):
            return f"{where}: derivation {self.name} cannot be checked: {exc}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.derivation.line - 1, f"derivation {self.name}"
