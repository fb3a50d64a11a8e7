"""The project's own NumPy code: a least-squares loss and its gradient."""

import numpy as np


def loss(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> np.ndarray:
    """‖y − Xw‖²."""
    r = y - X @ w
    return r @ r


def loss_grad(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∇_w ‖y − Xw‖² = −2Xᵀ(y − Xw)."""
    return -2 * X.T @ (y - X @ w)


def ridge(X: np.ndarray, w: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """‖y − Xw‖² + λ‖w‖²."""
    return loss(X, w, y) + lam * (w @ w)


def ridge_hessian(X: np.ndarray, w: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """2XᵀX + 2λI."""
    return 2 * X.T @ X + 2 * lam * np.eye(X.shape[1])
