"""symderiv.testing.parameters: several variables at once (a tuple or dict of arrays, and
the cross-derivatives of a Hessian), and complex parameters of a real-valued f."""

import numpy as np
import pytest

from symderiv import ArgumentError
from symderiv.testing import (
    assert_gradient,
    assert_hessian,
    assert_jacobian,
    assert_vjp,
    check_gradient_numeric,
    check_hessian_numeric,
)

rng = np.random.default_rng(11)
W, B, X = rng.standard_normal((2, 3)), rng.standard_normal(2), rng.standard_normal(3)
Y = rng.standard_normal(2)


def layer(W, b, x):
    return np.sum(np.tanh(W @ x + b))


def layer_grad(W, b, x):
    s = 1 - np.tanh(W @ x + b) ** 2
    return np.outer(s, x), s


# -- several variables -----------------------------------------------------------------------
def test_several_arguments_with_a_tuple_or_a_dict_of_gradients():
    assert_gradient(layer, layer_grad, at=(W, B, X), wrt=("W", "b"))
    assert_gradient(layer, layer_grad, at=(W, B, X), wrt=(0, 1))
    assert_gradient(layer, lambda W, b, x: dict(zip("Wb", layer_grad(W, b, x), strict=True)),
                    at=(W, B, X), wrt=("W", "b"))
    # in the order of wrt
    assert_gradient(layer, lambda W, b, x: layer_grad(W, b, x)[::-1], at=(W, B, X),
                    wrt=("b", "W"))


def test_a_wrong_part_is_named_and_each_variable_shown_in_its_shape():
    def wrong(W, b, x):
        gW, gb = layer_grad(W, b, x)
        return gW, 2 * gb

    with pytest.raises(AssertionError) as info:
        assert_gradient(layer, wrong, at=(W, B, X), wrt=("W", "b"))
    text = str(info.value)
    assert text.startswith("Gradient of layer with respect to W (argument 0, shape (2, 3), "
                           "float64) and b (argument 1, shape (2,), float64) does not match")
    assert "mismatch:  4 of 4 directional derivatives, 2 of 8 entries" in text
    assert "largest relative difference: 1 at b[" in text
    # ACTUAL shows W as a 2×3 matrix and b as a vector, under their names
    actual = text[text.index("ACTUAL"):text.index("DESIRED")].splitlines()
    assert actual[1].strip() == "W:" and actual[2].strip().startswith("[[")
    assert actual[3].strip().endswith("]]") and actual[4].strip() == "b:"


def test_a_parameter_dict_as_one_argument():
    def loss(params, x):
        return layer(params["W"], params["b"], x)

    def grad(params, x):
        gW, gb = layer_grad(params["W"], params["b"], x)
        return {"W": gW, "b": gb}

    params = {"W": W, "b": B}
    assert_gradient(loss, grad, at=(params, X))
    report = check_gradient_numeric(loss, lambda params, x: tuple(grad(params, x).values()),
                                    at=(params, X))
    assert not report.passed
    assert report.title.endswith("returned a tuple of 2 where params['W'] has the parts 'W', "
                                 "'b'")
    # a tuple of arrays is a variable with parts too
    assert_gradient(lambda p, x: layer(*p, x), lambda p, x: layer_grad(*p, x), at=((W, B), X))


@pytest.mark.parametrize(("grad", "words"), [
    (lambda W, b, x: layer_grad(W, b, x)[0], "returned one array, but there are 2 variables"),
    (lambda W, b, x: {"W": 0 * W}, r"returned a dict with keys \['W'\], but the variables are"),
    (lambda W, b, x: (W, b[:1]), r"returned shape \(1,\) for b, but the derivative has shape"),
])
def test_a_claim_in_the_wrong_structure_fails_clearly(grad, words):
    with pytest.raises(AssertionError, match=words):
        assert_gradient(layer, grad, at=(W, B, X), wrt=("W", "b"))


def test_wrt_naming_an_argument_twice_is_refused():
    with pytest.raises(ArgumentError, match="wrt names W twice"):
        assert_gradient(layer, layer_grad, at=(W, B, X), wrt=("W", 0))


def squared_error(W, b):  # ½‖Wx + b − y‖²
    r = W @ X + b - Y
    return 0.5 * r @ r


def squared_error_hessian(W, b):
    # ∂²/∂W_ij∂W_kl = δ_ik x_j x_l, ∂²/∂W_ij∂b_k = δ_ik x_j, ∂²/∂b∂b = I
    hWW = np.einsum("ik,jl->ijkl", np.eye(2), np.outer(X, X))
    hWb = np.einsum("ik,j->ijk", np.eye(2), X)
    return ((hWW, hWb), (hWb.transpose(2, 0, 1), np.eye(2)))


def test_hessian_of_several_variables_with_cross_derivatives():
    assert_hessian(squared_error, squared_error_hessian, at=(W, B), wrt=(0, 1))
    # nested dicts, as jax.hessian returns them for a dict of parameters
    (a, c), (d, e) = squared_error_hessian(W, B)
    assert_hessian(lambda p: squared_error(p["W"], p["b"]),
                   {"W": {"W": a, "b": c}, "b": {"W": d, "b": e}}, at=({"W": W, "b": B},))
    # one (n, n) array over all entries, W's first
    full = np.block([[a.reshape(6, 6), c.reshape(6, 2)], [d.reshape(2, 6), e]])
    assert_hessian(squared_error, full, at=(W, B), wrt=(0, 1))
    # the cross-derivatives left out: found, and named by both variables
    report = check_hessian_numeric(squared_error, ((a, 0 * c), (0 * d, e)), at=(W, B),
                                   wrt=(0, 1))
    assert not report.passed
    assert "largest relative difference: 1 at W[" in report.text and ", b[" in report.text


def test_jacobian_and_vjp_of_several_variables():
    def affine(W, b):
        return W @ X + b

    jac = (np.einsum("ik,j->ikj", np.eye(2), X), np.eye(2))  # ∂f_i/∂W_kj, ∂f_i/∂b_k
    assert_jacobian(affine, jac, at=(W, B), wrt=(0, 1))
    assert_vjp(affine, lambda W, b, c: (np.outer(c, X), c), at=(W, B), wrt=(0, 1))
    with pytest.raises(AssertionError, match="Vector-Jacobian products of affine"):
        assert_vjp(affine, lambda W, b, c: (np.outer(c, X), 2 * c), at=(W, B), wrt=(0, 1))


# -- complex parameters ------------------------------------------------------------------------
Z = np.array([1 + 2j, -0.5j, 0.3 - 0.1j])


def test_a_real_function_of_complex_parameters_in_pytorchs_convention():
    # f = Σ|z|²: ∂f/∂Re z + i·∂f/∂Im z = 2 Re z + 2i Im z = 2z
    assert_gradient(lambda z: np.sum(np.abs(z) ** 2), lambda z: 2 * z, at=Z)
    # zᴴz computed in complex arithmetic has an exactly zero imaginary part: accepted
    assert_gradient(lambda z: np.vdot(z, z), lambda z: 2 * z, at=Z)
    assert_gradient(lambda z: np.sum(np.abs(z) ** 2), lambda z: 2 * z, at=Z.astype(np.complex64))
    # Re(cᴴz) mixed with a real parameter
    c = np.array([0.5 - 1j, 2j, 1.0])
    assert_gradient(lambda z, t: np.real(np.vdot(c, z)) * t, lambda z, t: (c * t, np.real(
        np.vdot(c, z))), at=(Z, 1.5), wrt=(0, 1))


def test_the_conjugate_convention_is_named_in_the_message():
    with pytest.raises(AssertionError) as info:
        assert_gradient(lambda z: np.sum(np.abs(z) ** 2), lambda z: 2 * np.conj(z), at=Z)
    text = str(info.value)
    assert "shape (3,), complex128) does not match" in text
    assert "entries (all 6)" in text and "at [0] (imaginary part)" in text
    assert ("note: complex parameters: the gradient is read as ∂f/∂Re z + i·∂f/∂Im z "
            "(= 2·∂f/∂z̄, as PyTorch computes it)") in text
    assert ("note: <lambda> matches the complex conjugate, ∂f/∂Re z − i·∂f/∂Im z (the "
            "convention of jax.grad): conjugate it") in text
    assert "[2. -4.j" in text  # complex values shown as complex numbers


@pytest.mark.parametrize(("call", "words"), [
    (lambda: assert_gradient(lambda z: np.sum(z ** 2), lambda z: 2 * z, at=Z),
     r"returned a complex value \(.*\): derivatives are checked for real-valued functions"),
    (lambda: assert_jacobian(lambda z: z ** 2, lambda z: np.diag(2 * z), at=Z),
     "z holds complex numbers: this check compares real derivatives; for a real-valued f of "
     "complex parameters use assert_gradient"),
    (lambda: assert_hessian(lambda z: np.sum(np.abs(z) ** 2), np.eye(3), at=Z),
     "z holds complex numbers"),
])
def test_complex_where_no_single_convention_exists_is_refused(call, words):
    with pytest.raises(ArgumentError, match=words):
        call()


def test_a_complex_claim_for_a_real_variable_fails_clearly():
    with pytest.raises(AssertionError, match="complex values, but x is real"):
        assert_gradient(lambda x: x @ x, lambda x: 2 * x + 0j, at=np.ones(2))


# -- how at is read ------------------------------------------------------------------------------
_P = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal(3),
      "W2": rng.standard_normal(3), "b2": np.array(0.5)}
_x = np.array([0.3, -0.7])


def mlp(params):
    return params["W2"] @ np.tanh(params["W1"] @ _x + params["b1"]) + params["b2"]


def mlp_grad(params):
    h = np.tanh(params["W1"] @ _x + params["b1"])
    d = (1 - h ** 2) * params["W2"]
    return {"W1": np.outer(d, _x), "b1": d, "W2": h, "b2": np.array(1.0)}


def test_a_dict_f_takes_as_its_one_argument_is_that_argument():
    # review of symderiv.testing: assert_gradient(mlp, mlp_grad, at=P), as a JAX or flax
    # user writes it, failed with "wrt=0 is not one of the keyword arguments in at"; mlp
    # cannot take W1, b1, W2, b2 as keyword arguments, so P can only be its one argument
    assert_gradient(mlp, mlp_grad, at=_P)
    report = check_gradient_numeric(mlp, lambda p: {k: 2 * v for k, v in mlp_grad(p).items()},
                                    at=_P)
    assert report.outcome == "fails" and "params['W1']" in report.title


def test_a_dict_is_keyword_arguments_where_f_takes_them():
    assert_gradient(layer, lambda W, b, x: np.outer(1 - np.tanh(W @ x + b) ** 2, x),
                    at={"W": W, "b": B, "x": X}, wrt="W")
    # a dict f takes neither way: the error says how at is read and what to pass
    with pytest.raises(ArgumentError, match=r"g cannot take the arguments in at \(at gives "
                       r"keyword arguments 'a'.*pass at=\(params,\)"):
        def g(a, b):
            return a @ b
        assert_gradient(g, lambda a, b: b, at={"a": np.ones(2)})


def test_keyword_arguments_f_takes_but_wrt_does_not_name_say_how_at_is_read():
    def k(**parts):
        return sum(np.sum(v) for v in parts.values())

    with pytest.raises(ArgumentError, match=r"wrt=0 is not one of the keyword arguments in at "
                       r"\('a', 'b'\); a dict is read as keyword arguments of f: for one "
                       r"argument that is a dict of parameters, pass at=\(params,\)"):
        assert_gradient(k, lambda **parts: np.ones(2), at={"a": np.ones(2), "b": np.ones(2)})


@pytest.mark.parametrize("at", [[1.0, 2.0], (1.0, 2.0)])
def test_a_list_or_tuple_is_positional_arguments_and_an_arity_mismatch_says_so(at):
    # at=[1.0, 2.0] for f(x) ended in f's own "takes 1 positional argument but 2 were given"
    kind = type(at).__name__
    with pytest.raises(ArgumentError, match=(
            rf"<lambda> cannot take the arguments in at \(at gives 2 positional arguments: "
            rf".*\): a {kind} is read as f's positional arguments, one per item; for one "
            r"vector pass np.array\(\[...\]\)")):
        assert_gradient(lambda x: x @ x, lambda x: 2 * x, at=at)
