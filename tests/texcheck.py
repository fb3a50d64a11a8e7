"""Compile LaTeX fragments with the real pdflatex (the tests skip without it)."""

import shutil
import subprocess

import pytest

needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                    reason="needs pdflatex (.ci/run installs texlive-latex-base)")


def compile_fragments(parts, tmp_path, name="doc"):
    """Wrap ``parts`` in an article with amsmath and amssymb, run pdflatex; the process."""
    doc = ("\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n"
           + "\n\\bigskip\n".join(parts) + "\n\\end{document}\n")
    (tmp_path / f"{name}.tex").write_text(doc, encoding="utf-8")
    return subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                           f"{name}.tex"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, check=False)
