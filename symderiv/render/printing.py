"""Expression printers: numpy-like input syntax, Unicode for terminals, LaTeX.

One printer class per format, dispatching on ``_print_<ClassName>`` as SymPy's
printers do.  :func:`to_input` writes the language that :mod:`symderiv.parse`
reads, so a printed result can be pasted back as a claim.  How an expression reads
(a 1×1 trace as a norm or an inner product, a product split at its outer product) is
decided in :mod:`.notation`; index forms have their own printer in :mod:`.steps`.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence_traditional
from sympy.printing.str import StrPrinter

from ..calculus.functions import lookup, simple, unnest
from ..calculus.largest import Largest
from ..calculus.vocabulary import Softmax, logsumexp_operand
from ..forms import term_order
from .notation import _outer_split, _pull_inner_products, _scalar_form, _trace_norm
from .steps import StepPrinter as StepPrinter  # the step printers subclass it from here

__all__ = ["to_input", "to_latex", "to_unicode"]

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _strip_parens(text: str) -> str:
    """Drop one pair of parentheses that encloses the whole text."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and i < len(text) - 1:
            return text
    return text[1:-1]


class NumpyPrinter(StrPrinter):
    """The numpy-like input language: ``-2 * X.T @ y + 2 * X.T @ X @ w``.

    A scalar written as a product (``x.T @ x``) is printed in parentheses so that
    it binds as a unit (``1/(x.T @ x)``); :meth:`doprint` and function arguments
    drop parentheses that enclose everything.
    """

    printmethod = "_symderiv_input"
    #: rewrites (Aᵀ → A for symmetric A) for the transposes the printer itself makes
    rules: dict[sp.Basic, sp.Basic] = {}  # noqa: RUF012 - replaced per instance, never mutated
    matmul = " @ "
    hadamard = " * "
    sum_name, trace_name, logdet_name = "sum", "trace", "logdet"

    def doprint(self, expr: sp.Basic) -> str:
        return _strip_parens(super().doprint(expr))

    def _arg(self, e: sp.Basic) -> str:
        return _strip_parens(self._print(e))

    def _print_exp(self, e: sp.exp) -> str:
        return f"exp({self._arg(e.args[0])})"

    def _print_Abs(self, e: sp.Abs) -> str:
        return f"norm({self._arg(e.args[0])})"

    def _print_Function(self, e: sp.Function) -> str:
        f = lookup(e)
        if f is None:
            return super()._print_Function(e)
        return f.written(self._arg(e.args[0]))

    _print_Heaviside = _print_DiracDelta = _print_sign = _print_Function

    def _print_Largest(self, e: Largest) -> str:
        inner = _abs_of(e.arg)
        if inner is not None:
            return f"norm({self._arg(inner)}, inf)"
        return f"max({self._arg(e.arg)})"

    def norm_power(self, v: sp.Basic, p: sp.Expr) -> str:
        """‖v‖ᵖ in this printer's notation (p a nonzero rational)."""
        text = f"norm({self._arg(v)})"
        if p < 0:
            return "1/" + self.norm_power(v, -p)
        return text if p == 1 else f"{text}**{self._wrap(p, PRECEDENCE['Pow'] + 1)}"

    def _print_Pow(self, e: sp.Pow, rational: bool = False) -> str:
        base, ex = e.args
        normed = _trace_norm(base)
        if normed is not None and ex.is_Rational:
            return self.norm_power(normed, 2 * ex)
        if ex == sp.Rational(1, 2):
            return f"sqrt({self._arg(base)})"
        if ex == sp.Rational(-1, 2):
            return f"1/sqrt({self._arg(base)})"
        if ex == -1:
            return f"1/{self._wrap(base, PRECEDENCE['Pow'])}"
        if ex.is_Rational and ex < 0:
            power = self._wrap(-ex, PRECEDENCE["Pow"] + 1)
            return f"1/{self._wrap(base, PRECEDENCE['Pow'])}**{power}"
        return f"{self._wrap(base, PRECEDENCE['Pow'] + 1)}**{self._wrap(ex, PRECEDENCE['Pow'] + 1)}"

    def _print_Mul(self, e: sp.Mul) -> str:
        coeff, _rest = e.as_coeff_Mul()
        if coeff.is_Number and coeff < 0:
            # -e of an unevaluated −1·(y − f) is a sum: it keeps its parentheses
            return "-" + self.parenthesize(-e, PRECEDENCE["Mul"], strict=True)
        return super()._print_Mul(e)

    def _wrap(self, e: sp.Basic, level: int) -> str:
        return self.parenthesize(e, level, strict=False)

    def _print_MatrixSymbol(self, e: sp.MatrixSymbol) -> str:
        return str(e.name)

    def _print_Symbol(self, e: sp.Symbol) -> str:
        return e.name

    def _print_Transpose(self, e: sp.Transpose) -> str:
        if isinstance(e.arg, sp.MatrixSymbol):
            return f"{self._print(e.arg)}.T"
        if isinstance(e.arg, Softmax):  # a 1-D vector in the language: .T changes nothing
            return self._print(e.arg)
        return f"({self._print(e.arg)}).T"

    def _print_Inverse(self, e: sp.Inverse) -> str:
        return f"inv({self._print(e.arg)})"

    def _print_Determinant(self, e: sp.Determinant) -> str:
        return f"det({self._print(e.arg)})"

    def _print_log(self, e: sp.log) -> str:
        if isinstance(e.args[0], sp.Determinant):
            return f"{self.logdet_name}({self._arg(e.args[0].arg)})"
        z = logsumexp_operand(e)
        if z is not None:
            return f"logsumexp({self._arg(z)})"
        return f"log({self._arg(e.args[0])})"

    def _print_Softmax(self, e: Softmax) -> str:
        return f"softmax({self._arg(e.arg)})"

    def _print_Exp1(self, e: sp.Basic) -> str:
        return "exp(1)"  # the language has no name E (it asks for exp(1))

    def _print_Trace(self, e: sp.Trace) -> str:
        kind, operand = _scalar_form(e)
        if kind == "constant":
            return self._print(operand)
        if kind == "sum":
            return f"{self.sum_name}({self._arg(operand)})"
        if kind == "norm":
            return self.norm_squared(operand)
        if kind == "inner":
            return f"({self._print(operand)})"
        return f"{self.trace_name}({self._arg(e.arg)})"

    def norm_squared(self, v: sp.Basic) -> str:
        return f"(norm({self._arg(v)})**2)"  # parenthesised: (norm(x)**2)**s

    def _print_Identity(self, e: sp.Identity) -> str:
        return f"eye({self._print(e.rows)})"

    def _print_ZeroMatrix(self, e: sp.ZeroMatrix) -> str:
        return "0"

    def _print_OneMatrix(self, e: sp.OneMatrix) -> str:
        if e.shape == (1, 1):
            return "1"
        if e.cols == 1:
            return f"ones({self._print(e.rows)})"
        return f"ones({self._print(e.rows)}, {self._print(e.cols)})"

    def _print_DiagMatrix(self, e: sp.Basic) -> str:
        return f"diag({self._arg(e.args[0])})"

    _print_DiagonalOf = _print_DiagMatrix

    def _print_MatPow(self, e: sp.MatPow) -> str:
        k = e.exp
        if k.is_Integer and k != 0:
            base = e.base if k > 0 else sp.Inverse(e.base)
            return self._product([base] * abs(int(k)))
        return f"{self._wrap(e.base, PRECEDENCE['Pow'] + 1)}**{self._print(k)}"

    def _print_HadamardProduct(self, e: sp.HadamardProduct) -> str:
        over = [a for a in e.args if _divisor(a) is not None]
        if not over:
            return self.hadamard.join(self._wrap(a, PRECEDENCE["Mul"]) for a in e.args)
        # a ∘ b⁻¹ as a / b: the language's / divides arrays entry by entry
        top = [a for a in e.args if _divisor(a) is None]
        num = self.hadamard.join(self._wrap(a, PRECEDENCE["Mul"]) for a in top) or "1"
        under = [_divisor(a) for a in over]
        den = (self._wrap(under[0], PRECEDENCE["Mul"] + 1) if len(under) == 1 else
               "(" + self.hadamard.join(self._wrap(a, PRECEDENCE["Mul"]) for a in under) + ")")
        return f"{num} / {den}"

    def _print_HadamardPower(self, e: sp.HadamardPower) -> str:
        base, ex = e.args
        if ex == sp.Rational(1, 2):
            return f"sqrt({self._print(base)})"
        if _divisor(e) is not None:
            return self._print_HadamardProduct(sp.HadamardProduct(e, evaluate=False))
        return f"{self._wrap(base, PRECEDENCE['Pow'] + 1)}**{self._wrap(ex, PRECEDENCE['Pow'] + 1)}"

    def _print_ElementwiseApplyFunction(self, e: ElementwiseApplyFunction) -> str:
        f = simple(e)
        if f is None:
            return self._print(unnest(e))
        return f.written(self._arg(e.expr))

    def _factor_text(self, f: sp.Basic) -> str:
        return self._wrap(f, PRECEDENCE["Mul"] + 1)

    def _product(self, mats: list[sp.Basic]) -> str:
        split = _outer_split(mats)
        if split is not None:
            left = mats[:split]
            right = sp.Transpose(sp.MatMul(*mats[split:]) if len(mats) - split > 1
                                 else mats[split]).doit().xreplace(self.rules)
            lt = self._print(sp.MatMul(*left)) if len(left) > 1 else self._print(left[0])
            return f"outer({lt}, {self._print(right)})"
        return self.matmul.join(self._factor_text(m) for m in mats)

    def _coeff_prefix(self, coeff: sp.Expr) -> str:
        if coeff == 1:
            return ""
        if coeff == -1:
            return "-"
        text = self._print(coeff)
        if isinstance(coeff, sp.Add):
            text = f"({text})"
        return f"{text}{self.scalar_times}"

    scalar_times = " * "

    def _print_MatMul(self, e: sp.MatMul) -> str:
        coeff, mats = e.as_coeff_matrices()
        scalars, spine = _pull_inner_products(list(mats))
        for sc in scalars:  # vectors are 1-D in the input language: a @ a.T is a scalar there
            coeff = coeff * sc
        if not spine:
            return self._print(coeff)
        if len(spine) == 1 and isinstance(spine[0], sp.HadamardProduct):
            # c * y * σ(u) is c * (y * σ(u)): a scalar factor commutes with the ∘
            return self._coeff_prefix(coeff) + self._print(spine[0])
        return self._coeff_prefix(coeff) + self._product(spine)

    def _print_MatAdd(self, e: sp.MatAdd) -> str:
        terms = _sum_order(e)
        out = ""
        for i, t in enumerate(terms):
            ones = _ones_times(t)  # 1 - σ(u): a number in a sum of arrays broadcasts
            text = self._print(t) if ones is None or len(terms) == 1 else self._print(ones)
            if i == 0:
                out = text
            elif text.startswith("-"):
                out += " - " + text[1:]
            else:
                out += " + " + text
        return out


class UnicodePrinter(NumpyPrinter):
    """Compact mathematical notation for terminals: ``-2 Xᵀy + 2 XᵀXw``."""

    matmul = ""
    hadamard = " ∘ "
    scalar_times = " "
    sum_name, trace_name, logdet_name = "Σ", "tr", "log det"

    def norm_squared(self, v: sp.Basic) -> str:
        return f"‖{self._arg(v)}‖²"

    def _print_Transpose(self, e: sp.Transpose) -> str:
        if isinstance(e.arg, sp.MatrixSymbol | Softmax):
            return f"{self._print(e.arg)}ᵀ"
        return f"({self._print(e.arg)})ᵀ"

    def _print_Inverse(self, e: sp.Inverse) -> str:
        if isinstance(e.arg, sp.MatrixSymbol):
            return f"{self._print(e.arg)}⁻¹"
        if isinstance(e.arg, sp.Transpose) and isinstance(e.arg.arg, sp.MatrixSymbol):
            return f"{self._print(e.arg.arg)}⁻ᵀ"
        return f"({self._print(e.arg)})⁻¹"

    def _print_Identity(self, e: sp.Identity) -> str:
        return "I"

    def _print_MatPow(self, e: sp.MatPow) -> str:
        k = e.exp
        if k.is_Integer:
            return f"{self._wrap(e.base, PRECEDENCE['Pow'] + 1)}{str(k).translate(_SUPERSCRIPT)}"
        return super()._print_MatPow(e)

    def _print_OneMatrix(self, e: sp.OneMatrix) -> str:
        return "1" if e.shape == (1, 1) else "𝟙"

    def _print_Exp1(self, e: sp.Basic) -> str:
        return "e"

    def norm_power(self, v: sp.Basic, p: sp.Expr) -> str:
        if p < 0:
            return "1/" + self.norm_power(v, -p)
        text = f"‖{self._arg(v)}‖"
        if p == 1:
            return text
        return text + (str(p).translate(_SUPERSCRIPT) if p.is_Integer else f"^({p})")

    def _print_Pow(self, e: sp.Pow, rational: bool = False) -> str:
        base, ex = e.args
        normed = _trace_norm(base)
        if normed is not None and ex.is_Rational:
            return self.norm_power(normed, 2 * ex)
        if ex == sp.Rational(1, 2):
            return f"√({self._arg(base)})"
        if ex.is_Integer and ex > 0:
            return f"{self._wrap(base, PRECEDENCE['Pow'] + 1)}{str(ex).translate(_SUPERSCRIPT)}"
        return super()._print_Pow(e, rational)

    def _print_exp(self, e: sp.exp) -> str:
        return f"exp({self._arg(e.args[0])})"


    def _product(self, mats: list[sp.Basic]) -> str:
        return "".join(self._factor_text(m) for m in mats)  # juxtaposition: xxᵀ reads right


def _sum_order(e: sp.MatAdd) -> list[sp.Basic]:
    """The terms as a person writes them (:func:`term_order`); in a sum with a function
    applied entry by entry or a number, a term without a minus first: y - σ(Xw), not
    -σ(Xw) + y; 2 * y - 1, not -1 + 2 * y."""
    terms = sorted(e.args, key=term_order)
    if e.has(ElementwiseApplyFunction, Softmax) or any(_ones_times(t) is not None
                                                       for t in terms):
        first = next((t for t in terms if not _negated(t)), None)
        if first is not None:
            terms.remove(first)
            terms.insert(0, first)
    return terms


def _negated(t: sp.Basic) -> bool:
    """True when the term is written with a leading minus (−2A, −(sᵀv)𝟙)."""
    coeff = t.as_coeff_matrices()[0] if isinstance(t, sp.MatMul) else sp.Integer(1)
    return bool(sp.sympify(coeff).as_coeff_Mul()[0].is_negative)


def _divisor(m: sp.Basic) -> sp.Basic | None:
    """b (or bᵏ) where m is b∘⁻¹ (or b∘⁻ᵏ), a divisor entry by entry."""
    if isinstance(m, sp.HadamardPower) and m.exp.is_Rational and m.exp < 0:
        return m.base if m.exp == -1 else sp.HadamardPower(m.base, -m.exp)
    return None


def _ones_times(m: sp.Basic) -> sp.Expr | None:
    """c where m is c𝟙, the all-ones array times a scalar."""
    coeff, mats = m.as_coeff_matrices() if isinstance(m, sp.MatMul) else (1, [m])
    if len(mats) == 1 and isinstance(mats[0], sp.OneMatrix):
        return sp.sympify(coeff)
    return None


def _abs_of(m: sp.Basic) -> sp.Basic | None:
    """v where m is abs(v) entry by entry (max(abs(v)) prints as norm(v, inf))."""
    f = simple(m) if isinstance(m, ElementwiseApplyFunction) else None
    return m.expr if f is not None and f.name == "abs" else None


#: functions whose LaTeX SymPy already writes as a reader expects (\sin, \exp, |x|)
_SYMPY_LATEX = frozenset({sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.asin, sp.acos, sp.atan,
                          sp.sinh, sp.cosh, sp.tanh, sp.Abs})


def _matrix_under_root(e: sp.Basic) -> bool:
    """True where a fractional power has a matrix in its base (√(det(M)²))."""
    return any(not p.exp.is_Integer and p.base.has(sp.MatrixSymbol) for p in e.atoms(sp.Pow))


class MatrixLatexPrinter(LatexPrinter):
    """LaTeX with ``^\\top`` transposes, ``\\log\\det`` and inner products for 1×1 traces."""

    def _as_ordered_terms(self, expr: sp.Basic, order: str | None = None) -> list[sp.Basic]:
        # SymPy orders a sum's terms by re-evaluating each fractional power (decompose_power),
        # and √(det(M)²) then evaluates Abs through signsimp, which rewrites a negated matrix
        # sum inside det as a scalar product (TypeError, AttributeError, NotImplementedError).
        # Such a sum is ordered with each determinant and trace standing in as a symbol.
        if not _matrix_under_root(expr):
            return super()._as_ordered_terms(expr, order=order)
        inner = sorted(expr.atoms(sp.Determinant, sp.Trace), key=sp.default_sort_key)
        stand_in = {a: sp.Dummy(f"m{k}") for k, a in enumerate(inner)}
        back = {a.xreplace(stand_in): a for a in expr.args}
        proxy = sp.Add(*back)
        if _matrix_under_root(proxy) or set(sp.Add.make_args(proxy)) != set(back):
            return list(expr.args)
        return [back[t] for t in super()._as_ordered_terms(proxy, order=order)]

    def _print_Pow(self, e: sp.Pow) -> str:
        base, ex = e.args
        normed = _trace_norm(base)
        if normed is not None and ex.is_Rational:
            p = 2 * ex
            norm = rf"\left\| {self._print(normed)} \right\|"
            power = norm if abs(p) == 1 else rf"{norm}^{{{self._print(abs(p))}}}"
            return power if p > 0 else rf"\frac{{1}}{{{power}}}"
        if isinstance(base, sp.Trace) and base.arg.shape == (1, 1) and ex != sp.Rational(1, 2) \
                and not (ex.is_Rational and ex < 0):
            return rf"\left({self._print(base)}\right)^{{{self._print(ex)}}}"
        return super()._print_Pow(e)

    def _print_Transpose(self, e: sp.Transpose) -> str:
        inner = self._print(e.arg)
        if not isinstance(e.arg, sp.MatrixSymbol):
            inner = rf"\left({inner}\right)"
        return rf"{inner}^{{\top}}"

    @staticmethod
    def _precedence(item: sp.Basic) -> int:
        """SymPy's precedence, but a matrix product's is read from its leading number:
        SymPy asks could_extract_minus_sign(), which builds −M and calls doit() — composing
        log(log(…(x))) entry by entry took 7 s for 55 levels (found by the fuzz test)."""
        if isinstance(item, sp.MatMul):
            c = item.args[0]
            negative = c.is_Number and c.is_extended_negative
            return PRECEDENCE["Add"] if negative else PRECEDENCE["Mul"]
        return precedence_traditional(item)

    def parenthesize(self, item: sp.Basic, level: int, is_neg: bool = False,
                     strict: bool = False) -> str:
        prec = self._precedence(item)
        if (is_neg and strict) or prec < level or (not strict and prec <= level):
            return self._add_parens(self._print(item))
        return self._print(item)

    def _print_MatMul(self, e: sp.MatMul) -> str:
        """SymPy's, with the minus sign read from the leading number (see _precedence)."""
        level = self._precedence(e)

        def parens(x: sp.Basic) -> str:
            if isinstance(x, sp.Mul) and not isinstance(x, sp.MatMul):
                return self._print(x)
            return self.parenthesize(x, level, False)

        args = list(e.args)
        if args[0].is_Number and args[0].is_extended_negative:
            args = args[1:] if args[0] == -1 else [-args[0], *args[1:]]
            return "- " + " ".join(map(parens, args))
        return " ".join(map(parens, args))

    def _print_Inverse(self, e: sp.Inverse) -> str:
        if isinstance(e.arg, sp.Transpose) and isinstance(e.arg.arg, sp.MatrixSymbol):
            return rf"{self._print(e.arg.arg)}^{{-\top}}"
        inner = self._print(e.arg)
        if not isinstance(e.arg, sp.MatrixSymbol):
            inner = rf"\left({inner}\right)"
        return rf"{inner}^{{-1}}"

    def _print_Trace(self, e: sp.Trace) -> str:
        kind, operand = _scalar_form(e)
        if kind == "constant":
            return self._print(operand)
        if kind == "sum":  # 𝟙ᵀv, or 𝟙ᵀM𝟙 for a matrix; a product or sum in parentheses
            inner = self._print(operand)
            if not isinstance(operand, sp.MatrixSymbol):
                inner = rf"\left({inner}\right)"
            ones = r" \mathbf{1}" if operand.shape[1] != 1 else ""
            return rf"\mathbf{{1}}^{{\top}} {inner}{ones}"
        if kind == "norm":
            return rf"\left\| {self._print(operand)} \right\|^{{2}}"
        if kind == "inner":  # −xᵀAx inside a product: 2 (−xᵀAx), never "2 - xᵀAx"
            text = self._print(operand)
            return rf"\left({text}\right)" if text.lstrip().startswith("-") else text
        return rf"\operatorname{{tr}}\left({self._print(e.arg)}\right)"

    def _print_log_det(self, e: sp.log, exp: str | None = None) -> str:
        if isinstance(e.args[0], sp.Determinant):
            out = rf"\log\det {self._print(e.args[0].arg)}"
        else:
            out = rf"\log\left({self._print(e.args[0])}\right)"
        return out if exp is None else rf"\left({out}\right)^{{{exp}}}"

    def _print_Determinant(self, e: sp.Determinant, exp: str | None = None) -> str:
        out = rf"\det {self._print(e.arg)}"
        return out if exp is None else rf"\left({out}\right)^{{{exp}}}"

    def _print_OneMatrix(self, e: sp.OneMatrix) -> str:
        return "1" if e.shape == (1, 1) else r"\mathbf{1}"

    def _print_HadamardProduct(self, e: sp.HadamardProduct) -> str:
        # parenthesised, and so is each product or sum inside: ∘ binds tighter than
        # juxtaposition when read back, so diag(y) ∘ y yᵀ would misread
        return r"\left(" + r" \circ ".join(self._hadamard_factor(a) for a in e.args) + \
            r"\right)"

    def _hadamard_factor(self, a: sp.Basic) -> str:
        text = self._print(a)
        if isinstance(a, sp.MatMul | sp.MatAdd | sp.Mul | sp.Add) or text.startswith("-"):
            return rf"\left({text}\right)"
        return text

    def _print_HadamardPower(self, e: sp.HadamardPower) -> str:
        base, ex = e.args
        if ex.is_Integer and 1 < ex <= 8:  # v ∘ v: the notation symderiv reads back
            return self._print_HadamardProduct(sp.HadamardProduct(*[base] * int(ex),
                                                                  evaluate=False))
        return super()._print_HadamardPower(e)

    def _print_Identity(self, e: sp.Identity) -> str:
        # with its size: a reader takes a bare I's size only from a square matrix beside it
        # in a sum (A + λI), so −I·A or 2I alone would not read back
        return rf"I_{{{self._print(e.shape[0])}}}"

    def _print_MatPow(self, e: sp.MatPow) -> str:
        k = e.exp
        if k.is_Integer and k < -1:  # (A^{-1})^{k}: symderiv reads powers of a matrix as A^k
            return rf"\left({self._print(sp.Inverse(e.base))}\right)^{{{-int(k)}}}"
        return super()._print_MatPow(e)

    def _print_DiagMatrix(self, e: sp.Basic) -> str:
        return rf"\operatorname{{diag}}\left({self._print(e.args[0])}\right)"

    _print_DiagonalOf = _print_DiagMatrix

    def _print_ElementwiseApplyFunction(self, e: ElementwiseApplyFunction) -> str:
        f = simple(e)
        if f is None:
            return self._print(unnest(e))
        return rf"{f.latex}\left({self._print(e.expr)}\right)"

    def _print_Softmax(self, e: Softmax) -> str:
        return rf"\operatorname{{softmax}}\left({self._print(e.arg)}\right)"

    def _print_log(self, e: sp.log, exp: str | None = None) -> str:
        z = logsumexp_operand(e)
        if z is None:
            return self._print_log_det(e, exp)
        out = rf"\operatorname{{logsumexp}}\left({self._print(z)}\right)"
        return out if exp is None else rf"\left({out}\right)^{{{exp}}}"

    def _print_Function(self, e: sp.Function, exp: str | None = None) -> str:
        f = lookup(e)
        if f is None or f.cls in _SYMPY_LATEX:
            return super()._print_Function(e, exp)
        out = rf"{f.latex}\left({self._print(e.args[0])}\right)"
        return out if exp is None else rf"\left({out}\right)^{{{exp}}}"

    _print_Heaviside = _print_DiracDelta = _print_sign = _print_Function

    def _print_Largest(self, e: Largest, exp: str | None = None) -> str:
        inner = _abs_of(e.arg)
        out = (rf"\left\| {self._print(inner)} \right\|_\infty" if inner is not None
               else rf"\max\left({self._print(e.arg)}\right)")
        return out if exp is None else rf"\left({out}\right)^{{{exp}}}"

    def _print_MatAdd(self, e: sp.MatAdd) -> str:
        terms = _sum_order(e)
        out = ""
        for i, t in enumerate(terms):
            text = self._print(t)
            if i and not text.startswith("-"):
                out += " + "
            elif i:
                out += " - "
                text = text[1:].lstrip()
            out += text
        return out


_NUMPY = NumpyPrinter({"order": "none"})
_UNICODE = UnicodePrinter({"order": "none"})
_LATEX = MatrixLatexPrinter({"mat_symbol_style": "plain"})


def to_input(e: sp.Basic, rules: dict[sp.Basic, sp.Basic] | None = None) -> str:
    """The expression in symderiv's numpy-like input language.

    ``rules`` (from the declared assumptions) simplify the transposes that writing an
    outer product with 1-D vectors requires: ``outer(inv(S) @ x, inv(S) @ x)``.
    """
    if not rules:
        return _NUMPY.doprint(e)
    printer = NumpyPrinter({"order": "none"})
    printer.rules = rules
    return printer.doprint(e)


def to_unicode(e: sp.Basic) -> str:
    """Compact Unicode notation: ``2 XᵀXw``, ``2·w0·Σ(x∘²)``."""
    text = _UNICODE.doprint(e)
    text = re.sub(r"\*\*(\d+)", lambda m: m.group(1).translate(_SUPERSCRIPT), text)
    return text.replace("**", "^").replace("*", "·")


def to_latex(e: sp.Basic) -> str:
    """LaTeX math (no delimiters)."""
    return _LATEX.doprint(e)

