"""The mathematics symderiv computes with: matrix calculus, index forms, evaluation."""

from .diagonal import install as _install_diagonal

_install_diagonal()
