"""The printer of index forms (Σ_i Σ_j a_ij x_i x_j) and of the parts of worked solutions.

Its formats subclass it: :class:`symderiv.render.text.StepTextPrinter` and
:class:`symderiv.render.latex.StepLatexPrinter`; SymPy expressions inside a step go
to the format's expression printer (:mod:`symderiv.render.printing`).
"""

from __future__ import annotations

import sympy as sp

__all__ = ["StepPrinter"]


class StepPrinter:
    """Index forms (Σ_i Σ_j a_ij x_i x_j) and the parts of worked solutions.

    Dispatches on ``_print_<ClassName>`` along the MRO, as SymPy's printers do; SymPy
    objects go to the format's expression printer.  Subclasses give the spelling:
    :class:`symderiv.render.text.StepTextPrinter` and
    :class:`symderiv.render.latex.StepLatexPrinter`.
    """

    minus = "-"

    def __init__(self, names: dict[str, str] | None = None, function: sp.Basic = None) -> None:
        self.names = names or {}
        self.function = function

    def doprint(self, obj: object) -> str:
        for cls in type(obj).__mro__:
            method = getattr(self, f"_print_{cls.__name__}", None)
            if method is not None:
                return method(obj)
        return self.expr(obj)  # type: ignore[arg-type]

    # hooks ---------------------------------------------------------------------------------
    def expr(self, e: sp.Basic) -> str:
        raise NotImplementedError

    def entry(self, base: str, indices: list[str]) -> str:
        raise NotImplementedError

    def power(self, base: str, k: int) -> str:
        raise NotImplementedError

    def sum_sign(self, index: str, excluded: list[str]) -> str:
        raise NotImplementedError

    def delta(self, a: str, b: str) -> str:
        raise NotImplementedError

    def group(self, inner: str, k: int) -> str:
        raise NotImplementedError

    def index(self, name: str) -> str:
        return name

    # structure -----------------------------------------------------------------------------
    def _print_IndexExpr(self, e: object) -> str:
        terms = getattr(e, "terms", ())
        if not terms:
            return "0"
        out = ""
        for n, t in enumerate(terms):
            negative, text = self._term(t)
            if n == 0:
                out = (self.minus if negative else "") + text
            else:
                out += f" {self.minus} " if negative else " + "
                out += text
        return out

    def _term(self, t: object) -> tuple[bool, str]:
        coeff = t.coeff  # type: ignore[attr-defined]
        negative = bool(coeff.could_extract_minus_sign())
        if negative:
            coeff = -coeff
        sums = "".join(self.sum_sign(self.index(b.index.name),  # type: ignore[attr-defined]
                                     [self.index(x.name) for x in b.excluded])
                       for b in t.sums)  # type: ignore[attr-defined]
        factors = self._factors(list(t.factors))  # type: ignore[attr-defined]
        c = "" if coeff == 1 else self.expr(coeff)
        if c and factors and not coeff.is_Rational:
            c = f"({c})" if isinstance(coeff, sp.Add) else c
        body = " ".join(x for x in (sums + factors,) if x)
        if c and (sums or factors):
            return negative, f"{c} {body}"
        return negative, (c or body or "1")

    def _factors(self, factors: list[object]) -> str:
        parts: list[str] = []
        n = 0
        while n < len(factors):
            f = factors[n]
            k = 1
            while n + k < len(factors) and factors[n + k] == f:
                k += 1
            text = self.doprint(f)
            parts.append(self.power(text, k) if k > 1 else text)
            n += k
        return " ".join(parts)

    def _print_Entry(self, e: object) -> str:
        base = e.base  # type: ignore[attr-defined]
        return self.entry(self.names.get(base, base),
                          [self.index(i.name) for i in e.indices])  # type: ignore[attr-defined]

    def _print_Delta(self, d: object) -> str:
        return self.delta(self.index(d.a.name), self.index(d.b.name))  # type: ignore

    def _print_Group(self, g: object) -> str:
        terms = g.expr.terms  # type: ignore[attr-defined]
        if len(terms) == 1 and terms[0].coeff == 1 and not terms[0].sums \
                and len(terms[0].factors) == 1:  # (x_i)² is x_i²
            return self.power(self.doprint(terms[0].factors[0]), g.power)  # type: ignore
        return self.group(self.doprint(g.expr), g.power)  # type: ignore[attr-defined]
