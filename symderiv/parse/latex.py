"""LaTeX math as people write derivations, read into the same typed expressions.

``x^\\top A x``, ``\\|y - Xw\\|^2``, ``2X^\\top y``, ``\\operatorname{tr}(A^{-1}B)``,
``\\frac{1}{2}\\log\\det S`` are parsed with a lark grammar (``latex.lark``, in this
package) — never with regular expressions — and built by the same typed operations as
the numpy-like language, so shapes are checked the same way and errors point at the
offending character.

Juxtaposition multiplies: a matrix product between arrays (``Xw``), a scalar product
otherwise (``2X``).  Unlike the numpy-like language, LaTeX keeps rows and columns apart:
``x^\\top y`` is a scalar but ``x y^\\top`` an outer product; ``A^2`` is ``A A`` and
``A^{-1}`` the inverse.  Letters are one-letter names (``xy`` is x times y); a digit
subscript joins the name (``w_0`` is ``w0``); ``\\mathbf{x}`` is ``x``; Greek letters
are their names (``\\sigma`` is ``sigma``; ``\\lambda`` is ``lam``, as ``lambda`` is a
Python keyword and the numpy-like language could not name it; ``\\ell`` is ``ell``).

The functions machine learning writes are read as such: ``\\sigma(Xw)`` (the logistic
function, unless σ is declared), ``\\tanh``, ``\\operatorname{softmax}``, ``\\max(0, z)``,
``\\mathbf{1}^\\top \\log(\\mathbf{1} + \\exp(Xw))``; a name against a parenthesis that is
not a function, ``f(x)``, is an error rather than a product.  A sum over data rows,
``\\sum_{i=1}^{m} \\log(1 + \\exp(-y_i x_i^\\top w))``, reads ``x_i`` as row i of X.

The text becomes a lark tree in :mod:`.latex_syntax` (its size bounded first), the tree
a typed value in :mod:`.latex_reader`, and index notation inside Σ an index form in
:mod:`.latex_index`; this module joins them.

>>> from symderiv.parse import parse_declarations
>>> p = parse_latex(r"\\|y - Xw\\|^2", parse_declarations("X: m x n; y: m; w: n"))
>>> p.kind
'scalar'
>>> parse_latex(r"x^\\top A y", parse_declarations("x: n; A: n x n; y: m"))
...                                                 # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symderiv.errors.ShapeError: shapes do not match for '@': ... (n ≠ m) at col 10 of LaTeX ...
"""

from __future__ import annotations

import re
from typing import Any

import sympy as sp

from ..errors import ParseError
from ..space import Space
from .expression import Parsed, to_scalar
from .latex_index import _IndexReader
from .latex_reader import _Reader
from .latex_syntax import MAX_BARS as MAX_BARS  # the bounds live with the parser they
from .latex_syntax import MAX_DEPTH as MAX_DEPTH  # protect, and are still read from here
from .latex_syntax import MAX_LENGTH as MAX_LENGTH
from .latex_syntax import _At, _parse_tree

__all__ = ["parse_latex", "parse_latex_entry"]


def parse_latex(text: str, space: Space | None = None) -> Parsed:
    """Parse LaTeX math against the declarations in ``space`` (see the module docstring).

    The result is typed exactly like :func:`symderiv.parse.parse_expression`'s: a column
    vector for ``A x``, a scalar for ``x^\\top A x``, a matrix for ``x y^\\top``.
    """
    space = space if space is not None else Space()
    stripped, tree = _parse_tree(text)
    reader = _Reader(stripped, space)
    v = reader.read(tree)
    p = v.p
    reader.unsized(p)
    if p.kind == "vector" and v.row:  # xᵀ, or xᵀA: a 1×n row, not the column x
        p = Parsed(sp.Transpose(p.expr), "matrix", (sp.Integer(1), p.dims[0]))
    if p.kind == "matrix" and p.dims == (1, 1):
        p = Parsed(to_scalar(p.expr), "scalar", ())
    _refuse_bare_identity(p, stripped, space)
    return Parsed(p.expr, p.kind, p.dims, stripped)


def _refuse_bare_identity(p: Parsed, text: str, space: Space) -> None:
    """An undeclared I is the identity only beside a square matrix in a sum (A + λI), where
    the matrix gives its size; anywhere else it would be read as an arbitrary number, so
    xᵀIx would be checked as c·xᵀx — refused, with the spelling that says the size."""
    if "I" in space.declarations or not p.expr.has(space.symbol("I")):
        return
    where = re.search(r"(?<![A-Za-z\\])I(?![A-Za-z_])", text)
    raise ParseError("'I' is read as the identity only in a sum with a square matrix "
                     "(A + \\lambda I); elsewhere write its size, I_n, or declare I",
                     source=text, col=where.start() + 1 if where else 1, what="LaTeX")


def parse_latex_entry(text: str, space: Space, index: str, dim: Any) -> Parsed:
    """Entry ``index`` of a vector written in index notation, such as the right-hand side
    of ∂f/∂x_k = 2 a_kk x_k + 2 Σ_{i≠k} … — returned as the whole vector (2Ax).

    ``index`` (k) is free and runs over ``dim``; every other index must be summed.
    """
    from ..calculus import indexform as ix
    from ..errors import UnsupportedError

    stripped, tree = _parse_tree(text)
    reader = _Reader(stripped, space)
    entries = _IndexReader(reader)
    k = entries.index(index, dim, _At(1, stripped))
    form = entries.read(tree, {index})
    try:
        expr = ix.to_matrix(form, (k,), space)
    except UnsupportedError as exc:
        raise ParseError(f"{stripped!r}: {exc}", source=stripped, col=1, what="LaTeX") from None
    if not isinstance(expr, sp.MatrixExpr):  # every term dropped k: a constant vector
        expr = sp.MatMul(expr, sp.OneMatrix(dim, 1))
    return Parsed(expr, "vector", (dim,), stripped)

