"""A piecewise function is checked on each of its pieces: a claim right on one piece only
fails, with a counterexample on the other (found by the ML corpus: a scalar Huber loss's
wrong gradient held, all three engines agreeing, on points that all lay on one piece)."""

from __future__ import annotations

import pytest

from symderiv import check_gradient

HUBER = "where(abs(r) <= d, 0.5 * r**2, d * (abs(r) - 0.5 * d))"
HUBER_V = "sum(where(abs(v) <= d, 0.5 * v**2, d * (abs(v) - 0.5 * d)))"


@pytest.mark.parametrize(("f", "wrt", "claim", "let", "outcome"), [
    (HUBER, "r", "where(abs(r) <= d, r, d * sign(r))", "d: scalar, positive", "holds"),
    (HUBER, "r", "where(abs(r) <= d, r, sign(r))", "d: scalar, positive", "fails"),
    (HUBER, "r", "r", "d: scalar, positive", "fails"),
    ("relu(x - 1)", "x", "heaviside(x - 1)", "", "holds"),
    ("relu(x - 1)", "x", "heaviside(x)", "", "fails"),
    ("abs(x - 3)", "x", "sign(x - 3)", "", "holds"),
    ("abs(x - 3)", "x", "sign(x)", "", "fails"),
    ("maximum(x, 2) * x", "x", "where(x > 2, 2 * x, 2)", "", "holds"),
    ("maximum(x, 2) * x", "x", "where(x > 0, 2 * x, 2)", "", "fails"),
    (HUBER_V, "v", "where(abs(v) <= d, v, sign(v))",
     "v: n; d: scalar, positive", "fails"),
    (HUBER_V, "v", "where(abs(v) <= d, v, d * sign(v))",
     "v: n; d: scalar, positive", "holds"),
])
@pytest.mark.parametrize("seed", range(6))
def test_each_piece_is_checked(f, wrt, claim, let, outcome, seed):
    verdict = check_gradient(f, wrt=wrt, claim=claim, let=let or None, seed=seed)
    assert verdict.outcome == outcome
