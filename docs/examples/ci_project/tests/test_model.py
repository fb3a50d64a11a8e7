"""The project's gradient code, checked against central differences on random data."""

import numpy as np
from hypothesis import given, settings
from model import loss, loss_grad, ridge, ridge_hessian

from symderiv.testing import assert_gradient, assert_hessian, assert_identity, matrices


@settings(max_examples=25, deadline=None)
@given(X=matrices(shape=(20, 3)), w=matrices(shape=(3,)), y=matrices(shape=(20,)))
def test_loss_gradient(X, w, y):
    assert_gradient(loss, loss_grad, at=(X, w, y), wrt=1)


@settings(max_examples=25, deadline=None)
@given(X=matrices(shape=(20, 3), dtype=np.float32), w=matrices(shape=(3,), dtype=np.float32),
       y=matrices(shape=(20,), dtype=np.float32))
def test_loss_gradient_in_float32(X, w, y):
    assert_gradient(loss, loss_grad, at=(X, w, y), wrt="w")


@settings(max_examples=10, deadline=None)
@given(X=matrices(shape=(10, 4)), w=matrices(shape=(4,)), y=matrices(shape=(10,)))
def test_ridge_hessian(X, w, y):
    assert_hessian(ridge, ridge_hessian, at=(X, w, y, 0.5), wrt="w")


def test_the_expansion_in_the_notes():
    assert_identity("norm(y - X @ w)**2", "y.T@y - 2*y.T@X@w + w.T@X.T@X@w",
                    let="X: m x n; y: m; w: n")
