"""First derivatives: gradients, Jacobians, and the products vjp (cᵀJ) and jvp (J·v).

Each check is a :class:`~.run.Kind` whose body builds the families compared: along
seeded random directions always, and entry by entry when :meth:`~.run.Run.plan` says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..differences import basis
from ..differences import directions as _draw
from ..parameters import Point, fmt, index_label
from ..report import Claim, Family, NumericReport, Tolerance, passes, unseen_single_entry
from .run import BUDGET, Diffs, Kind, Run, output_reader, read_claim, run_check


# -- gradients -------------------------------------------------------------------------------
def check_gradient_numeric(f: Callable[..., Any], grad: Callable[..., Any] | Any, *, at: Any,
                           wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                           directions: int = 4, full: int | None = None, seed: int = 0,
                           eps: float | None = None, budget: float = BUDGET) -> NumericReport:
    """Check that ``grad`` is the gradient of the scalar function ``f``; return the report.

    The parameters are those of :func:`assert_gradient`, which raises where this returns.

    Examples
    --------
    >>> import numpy as np
    >>> report = check_gradient_numeric(lambda x: x @ x, lambda x: x, at=np.ones(3))
    >>> report.passed
    False
    >>> print(report.title)
    Gradient of <lambda> with respect to x (argument 0, shape (3,), float64) does not match ...
    >>> check_gradient_numeric(lambda x: x @ x, lambda x: 2 * x, at=np.ones(3)).passed
    True
    """
    return run_check(GRADIENT, f, grad, at=at, wrt=wrt, rtol=rtol, atol=atol,
                     directions=directions, full=full, seed=seed, eps=eps, budget=budget)


def _gradient(run: Run, grad: Any, y0: np.ndarray) -> NumericReport:
    p, d, n = run.p, run.d, run.p.size
    g, claim = read_claim(p, grad, lambda raw, name: p.flatten(raw, name), p.entry)
    c = run.judge(claim)
    if p.complex:
        run.notes.append("complex parameters: the gradient is read as ∂f/∂Re z + "
                         "i·∂f/∂Im z (= 2·∂f/∂z̄, as PyTorch computes it)")
    vs = _draw(n, d, run.seed)
    along = run.diffs([(v,) for v in vs], [f"direction {i}" for i in range(d)])
    exhaustive, deadline = run.plan(n, d)
    each = run.entries(deadline) if exhaustive else None
    fams = _gradient_families(run, g[0], vs, along, each)
    if each is not None and len(each[0]) == n and not passes(c, fams):
        run.notes.extend(_triangle_notes(p, run.fn, claim.name, g[0], each[0][:, 0],
                                         each[1][:, 0], run.tolerances(fams[-1], fams)))
    if p.complex and not passes(c, fams) and passes(
            c, _gradient_families(run, g[0] * _flip(p), vs, along, each)):
        run.notes.append(f"{claim.name} matches the complex conjugate, ∂f/∂Re z − "
                         "i·∂f/∂Im z (the convention of jax.grad): conjugate it")
    return run.close(fams, "entries", None if each is None else len(each[0]),
                     lambda: unseen_single_entry(run.tolerances(fams[0], fams)[:, None], vs))


def _gradient_families(run: Run, g: np.ndarray, vs: np.ndarray, along: Diffs,
                       each: Diffs | None) -> list[Family]:
    """The directional derivatives ⟨g, v⟩ and the entries of g against the differences."""
    out, d, n, p = [], run.d, run.p.size, run.p
    if d:
        values, errors, scale, sides = along
        out.append(Family("directional derivatives",
                          f"along {d} random directions (seed {run.seed})", vs @ g,
                          values[:, 0], errors[:, 0], scale,
                          [f"direction {i}" for i in range(d)], sides=_first_column(sides)))
    if each is not None:
        values, errors, scale, sides = each
        m = len(values)
        out.append(Family(
            "entries", f"(all {n})" if m == n else f"(the first {m} of {n})", g[:m],
            values[:, 0], errors[:, 0], scale, [p.entry(k) for k in range(m)],
            (lambda a: p.show(a)) if m == n else None, _first_column(sides)))
    return out


def _triangle_notes(p: Point, fn: str, claim: str, g: np.ndarray, desired: np.ndarray,
                    error: np.ndarray, tol: np.ndarray) -> list[str]:
    """A square matrix variable that f reads only one triangle of (np.linalg.cholesky
    reads the lower one): its differences are 0 on the other strict triangle, so the
    gradient is triangular, and a gradient in the symmetric convention fails there —
    rightly, but puzzlingly without this note."""
    notes = []
    for leaf in p.leaves:
        if leaf.complex or len(leaf.shape) != 2 or leaf.shape[0] != leaf.shape[1] \
                or leaf.shape[0] < 2:
            continue
        k = leaf.shape[0]
        part = slice(leaf.offset, leaf.offset + leaf.size)
        d, e, a, t = (v[part].reshape(k, k) for v in (desired, error, g, tol))
        for unread, read, words in ((np.triu_indices(k, 1), np.tril_indices(k, -1), "lower"),
                                    (np.tril_indices(k, -1), np.triu_indices(k, 1), "upper")):
            zero = np.all(np.abs(d[unread]) <= e[unread])
            if zero and np.any(np.abs(d[read]) > e[read]) and np.any(
                    np.abs(a[unread]) > t[unread]):
                other = "above" if words == "lower" else "below"
                notes.append(
                    f"{fn} reads only the {words} triangle of {leaf.name}: its differences "
                    f"are 0 {other} the diagonal, where {claim} is not, so the gradient over "
                    f"all {k * k} entries is {words} triangular; a gradient for a symmetric "
                    f"matrix (the symmetric convention) differs from it — symmetrise the "
                    f"argument in f ((S + Sᵀ)/2) to check that convention")
    return notes


def _first_column(sides: tuple[np.ndarray, ...] | None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    if sides is None:
        return None
    return sides[0][:, 0], sides[1][:, 0], sides[2][:, 0]


def _flip(p: Point) -> np.ndarray:
    """−1 on the imaginary parts of complex variables in θ: conjugation."""
    flip = np.ones(p.size)
    for leaf in p.leaves:
        if leaf.complex:
            flip[leaf.offset + 1:leaf.offset + leaf.size:2] = -1.0
    return flip


def _ravel_sides(sides: tuple[np.ndarray, ...] | None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    if sides is None:
        return None
    return sides[0].ravel(), sides[1].ravel(), sides[2].ravel()



# -- Jacobians -------------------------------------------------------------------------------
def check_jacobian_numeric(f: Callable[..., Any], jac: Callable[..., Any] | Any, *, at: Any,
                           wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                           directions: int = 4, full: int | None = None, seed: int = 0,
                           eps: float | None = None, budget: float = BUDGET) -> NumericReport:
    """Check that ``jac`` is the Jacobian of the array-valued ``f``; return the report.

    The parameters are those of :func:`assert_jacobian`, which raises where this returns.
    """
    return run_check(JACOBIAN, f, jac, at=at, wrt=wrt, rtol=rtol, atol=atol,
                     directions=directions, full=full, seed=seed, eps=eps, budget=budget)


def _jacobian(run: Run, jac: Any, y0: np.ndarray) -> NumericReport:
    p, d, n, out_shape = run.p, run.d, run.p.size, y0.shape
    outs = int(np.prod(out_shape, dtype=int))
    single = len(p.leaves) == 1 and not p.leaves[0].path

    def cell(i: int, k: int) -> str:  # ∂f[i]/∂θ[k]
        if single:
            return index_label(out_shape + p.leaves[0].shape, i * n + k)
        return f"output {index_label(out_shape, i)}, {p.entry(k)}"

    jm, claim = read_claim(p, jac, lambda raw, name: p.flatten(raw, name, out_shape),
                           lambda q: cell(q // n, q % n))
    run.judge(claim)
    families, vs = [], _draw(n, d, run.seed)
    if d:
        values, errors, scale, sides = run.diffs(
            [(v,) for v in vs], [f"direction {i}" for i in range(d)])
        families.append(Family(
            "products J·v", f"along {d} random directions (seed {run.seed})",
            (vs @ jm.T).ravel(), values.ravel(), errors.ravel(), scale,
            [f"direction {i}, output {index_label(out_shape, k)}" for i in range(d)
             for k in range(outs)],
            (lambda a: fmt(a.reshape(d, outs))) if outs > 1 else None, _ravel_sides(sides)))
    exhaustive, deadline = run.plan(n, d)
    m = None
    if exhaustive:
        values, errors, scale, sides = run.entries(deadline)
        m = len(values)
        families.append(Family(
            "entries", f"(all {jm.size})" if m == n else
            f"(the columns of the first {m} of {n} entries)",
            jm[:, :m].T.ravel(), values.ravel(), errors.ravel(), scale,
            [cell(i, k) for k in range(m) for i in range(outs)],
            (lambda a: p.show(a.reshape(n, outs).T, out_shape)) if m == n else None,
            _ravel_sides(sides)))
    return run.close(families, "entries", m, lambda: unseen_single_entry(
        run.tolerances(families[0], families).reshape(d, outs), vs))


# -- products: vector-Jacobian, Jacobian-vector -------------------------------------------------
def check_vjp_numeric(f: Callable[..., Any], vjp: Callable[..., Any], *, at: Any,
                      wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                      directions: int = 4, full: int | None = None, seed: int = 0,
                      eps: float | None = None, budget: float = BUDGET) -> NumericReport:
    """Check a vector-Jacobian product; return the report.

    The parameters are those of :func:`assert_vjp`, which raises where this returns.
    """
    return run_check(VJP, f, vjp, at=at, wrt=wrt, rtol=rtol, atol=atol,
                     directions=directions, full=full, seed=seed, eps=eps, budget=budget)


def _vjp(run: Run, vjp: Any, y0: np.ndarray) -> NumericReport:
    p, d, n, seed = run.p, run.d, run.p.size, run.seed
    k = max(d, 1)
    cdtype = y0.dtype if y0.dtype.kind == "f" else np.dtype(np.float64)
    cts = _draw(y0.size, k, seed, 1)  # cotangents: their own seeded stream
    rows, claims = zip(*(read_claim(p, vjp, lambda raw, name: p.flatten(raw, name), p.entry,
                                    (ct.reshape(y0.shape).astype(cdtype),)) for ct in cts),
                       strict=True)
    g = np.concatenate(rows)  # (cotangents, θ): row i is cᵢᵀJ
    run.judge(claims[0])
    families, us = [], _draw(n, d, seed)
    how = f"{k} random cotangent{'s' if k > 1 else ''} c (seed {seed})"
    if d:
        values, errors, scale, sides = run.diffs(
            [(u,) for u in us], [f"direction {j}" for j in range(d)])
        families.append(Family(
            "products cᵀJu", f"for {how}, along {d} random directions u",
            (g @ us.T).ravel(), (cts @ values.T).ravel(), (np.abs(cts) @ errors.T).ravel(),
            scale, [f"cotangent {i}, direction {j}" for i in range(k) for j in range(d)],
            (lambda a: fmt(a.reshape(k, d))) if k > 1 else None, _projected(cts, sides)))
    exhaustive, deadline = run.plan(n, d)
    m = None
    if exhaustive:
        values, errors, scale, sides = run.entries(deadline)
        m = len(values)
        families.append(Family(
            "entries", f"of cᵀJ for {how}" + ("" if m == n else f" (the first {m} of {n})"),
            g[:, :m].ravel(), (cts @ values.T).ravel(), (np.abs(cts) @ errors.T).ravel(),
            scale, [f"cotangent {i}, {p.entry(q)}" for i in range(k) for q in range(m)],
            (lambda a: p.show(a.reshape(k, n), (k,) if k > 1 else ())) if m == n else None,
            _projected(cts, sides)))
    return run.close(families, "entries", m, lambda: unseen_single_entry(
        run.tolerances(families[0], families).reshape(k, d).T, us))


def _projected(cts: np.ndarray, sides: tuple[np.ndarray, ...] | None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """One-sided slopes of cᵀf; a kink where any output with weight in c has one."""
    if sides is None:
        return None
    fwd, bwd, kink = sides
    return ((cts @ fwd.T).ravel(), (cts @ bwd.T).ravel(),
            ((np.abs(cts) > 0) @ kink.T.astype(float) > 0).ravel())


def check_jvp_numeric(f: Callable[..., Any], jvp: Callable[..., Any], *, at: Any,
                      wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                      directions: int = 4, full: int | None = None, seed: int = 0,
                      eps: float | None = None, budget: float = BUDGET) -> NumericReport:
    """Check a Jacobian-vector product; return the report.

    The parameters are those of :func:`assert_jvp`, which raises where this returns.
    """
    return run_check(JVP, f, jvp, at=at, wrt=wrt, rtol=rtol, atol=atol,
                     directions=directions, full=full, seed=seed, eps=eps, budget=budget)


def _jvps(run: Run, jvp: Any, vectors: np.ndarray, out_shape: tuple[int, ...]
          ) -> tuple[np.ndarray, list[Claim]]:
    """The claimed J·v for each row v of ``vectors`` (tangents × outputs)."""
    outs = int(np.prod(out_shape, dtype=int))
    read = [read_claim(run.p, jvp, output_reader(out_shape),
                       lambda q: index_label(out_shape, q), (run.p.structured(v),))
            for v in vectors]
    return np.array([r[0][0] for r in read]).reshape(len(vectors), outs), [r[1] for r in read]


def _jvp(run: Run, jvp: Any, y0: np.ndarray) -> NumericReport:
    p, d, n, out_shape = run.p, run.d, run.p.size, y0.shape
    outs = int(np.prod(out_shape, dtype=int))
    vs = _draw(n, d, run.seed)
    along, claims = _jvps(run, jvp, vs if d else basis(n, 0)[None, :], out_shape)
    run.judge(claims[0])
    families = []
    if d:
        values, errors, scale, sides = run.diffs(
            [(v,) for v in vs], [f"tangent {i}" for i in range(d)])
        families.append(Family(
            "products J·v", f"along {d} random tangents v (seed {run.seed})", along.ravel(),
            values.ravel(), errors.ravel(), scale,
            [f"tangent {i}, output {index_label(out_shape, q)}" for i in range(d)
             for q in range(outs)],
            (lambda a: fmt(a.reshape(d, outs))) if outs > 1 else None, _ravel_sides(sides)))
    exhaustive, deadline = run.plan(n, d)
    m = None
    if exhaustive:
        values, errors, scale, sides = run.entries(deadline)
        m = len(values)
        columns, _ = _jvps(run, jvp, np.eye(n)[:m], out_shape)
        families.append(Family(
            "entries", "of J, one column per entry of the variables "
            + (f"(all {n})" if m == n else f"(the first {m} of {n})"),
            columns.ravel(), values.ravel(), errors.ravel(), scale,
            [f"output {index_label(out_shape, i)}, {p.entry(q)}" for q in range(m)
             for i in range(outs)],
            (lambda a: p.show(a.reshape(n, outs).T, out_shape)) if m == n else None,
            _ravel_sides(sides)))
    return run.close(families, "entries", m, lambda: unseen_single_entry(
        run.tolerances(families[0], families).reshape(d, outs), vs))


GRADIENT = Kind("Gradient", 1, 32, "for a function with array values use assert_jacobian",
                True, _gradient)
JACOBIAN = Kind("Jacobian", 1, 32, None, False, _jacobian)
VJP = Kind("Vector-Jacobian products", 1, 32, None, False, _vjp)
JVP = Kind("Jacobian-vector products", 1, 32, None, False, _jvp)
