"""Division as a definition: a ÷ b is *the unique* x with b·x = a (talk A1).

:func:`divide` does not call the domain's division.  It solves b·x = a in the
domain, counts the solutions and checks each one by substituting it:

* exactly one solution — a ÷ b is defined and equals it (``unique``);
* none — undefined, as 1 ÷ 0 (no x solves 0·x = 1) or 1 ÷ 2 in ℤ (``none``);
* more than one — undefined, as 0 ÷ 0 (every x solves 0·x = 0) or 2 ÷ 4 in ℤ/6
  (4·x ≡ 2 has the solutions 2 and 5) (``many``).

Domains: ``ZZ``, ``QQ``, ``RR`` (exact real numbers such as ``sqrt(2)``), ``CC``,
``ZZ/n`` (integers modulo n ≥ 2), ``QQ[t]`` and ``ZZ[t]`` (polynomials in one
variable, any name), and ``matrices`` (square matrices of one size with exact
entries; left division B·X = A, or X·B = A with ``side="right"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy as sp

from ..errors import ArgumentError, InputTooLargeError, ParseError, ShapeError, UnsupportedError
from ..verdict import Sentence
from .exact import exact_value, is_zero_number

__all__ = ["Division", "Domain", "divide", "parse_domain"]

DivisionVerdict = Literal["unique", "none", "many"]

#: Largest modulus, polynomial degree and matrix size accepted (beyond: slow, not useful).
MAX_MODULUS_DIGITS = 60
MAX_DEGREE = 200
MAX_MATRIX_SIZE = 12
MAX_IRRATIONAL_SIZE = 4
#: Solutions listed one by one up to this many (ℤ/n); beyond, described.
MAX_LISTED = 64

_X = sp.Symbol("x")


@dataclass(frozen=True, slots=True)
class Domain:
    """Where b·x = a is solved.  ``kind`` is ``ZZ``, ``QQ``, ``RR``, ``CC``, ``ZZ/n``,
    ``poly`` or ``matrices``; ``modulus`` is n for ℤ/n, ``generator`` and
    ``coefficients`` describe a polynomial ring."""

    kind: str
    modulus: int | None = None
    generator: str | None = None
    coefficients: str | None = None

    @property
    def name(self) -> str:
        """As written on the command line: ``ZZ/6``, ``QQ[t]``."""
        if self.kind == "ZZ/n":
            return f"ZZ/{self.modulus}"
        if self.kind == "poly":
            return f"{self.coefficients}[{self.generator}]"
        return self.kind

    @property
    def symbol(self) -> str:
        """In mathematical notation: ℤ/6ℤ, ℚ[t], ℝ."""
        blackboard = {"ZZ": "ℤ", "QQ": "ℚ", "RR": "ℝ", "CC": "ℂ"}
        if self.kind == "ZZ/n":
            return f"ℤ/{self.modulus}ℤ"
        if self.kind == "poly":
            return f"{blackboard[str(self.coefficients)]}[{self.generator}]"
        if self.kind == "matrices":
            return "the square matrices"
        return blackboard[self.kind]

    @property
    def element(self) -> str:
        """What an element is called: 'real number', 'residue mod 6', 'polynomial'."""
        return {"ZZ": "integer", "QQ": "rational number", "RR": "real number",
                "CC": "complex number", "ZZ/n": f"residue mod {self.modulus}",
                "poly": "polynomial", "matrices": "matrix"}[self.kind]


_DOMAIN_HELP = "ZZ, QQ, RR, CC, ZZ/n (n ≥ 2), QQ[t], ZZ[t] or matrices"


def parse_domain(text: str | Domain) -> Domain:
    """``"ZZ/6"`` → ``Domain("ZZ/n", modulus=6)``; errors name the bad part and its column.

    >>> parse_domain("QQ[t]").symbol
    'ℚ[t]'
    >>> parse_domain("ZZ/1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symderiv.errors.ParseError: ZZ/1 is not a domain: the modulus must be at least 2 ... at col 4...
    """
    if isinstance(text, Domain):
        return text
    if not isinstance(text, str):
        raise ParseError(f"expected a domain ({_DOMAIN_HELP}), got {type(text).__name__}")
    src = text.strip()
    aliases = {"Z": "ZZ", "Q": "QQ", "R": "RR", "C": "CC", "matrix": "matrices"}
    word = aliases.get(src, src)
    if word in ("ZZ", "QQ", "RR", "CC", "matrices"):
        return Domain(word)
    modular = re.fullmatch(r"(ZZ|Z)\s*/\s*(.*?)\s*(Z|ZZ)?", src)
    if modular:
        digits = modular.group(2)
        col = modular.start(2) + 1
        if not re.fullmatch(r"[0-9]+", digits):
            raise ParseError(f"{digits!r} is not a modulus (write e.g. ZZ/6)", source=src,
                             col=col, what="domain")
        if len(digits) > MAX_MODULUS_DIGITS:
            raise InputTooLargeError(f"modulus with more than {MAX_MODULUS_DIGITS} digits",
                                     source=src, col=col, what="domain")
        n = int(digits)
        if n < 2:
            ring = "the zero ring, where 0 = 1" if n == 1 else "ℤ itself: use ZZ"
            raise ParseError(f"ZZ/{n} is not a domain: the modulus must be at least 2 "
                             f"(ZZ/{n} is {ring})", source=src, col=col, what="domain")
        return Domain("ZZ/n", modulus=n)
    ring = re.fullmatch(r"(ZZ|QQ|RR|CC)\[(.*)\]", src)
    if ring:
        gen, col = ring.group(2).strip(), ring.start(2) + 1
        if ring.group(1) not in ("QQ", "ZZ"):
            raise ParseError(f"{ring.group(1)}[…] is not supported; polynomial rings are "
                             "QQ[t] and ZZ[t]", source=src, col=1, what="domain")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", gen) or gen in ("I", "pi", "oo", "inf"):
            raise ParseError(f"{gen!r} is not a variable name (write e.g. QQ[t])", source=src,
                             col=col, what="domain")
        return Domain("poly", generator=gen, coefficients=ring.group(1))
    raise ParseError(f"unknown domain (use {_DOMAIN_HELP})", source=src, col=1, what="domain")


@dataclass(frozen=True, slots=True)
class Division:
    """The answer to "what is a ÷ b in this domain?", from the definition.

    ``verdict`` is ``unique`` (then ``quotient`` is the solution), ``none`` or
    ``many``.  ``solutions`` lists the solutions when there are finitely many (up to
    64 for ℤ/n; ``count`` says how many there are), ``description`` says what the
    solution set is, ``why`` why the verdict follows, and ``checks`` the
    substitutions b·x = a that were verified.  For matrices with many solutions,
    ``particular`` is one solution X₀ and ``null_space`` a basis of the vectors N
    with B·N = 0 (N·B = 0 for right division): every solution is X₀ plus a matrix
    whose columns (rows) are combinations of them.
    """

    dividend: Any
    divisor: Any
    domain: Domain
    verdict: DivisionVerdict
    why: Sentence
    description: Sentence
    quotient: Any = None
    solutions: tuple[Any, ...] | None = None
    count: int | None = None
    particular: Any = None
    null_space: tuple[Any, ...] = ()
    side: Literal["left", "right"] = "left"
    checks: tuple[Sentence, ...] = field(default=())
    unknown: str = "x"

    @property
    def defined(self) -> bool:
        return self.verdict == "unique"

    @property
    def outcome(self) -> DivisionVerdict:
        """The verdict (``unique``, ``none``, ``many``), named as in a :class:`Verdict`."""
        return self.verdict

    @property
    def reason(self) -> str:
        """Why, in words (input syntax for the mathematics)."""
        return self.why.text

    @property
    def exit_code(self) -> int:
        """0 when a ÷ b is defined, 1 when it is not (no solution or several)."""
        return 0 if self.defined else 1

    @property
    def equation(self) -> Sentence:
        """The equation solved: ``3·x = 6``, ``4·x ≡ 2 (mod 6)``, ``B·X = A``."""
        a, b = self.dividend, self.divisor
        if self.domain.kind == "matrices":
            return Sentence("B·X = A" if self.side == "left" else "X·B = A")
        if self.domain.kind == "ZZ/n":
            return Sentence("{}·x ≡ {} (mod {})", (b, a, sp.Integer(self.domain.modulus or 0)))
        return Sentence(f"{{}}·{self.unknown} = {{}}", (b, a))

    def to_dict(self) -> dict[str, Any]:
        from ..render.json import division_to_dict

        return division_to_dict(self)

    def __str__(self) -> str:
        from ..render.text import render_division

        return render_division(self)

    def _repr_latex_(self) -> str:
        from ..render.latex import render_division

        return render_division(self)


# -- operands ----------------------------------------------------------------------

def _degree_bound(e: sp.Basic, t: sp.Symbol) -> int:
    """An upper bound of e's degree in t, without expanding e ((t + 1)**4096 is 4096)."""
    if e == t:
        return 1
    if isinstance(e, sp.Add):
        return max(_degree_bound(arg, t) for arg in e.args)
    if isinstance(e, sp.Mul):
        return sum(_degree_bound(arg, t) for arg in e.args)
    if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp > 0:
        return int(e.exp) * _degree_bound(e.base, t)
    return 0 if not e.has(t) else MAX_DEGREE + 1  # 1/t, t**(1/2): refused later anyway


def _operand(value: object, domain: Domain, role: str) -> Any:
    what = f"{role} ({'a' if role == 'dividend' else 'b'})"
    symbols = {domain.generator: sp.Symbol(str(domain.generator))} if domain.kind == "poly" \
        else None
    v = exact_value(value, symbols=symbols, what=what, complex_values=domain.kind == "CC")
    src = value.strip() if isinstance(value, str) else ""

    def refuse(message: str, cls: type[ParseError] = ParseError) -> ParseError:
        return cls(message, source=src, col=1 if src else None, what=what)

    if domain.kind == "matrices":
        if not isinstance(v, sp.MatrixBase):
            raise refuse(f"the domain 'matrices' needs a matrix, e.g. Matrix([[1, 2], [3, 4]]); "
                         f"got {v}")
        if v.rows != v.cols:
            raise refuse(f"the {role} is {v.rows}×{v.cols}, not square: the domain 'matrices' "
                         "is the ring of n×n matrices")
        if not all(e.is_number and e.is_finite for e in v):
            raise refuse("matrix entries must be numbers")
        # elimination with roots and π in the entries grows quickly: smaller sizes then
        limit = MAX_MATRIX_SIZE if all(e.is_Rational for e in v) else MAX_IRRATIONAL_SIZE
        if v.rows > limit:
            raise refuse(f"matrices larger than {limit}×{limit} are not supported"
                         + ("" if limit == MAX_MATRIX_SIZE else " with irrational or complex "
                            f"entries ({MAX_MATRIX_SIZE}×{MAX_MATRIX_SIZE} with rational ones)"),
                         InputTooLargeError)
        return v
    if isinstance(v, sp.MatrixBase):
        raise refuse(f"a matrix is not an element of {domain.symbol} (use --domain matrices)")
    if domain.kind == "poly":
        t = sp.Symbol(str(domain.generator))
        if _degree_bound(v, t) > MAX_DEGREE:
            raise refuse(f"degree above {MAX_DEGREE} (or not a polynomial in {t})",
                         InputTooLargeError)
        v = sp.expand(v)
        if not v.is_polynomial(t):
            raise refuse(f"{v} is not a polynomial in {t}")
        want = sp.Integer if domain.coefficients == "ZZ" else sp.Rational
        if not all(isinstance(c, want) for c in sp.Poly(v, t).all_coeffs()):
            kind = "integer" if domain.coefficients == "ZZ" else "rational"
            raise refuse(f"{v} does not have {kind} coefficients ({domain.symbol})")
        return v
    if not v.is_number or v.is_finite is False:
        raise refuse(f"{v} is not a number")
    if domain.kind in ("ZZ", "ZZ/n") and not v.is_Integer:
        raise refuse(f"{v} is not an integer ({domain.symbol})")
    if domain.kind == "QQ" and not v.is_Rational:
        raise refuse(f"{v} is not a rational number (ℚ); try --domain RR")
    if domain.kind == "RR" and v.is_extended_real is not True:
        raise refuse(f"{v} is not a real number; try --domain CC")
    if domain.kind == "ZZ/n":
        return sp.Integer(int(v) % int(domain.modulus))  # type: ignore[arg-type]
    return v


# -- solving b·x = a ----------------------------------------------------------------

_SETS = {"ZZ": sp.S.Integers, "QQ": sp.S.Rationals, "RR": sp.S.Reals, "CC": sp.S.Complexes}
_EMPTY = Sentence("the empty set")


def _none(a: Any, b: Any, domain: Domain, why: Sentence, **kw: Any) -> Division:
    return Division(a, b, domain, "none", why, _EMPTY, solutions=(), count=0, **kw)


def _divide_number(a: sp.Basic, b: sp.Basic, domain: Domain) -> Division:
    """ℤ, ℚ, ℝ, ℂ.  b = 0 is decided first — exactly, also for a b that hides its zero
    (∛(20 + 14√2) + ∛(20 − 14√2) − 4) — then b·x = a, linear with a non-zero
    coefficient, is solved by SymPy's solver over the domain's set."""
    if is_zero_number(b):
        if is_zero_number(a):
            return Division(a, b, domain, "many", Sentence(
                f"every {domain.element} x solves {{}}·x = {{}}: the solution is not unique",
                (b, a)), Sentence(f"all of {domain.symbol}"),
                checks=(Sentence("{}·x = {} for a symbolic x", (b, a)),))
        return _none(a, b, domain, Sentence(
            f"no {domain.element} x solves {{}}·x = {{}}: {{}}·x = 0 ≠ {{}} for every x",
            (b, a, b, a)))
    solved = sp.solveset(sp.Eq(b * _X, a), _X, _SETS[domain.kind])
    if isinstance(solved, sp.FiniteSet) and len(solved) == 1:
        x = sp.expand(sp.radsimp(next(iter(solved))))
        _check(sp.expand(b * x) - a, f"x = {x} does not solve {b}·x = {a}")
        why = Sentence(f"{{}} ≠ 0, and {{}}·x = {{}} has exactly one solution in "
                       f"{domain.symbol}, x = {{}}", (b, b, a, x))
        return Division(a, b, domain, "unique", why, Sentence("{{{}}}", (x,)), quotient=x,
                        solutions=(x,), count=1, checks=(Sentence("{}·{} = {}", (b, x, a)),))
    if solved == sp.S.EmptySet and domain.kind == "ZZ":
        (only,) = tuple(sp.solveset(sp.Eq(b * _X, a), _X, sp.S.Rationals))
        return _none(a, b, domain, Sentence(
            f"no {domain.element} x solves {{}}·x = {{}}: its only solution in ℚ, {{}}, is "
            f"not an integer", (b, a, only)))
    raise UnsupportedError(f"cannot solve {b}·x = {a} in {domain.symbol} (the solver "
                           f"returned {solved})")


def _check(difference: Any, message: str) -> None:
    """A solution found must satisfy the equation, exactly — else refuse to answer."""
    zero = difference.is_zero_matrix if isinstance(difference, sp.MatrixBase) else \
        is_zero_number(difference) if difference.is_number else sp.expand(difference) == 0
    if not zero:  # pragma: no cover - a wrong answer from a solver
        raise UnsupportedError(f"internal check failed: {message}")


def congruence_solutions(a: int, b: int, n: int) -> tuple[int, int, int]:
    """b·x ≡ a (mod n): (g, x0, step) with g = gcd(b, n) solutions x0 + k·step,
    k = 0 … g−1, when g divides a; (g, -1, 0) when there is none."""
    # Bézout: s·b + t·n = g.  If g divides a, x0 = s·(a/g) solves b·x ≡ a, and x0 + k·n/g
    # are all the solutions modulo n; if not, b·x − a is never a multiple of n.
    s, _t, g = sp.gcdex(b, n)
    g, s = int(g), int(s)
    if a % g:
        return g, -1, 0
    step = n // g
    return g, s * (a // g) % step, step


def _divide_modular(a: sp.Integer, b: sp.Integer, domain: Domain) -> Division:
    n = int(domain.modulus)  # type: ignore[arg-type]
    ai, bi = int(a), int(b)
    g, x0, step = congruence_solutions(ai, bi, n)
    N, G = sp.Integer(n), sp.Integer(g)
    if x0 < 0:
        return _none(a, b, domain, Sentence(
            "no x solves {}·x ≡ {} (mod {}): gcd({}, {}) = {} does not divide {}",
            (b, a, N, b, N, G, a)))
    listed = tuple(sp.Integer(x0 + k * step) for k in range(min(g, MAX_LISTED)))
    for x in listed:
        if (bi * int(x) - ai) % n:  # pragma: no cover - a wrong solution
            raise UnsupportedError(f"internal check failed: x = {x} does not solve the "
                                   "congruence")
    checks = tuple(Sentence("{}·{} = {} ≡ {} (mod {})", (b, x, sp.Integer(bi * int(x)), a, N))
                   for x in listed[:8])
    if g == 1:
        why = Sentence("gcd({}, {}) = 1, so {}·x ≡ {} (mod {}) has exactly one solution, "
                       "x = {}", (b, N, b, a, N, listed[0]))
        return Division(a, b, domain, "unique", why, Sentence("{{{}}}", (listed[0],)),
                        quotient=listed[0], solutions=listed, count=1, checks=checks)
    if g <= MAX_LISTED:
        shown = Sentence("{{" + ", ".join("{}" for _ in listed) + "}}", listed)
    else:
        shown = Sentence("x ≡ {} (mod {}), " + f"{g} residues", (listed[0], sp.Integer(step)))
    if step == 1:
        why = Sentence("every residue x solves {}·x ≡ {} (mod {}): both sides are 0",
                       (b, a, N))
    else:
        why = Sentence(f"{{}}·x ≡ {{}} (mod {{}}) has {g} solutions, {shown.template}: "
                       "gcd({}, {}) = {} divides {}, and adding multiples of {}/{} = {} to a "
                       "solution gives another",
                       (b, a, N, *shown.exprs, b, N, G, a, N, G, sp.Integer(step)))
    return Division(a, b, domain, "many", why, shown,
                    solutions=listed if g <= MAX_LISTED else None, count=g, checks=checks)


def _divide_polynomial(a: sp.Expr, b: sp.Expr, domain: Domain) -> Division:
    """Undetermined coefficients: x = c_0 + c_1 t + … + c_d t^d with d = deg a − deg b,
    and b·x = a coefficient by coefficient, a linear system for the c_k."""
    t = sp.Symbol(str(domain.generator))
    x_ = "y" if domain.generator == "x" else "x"  # the unknown is not the ring's variable
    kw: dict[str, Any] = {"unknown": x_}
    if b == 0:
        if a == 0:
            return Division(a, b, domain, "many",
                            Sentence(f"every polynomial {x_} solves 0·{x_} = 0"),
                            Sentence(f"all of {domain.symbol}"),
                            checks=(Sentence(f"0·{x_} = 0"),), **kw)
        return _none(a, b, domain, Sentence(f"no polynomial {x_} solves 0·{x_} = {{}}: "
                                            f"0·{x_} = 0", (a,)), **kw)
    if a == 0:
        zero = sp.Integer(0)
        return Division(a, b, domain, "unique", Sentence(
            f"{{}} ≠ 0, and a product of non-zero polynomials is non-zero, so {x_} = 0 is the "
            f"only solution of {{}}·{x_} = 0", (b, b)), Sentence("{{0}}"), quotient=zero,
            solutions=(zero,), count=1, checks=(Sentence("{}·0 = 0", (b,)),), **kw)
    da, db = sp.degree(a, t), sp.degree(b, t)
    if da < db:
        return _none(a, b, domain, Sentence(
            f"no polynomial {x_} solves {{}}·{x_} = {{}}: for {x_} ≠ 0, b·{x_} has degree at "
            f"least deg b = {db}, and a has degree {da}", (b, a)), **kw)
    cs = [sp.Dummy(f"c{k}") for k in range(da - db + 1)]  # never the ring's variable
    x = sum(c * t**k for k, c in enumerate(cs))
    system = sp.Poly(sp.expand(b * x - a), t).all_coeffs()
    solved = sp.linsolve(system, cs)
    if solved == sp.S.EmptySet:
        return _none(a, b, domain, Sentence(
            f"no polynomial {x_} solves {{}}·{x_} = {{}}: {x_} would have degree {da - db}, "
            f"and comparing the coefficients of {t}^0 … {t}^{da} on both sides gives "
            "equations with no solution", (b, a)), **kw)
    (values,) = tuple(solved)
    q = sp.expand(x.subs(dict(zip(cs, values, strict=True))))
    _check(sp.expand(b * q - a), f"{x_} = {q} does not solve ({b})·{x_} = {a}")
    if domain.coefficients == "ZZ" and not all(
            isinstance(c, sp.Integer) for c in sp.Poly(q, t).all_coeffs()):
        return _none(a, b, domain, Sentence(
            f"no polynomial with integer coefficients solves {{}}·{x_} = {{}}: the only "
            f"solution in ℚ[{t}] is {{}}", (b, a, q)), **kw)
    why = Sentence(f"{{}}·{x_} = {{}} has exactly one solution, {x_} = {{}}: {x_} has degree "
                   f"{da - db}, comparing coefficients fixes each of its coefficients, and "
                   "b ≠ 0", (b, a, q))
    return Division(a, b, domain, "unique", why, Sentence("{{{}}}", (q,)), quotient=q,
                    solutions=(q,), count=1, checks=(Sentence("{}·{} = {}", (b, q, a)),), **kw)


def _divide_matrices(a: sp.MatrixBase, b: sp.MatrixBase, domain: Domain, side: str,
                     b_text: str = "") -> Division:
    """B·X = A (left) or X·B = A (right, solved as Bᵀ·Xᵀ = Aᵀ) by Gauss–Jordan
    elimination: inconsistent, one solution, or a particular one plus the null space."""
    if a.shape != b.shape:
        raise ShapeError(f"the divisor is {b.rows}×{b.cols} but the dividend {a.rows}×{a.cols}: "
                         "in the ring of n×n matrices both have one size", source=b_text,
                         col=1 if b_text else None, what="divisor (b)")
    right = side == "right"
    eq = "X·B = A" if right else "B·X = A"
    solve_b, solve_a = (b.T, a.T) if right else (b, a)
    n, rank = b.rows, b.rank()
    try:
        solution, params = solve_b.gauss_jordan_solve(solve_a)
    except ValueError:
        where = "rows" if right else "columns"
        return _none(a, b, domain, Sentence(
            f"no matrix X solves {eq}: B has rank {rank} < {n}, and some {where[:-1]} of A "
            f"is not a combination of the {where} of B"), side=side)
    if params.shape[0] == 0:
        x = sp.ImmutableMatrix(solution.T if right else solution)
        _check((x * b if right else b * x) - a, f"X = {x} does not solve {eq}")
        return Division(a, b, domain, "unique", Sentence(
            f"B is invertible (rank {n}), so {eq} has exactly one solution"),
            Sentence("{{X = {}}}", (x,)), quotient=x, solutions=(x,), count=1, side=side,
            checks=(Sentence(eq + " for X = {}", (x,)),))  # type: ignore[arg-type]
    particular = solution.subs({p: 0 for p in params})
    x0 = sp.ImmutableMatrix(particular.T if right else particular)
    null = tuple(sp.ImmutableMatrix(v.T if right else v) for v in solve_b.nullspace())
    _check((x0 * b if right else b * x0) - a, f"X0 does not solve {eq}")
    for v in null:
        _check(v * b if right else b * v, "a null-space vector is not in the null space")
    where, shape = ("rows", f"1×{n}") if right else ("columns", f"{n}×1")
    why = Sentence(f"B is singular (rank {rank} < {n}) and {eq} is solvable, so it has "
                   f"infinitely many solutions: X₀ plus any matrix whose {where} are in the "
                   f"null space of B (dimension {n - rank})")
    description = Sentence(f"X = X₀ + any matrix whose {where} are combinations of the "
                           f"null-space vectors ({shape}) " +
                           ", ".join("{}" for _ in null), null)
    return Division(a, b, domain, "many", why, description, particular=x0, null_space=null,
                    side=side, checks=(Sentence("X₀·B = A" if right else "B·X₀ = A"),  # type: ignore[arg-type]
                                       Sentence("N·B = 0 for each null-space vector N" if right
                                                else "B·N = 0 for each null-space vector N")))


def divide(a: object, b: object, *, domain: str | Domain = "RR",
           side: Literal["left", "right"] = "left") -> Division:
    """a ÷ b in ``domain``, by the definition: the unique x with b·x = a.

    ``a`` and ``b`` are text (``"6"``, ``"t**2 - 1"``, ``"Matrix([[1, 2], [2, 4]])"``)
    or numbers (int, Fraction, complex, SymPy, nested lists for matrices).

    >>> divide(6, 3).quotient
    2
    >>> divide(0, 0).verdict, divide(1, 0).verdict
    ('many', 'none')
    >>> divide(2, 4, domain="ZZ/6").solutions
    (2, 5)
    >>> divide("t**2 - 1", "t - 1", domain="QQ[t]").quotient
    t + 1
    """
    dom = parse_domain(domain)
    if side not in ("left", "right"):
        raise ArgumentError(f"side must be 'left' or 'right', not {side!r}")
    if side == "right" and dom.kind != "matrices":
        raise ArgumentError("side='right' is for matrices (numbers commute)")
    av, bv = _operand(a, dom, "dividend"), _operand(b, dom, "divisor")
    if dom.kind == "ZZ/n":
        return _divide_modular(av, bv, dom)
    if dom.kind == "poly":
        return _divide_polynomial(av, bv, dom)
    if dom.kind == "matrices":
        return _divide_matrices(av, bv, dom, side, b.strip() if isinstance(b, str) else "")
    return _divide_number(av, bv, dom)
