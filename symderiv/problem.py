"""A check's inputs, parsed and validated: the function, the variable, the claim, the
space of declared symbols, and the options.  Shared by the judge and the worked solutions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .errors import ArgumentError, ShapeError, UnsupportedError
from .parse import Parsed, parse_declarations, parse_expression
from .parse.expression import shape_words
from .space import Declaration, Space

__all__ = ["MAX_REQUESTED_SIZE", "Problem", "declarations_of", "make_space", "setup_problem",
           "symbol_names", "used_dims", "validate_options", "validate_sizes", "zero_as"]

MAX_REQUESTED_SIZE = 128  # sizes asked of the element-wise engine


@dataclass(slots=True)
class Problem:
    space: Space
    task: str
    f: Parsed
    wrt: str | None
    claim: Parsed | None
    seed: int
    scale: float
    names: list[str] = field(default_factory=list)
    used: set[sp.Symbol] | None = None
    extra_sizes: tuple[int, ...] = ()
    only_extra: bool = False

    def sizes(self) -> list[dict[sp.Symbol, int]]:
        return self.space.size_assignments(self.used)


def make_space(let: str | Space | None) -> Space:
    if isinstance(let, Space):
        return let.copy()
    if let is not None and not isinstance(let, str):
        raise TypeError(f"let= takes declarations as text or a Space, not {type(let).__name__}")
    return parse_declarations(let)


def symbol_names(space: Space, *exprs: sp.Basic) -> list[str]:
    dims = {d.name for d in space.dim_symbols}
    names: set[str] = set()
    for e in exprs:
        if e is None:
            continue
        for a in e.atoms(sp.MatrixSymbol):
            names.add(str(a.name))
        for s in e.free_symbols:
            if isinstance(s, sp.Symbol) and not isinstance(s, sp.Dummy) and s.name not in dims:
                names.add(s.name)
    names.discard("_v")
    return sorted(names)


def used_dims(space: Space, names: list[str], *exprs: sp.Basic | None) -> set[sp.Symbol]:
    """The symbolic dimensions that the named symbols and the expressions involve."""
    used: set[sp.Symbol] = set()
    for n in names:
        used.update(d for d in space.get(n).dims if isinstance(d, sp.Symbol))
    for e in exprs:
        if e is None:
            continue
        for atom in e.atoms(sp.Identity, sp.OneMatrix, sp.ZeroMatrix, sp.MatrixSymbol):
            used.update(s for s in atom.shape if isinstance(s, sp.Symbol))
        used.update(s for s in e.free_symbols if s in space.dim_symbols)
    return used


def declarations_of(space: Space, names: list[str]) -> tuple[Declaration, ...]:
    """The declarations of the symbols in use, in declaration order."""
    return tuple(d for n, d in space.declarations.items() if n in names)


def _expected_shape(space: Space, wrt: str, task: str) -> tuple[str, tuple]:
    decl = space.get(wrt)
    if task == "gradient":
        return decl.kind, decl.dims
    if decl.kind == "scalar":
        return "scalar", ()
    n = decl.dims[0]  # a vector, or an n×1 column
    return "matrix", (n, n)


def _check_claim_shape(space: Space, claim: Parsed, wrt: str, task: str) -> None:
    kind, dims = _expected_shape(space, wrt, task)
    if claim.kind == "scalar" and claim.expr == 0:
        return  # "0" stands for the zero of any shape
    if (claim.kind, tuple(claim.dims)) == (kind, tuple(dims)):
        return
    what = "gradient" if task == "gradient" else "Hessian"
    message = (f"the claimed {what} is {shape_words(claim.kind, claim.dims)}, but the {what} "
               f"with respect to {space.get(wrt).describe()} is {shape_words(kind, dims)}")
    if task == "gradient":
        message += f" (denominator layout: the shape of {wrt})"
        if kind == "matrix" and claim.kind == "matrix" and tuple(claim.dims) == dims[::-1]:
            message += "; the claim has the transposed shape — numerator layout? try its .T"
    raise ShapeError(message, source=claim.text, col=1, what="claim")


def zero_as(p: Parsed, kind: str, dims: tuple) -> Parsed:
    """The claim "0" as the zero of the expected shape."""
    if p.kind != "scalar" or p.expr != 0 or kind == "scalar":
        return p
    shape = (dims[0], 1) if kind == "vector" else dims
    return Parsed(sp.ZeroMatrix(*shape), kind, dims, p.text)  # type: ignore[arg-type]


def validate_options(seed: object, scale: object) -> None:
    """The API checks what the CLI's option types check."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ArgumentError(f"seed must be an integer in 0..2**32-1, not {seed!r}")
    if isinstance(scale, bool) or not isinstance(scale, int | float) \
            or not 1e-6 <= float(scale) <= 1e6:
        raise ArgumentError(f"scale must be a number between 1e-6 and 1e6, not {scale!r}")


def setup_problem(task: str, f: str | Parsed, wrt: str | None, claim: str | Parsed | None,
                  let: str | Space | None, seed: int, scale: float) -> Problem:
    """The parsed problem; ``f`` and ``claim`` may come parsed already (from LaTeX, say)."""
    space = make_space(let)
    pf = f if isinstance(f, Parsed) else parse_expression(f, space)
    if task in ("gradient", "hessian"):
        if wrt is None or not str(wrt).strip():
            raise ShapeError("missing the variable: say which one with wrt=... (--wrt)")
        wrt = str(wrt).strip()
        if not wrt.isidentifier() or wrt.startswith("_"):
            raise ShapeError(f"{wrt!r} is not a variable name", source=wrt, col=1, what="--wrt")
        if pf.kind == "vector" and pf.dims[0] == 1:
            raise ShapeError("the function is a vector of length 1: a row (1×n, such as the "
                             "transpose of an n×1 column) times a 1-D vector; declare the "
                             "column as 1-D ('a: n') to make it a scalar",
                             source=pf.text, col=1, what="function")
        if pf.kind != "scalar":
            raise ShapeError(f"the function must be scalar-valued, but it is "
                             f"{'a vector' if pf.kind == 'vector' else 'a matrix'} "
                             f"({pf.shape_text}); take norm(), sum() or trace() of it",
                             source=pf.text, col=1, what="function")
        if wrt in {d.name for d in space.dim_symbols}:
            raise ShapeError(f"{wrt!r} is a dimension, not a variable", source=wrt, col=1,
                             what="--wrt")
        decl = space.get(wrt)
        if decl.discrete is not None:
            values = " and ".join(str(v) for v in decl.discrete)
            raise UnsupportedError(
                f"{wrt} takes the values {values} only ({decl.describe()}): a derivative "
                f"with respect to it is not defined; differentiate with respect to a "
                "variable with real entries")
        if task == "hessian" and decl.kind == "matrix" and decl.dims[1] != 1:
            raise UnsupportedError(
                f"the Hessian with respect to the matrix {wrt} is a 4-index tensor; "
                "symderiv computes Hessians with respect to scalars and vectors")
    pc = None
    if claim is not None:
        pc = claim if isinstance(claim, Parsed) else parse_expression(claim, space)
        if wrt is not None:
            _check_claim_shape(space, pc, wrt, task)
            kind, dims = _expected_shape(space, wrt, task)
            pc = zero_as(pc, kind, dims)
    problem = Problem(space, task, pf, wrt, pc, seed, scale)
    return problem


def validate_sizes(sizes: object) -> tuple[int, ...]:
    """Extra sizes for the element-wise engine: integers 1 … MAX_REQUESTED_SIZE."""
    if isinstance(sizes, int | str) or not hasattr(sizes, "__iter__"):
        raise ArgumentError(f"sizes must be a sequence of integers, not {sizes!r}")
    out = []
    for n in sizes:  # type: ignore[union-attr]
        if isinstance(n, bool) or not isinstance(n, int) \
                or not 1 <= n <= MAX_REQUESTED_SIZE:
            raise ArgumentError(f"each size must be an integer in 1..{MAX_REQUESTED_SIZE}, "
                                f"not {n!r}")
        out.append(n)
    return tuple(out)


