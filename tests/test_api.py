"""The public API: an explicit __all__, keyword-only flags, immutable results."""

import dataclasses
import inspect

import pytest

import symderiv


def test_all_is_explicit_and_importable():
    for name in symderiv.__all__:
        assert hasattr(symderiv, name), name
    public = {n for n in dir(symderiv) if not n.startswith("_")}
    modules = {"calculus", "check", "errors", "forms", "parse", "render", "space", "verdict",
               "examples",
               "cli", "explain", "problem", "derivation", "definitions", "descent"}
    assert public - set(symderiv.__all__) <= modules


@pytest.mark.parametrize(("fn", "positional"), [
    (symderiv.check_gradient, ["f"]), (symderiv.check_hessian, ["f"]),
    (symderiv.gradient, ["f"]), (symderiv.hessian, ["f"]),
    (symderiv.check_equal, ["lhs", "rhs"]),
    (symderiv.divide, ["a", "b"]), (symderiv.check_power_claim, ["claim"]),
    (symderiv.natural_extension, []),
])
def test_flags_are_keyword_only(fn, positional):
    params = inspect.signature(fn).parameters.values()
    assert [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD] == positional


def test_verdict_is_frozen():
    v = symderiv.check_gradient("x @ x", wrt="x", claim="2 * x", let="x: n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.outcome = "fails"  # type: ignore[misc]


def test_errors_share_a_root_and_subclass_value_error():
    for cls in (symderiv.ParseError, symderiv.ShapeError, symderiv.DeclarationError,
                symderiv.InputTooLargeError, symderiv.UnsupportedError):
        assert issubclass(cls, symderiv.SymderivError)
        assert issubclass(cls, ValueError)
