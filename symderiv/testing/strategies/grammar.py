"""Random well-shaped matrix expressions: a type-directed grammar over the declared names."""

from __future__ import annotations

from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from ...errors import ArgumentError

DEFAULT_LET = "x: n; y: m; A: n x n; B: m x n; S: n x n, symmetric; c: scalar"
Shape = tuple[str, ...]  # () a scalar, ("n",) a vector, ("m", "n") a matrix


def _shape_of(text: Any) -> Shape:
    """'scalar', 'n' or 'm x n', read as the declarations read dimensions."""
    from ...errors import SymderivError
    from ...parse import parse_declarations

    if not isinstance(text, str):
        raise ArgumentError(f"shape must be text ('scalar', 'n' or 'm x n'), not {text!r}")
    try:
        decl = parse_declarations(f"S: {text}").declarations["S"]
    except SymderivError:
        raise ArgumentError(f"shape must be 'scalar', a dimension ('n') or 'm x n', "
                            f"not {text!r}") from None
    return tuple(str(d) for d in decl.dims)


class _Grammar:
    """Type-directed productions over the declared names: every expression built is
    well-shaped, and ``cost`` says how deep a shape's shallowest expression is."""

    def __init__(self, let: str) -> None:
        from ...parse import parse_declarations

        self.space = parse_declarations(let)
        self.leaves: dict[Shape, list[str]] = {}
        self.invertible: list[tuple[str, Shape]] = []
        for d in self.space.declarations.values():
            shape = tuple(str(x) for x in d.dims)
            self.leaves.setdefault(shape, []).append(d.name)
            if d.kind == "matrix" and d.assumptions & {"invertible", "positive definite",
                                                       "orthogonal"}:
                self.invertible.append((d.name, shape))
        self.dims = sorted({x for s in self.leaves for x in s})
        self.cost = self._costs()

    def shapes(self) -> list[Shape]:
        return [(), *((d,) for d in self.dims), *((r, c) for r in self.dims for c in self.dims)]

    def _children(self, shape: Shape) -> list[tuple[str, list[Shape]]]:
        """(template, shapes of the parts) for each production of ``shape``."""
        out: list[tuple[str, list[Shape]]] = [("{0} + {1}", [shape, shape]),
                                              ("{0} - {1}", [shape, shape])]
        if shape == ():
            out += [("{0} * {1}", [(), ()]), ("-{0}", [()]), ("{0}**2", [()])]
            out += [("{0} @ {1}", [(d,), (d,)]) for d in self.dims]
            out += [("norm({0})**2", [(d,)]) for d in self.dims]
            out += [("trace({0})", [(d, d)]) for d in self.dims]
            return out
        out.append(("{0} * {1}", [(), shape]))
        if len(shape) == 1:
            (n,) = shape
            out += [("{0} @ {1}", [(n, k), (k,)]) for k in self.dims]
            out += [("{0}.T @ {1}", [(k, n), (k,)]) for k in self.dims]
            out += [("{0} * {1}", [shape, shape]), ("diag({0})", [(n, n)])]
            return out
        r, c = shape
        out += [("{0} @ {1}", [(r, k), (k, c)]) for k in self.dims]
        out += [("{0}.T", [(c, r)]), ("outer({0}, {1})", [(r,), (c,)]),
                ("{0} * {1}", [shape, shape])]
        if r == c:
            out.append(("diag({0})", [(r,)]))
        return out

    def _costs(self) -> dict[Shape, int]:
        cost = {s: 0 for s in self.leaves}
        cost[()] = 0  # a constant
        for _ in range(6):
            for s in self.shapes():
                for _, parts in self._children(s):
                    if all(p in cost for p in parts):
                        c = 1 + max((cost[p] for p in parts), default=0)
                        if c < cost.get(s, 99):
                            cost[s] = c
        return cost

    def build(self, draw: Any, shape: Shape, budget: int) -> tuple[str, bool]:
        """(text, atomic?) of a random expression of ``shape`` within ``budget`` levels."""
        leaves = [(n, True) for n in self.leaves.get(shape, [])]
        if shape == ():
            leaves.append((str(draw(st.integers(1, 3))), True))
        leaves += [(f"inv({n})", True) for n, s in self.invertible if s == shape]
        options = [(t, parts) for t, parts in self._children(shape)
                   if all(self.cost.get(p, 99) <= budget - 1 for p in parts)]
        if leaves and (not options or budget <= 0 or draw(st.integers(0, 2)) == 0):
            return draw(st.sampled_from(leaves))
        template, parts = draw(st.sampled_from(options))
        texts = []
        for p in parts:
            text, atomic = self.build(draw, p, budget - 1)
            texts.append(text if atomic or template.startswith(("norm", "trace", "diag",
                                                                "outer"))
                         else f"({text})")
        atomic = template == "{0}.T" or (template.startswith(("trace", "diag", "outer")))
        return template.format(*texts), atomic


def expressions(let: str = DEFAULT_LET, *, shape: str = "scalar", max_depth: int = 3,
                form: str = "text") -> st.SearchStrategy[Any]:
    """Random well-shaped expressions in the declared names, for testing symbolic tools.

    Sums, differences, products (``@`` with every inner dimension, element-wise ``*``,
    scalar multiples), transposes, ``outer``, ``diag``, ``trace``, ``norm(v)**2``,
    inner products, powers of scalars and ``inv`` of declared invertible matrices,
    nested up to ``max_depth`` levels.  ``form``: ``"text"`` (the numpy-like language,
    which symderiv and NumPy read), ``"latex"``, or ``"sympy"`` (a SymPy expression
    from symderiv's parser).

    >>> from hypothesis import find
    >>> find(expressions("x: n; A: n x n", shape="n", max_depth=1), lambda e: "@" in e)
    'A @ x'
    """
    if form not in ("text", "latex", "sympy"):
        raise ArgumentError(f"form must be 'text', 'latex' or 'sympy', not {form!r}")
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or not 0 <= max_depth <= 8:
        raise ArgumentError(f"max_depth must be an integer from 0 to 8, not {max_depth!r}")
    grammar = _Grammar(let)
    target = _shape_of(shape)
    unknown = [d for d in target if d not in grammar.dims]
    if unknown:
        raise ArgumentError(f"shape {shape!r} uses {unknown[0]!r}, which no declaration in "
                            f"{let!r} has")
    need = grammar.cost.get(target)
    if need is None or need > max_depth:
        raise ArgumentError(f"no expression of shape {shape!r} can be built from {let!r} "
                            f"within max_depth={max_depth}")

    @st.composite
    def draw(draw_: Any) -> Any:
        text, _ = grammar.build(draw_, target, max_depth)
        if form == "text":
            return text
        from sympy import ZeroMatrix

        from ...parse import parse_expression

        parsed = parse_expression(text, grammar.space)
        if form == "sympy":
            return parsed.expr
        from ...render.printing import to_latex

        # a part that cancels (x - x) is a zero matrix, which LaTeX writes as a scalar 0
        assume(not parsed.expr.atoms(ZeroMatrix))
        return to_latex(parsed.expr)

    return draw()
