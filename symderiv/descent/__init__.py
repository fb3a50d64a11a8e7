"""Talk B's regression lecture, derived and run: model, loss, chain-rule gradient (checked
by the core's engines), compiled to NumPy, closed form, grid search and gradient descent."""

from .data import builtin_data, load_csv
from .derive import ChainStep, Regression, derive_regression
from .run import (
    DescentError,
    DescentResult,
    GridResult,
    auto_lr,
    closed_form,
    descend,
    grid_search,
)

__all__ = ["ChainStep", "DescentError", "DescentResult", "GridResult", "Regression",
           "auto_lr", "builtin_data", "closed_form", "derive_regression", "descend", "grid_search",
           "load_csv"]
