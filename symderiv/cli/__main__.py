"""``python -m symderiv.cli`` runs the command line, as ``python -m symderiv`` does."""

from . import main

main()
