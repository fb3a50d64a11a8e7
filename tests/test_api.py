"""The public API: an explicit __all__, keyword-only flags, immutable results."""

import dataclasses
import inspect
import subprocess
import sys

import pytest

import symderiv


def test_all_is_explicit_and_importable():
    for name in symderiv.__all__:
        assert hasattr(symderiv, name), name
    # (pytest rewrites the asserts of a plugin's package and adds '@py_builtins' and such)
    public = {n for n in dir(symderiv) if not n.startswith("_") and n.isidentifier()}
    modules = {"calculus", "check", "errors", "forms", "parse", "render", "space", "verdict",
               "examples", "rational",
               "cli", "explain", "problem", "derivation", "definitions", "descent", "testing",
               "engines", "diagnose"}
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


def test_import_is_cheap_and_names_resolve_on_first_use():
    # pytest loads symderiv's plugin in every session: importing the package must not
    # pull in SymPy; the public names load their module when first used
    code = ("import sys, symderiv, symderiv.testing.plugin; "
            "assert 'sympy' not in sys.modules, 'sympy imported'; "
            "symderiv.check_gradient; assert 'sympy' in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    assert out.stdout.strip() == "ok", out.stderr
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        symderiv.not_a_name  # noqa: B018
