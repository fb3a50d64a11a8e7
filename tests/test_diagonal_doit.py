"""symderiv's DiagMatrix.doit (calculus/diagonal.py) gives what SymPy's own gives."""

import sympy as sp
from sympy.matrices.expressions.diagonal import DiagMatrix

from symderiv.calculus import diagonal

n = sp.Symbol("n", integer=True, positive=True)
m = sp.Symbol("m", integer=True, positive=True)
X = sp.MatrixSymbol("X", m, n)
w = sp.MatrixSymbol("w", n, 1)
v = sp.MatrixSymbol("v", n, 1)
r = sp.MatrixSymbol("r", 1, n)
c = sp.MatrixSymbol("c", 1, 1)
s = sp.Symbol("s")


def test_the_fast_doit_is_installed():
    assert DiagMatrix.doit is diagonal._doit


def test_it_agrees_with_sympy_on_columns_rows_products_and_one_by_one():
    for vector in [v, X @ w, 2 * s * (X @ w), sp.HadamardProduct(v, v), r.T, r, c,
                   sp.Identity(n), sp.MatAdd(v, sp.OneMatrix(n, 1)), sp.Matrix([1, 2, 3]),
                   sp.MatrixSymbol("u", 3, 1), sp.MatrixSymbol("u1", 1, 1)]:
        ours = DiagMatrix(vector).doit()
        theirs = diagonal._SYMPY_DOIT(DiagMatrix(vector))
        assert ours == theirs, vector
