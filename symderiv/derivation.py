"""Derivation documents: Markdown with steps in LaTeX or in the numpy-like notation.

A document holds chains of steps.  In a fenced block tagged ``symderiv``::

    let X: m x n; y: m; w: n
    E = norm(y - X @ w)**2
      = (y - X @ w).T @ (y - X @ w)
    grad(E, w) = -2 * X.T @ y + 2 * X.T @ X @ w

and in LaTeX display math (``$$ … $$``, ``\\[ … \\]``, ``align``/``aligned`` with ``&=``
and ``\\\\``)::

    E(w) &= \\|y - Xw\\|^2 = (y - Xw)^\\top (y - Xw) \\\\
    \\nabla_w E &= -2X^\\top y + 2X^\\top X w

A chain starts with a bare expression or ``NAME = expression``; each further ``=``
claims equality with the expression before it; ``grad(NAME, w)``, ``hessian(NAME, w)``,
``\\nabla_w NAME`` and ``\\frac{\\partial NAME}{\\partial w}`` claim a derivative of a
named expression.  :func:`verify_document` checks every step with the core's judge and
returns a :class:`DerivationReport`; every step is checked against its own predecessor,
so one slip does not hide the steps after it.

A document may hold several derivations.  :func:`read_derivations` reads a document
without checking it and splits it into :class:`Derivation` objects — a chain and every
later step that refers back to it — and :func:`verify_derivation` checks one; the pytest
plugin makes each a test item, so that the derivations of a collection of notes are
checked in parallel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from .check import check_equal, check_gradient, check_hessian
from .errors import InputTooLargeError, ParseError, ShapeError, SymderivError
from .parse import Parsed, parse_declarations, parse_expression, parse_latex
from .parse.latex import parse_latex_entry
from .space import Space
from .verdict import Verdict

__all__ = ["Derivation", "DerivationReport", "DerivationStep", "read_derivations",
           "verify_derivation", "verify_document"]

Notation = Literal["symderiv", "latex"]

#: Bounds on one document: each step is a check of its own (a few milliseconds to a second).
MAX_LINES = 5000
MAX_STEPS = 2000


@dataclass(frozen=True, slots=True)
class DerivationStep:
    """One expression of a document and, from the second of a chain on, its verdict.

    ``claim`` says what the step claims: ``"start"`` (the first expression of a chain,
    nothing to check), ``"equal"`` (equal to the step before), ``"gradient"`` or
    ``"hessian"`` (of the named expression ``of``, with respect to ``wrt``).  ``entry`` is
    the free index k of a step written entry by entry (∂f/∂x_k = 2 Σ_i a_ki x_i); such a
    step stands for the whole vector.  ``index`` counts the steps of the document;
    ``number`` the steps of its own derivation (0: its first expression, so a derivation
    that starts with ∇_w (yᵀXw) written in place starts at 1), and ``derivation`` is the
    index of that derivation's first step.
    """

    index: int
    line: int
    text: str
    notation: Notation
    claim: Literal["start", "equal", "gradient", "hessian"]
    parsed: Any = None
    name: str | None = None
    of: str | None = None
    wrt: str | None = None
    verdict: Verdict | None = None
    entry: str | None = None  # k, for ∂f/∂x_k = … in index notation
    number: int = 0
    derivation: int = 0


@dataclass(frozen=True, slots=True)
class DerivationReport:
    """The verdict on every step, and the first step that does not hold."""

    source: str
    steps: tuple[DerivationStep, ...]
    declarations: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def first_wrong_step(self) -> int | None:
        return next((s.index for s in self.steps
                     if s.verdict is not None and s.verdict.outcome == "fails"), None)

    @property
    def outcome(self) -> str:
        outcomes = {s.verdict.outcome for s in self.steps if s.verdict is not None}
        if "fails" in outcomes:
            return "fails"
        return "undecided" if "undecided" in outcomes else "holds"

    @property
    def exit_code(self) -> int:
        return {"holds": 0, "fails": 1, "undecided": 3}[self.outcome]

    def __str__(self) -> str:
        from .render.text import render_derivation

        return render_derivation(self)

    def to_dict(self) -> dict[str, Any]:
        from .render.json import derivation_to_dict

        return derivation_to_dict(self)

    def _repr_latex_(self) -> str:
        from .render.latex import render_derivation

        return render_derivation(self, standalone=False)

    def to_markdown(self) -> str:
        """The checked derivation for a web page: ``$$`` math, ✓/✗ beside each step."""
        from .render.markdown import render_derivation

        return render_derivation(self)


# -- reading the document -----------------------------------------------------------------------
@dataclass(slots=True)
class _Line:
    line: int  # 1-based, in the document
    text: str
    notation: Notation
    block: int = -1  # which ```symderiv block (0, 1, …); -1 for display math


_FENCE = re.compile(r"^(```|~~~)\s*symderiv\s*$")
_MATH_OPEN = ("$$", "\\[", "\\begin{align", "\\begin{equation", "\\begin{gather",
              "\\begin{eqnarray", "\\begin{multline")


def _blocks(source: str) -> list[_Line]:
    """The lines of the document that hold math: symderiv blocks and display math."""
    out: list[_Line] = []
    lines = source.splitlines()
    n, fences = 0, 0
    while n < len(lines):
        raw = lines[n]
        stripped = raw.strip()
        if stripped.startswith("<!--"):  # an HTML comment: not part of the page
            while n < len(lines) and "-->" not in lines[n]:
                n += 1
            n += 1
            continue
        if _FENCE.match(stripped):
            fence = stripped[:3]
            n += 1
            while n < len(lines) and lines[n].strip() != fence:
                out.append(_Line(n + 1, lines[n], "symderiv", fences))
                n += 1
            n, fences = n + 1, fences + 1
            continue
        if stripped.startswith(("```", "~~~")):  # another code block: not math
            fence = stripped[:3]
            n += 1
            while n < len(lines) and not lines[n].strip().startswith(fence):
                n += 1
            n += 1
            continue
        if stripped.startswith(_MATH_OPEN):
            start = n
            body = [stripped]
            closer = {"$$": "$$", "\\[": "\\]"}.get(stripped[:2], "\\end{")
            done = (stripped.endswith(closer) and len(stripped) > 2 and closer != "\\end{") \
                or (closer == "\\end{" and "\\end{" in stripped)
            while not done and n + 1 < len(lines):
                n += 1
                body.append(lines[n].strip())
                done = closer in lines[n]
            out.extend(_latex_rows("\n".join(body), start + 1))
        n += 1
    return out


_ENV = re.compile(r"\\(begin|end)\{(aligned|align\*?|equation\*?|split|gathered|gather\*?|"
                  r"eqnarray\*?|multline\*?)\}")
# annotations that carry no mathematics: labels, tags, row spacing, \quad \text{(by …)}
_NOISE = re.compile(r"\\(label|tag)\{[^{}]*\}|\\nonumber|\\notag|(\\q?quad\s*)?\\text\{[^{}]*\}"
                    r"|\\q?quad")


def _latex_rows(block: str, line: int) -> list[_Line]:
    """The rows of a display-math block (split at \\\\), each with its line number."""
    body = block
    for a, b in (("$$", "$$"), ("\\[", "\\]")):
        if body.startswith(a) and body.rstrip().endswith(b) and len(body) >= len(a) + len(b):
            body = " " * len(a) + body.rstrip()[len(a):-len(b)]
    body = _ENV.sub(lambda m: " " * len(m.group(0)), body)  # keep offsets (and newlines)
    body = _NOISE.sub(lambda m: " " * len(m.group(0)), body)
    out, pos = [], 0
    for row in re.split(r"\\\\(?:\[[^\]]*\])?", body):
        text = row.replace("&", " ").replace("\n", " ").strip().rstrip(".,;")
        if text:
            lead = len(row) - len(row.lstrip())
            out.append(_Line(line + body[:pos + lead].count("\n"), text, "latex"))
        pos += len(row) + 2
    return out


def _split_top(text: str, sep: str = "=") -> list[str]:
    """text split at ``sep`` outside braces and parentheses."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts]


_NAME = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)(\([^()]*\))?$")
_D = r"(?:\\partial|d|\\mathrm\{d\})"
_GRAD = re.compile(r"^(grad|hessian|diff)\((.+),\s*([A-Za-z]\w*)\s*\)$")
_NABLA = re.compile(r"^\\nabla(\^\{?2\}?)?_(\{\\mathbf\{\w\}\}|\\mathbf\{\w\}|\{[^{}]+\}|[A-Za-z])"
                    r"(\^\{?2\}?)?\s*(.+)$")
_PARTIAL_ENTRY = re.compile(r"^\\frac\{" + _D + r"\s*([A-Za-z])(\([^()]*\))?\}\{" + _D +
                            r"\s*([A-Za-z])_\{?([a-z])\}?\}$")
_NAMED_FN = re.compile(r"^([A-Za-z])(\([^()]*\))?$")
_PARTIAL = re.compile(r"^\\frac\{" + _D + r"\s*([A-Za-z])(\([^()]*\))?\}\{" + _D + r"\s*"
                      r"((?:\\mathbf\{[A-Za-z]\})|[A-Za-z](?:_[0-9]|_\{[0-9]+\})?)\}$")


def _latex_var(name: str) -> str:
    """w_1, w_{1} and \\mathbf{w} as the parser names them: w1, w."""
    return re.sub(r"\\mathbf\{(\w)\}|[_{}]", lambda m: m.group(1) or "", name.strip("{}")
                  if name.startswith("{\\") else name)


def _lhs(part: str, notation: Notation) -> tuple[str, str | None, str | None]:
    """What a left-hand side names: ("name", NAME, None), ("gradient", OF, VAR), …

    OF is a name defined above or, for ∇_w(yᵀXw), an expression written in place."""
    if notation == "symderiv":
        m = _GRAD.match(part)
        if m:
            return ("hessian" if m.group(1) == "hessian" else "gradient"), \
                m.group(2).strip(), m.group(3)
    else:
        m = _NABLA.match(part)
        if m:
            of = m.group(4).strip()
            named = _NAMED_FN.match(of)
            return ("hessian" if m.group(1) or m.group(3) else "gradient"), (
                named.group(1) if named else of), _latex_var(m.group(2))
        m = _PARTIAL.match(part)
        if m:
            return "gradient", m.group(1), _latex_var(m.group(3))
        m = _PARTIAL_ENTRY.match(part)
        if m:  # ∂f/∂x_k: entry k of the gradient, in index notation
            return "entry", m.group(1), f"{m.group(3)}:{m.group(4)}"
    m = _NAME.match(part)
    if m and m.group(2) and len(m.group(1)) > 1 and "," in m.group(2):
        raise ParseError(f"{part!r} is not a claim symderiv reads: write grad(f, w), "
                         "hessian(f, w) or diff(f, t)", source=part, col=1, what="derivation")
    if m and (notation == "symderiv" or len(m.group(1)) == 1):
        return "name", m.group(1), None
    return "expr", None, None


class _Document:
    def __init__(self, source: str, let: str | Space | None) -> None:
        self.source = source
        self.space = let.copy() if isinstance(let, Space) else parse_declarations(let or "")
        self.declared: list[str] = [let] if isinstance(let, str) and let else []
        self.steps: list[DerivationStep] = []
        self.named: dict[str, DerivationStep] = {}
        self.current: DerivationStep | None = None
        self.groups: list[int] = []  # per step: the index of the step its derivation starts at
        self.group_of: dict[str, int] = {}  # per name: the derivation that defines it
        self.block_of: dict[str, int] = {}  # per name: the ```symderiv block defining it
        self.ref: dict[int, DerivationStep] = {}  # per step: the named step it refers to
        self.next_number: dict[int, int] = {}  # per derivation: the number of its next step
        self.entry: tuple[str, Any] | None = None  # (k, its range) in a chain of ∂f/∂x_k

    def parse(self, text: str, line: _Line) -> Parsed:
        try:
            if line.notation == "latex" and self.entry is not None:
                return parse_latex_entry(text, self.space, *self.entry)
            if line.notation == "latex":
                return parse_latex(text, self.space)
            return parse_expression(text, self.space)
        except ParseError as exc:
            raise _located(exc, f"line {line.line}") from None

    def add(self, line: _Line, text: str, claim: str, *, name: str | None = None,
            of: str | None = None, wrt: str | None = None) -> None:
        parsed = self.parse(text, line)
        index = len(self.steps)
        if claim == "start":
            group = index
        elif of is not None:  # E = … again, grad(E, w): E's derivation (∇_w(yᵀXw): its own)
            group = self.group_of.setdefault(of, index)
        else:  # "= …": the chain of the step before
            group = self.groups[-1]
        self.groups.append(group)
        number = self.next_number.get(group, 0 if claim == "start" else 1)
        self.next_number[group] = number + 1
        if of is not None:  # bound now: a later block may define the name again
            self.ref[index] = self.named[of]
        step = DerivationStep(index, line.line, text, line.notation, claim,  # type: ignore
                              parsed, name, of, wrt,
                              entry=self.entry[0] if self.entry is not None else None,
                              number=number, derivation=group)
        self.steps.append(step)
        if name is not None:
            self.named[name] = step
            self.group_of[name] = group
        self.current = step

    def read_line(self, line: _Line) -> None:
        text = line.text.strip()
        if not text or text.startswith("#") or text.startswith("%"):
            return
        if line.notation == "symderiv" and (text.startswith("let ") or text == "let"):
            decls = text[3:].strip()
            try:
                extra = parse_declarations(decls)
            except ParseError as exc:
                raise _located(exc, f"line {line.line}") from None
            for decl in extra.declarations.values():
                self.space.declare(decl)
            if decls not in self.declared:
                self.declared.append(decls)
            return
        parts = _split_top(text.replace(":=", "=").replace("\\coloneqq", "="))
        if parts[0] == "":  # "= expr": continues the chain
            if self.current is None:
                raise ParseError(f"line {line.line}: '=' with no expression before it",
                                 source=text, col=1, what="derivation")
            for part in parts[1:]:
                self.add(line, part, "equal")
            return
        kind, name, wrt = _lhs(parts[0], line.notation) if len(parts) > 1 else ("expr", None,
                                                                                None)
        rest = parts[1:]
        self.entry = None  # a new chain
        if kind == "entry":
            var, k = (wrt or ":").split(":")
            decl = self.space.get(var)
            if decl.kind != "vector":
                raise ParseError(f"line {line.line}: ∂{name}/∂{var}_{k} reads entry {k} of a "
                                 f"gradient with respect to a vector; {var!r} is "
                                 f"{decl.describe()}", source=text, col=1, what="derivation")
            self.entry = (k, decl.dims[0])
            kind, wrt = "gradient", var
        if kind in ("gradient", "hessian"):
            if name not in self.named and (_NAME.match(name or "") or (line.notation == "latex"
                                           and len(name or "") == 1)):
                raise ParseError(f"line {line.line}: {name!r} is not defined above (write "
                                 f"{name} = … first)", source=text, col=1, what="derivation")
            if name not in self.named:  # ∇_w (yᵀXw): the function is written in place
                self.named[name] = DerivationStep(-1, line.line, name, line.notation,  # type: ignore
                                                  "start", self.parse(name, line), name)
            label = f"{'grad' if kind == 'gradient' else 'hessian'}({name}, {wrt})"
            self.add(line, rest[0], kind, name=label, of=name, wrt=wrt)
            rest = rest[1:]
        elif kind == "name" and name in self.named and not (
                line.block >= 0 and self.block_of.get(name, line.block) != line.block):
            self.add(line, rest[0], "equal", of=name)  # E written again: equal to the first E
            rest = rest[1:]
        elif kind == "name":  # a new name, or one an earlier ```symderiv block defined
            self.add(line, rest[0], "start", name=name)
            self.block_of[name] = line.block
            rest = rest[1:]
        else:
            self.add(line, parts[0], "start")
            rest = parts[1:]
        for part in rest:
            self.add(line, part, "equal")

    def check(self, seed: int, group: int | None = None) -> list[DerivationStep]:
        """The steps (of one derivation, if ``group`` is given) with their verdicts."""
        out: list[DerivationStep] = []
        before: DerivationStep | None = None
        for step in self.steps:
            if group is not None and self.groups[step.index] != group:
                continue
            verdict = None
            try:
                if step.claim == "equal" and (before is not None or step.of is not None):
                    ref = self.ref[step.index] if step.of is not None else before
                    verdict = check_equal(ref.parsed, step.parsed,  # type: ignore[union-attr]
                                          let=self.space, seed=seed)
                elif step.claim in ("gradient", "hessian"):
                    of = self.ref[step.index]
                    fn = check_gradient if step.claim == "gradient" else check_hessian
                    verdict = fn(of.parsed, wrt=step.wrt, claim=step.parsed,  # type: ignore
                                 let=self.space, seed=seed)
            except ShapeError as exc:  # the step has the wrong shape: it fails, the rest go on
                verdict = Verdict(outcome="fails", task="equal" if step.claim == "equal"
                                  else step.claim, function=step.of or "",  # type: ignore
                                  wrt=step.wrt, claim=step.text,
                                  notes=(f"the shapes differ: {exc.message}",), seed=seed)
            except SymderivError as exc:
                raise _located(exc, f"step {step.index} (line {step.line})") from None
            out.append(replace(step, verdict=verdict))
            before = step
        return out


def _located(exc: SymderivError, where: str) -> SymderivError:
    """The same error, its message prefixed with where in the document it happened."""
    if isinstance(exc, ParseError):
        exc.message = f"{where}: {exc.message}"
        exc.args = (exc._format(),)
    else:
        exc.args = (f"{where}: {exc}",)
    return exc


@dataclass(frozen=True, slots=True)
class Derivation:
    """One derivation of a document, read but not checked.

    A chain of steps from its first expression, with every later step that refers back to
    it (``E = …`` again, ``grad(E, w) = …`` and the chain that follows).  ``name`` is the
    name of its first expression (``E``) or ``line N`` for an unnamed one; ``checks`` is
    the number of steps that claim something.
    """

    name: str
    line: int
    steps: tuple[DerivationStep, ...]
    _document: _Document = field(repr=False, compare=False)

    @property
    def checks(self) -> int:
        return sum(s.claim != "start" for s in self.steps)


def _read(source: str, let: str | Space | None) -> _Document:
    if not isinstance(source, str):
        raise TypeError(f"the document must be text, not {type(source).__name__}")
    doc = _Document(source, let)
    lines = _blocks(source)
    if not lines:
        raise ParseError("no derivation found: put the steps in a ```symderiv block or in "
                         "display math ($$ … $$)", what="document")
    if len(lines) > MAX_LINES:
        raise InputTooLargeError(f"the document has {len(lines)} lines of mathematics; symderiv "
                                 f"checks up to {MAX_LINES} per document (split it)",
                                 what="document")
    for line in lines:
        doc.read_line(line)
        if len(doc.steps) > MAX_STEPS:
            raise InputTooLargeError(f"line {line.line}: more than {MAX_STEPS} steps in one "
                                     "document; split it", what="document")
    if not doc.steps:
        raise ParseError("no derivation found: the document declares names but has no steps",
                         what="document")
    return doc


def read_derivations(source: str, *, let: str | Space | None = None
                     ) -> tuple[Derivation, ...]:
    """The derivations of a document, in order, read (parsed and shape-checked) only.

    >>> doc = '''
    ... ```symderiv
    ... let x: n; A: n x n
    ... f = x.T @ A @ x
    ... grad(f, x) = 2 * A @ x
    ... x.T @ x
    ...   = norm(x)**2
    ... ```'''
    >>> [(d.name, d.line, d.checks) for d in read_derivations(doc)]
    [('f', 4, 1), ('line 6', 6, 1)]
    >>> verify_derivation(read_derivations(doc)[0]).outcome
    'fails'
    """
    doc = _read(source, let)
    out: list[Derivation] = []
    for group in dict.fromkeys(doc.groups):
        steps = tuple(s for s in doc.steps if doc.groups[s.index] == group)
        first = doc.steps[group]
        name = first.name if first.claim == "start" and first.name else f"line {first.line}"
        if any(d.name == name for d in out):  # a name defined again in a later block
            name = f"{name}, line {first.line}"
        out.append(Derivation(name, first.line, steps, doc))
    return tuple(out)


def verify_derivation(derivation: Derivation, *, seed: int = 0) -> DerivationReport:
    """Check every step of one derivation from :func:`read_derivations`."""
    doc = derivation._document
    steps = doc.check(seed, doc.groups[derivation.steps[0].index])
    return DerivationReport(doc.source, tuple(steps), "; ".join(doc.declared))


def verify_document(source: str, *, let: str | Space | None = None, seed: int = 0
                    ) -> DerivationReport:
    """Check every step of a derivation document (Markdown text).

    >>> doc = '''
    ... ```symderiv
    ... let X: m x n; y: m; w: n
    ... E = norm(y - X @ w)**2
    ... grad(E, w) = -2 * X.T @ y + X.T @ X @ w
    ... ```'''
    >>> report = verify_document(doc)
    >>> report.first_wrong_step, report.steps[1].verdict.correct_text
    (1, '-2 * X.T @ y + 2 * X.T @ X @ w')
    """
    doc = _read(source, let)
    return DerivationReport(source, tuple(doc.check(seed)), "; ".join(doc.declared))
