"""The exponent laws' natural extension (talk A3), derived and checked.

For natural x, y the laws are (1) a^x·a^y = a^(x+y), (2) a^x ÷ a^y = a^(x−y) and
(3) (a^x)^y = a^(xy).  Asking that they keep holding beyond the naturals forces
a⁰ = 1, a⁻ⁿ = 1/aⁿ, a^(1/n) = ⁿ√a and a^(p/q) = (q√a)^p — and forces a > 0 for
real exponents, because (−8)^(1/3) and (−8)^(2/6) would have to differ.

:func:`natural_extension` returns that derivation as data: every step names the
law it uses and is checked, symbolically (SymPy with a > 0) and at random values
(a > 0 rational, n, q natural, p integer) in 50-digit arithmetic.
:func:`check_power_claim` decides a claim such as ``a**(1/2) = -sqrt(a)`` or
``(a**x)**y = a**(x+y)``: a proof by simplification, or a counterexample found
among small values first (so it reads well), then at random ones.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..errors import ArgumentError, ParseError, StepError, UnsupportedError
from ..parse.values import Term, evaluate, parse_equation, parse_value
from ..space import Declaration
from ..verdict import Counterexample, Evidence, Sentence, Verdict
from .exact import ExactArithmetic

__all__ = ["ExponentDerivation", "PowerStep", "Section", "check_power_claim",
           "natural_extension", "prose"]

#: The symbols of the derivation: a > 0; n, q natural; p an integer.
_SYMBOLS = {"a": sp.Symbol("a", positive=True),
            "n": sp.Symbol("n", integer=True, positive=True),
            "q": sp.Symbol("q", integer=True, positive=True),
            "p": sp.Symbol("p", integer=True)}

LAWS = (("(1)", "a**x * a**y", "a**(x + y)"),
        ("(2)", "a**x / a**y", "a**(x - y)"),
        ("(3)", "(a**x)**y", "a**(x*y)"))


@dataclass(frozen=True, slots=True)
class PowerStep:
    """``lhs = rhs`` by ``rule``, explained by ``why``.

    ``rule`` is ``law (1)``, ``law (2)`` or ``law (3)`` (the step must then be an
    instance of that law, read in either direction), ``exponent arithmetic`` (same
    base, equal exponents), ``exact`` (numbers only) or ``given`` (a definition or a
    result above).  ``checked`` says how the step was checked; a ``supposed`` step
    (the hypothesis of a proof by contradiction) is checked for its form only.
    """

    lhs: Term
    rhs: Term
    rule: str
    why: Sentence
    checked: str = ""
    supposed: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    """One result of the extension (``a⁰ = 1``) with the steps that force it."""

    title: Sentence
    steps: tuple[PowerStep, ...]
    conclusion: Sentence


@dataclass(frozen=True, slots=True)
class ExponentDerivation:
    """The whole derivation: the laws, then one :class:`Section` per extension;
    ``points`` random values checked each step (``seed`` reproduces them)."""

    laws: tuple[tuple[str, Term, Term], ...]
    sections: tuple[Section, ...]
    points: int
    seed: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        from ..render.json import exponents_to_dict

        return exponents_to_dict(self)

    def __str__(self) -> str:
        from ..render.text import render_exponents

        return render_exponents(self)

    def _repr_latex_(self) -> str:
        from ..render.latex import render_exponents

        return render_exponents(self)


# The derivation, as the talk gives it.  Prose is written with $…$ around mathematics in
# input syntax, so that each printer can set it (a^{2 - 2} in LaTeX, a^(2 - 2) in text).
# A step is (lhs, rhs, rule, why); rule "suppose …" marks the hypothesis of a contradiction.
_L1, _L2, _L3 = "law (1)", "law (2)", "law (3)"
_ARITH, _GIVEN, _EXACT = "exponent arithmetic", "given", "exact"
_DERIVATION: tuple[tuple[str, str, tuple[tuple[str, str, str, str], ...]], ...] = (
    ("The laws for natural exponents", "the laws hold for natural $x$, $y$ (here $a$ = $2$)", (
        ("2**2 * 2**3", "2**5", _L1, "law (1): $4*8$ = $32$"),
        ("2**5 / 2**3", "2**2", _L2, "law (2): $32/8$ = $4$"),
        ("(2**2)**3", "2**6", _L3, "law (3): $4**3$ = $64$"),
    )),
    ("$a**0$ = $1$", "$a**0$ = $1$: the only value that keeps law (2) for $x$ = $y$", (
        ("a**2 / a**2", "1", _GIVEN,
         "the definition of division: $1$ is the unique $x$ with $a**2*x$ = $a**2$ "
         "($a**2$ ≠ 0)"),
        ("a**2 / a**2", "a**(2 - 2)", _L2, "law (2) with $x$ = $y$ = $2$"),
        ("a**(2 - 2)", "a**0", _ARITH, "$2 - 2$ = $0$"),
        ("a**0", "1", _GIVEN, "both equal $a**2/a**2$"),
    )),
    ("$a**(-n)$ = $1/a**n$", "$a**(-n)$ = $1/a**n$; for $n$ = $1$, $a**(-1)$ = $1/a$", (
        ("1 / a**n", "a**0 / a**n", _GIVEN, "$a**0$ = $1$, from above"),
        ("a**0 / a**n", "a**(0 - n)", _L2, "law (2)"),
        ("a**(0 - n)", "a**(-n)", _ARITH, "$0 - n$ = $-n$"),
        ("1 / a", "a**0 / a**1", _GIVEN, "the talk's case $n$ = $1$: $a**0$ = $1$, $a**1$ = $a$"),
        ("a**0 / a**1", "a**(-1)", _L2, "law (2)"),
    )),
    ("$a**(1/n)$ = $root(a, n)$",
     "$a**(1/n)$ = $root(a, n)$; for $n$ = $2$, $a**(1/2)$ = $sqrt(a)$, not $-sqrt(a)$", (
         ("(a**(1/n))**n", "a**((1/n)*n)", _L3, "law (3)"),
         ("a**((1/n)*n)", "a**1", _ARITH, "$(1/n)*n$ = $1$"),
         ("a**1", "a", _GIVEN, "a natural power: $a**1$ = $a$"),
         ("a**(1/n)", "a**(1/(2*n)) * a**(1/(2*n))", _L1,
          "law (1): $1/(2*n) + 1/(2*n)$ = $1/n$, so $a**(1/n)$ is a square: ≥ 0, and ≠ 0 "
          "as its $n$-th power is $a$"),
         ("a**(1/n)", "root(a, n)", _GIVEN,
          "$root(a, n)$ is the only positive $y$ with $y**n$ = $a$"),
         ("(a**(1/2))**2", "a**((1/2)*2)", _L3, "the talk's case $n$ = $2$: law (3)"),
         ("a**((1/2)*2)", "a**1", _ARITH, "$(1/2)*2$ = $1$"),
         ("a**(1/2)", "sqrt(a)", _GIVEN, "the positive square root, as for any $n$"),
     )),
    ("$a**(p/q)$ = $root(a, q)**p$",
     "$a**(p/q)$ = $root(a, q)**p$ = $root(a**p, q)$ for integers $p$ and natural $q$", (
         ("a**(p/q)", "(a**(1/q))**p", _L3, "law (3): $(1/q)*p$ = $p/q$"),
         ("(a**(1/q))**p", "root(a, q)**p", _GIVEN, "$a**(1/q)$ = $root(a, q)$, from above"),
         ("a**(p/q)", "(a**p)**(1/q)", _L3, "law (3): $p*(1/q)$ = $p/q$"),
         ("(a**p)**(1/q)", "root(a**p, q)", _GIVEN,
          "$a**(1/q)$ = $root(a, q)$ for the base $a**p$ > 0"),
     )),
    ("Why $a$ > 0 for real exponents ($a$ = $-8$, $x$ = $1/3$ = $2/6$)",
     "$(-8)**(1/3)$ would be both $-2$ and $2$: the laws cannot hold for $a$ < 0, so $a**x$ "
     "with real $x$ is defined for $a$ > 0 only", (
         ("(-8)**(1/3)", "root(-8, 3)", "suppose " + _GIVEN,
          "suppose $a**(1/n)$ = $root(a, n)$ held for $a$ = $-8$"),
         ("root(-8, 3)", "-2", _EXACT, "$(-2)**3$ = $-8$: the real cube root"),
         ("(-8)**(2/6)", "((-8)**2)**(1/6)", "suppose " + _L3,
          "suppose law (3) held for $a$ = $-8$"),
         ("((-8)**2)**(1/6)", "64**(1/6)", _EXACT, "$(-8)**2$ = $64$"),
         ("64**(1/6)", "2", _EXACT, "$2**6$ = $64$"),
         ("1/3", "2/6", _EXACT, "the same exponent, so $(-8)**(1/3)$ = $(-8)**(2/6)$, yet "
          "$-2$ ≠ $2$"),
     )),
)

_NAMES = [*_SYMBOLS, "x", "y"]


def prose(text: str) -> Sentence:
    """``"law (2) with $x$ = $2$"`` as a :class:`Sentence` whose slots are the parsed
    ``$…$`` pieces (terms in input syntax)."""
    pieces = text.split("$")
    if len(pieces) % 2 == 0:
        raise ValueError(f"unbalanced $ in {text!r}")
    template = "".join(p.replace("{", "{{").replace("}", "}}") if i % 2 == 0 else "{}"
                       for i, p in enumerate(pieces))
    return Sentence(template, tuple(parse_value(p, names=_NAMES) for p in pieces[1::2]))


def _value(term: Term) -> sp.Basic:
    return evaluate(term, ExactArithmetic(_SYMBOLS, "step", term.text))


def _draw(rng: random.Random, names: set[str]) -> dict[sp.Symbol, sp.Basic]:
    point = {}
    for name in names:
        s = _SYMBOLS[name]
        if name == "a":
            point[s] = sp.Rational(rng.randint(1, 1000), rng.randint(1, 100))
        elif name == "p":
            point[s] = sp.Integer(rng.choice([-1, 1]) * rng.randint(0, 7))
        else:
            point[s] = sp.Integer(rng.randint(1, 7))
    return point


def _same(a: Term, b: Term) -> bool:
    from ..render.terms import term_text  # asked lazily: render is the layer above

    return term_text(a) == term_text(b)


def _equal_values(a: sp.Basic, b: sp.Basic) -> bool:
    return sp.simplify(a - b) == 0


def _law_instance(rule: str, lhs: Term, rhs: Term) -> bool:
    """Whether ``lhs = rhs`` is the law read in one direction or the other:
    (1) b^x·b^y = b^(x+y), (2) b^x ÷ b^y = b^(x−y), (3) (b^x)^y = b^(x·y)."""
    for u, v in ((lhs, rhs), (rhs, lhs)):
        if v.op != "**":
            continue
        base, exponent = v.args[0], _value(v.args[1])
        if rule in (_L1, _L2) and u.op == ("*" if rule == _L1 else "/"):
            left, right = u.args
            if left.op == right.op == "**" and _same(left.args[0], base) and \
                    _same(right.args[0], base):
                x, y = _value(left.args[1]), _value(right.args[1])
                if _equal_values(exponent, x + y if rule == _L1 else x - y):
                    return True
        if rule == _L3 and u.op == "**" and u.args[0].op == "**" and \
                _same(u.args[0].args[0], base):
            x, y = _value(u.args[0].args[1]), _value(u.args[1])
            if _equal_values(exponent, x * y):
                return True
    return False


def _check_step(lhs: Term, rhs: Term, rule: str, rng: random.Random, points: int) -> str:
    """Check the step's form against its rule, then its truth; say how."""
    from ..render.terms import term_text  # asked lazily: render is the layer above

    where = f"{term_text(lhs)} = {term_text(rhs)}"
    supposed = rule.startswith("suppose ")
    rule = rule.removeprefix("suppose ")
    how = []
    if rule.startswith("law"):
        if not _law_instance(rule, lhs, rhs):
            raise StepError(f"step {where} is not an instance of {rule}")
        how.append(f"an instance of {rule}")
    if rule == _ARITH:
        if not (lhs.op == rhs.op == "**" and _same(lhs.args[0], rhs.args[0])
                and _equal_values(_value(lhs.args[1]), _value(rhs.args[1]))):
            raise StepError(f"step {where} is not arithmetic in the exponent")
        how.append("the same base, equal exponents")
    if supposed:
        return "; ".join([*how, "supposed (the hypothesis to refute)"])
    left, right = _value(lhs), _value(rhs)
    names = (lhs.names() | rhs.names()) & set(_SYMBOLS)
    if rule == _EXACT or not names:
        if not _equal_values(left, right):
            raise StepError(f"step {where} is wrong")
        return "; ".join([*how, "true exactly"])
    symbolic = _equal_values(left, right)
    for _ in range(points):
        point = _draw(rng, names)
        if _differ(left.subs(point), right.subs(point)):  # one comparison for steps and claims
            raise StepError(f"step {where} fails at {point}")
    true = ("true symbolically and " if symbolic else "true ") + \
        f"at {points} random values" + (" (a > 0)" if "a" in names else "")
    return "; ".join([*how, true])


def natural_extension(*, seed: int = 0, points: int = 5) -> ExponentDerivation:
    """The derivation of a⁰, a⁻ⁿ, a^(1/n), a^(p/q) from the exponent laws, every step
    checked for its form (the law it names) and its truth; and why a > 0 is needed.

    >>> d = natural_extension()
    >>> [s.title.text for s in d.sections][1:3]
    ['a⁰ = 1', 'a⁻ⁿ = 1/aⁿ']
    """
    if not 1 <= points <= 200:
        raise ArgumentError(f"points must be between 1 and 200, not {points}")
    start = time.perf_counter()
    rng = random.Random(seed)
    laws = tuple((label, parse_value(lhs, names=_NAMES), parse_value(rhs, names=_NAMES))
                 for label, lhs, rhs in LAWS)
    sections = []
    for title, conclusion, steps in _DERIVATION:
        checked = []
        for lhs_text, rhs_text, rule, why in steps:
            lhs, rhs = (parse_value(t, names=list(_SYMBOLS)) for t in (lhs_text, rhs_text))
            how = _check_step(lhs, rhs, rule, rng, points)
            checked.append(PowerStep(lhs, rhs, rule.removeprefix("suppose "), prose(why), how,
                                     supposed=rule.startswith("suppose ")))
        sections.append(Section(prose(title), tuple(checked), prose(conclusion)))
    return ExponentDerivation(laws, tuple(sections), points, seed, time.perf_counter() - start)


# -- claims about powers -----------------------------------------------------------------

_NICE = {"positive": [4, 2, 9, sp.Rational(1, 4), 3, 8],
         "natural": [1, 2, 3, 4],
         "real": [1, 2, sp.Rational(1, 2), -1, 3, 0, sp.Rational(-1, 2), sp.Rational(1, 3)]}
MAX_NICE = 4000


def _kind(name: str, positive: Sequence[str], natural: Sequence[str]) -> str:
    return "natural" if name in natural else "positive" if name in positive else "real"


def _symbol(name: str, kind: str) -> sp.Symbol:
    if kind == "natural":
        return sp.Symbol(name, integer=True, positive=True)
    return sp.Symbol(name, positive=True) if kind == "positive" else sp.Symbol(name, real=True)


def check_power_claim(claim: str, *, positive: Sequence[str] = ("a",),
                      natural: Sequence[str] = (), seed: int = 0, points: int = 50) -> Verdict:
    """Decide ``"LHS = RHS"`` about powers for all values of its variables: names in
    ``positive`` are reals > 0, names in ``natural`` are 1, 2, 3, …, the rest reals.

    Holds when SymPy simplifies LHS − RHS to 0 under these assumptions and no
    point contradicts it; fails with a counterexample (small values tried first,
    then ``points`` random ones); points where a side is not a real number are
    skipped.

    >>> v = check_power_claim("(a**x)**y = a**(x + y)")
    >>> v.outcome, v.counterexample.values
    ('fails', {'a': '4', 'x': '1', 'y': '1'})
    >>> check_power_claim("a**(1/2) = sqrt(a)").outcome
    'holds'
    """
    if not 1 <= points <= 2000:
        raise ArgumentError(f"points must be between 1 and 2000, not {points}")
    text = claim.strip() if isinstance(claim, str) else claim
    lhs_term, rhs_term = parse_equation(text, names=_variable_name)
    for side in (lhs_term, rhs_term):
        if side.has("matrix"):
            raise ParseError("a claim about powers is about numbers, not matrices",
                             source=text, col=side.col, what="claim")
    names = sorted(lhs_term.names() | rhs_term.names())
    kinds = {n: _kind(n, positive, natural) for n in names}
    symbols = {n: _symbol(n, kinds[n]) for n in names}
    lhs = evaluate(lhs_term, ExactArithmetic(symbols, "claim", text))
    rhs = evaluate(rhs_term, ExactArithmetic(symbols, "claim", text))
    decls = tuple(Declaration(n, "scalar", (), frozenset({kinds[n]} - {"real"}))
                  for n in names)
    difference, symbolic = _simplified(lhs, rhs)
    proved = symbolic.outcome == "holds"
    numeric = _point_search(lhs_term, rhs_term, kinds, text, seed=seed, points=points)
    counterexample = numeric.counterexample
    if counterexample is not None:
        outcome = "fails"
    elif proved and numeric.checks:
        outcome = "holds"
    else:
        outcome = "undecided"
    notes: tuple[str, ...] = ()
    if outcome == "undecided":
        notes = ("no counterexample was found, but SymPy could not simplify lhs − rhs to 0"
                 if numeric.checks else "no point where both sides are real numbers was found",)
    if proved and counterexample is not None:  # pragma: no cover - the engines disagree
        notes = ("SymPy's simplification says the claim holds, but a point contradicts it",)
    return Verdict(outcome, "equal", lhs_term.text, None, rhs_term.text,
                   declarations=decls, function_expr=lhs, claim_expr=rhs,
                   residual=None if proved else difference, evidence=(symbolic, numeric),
                   counterexample=counterexample, agree=not (proved and counterexample),
                   notes=notes, seed=seed)


def _simplified(lhs: sp.Basic, rhs: sp.Basic) -> tuple[sp.Basic, Evidence]:
    """lhs − rhs as SymPy simplifies it under the symbols' assumptions, and the evidence:
    it holds when the difference is 0, and is undecided otherwise (it may still vanish)."""
    start = time.perf_counter()
    difference = sp.simplify(sp.powdenest(sp.powsimp(lhs - rhs)))
    proved = difference == 0
    return difference, Evidence(
        "symbolic", "holds" if proved else "undecided",
        "SymPy simplification of lhs − rhs under the assumptions",
        detail="lhs − rhs simplifies to 0" if proved else
        f"lhs − rhs simplifies to {difference}, which may or may not vanish",
        seconds=time.perf_counter() - start)


def _point_search(lhs_term: Term, rhs_term: Term, kinds: dict[str, str], text: str, *,
                  seed: int, points: int) -> Evidence:
    """Both sides evaluated exactly at points — the small values of each variable's kind
    first, then ``points`` random ones — until they differ; points where a side is not
    a real number are skipped."""
    names = list(kinds)
    start = time.perf_counter()
    rng = random.Random(seed)
    nice = itertools.islice(itertools.product(*(_NICE[kinds[n]] for n in names)), MAX_NICE)
    drawn = (tuple(_random_value(rng, kinds[n]) for n in names) for _ in range(points))
    checked = skipped = 0
    counterexample = None
    for values in itertools.chain(nice, drawn):
        at = {n: sp.Rational(v) for n, v in zip(names, values, strict=True)}
        try:  # each side evaluated at the point as written: 0·0⁻¹ is undefined, not 0
            left = evaluate(lhs_term, ExactArithmetic(at, "claim", text))
            right = evaluate(rhs_term, ExactArithmetic(at, "claim", text))
            differ = _differ(left, right)
        except (ParseError, UnsupportedError):  # undefined or too large there; undecidable
            skipped += 1
            continue
        checked += 1
        if differ:
            counterexample = Counterexample(
                seed, {}, {n: str(v) for n, v in at.items()}, claimed=_shown(right),
                expected=_shown(left), exact=True, engine="exact",
                max_abs_diff=float(abs(sp.N(left - right, 30))))
            break
    how = (f"small values first, then {points} random ones (seed {seed})"
           + (f"; {skipped} skipped where a side is undefined in ℝ" if skipped else ""))
    return Evidence("exact", "fails" if counterexample else "holds" if checked else
                    "undecided", "both sides evaluated exactly at points and compared",
                    checks=checked, detail=how, counterexample=counterexample,
                    max_error=None, seconds=time.perf_counter() - start)


def _differ(left: sp.Basic, right: sp.Basic) -> bool:
    """Whether two exact numbers differ: exactly for rationals; otherwise by evaluation
    with 50, then 300 digits (a difference that evalf reports is real; below 10⁻²⁵⁰ the
    two are taken as equal here — a claim still needs a symbolic proof to hold)."""
    d = left - right
    if d.is_Rational:
        return bool(d != 0)
    for digits, tiny in ((50, "1e-30"), (300, "1e-250")):
        if abs(sp.N(d, digits)) > sp.Float(tiny, digits):
            return True
    return False


def _variable_name(name: str) -> bool:
    """Letters and digits, starting with a letter (a, x2; not a__1, whose LaTeX breaks)."""
    return name.isascii() and name[:1].isalpha() and name.isalnum()


def _shown(v: sp.Basic) -> str:
    """An exact value as SymPy writes it, or to 60 digits when that is very long."""
    try:
        text = str(v)
    except ValueError:  # an integer beyond the 4300 digits Python writes (found by fuzzing)
        return str(sp.N(v, 60))
    return text if len(text) <= 200 else str(sp.N(v, 60))


def _random_value(rng: random.Random, kind: str) -> sp.Basic:
    if kind == "natural":
        return sp.Integer(rng.randint(1, 12))
    num, den = rng.randint(1, 60), rng.randint(1, 12)
    if kind == "real" and rng.random() < 0.5:
        num = -num
    return sp.Rational(num, den)
