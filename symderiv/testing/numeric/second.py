"""Second derivatives: Hessians, and Hessian-vector products.

Mixed second differences of f along pairs of directions, ∂²/∂s∂t f(x + s·u + t·v) = uᵀHv,
are symmetric in u and v: one difference per pair i ≤ j serves both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..differences import basis
from ..differences import directions as _draw
from ..parameters import fmt, index_label
from ..report import Family, NumericReport, Tolerance, unseen_single_entry
from .run import BUDGET, Kind, Run, read_claim, run_check

_SCALAR = "the Hessian is of a function with scalar values"


def _symmetric(pairs: list[tuple[int, int]], values: np.ndarray, errors: np.ndarray,
               size: int) -> tuple[np.ndarray, np.ndarray]:
    """The second differences over the pairs i ≤ j (one output), and their errors, as
    symmetric ``size`` × ``size`` matrices."""
    desired, error = np.empty((size, size)), np.empty((size, size))
    for (i, j), dv, ev in zip(pairs, values[:, 0], errors[:, 0], strict=True):
        desired[i, j] = desired[j, i] = dv
        error[i, j] = error[j, i] = ev
    return desired, error


def _asymmetry(m: np.ndarray) -> float:
    """The largest |M − Mᵀ| where it is above a thousandth of M's largest entry, else 0."""
    asym = float(np.max(np.abs(m - m.T), initial=0.0))
    return asym if asym > 0 and asym > 1e-3 * float(np.max(np.abs(m), initial=0.0)) else 0.0


# -- Hessians --------------------------------------------------------------------------------
def check_hessian_numeric(f: Callable[..., Any], hess: Callable[..., Any] | Any, *, at: Any,
                          wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                          directions: int = 4, full: int | None = None, seed: int = 0,
                          eps: float | None = None, budget: float = BUDGET) -> NumericReport:
    """Check that ``hess`` is the Hessian of the scalar function ``f``; return the report.

    The parameters are those of :func:`assert_hessian`, which raises where this returns.
    """
    return run_check(HESSIAN, f, hess, at=at, wrt=wrt, rtol=rtol, atol=atol,
                     directions=directions, full=full, seed=seed, eps=eps, budget=budget)


def _hessian(run: Run, hess: Any, y0: np.ndarray) -> NumericReport:
    p, d, n = run.p, run.d, run.p.size
    single = len(p.leaves) == 1 and not p.leaves[0].path

    def cell(a: int, b: int) -> str:  # ∂²f/∂θ[a]∂θ[b]
        if single:
            return index_label(p.leaves[0].shape * 2, a * n + b)
        return f"{p.entry(a)}, {p.entry(b)}"

    h, claim = read_claim(p, hess, lambda raw, name: p.flatten_square(raw, name),
                          lambda q: cell(q // n, q % n))
    run.judge(claim)
    families = []
    vs = _draw(n, 2 * d, run.seed)
    pairs = list(zip(vs[::2], vs[1::2], strict=True))
    if d:
        labels = [f"directions {2 * i}, {2 * i + 1}" for i in range(d)]
        values, errors, scale, _ = run.diffs(pairs, labels)
        families.append(Family(
            "products uᵀHv", f"for {d} pairs of random directions (seed {run.seed})",
            np.array([u @ h @ v for u, v in pairs]), values[:, 0], errors[:, 0], scale,
            labels))
    upper = [(a, b) for a in range(n) for b in range(a, n)]
    exhaustive, deadline = run.plan(len(upper), d)
    m = None
    if exhaustive:
        values, errors, scale, _ = run.diffs(
            [(basis(n, a), basis(n, b)) for a, b in upper],
            [f"entry {cell(a, b)}" for a, b in upper], deadline)
        m = len(values)
        if m == len(upper):
            desired, error = _symmetric(upper, values, errors, n)
            families.append(Family(
                "entries", f"(all {h.size})", h.ravel(), desired.ravel(), error.ravel(),
                scale, [cell(k // n, k % n) for k in range(n * n)],
                lambda a: fmt(a.reshape(n, n))))
        else:
            done = upper[:m]
            families.append(Family(
                "entries", f"(the first {m} of the {len(upper)} on and above the diagonal)",
                np.array([h[a, b] for a, b in done]), values[:, 0], errors[:, 0], scale,
                [cell(a, b) for a, b in done]))

    def bound() -> float | None:  # an error e in H[a, b] changes uᵀHv by e·u_a·v_b
        if n * n > 10**6:
            return None
        return unseen_single_entry(run.tolerances(families[0], families)[:, None], np.array(
            [np.outer(u, v).ravel() for u, v in pairs]))

    asym = _asymmetry(h)
    if asym:
        run.notes.append(f"the claimed Hessian is not symmetric (largest |H − Hᵀ| = "
                         f"{asym:.3g}); a Hessian of a twice continuously differentiable "
                         "f is")
    return run.close(families, "entries on and above the diagonal", m, bound)


# -- Hessian-vector products -------------------------------------------------------------------
def check_hvp_numeric(f: Callable[..., Any], hvp: Callable[..., Any], *, at: Any,
                      wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                      directions: int = 4, full: int | None = None, seed: int = 0,
                      eps: float | None = None, budget: float = BUDGET) -> NumericReport:
    """Check a Hessian-vector product; return the report.

    The parameters are those of :func:`assert_hvp`, which raises where this returns.
    """
    return run_check(HVP, f, hvp, at=at, wrt=wrt, rtol=rtol, atol=atol,
                     directions=directions, full=full, seed=seed, eps=eps, budget=budget)


def _hvp(run: Run, hvp: Any, y0: np.ndarray) -> NumericReport:
    p, d, n = run.p, run.d, run.p.size
    k = max(d, 1)
    vs = _draw(n, k, run.seed)
    rows, claims = zip(*(read_claim(p, hvp, lambda raw, name: p.flatten(raw, name), p.entry,
                                    (p.structured(v),)) for v in vs), strict=True)
    hv = np.concatenate(rows)  # (tangents, θ): row i is H·vᵢ
    run.judge(claims[0])
    families = []
    if d:
        upper = [(i, j) for i in range(d) for j in range(i, d)]
        values, errors, scale, _ = run.diffs([(vs[i], vs[j]) for i, j in upper],
                                             [f"tangents {i}, {j}" for i, j in upper])
        desired, error = _symmetric(upper, values, errors, d)
        products = hv @ vs.T  # [i, j] = ⟨H·vᵢ, vⱼ⟩
        families.append(Family(
            "products vⱼᵀ(H·vᵢ)", f"for {d} random tangents v, each against each (seed "
            f"{run.seed})", products.ravel(), desired.ravel(), error.ravel(), scale,
            [f"tangents {i}, {j}" for i in range(d) for j in range(d)],
            lambda a: fmt(a.reshape(d, d))))
        asym = _asymmetry(products)
        if asym:
            run.notes.append(f"{claims[0].name} is not symmetric: vⱼᵀ(H·vᵢ) and "
                             f"vᵢᵀ(H·vⱼ) differ by up to {asym:.3g}; for a twice "
                             "continuously differentiable f they are equal")
    exhaustive, deadline = run.plan(k * n, d * (d + 1) // 2)
    m = None
    if exhaustive:
        cells = [(i, q) for i in range(k) for q in range(n)]
        values, errors, scale, _ = run.diffs(
            [(basis(n, q), vs[i]) for i, q in cells],
            [f"tangent {i}, entry {p.entry(q)}" for i, q in cells], deadline)
        m = len(values)
        families.append(Family(
            "entries", f"of H·v for {k} random tangent{'s' if k > 1 else ''} v"
            + ("" if m == len(cells) else f" (the first {m} of {len(cells)})"),
            hv.ravel()[:m], values[:, 0], errors[:, 0], scale,
            [f"tangent {i}, {p.entry(q)}" for i, q in cells[:m]],
            (lambda a: p.show(a.reshape(k, n), (k,) if k > 1 else ()))
            if m == len(cells) else None))
    # an error e in entry q of H·vᵢ changes vⱼᵀ(H·vᵢ) by e·vⱼ[q]
    return run.close(families, "entries of the products", m, lambda: unseen_single_entry(
        run.tolerances(families[0], families).reshape(d, d).T, vs))


HESSIAN = Kind("Hessian", 2, 12, _SCALAR, False, _hessian)
HVP = Kind("Hessian-vector products", 2, 12, _SCALAR, False, _hvp)
