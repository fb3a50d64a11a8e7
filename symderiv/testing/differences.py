"""Central differences of the user's function, extrapolated by Ridders' method.

Central difference quotients at steps h, h/2, h/4, … are extrapolated towards h → 0 in a
Neville tableau, which picks the step where truncation and rounding balance and estimates
the error of its answer.  A step where ``f`` is not finite, or raises (the Cholesky factor
of a matrix the step made indefinite), is inadmissible: the step shrinks, and only when
no step is admissible on both sides of the point is there nothing to compare.

The error bound carries f's rounding as measured at the point (:mod:`.evaluation`),
not assumed to be ε·|f|.  Where the one-sided slopes grow as the step shrinks (a pole
nearer than the step), the tableau starts afresh below it.

First differences also keep the one-sided slopes at the last step: where they differ by a
jump that does not shrink with the step, f has a kink, and the central difference is
their average.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# f as evaluated, and its rounding: re-exported, as they were defined here before
from .evaluation import Counter as Counter
from .evaluation import NotAdmissible as NotAdmissible
from .evaluation import Reference, _Raised
from .evaluation import noise as noise
from .evaluation import resolution as resolution

_CON = 2.0  # the step shrinks by this factor from one level of the tableau to the next
_LEVELS = 16  # at most this many steps per difference (after the first admissible one)
_SHRINKS = 64  # at most this many halvings to find a step where f is admissible on both sides
_RESTARTS = 4  # tableaux from h0, h0/256, h0/256², h0/256³ when one does not settle


@dataclass(frozen=True, slots=True)
class Difference:
    """One extrapolated difference (per output of f) and what is known about it."""

    value: np.ndarray
    error: np.ndarray  # a bound on the error of ``value``
    scale: float  # |change of f| / h^order at the first step: the derivative's size nearby
    forward: np.ndarray | None  # one-sided slopes at the last step (first differences only)
    backward: np.ndarray | None
    kink: np.ndarray | None  # where the one-sided slopes differ by a jump that does not shrink
    # the smallest derivative f's rounding lets the largest step tried resolve
    resolution: float = 0.0


@dataclass(frozen=True, slots=True)
class _Run:
    """One extrapolation: estimate, error bound, and whether it settled."""

    best: np.ndarray
    error: np.ndarray
    settled: bool  # every estimate within ``enough``
    flat: bool  # f did not change at any step tried: no information about the slope
    scale: float
    sides: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # forward, backward, kink
    kink_at: tuple[float, np.ndarray] | None  # the step that confirmed a kink, and the jump
    resolution: float  # 16 × f's rounding / h^order at the first step


# quotient(h) → (difference quotient, f's rounding at that step, |change of f|/h^order,
# the one-sided slopes or None)
Quotient = Callable[[float], tuple[np.ndarray, float, float,
                                   tuple[np.ndarray, np.ndarray] | None]]


def _first_step(quotient: Quotient, h0: float, where: str, floor: float
                ) -> tuple[float, np.ndarray, float, float, tuple[np.ndarray, np.ndarray] | None]:
    """The first step from h0 down where f is admissible on both sides (log near 0), and
    the quotient there: (h, quotient, rounding, scale, one-sided slopes)."""
    h, raised, nonfinite = h0, None, False
    for _ in range(_SHRINKS):
        if h < floor:  # x ± h·v would round to x itself
            raise NotAdmissible(where, raised=raised, nonfinite=nonfinite)
        try:
            val, rnd, scale, sides = quotient(h)
        except _Raised as exc:
            raised = exc.exc
        else:
            if np.all(np.isfinite(val)) and np.isfinite(scale):
                return h, val, rnd, scale, sides
            nonfinite = True
        h /= _CON
    raise NotAdmissible(where, f"from {h0:.3g} down to {h:.3g}", raised, nonfinite)


class _Neville:
    """Neville's tableau so far: its last row, and per output the entry with the smallest
    bound, with its error estimate and step."""

    __slots__ = ("best", "column", "err", "step", "total")

    def __init__(self, val: np.ndarray, h: float) -> None:
        self.column, self.best, self.err = [val], val, np.full(val.shape, np.inf)
        self.step, self.total = np.full(val.shape, h), np.full(val.shape, np.inf)

    def add(self, val: np.ndarray, h: float, rnd: float, order: int) -> np.ndarray:
        """A row from the quotient at the step h; per output, whether rounding has taken
        over: the estimates drift apart again, and f's rounding at this step is no longer
        small beside the error (in the truncation regime a lucky agreement of two coarse
        entries must not stop the descent)."""
        row, fac = [val], _CON**2
        for j in range(1, len(self.column) + 1):
            row.append((row[j - 1] * fac - self.column[j - 1]) / (fac - 1))
            fac *= _CON**2
            errt = np.maximum(np.abs(row[j] - row[j - 1]), np.abs(row[j] - self.column[j - 1]))
            # the entry with the smallest bound, rounding included: where rounding
            # dominates, two entries can agree by chance far better than their accuracy
            bound = 10 * errt + 16 * rnd / h**order
            better = bound <= self.total
            self.best = np.where(better, row[j], self.best)
            self.err = np.where(better, errt, self.err)
            self.step = np.where(better, h, self.step)
            self.total = np.where(better, bound, self.total)
        noise = 4 * rnd / h**order
        grew = (np.abs(row[-1] - self.column[-1]) >= 2 * self.err) & (noise >= 0.01 * self.err)
        self.column = row
        return grew


def _tableau(quotient: Quotient, h0: float, order: int,
             enough: Callable[[np.ndarray], np.ndarray], where: str, floor: float) -> _Run:
    h, val, rnd, scale, sides = _first_step(quotient, h0, where, floor)
    t, flat = _Neville(val, h), not np.any(val)
    resolution = 16 * rnd / h**order
    jumps = [(h, sides, 4 * rnd / h)] if sides is not None else []
    calm = False  # the last level was already within ``enough``
    for _ in range(_LEVELS):
        h /= _CON
        if h < floor:
            break
        try:
            val, rm, _, sides = quotient(h)
        except _Raised:  # a smaller step left the domain: what was found so far stands
            break
        if not np.all(np.isfinite(val)):
            break
        if np.any((val == 0) & (t.column[0] != 0)):  # f no longer changes: its resolution,
            break  # not the derivative (the sum inside log-sum-exp rounds at 1 ± ε)
        rnd, flat = max(rnd, rm), flat and not np.any(val)
        if sides is not None:
            jumps = [*jumps[-2:], (h, sides, 4 * rnd / h)]
            if _wild(jumps):  # a pole or a feature narrower than the step: start afresh
                t, calm = _Neville(val, h), False
                continue
        grew = t.add(val, h, rnd, order)
        settled = bool(np.all(t.err <= enough(t.best)))
        if np.all(grew) or (settled and calm):  # two levels in a row: not a lucky agreement
            break
        calm = settled
    # no second level to compare with (f undefined or no longer changing at half the
    # step): the first difference alone, known only to within its own size
    # restarted at the last level: every step tried still behaved like a pole's
    wild = bool(np.all(np.isinf(t.err))) and _wild(jumps)
    err = np.where(np.isfinite(t.err), t.err, np.abs(t.best))
    # Ridders' estimate is a heuristic that can be a few times optimistic: ten times it,
    # plus f's rounding at the step (the largest seen up to there, as the choice used)
    total = np.where(np.isfinite(t.total), t.total, 10 * err + 16 * rnd / t.step**order)
    if wild:  # nothing to trust
        total = np.full(total.shape, np.inf)
    sides, kink_at = _kinks(quotient, jumps, floor)
    return _Run(t.best, total, bool(np.all(err <= enough(t.best))), flat, scale, sides,
                kink_at, resolution)


def _wild(jumps: list[tuple[float, tuple[np.ndarray, np.ndarray], float]]) -> bool:
    """Whether the jump between the one-sided slopes grew by half each time the step
    halved, twice in a row, far above f's rounding: for a smooth f it is about h·f'' and
    halves with h, at a kink it stays, but a pole or a feature narrower than the step (a
    solve with a matrix one step from singular) makes it grow like 1/h, and the central
    differences there are of f's far field, not its derivative.  (Once alone can be
    chance: an f that rounds its arguments to float16 has erratic one-sided slopes.)"""
    if len(jumps) < 3:
        return False
    size = [np.abs(fwd - bwd) for _, (fwd, bwd), _ in jumps[-3:]]
    return bool(np.any((size[2] > 1.5 * size[1]) & (size[1] > 1.5 * size[0])
                       & (size[2] > 100 * jumps[-1][2])))


def _kinks(quotient: Quotient, jumps: list[tuple[float, tuple[np.ndarray, np.ndarray], float]],
           floor: float) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray] | None,
                                  tuple[float, np.ndarray] | None]:
    """The one-sided slopes at the last step, and where they differ by a kink: a jump
    fwd − bwd far above f's rounding that does not shrink with the step.  For a smooth f
    it is about h·f'' and halves with h; a candidate is confirmed at a step 64 times
    smaller (two more calls of f), where strong curvature has shrunk and a kink has not.
    Also that smaller step and the jump there, where a kink was confirmed."""
    if not jumps:
        return None, None
    h, (fwd, bwd), noise = jumps[-1]
    jump = np.abs(fwd - bwd)
    kink = jump > 100 * noise
    if len(jumps) < 2:
        kink &= False  # one step alone cannot tell a kink from curvature
    else:
        before = jumps[-2][1]
        kink &= jump >= 0.75 * np.abs(before[0] - before[1])
    kink_at = None
    if kink.any():
        probe = h / 64
        try:
            _, rnd, _, sides = quotient(probe) if probe >= floor else (None, 0.0, 0.0, None)
        except _Raised:
            sides = None
        if sides is None or not np.all(np.isfinite(sides[0] - sides[1])):
            kink &= False
        else:
            small = np.abs(sides[0] - sides[1])
            # a kink's jump stays as the step shrinks; a pole's grows like 1/h
            kink &= (small >= 0.75 * jump) & (small <= 1.5 * jump) & (small > 400 * rnd / probe)
            kink_at = (probe, np.where(kink, small, 0.0)) if kink.any() else None
    return (fwd, bwd, kink), kink_at


def _past_kink(quotient: Quotient, kink_at: tuple[float, np.ndarray], order: int,
               enough: Callable[[np.ndarray], np.ndarray], where: str, floor: float
               ) -> _Run | None:
    """Differences from below a kink that lies near the point but not at it (|x| with x
    = 10⁻⁹): the step shrinks by 8 from the one that confirmed the kink until the
    one-sided slopes agree (the jump a kink keeps at any step it straddles has dropped
    below an eighth), and Ridders' tableau starts there.  None when the jump persists
    down to where f's rounding would hide it, or to the smallest step: then the kink is
    at the point, as far as f's values can tell."""
    h, jump = kink_at
    seen = jump > 0
    while True:
        h /= 8
        if h < floor:
            return None
        try:
            _, rnd, _, sides = quotient(h)
        except _Raised:
            return None
        if sides is None or not np.all(np.isfinite(sides[0] - sides[1])):
            return None
        if np.any(jump[seen] <= 400 * rnd / h):  # f's rounding would hide the kink's jump
            return None
        if np.all(np.abs(sides[0] - sides[1])[seen] < jump[seen] / 8):
            break
    try:
        run = _tableau(quotient, h, order, enough, where, floor)
    except NotAdmissible:
        return None
    return run if run.kink_at is None else None


def _ridders(quotient: Quotient, h0: float, order: int,
             enough: Callable[[np.ndarray], np.ndarray], where: str, floor: float,
             near: float | None = None) -> Difference:
    """The limit h → 0 of a central difference quotient whose error is a series in h².

    Ridders' tableau from the step h0 down.  If it does not settle — h0 was too large for
    f (a bump narrower than h0, a pole or the domain's edge within h0), or f did not
    change at all — again from ``near`` (a tenth of x's own size along the direction, for
    f whose scale is x's: log det of a matrix near 10⁻⁵) and from h0/256, h0/256² and
    h0/256³, keeping the run with the smallest error relative to its estimate among those
    where f changed (a coarse run can look converged on the tail of f, absolutely small
    but relatively huge) — or the run with the smallest error when the two agree within
    their errors (a derivative that is 0).  Where the run kept shows a kink, smaller
    steps look for one below it (:func:`_past_kink`).  The error bound is ten times
    Ridders' estimate (how far the best entry is from its neighbours; a heuristic, at
    times a few times optimistic) plus the rounding of f's values at that step,
    16ε·max|f|/h^order (f sums terms larger than itself) and what the rounding of its
    arguments does to them; the scale is |f(x ± h₀v) − f(x)|/h₀^order (which scales the
    default atol)."""
    starts = [h0] + ([near] if near is not None and floor < near < h0 / 16 else [])
    starts += [h0 / 256**k for k in range(1, _RESTARTS)]
    runs: list[_Run] = []
    last: NotAdmissible | None = None
    for k, start in enumerate(starts):
        try:
            run = _tableau(quotient, start, order, enough, where, floor)
        except NotAdmissible as exc:
            last = exc if last is None or exc.raised is not None else last
            continue
        runs.append(run)
        if k == 0 and run.settled and not run.flat:
            break
    if not runs:
        assert last is not None
        if last.raised is None and not last.nonfinite:  # even h0 moves x too little
            raise NotAdmissible(where, f"the first step {h0:.3g}, the smallest that moves the "
                                f"point {floor:.3g}", None, False)
        raise NotAdmissible(where, f"from {h0:.3g} down to {floor:.3g}", last.raised,
                            last.nonfinite)
    informative = [r for r in runs if not r.flat] or runs

    def relative(r: _Run) -> float:
        with np.errstate(all="ignore"):
            return float(np.max(r.error / np.maximum(np.abs(r.best), 1e-300)))

    chosen = min(informative, key=relative)
    # a derivative that is 0 (relu's flat side, an optimum) has no relative error: the
    # run with the smallest error stands when it agrees with that choice within both
    # errors (a coarse run converged on the tail of f does not)
    precise = min(runs, key=lambda r: float(np.max(r.error)))
    if np.all(np.abs(precise.best - chosen.best) <= precise.error + chosen.error):
        chosen = precise
    if chosen.kink_at is not None:
        chosen = _past_kink(quotient, chosen.kink_at, order, enough, where, floor) or chosen
    # the derivative's size nearby from the runs whose first step changes f by more than
    # its rounding (at tiny steps, rounding/h² looked like a large Hessian)
    scale = max((r.scale for r in runs if r.scale > r.resolution),
                default=max(r.scale for r in runs))
    return _difference(chosen, scale, min(r.resolution for r in runs))


def _difference(run: _Run, scale: float, resolution: float) -> Difference:
    fwd, bwd, kink = run.sides if run.sides is not None else (None, None, None)
    return Difference(run.best, run.error, scale, fwd, bwd, kink, resolution)


def _start(x: np.ndarray, v: np.ndarray) -> float:
    """The first step along v: 0.1 while x's size s is below 1, and 0.1·(1 + log s)
    beyond — f's scale need not grow with x (sin at 3000 varies as at 0).  s is the larger
    of x's size along v, Σ|x_i v_i|, and its mean entry.  A smaller scale (log det of a
    matrix with entries near 10⁻⁵) is found by the restarts."""
    s = max(float(np.sum(np.abs(x) * np.abs(v))), float(np.mean(np.abs(x))) if x.size else 0.0)
    if not np.isfinite(s) or s < 1:
        return 0.1
    return 0.1 * (1.0 + float(np.log(s)))


def _near(x: np.ndarray, v: np.ndarray) -> float:
    """A tenth of x's own size along v (0.1 if x is 0 there)."""
    s = float(np.sum(np.abs(x) * np.abs(v)))
    return 0.1 * s if s > 0 and np.isfinite(s) else 0.1


def _floor(x: np.ndarray, eps: float, v: np.ndarray) -> float:
    """The smallest step that still moves x along v: 64ε·max(|x_i|) over v's support."""
    return 64 * eps * max(float(np.max(np.abs(x) * (v != 0), initial=0.0)),
                          float(np.finfo(np.float64).tiny))


def first(ref: Reference, x: np.ndarray, v: np.ndarray,
          enough: Callable[[np.ndarray], np.ndarray], where: str) -> Difference:
    """d/dt f(x + t·v) at t = 0 (per output of f), with its error bound, scale, and the
    one-sided slopes."""
    def quotient(h: float) -> tuple[np.ndarray, float, float, tuple[np.ndarray, np.ndarray]]:
        # steps may leave f's domain (log of a negative): the tableau copes, NumPy is quiet
        with np.errstate(all="ignore"):
            hi, lo = ref.at(x + h * v), ref.at(x - h * v)
            change = float(np.max(np.abs([hi - ref.f0, lo - ref.f0]), initial=0.0)) / h
            sides = ((hi - ref.f0) / h, (ref.f0 - lo) / h)
            return (hi - lo) / (2 * h), ref.rounding([hi, lo]), change, sides

    return _ridders(quotient, ref.first_step or _start(x, v), 1, enough, where,
                    _floor(x, ref.step_eps, v), _near(x, v))


def second(ref: Reference, x: np.ndarray, u: np.ndarray, v: np.ndarray,
           enough: Callable[[np.ndarray], np.ndarray], where: str) -> Difference:
    """∂²/∂s∂t f(x + s·u + t·v) at 0, with its error bound and scale."""
    def quotient(h: float) -> tuple[np.ndarray, float, float, None]:
        with np.errstate(all="ignore"):
            vals = [ref.at(x + a * h * u + b * h * v)
                    for a, b in ((1, 1), (1, -1), (-1, 1), (-1, -1))]
            q = (vals[0] - vals[1] - vals[2] + vals[3]) / (4 * h * h)
            # f's curvature along u ± v, (u ± v)ᵀH(u ± v): the Hessian's size nearby (f's
            # change itself is h·|∇f|, which made the default atol grow with the gradient)
            change = float(np.max(np.abs([vals[0] + vals[3] - 2 * ref.f0,
                                          vals[1] + vals[2] - 2 * ref.f0]), initial=0.0)) / (h * h)
        return q, ref.rounding(vals), change, None

    h0 = ref.first_step or max(_start(x, u), _start(x, v))
    return _ridders(quotient, h0, 2, enough, where,
                    max(_floor(x, ref.step_eps, u), _floor(x, ref.step_eps, v)),
                    min(_near(x, u), _near(x, v)))


def directions(size: int, count: int, seed: int, stream: int = 0) -> np.ndarray:
    """``count`` seeded random unit vectors of ``size`` entries, one per row (stream 0 is
    the directions' own sequence; cotangents and tangents draw from others)."""
    rng = np.random.default_rng(seed if stream == 0 else [seed, stream])
    out = np.empty((count, size))
    for i in range(count):
        v = rng.standard_normal(size)
        norm = np.linalg.norm(v)
        out[i] = v / norm if norm > 0 else v
    return out


def basis(size: int, k: int) -> np.ndarray:
    e = np.zeros(size)
    e[k] = 1.0
    return e
