"""Talk B's regression lecture, derived and run: model, loss, chain-rule gradient (checked
by the core's engines), compiled to NumPy, closed form, grid search and gradient descent."""

from .derive import ChainStep, Regression, derive_regression
from .run import DescentError, DescentResult, GridResult, closed_form, descend, grid_search

__all__ = ["ChainStep", "DescentError", "DescentResult", "GridResult", "Regression",
           "closed_form", "derive_regression", "descend", "grid_search"]
