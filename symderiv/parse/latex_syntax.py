"""LaTeX text to a lark tree: the bounds checked before the parser runs, the grammar,
and where each node of the tree is in the text (for located errors).

:mod:`symderiv.parse.latex_reader` turns the tree into typed expressions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import InputTooLargeError, ParseError
from .expression import checked_input

#: Bounds checked before the Earley parser runs.  Its time grows with the length (about
#: 0.6 ms a character) times the number of | and \\| delimiters before it (each may open
#: or close a norm): 64 bars in |x||x|… took 6 s, 128 over a minute; within these bounds
#: the worst input found ("x|" 12 times, then letters) takes 2 to 3 s of one core.  The
#: grammar's rules are shaped for few Earley items per character: that input makes 506,000
#: (430,000 before functions, \max, \mathbf{1} and norm subscripts were read).
MAX_LENGTH = 1000
MAX_DEPTH = 60
MAX_BARS = 12
_PAIRED_BARS = re.compile(r"\\(?:left|right)(?:\\\||\\Vert|\|)")
_BAR = re.compile(r"\\Vert(?![A-Za-z])|\\\||\|")

#: commands the grammar knows: any other is named in the error as unknown
_KNOWN_COMMANDS = ("\\cdot", "\\times", "\\circ", "\\odot", "\\top", "\\frac", "\\dfrac",
                   "\\tfrac", "\\sqrt", "\\|", "\\Vert", "\\left", "\\right", "\\lVert",
                   "\\rVert", "\\det", "\\log", "\\ln", "\\exp", "\\tr", "\\operatorname",
                   "\\mathrm", "\\text", "\\mathbf", "\\boldsymbol", "\\bm", "\\vec",
                   "\\intercal", "\\mathsf", "\\sin", "\\cos", "\\tan", "\\arc",
                   "\\sinh", "\\cosh", "\\tanh", "\\max", "\\min", "\\mathbb",
                   "\\lvert", "\\rvert", "\\infty", "\\sum")


@lru_cache(maxsize=1)
def _parser() -> Any:
    try:
        import lark
    except ImportError as exc:  # a dependency, but say what to do if it is missing
        raise ParseError("reading LaTeX needs the 'lark' package: pip install lark") from exc
    grammar = Path(__file__).with_name("latex.lark").read_text(encoding="utf-8")
    return lark.Lark(grammar, parser="earley", lexer="dynamic", ambiguity="resolve",
                     propagate_positions=True)


@dataclass(slots=True)
class _At:
    """Where a piece of the input is, for the typed builder's error messages."""

    col: int
    text: str
    left: Any = None
    right: Any = None
    args: list[Any] = field(default_factory=list)
    func: Any = None
    name: str = ""  # the variable of ∂/∂x


def _where(text: str, tree: Any) -> _At:
    meta = getattr(tree, "meta", None)
    if meta is not None and not getattr(meta, "empty", True):
        return _At(meta.start_pos + 1, text[meta.start_pos:meta.end_pos])
    if hasattr(tree, "start_pos") and tree.start_pos is not None:
        return _At(tree.start_pos + 1, str(tree))
    return _At(1, text)


def _is_token(x: Any) -> bool:
    return hasattr(x, "type") and hasattr(x, "value")


def _check_size(text: str) -> None:
    """InputTooLargeError for LaTeX that would keep the parser busy: brackets nested too
    deeply, too many | or \\| delimiters (each could open or close a norm)."""
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch in "([{") - (ch in ")]}")
        if depth > MAX_DEPTH:
            raise InputTooLargeError(f"LaTeX nested deeper than {MAX_DEPTH} levels",
                                     source=text, col=i + 1, what="LaTeX")
    masked = _PAIRED_BARS.sub(lambda m: " " * len(m.group(0)), text)  # \left\| is unambiguous
    bars = list(_BAR.finditer(masked))
    if len(bars) > MAX_BARS:
        raise InputTooLargeError(
            f"more than {MAX_BARS} | or \\| delimiters in one expression (for more norms write "
            "\\left\\| … \\right\\| or \\lVert … \\rVert)", source=text,
            col=bars[MAX_BARS].start() + 1, what="LaTeX")


def _parse_tree(text: str) -> tuple[str, Any]:
    """The text, stripped, and its lark tree; errors located."""
    stripped = checked_input(text, "LaTeX", limit=MAX_LENGTH)
    _check_size(stripped)
    import lark

    try:
        return stripped, _parser().parse(stripped)
    except lark.exceptions.UnexpectedEOF:
        raise ParseError("the expression ends too early (an unclosed brace or bracket?)",
                         source=stripped, col=len(stripped), what="LaTeX") from None
    except lark.exceptions.UnexpectedInput as exc:
        col = getattr(exc, "column", None) or len(stripped)
        if getattr(exc, "pos_in_stream", None) is not None:
            col = exc.pos_in_stream + 1
        bad = stripped[col - 1:col + 8] if col <= len(stripped) else ""
        message = (f"cannot read {bad!r}" if bad else "the expression ends too early "
                   "(an unclosed brace or bracket?)")
        before = re.search(r"\\([A-Za-z]+)\s*$", stripped[:col - 1])
        if bad.startswith("\\sum") and before is not None:  # \log \sum_i …: log of what?
            message = (f"cannot read {bad!r}: a function of a sum takes parentheses, as in "
                       f"\\{before.group(1)}\\left(\\sum_i …\\right)")
        elif bad.startswith("\\") and not any(bad.startswith(k) for k in _KNOWN_COMMANDS):
            command = re.match(r"\\[A-Za-z]+", stripped[col - 1:])
            message = f"unknown command {command.group(0) if command else bad!r}"
        raise ParseError(message, source=stripped, col=min(col, len(stripped)),
                         what="LaTeX") from None
