"""Data for the regression lecture: a CSV file with named columns, or the built-in set."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import numpy as np

from ..errors import ArgumentError

__all__ = ["MAX_ROWS", "builtin_data", "load_csv"]

#: reading a row costs ~2.5 µs (Python's csv and float): 10⁶ rows in ~2.5 s, 10⁷ took 24 s
MAX_ROWS = 1_000_000


def builtin_data(n: int = 200, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The lecture's kind of data: x uniform in [0, 3], y = 1 + 2x plus noise (σ = 0.3),
    seeded — so the best line is near w0 = 1, w1 = 2, inside the lecture's 0…3 × 0…3 box."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 3.0, n)
    return x, 1.0 + 2.0 * x + rng.normal(0.0, 0.3, n)


def load_csv(path: str | Path | TextIO, *, x: str = "x", y: str = "y"
             ) -> tuple[np.ndarray, np.ndarray]:
    """Columns ``x`` and ``y`` of a CSV file with a header row, as float arrays.

    ``path`` is a file's path or an open text stream (the command's ``--data -``: standard
    input), named in messages by its ``name``.  Errors name the file, the row and the
    column: an empty path, a missing file or column, an empty file, a cell that is not a
    finite number.
    """
    if isinstance(path, str | Path):
        if not str(path):
            raise ArgumentError("the path is empty")  # Path("") would be the directory "."
        where = repr(str(path))
        try:
            handle = Path(path).open(newline="", encoding="utf-8-sig")  # a BOM is not a name
        except OSError as exc:
            raise ArgumentError(f"cannot read {where}: {exc.strerror or exc}") from None
        with handle:
            return _read_columns(handle, where, x, y)
    name = getattr(path, "name", "")
    where = "standard input" if name in ("<stdin>", "-", "") else repr(str(name))
    return _read_columns(path, where, x, y)


def _read_columns(handle: Iterable[str], where: str, x: str, y: str
                  ) -> tuple[np.ndarray, np.ndarray]:
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        raise ArgumentError(f"{where} is empty (expected a header row with the "
                            f"columns {x!r} and {y!r})") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ArgumentError(f"{where} is not a CSV text file: {exc}") from None
    if header:  # a stream opened by someone else keeps its byte order mark: not a name
        header[0] = header[0].lstrip("\ufeff")
    names = [h.strip() for h in header]
    for column in (x, y):
        if column not in names:
            raise ArgumentError(f"{where} has no column {column!r} (its columns: "
                                f"{', '.join(map(repr, names))}); choose with --x/--y")
    ix, iy = names.index(x), names.index(y)
    xs: list[float] = []
    ys: list[float] = []
    try:
        for row_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(xs) >= MAX_ROWS:
                raise ArgumentError(f"{where} has more than {MAX_ROWS:,} rows")
            for column, index, out in ((x, ix, xs), (y, iy, ys)):
                cell = row[index].strip() if index < len(row) else ""
                try:
                    value = float(cell)
                except ValueError:
                    raise ArgumentError(f"{where} row {row_number}, column "
                                        f"{column!r}: {cell!r} is not a number") from None
                if not math.isfinite(value):
                    raise ArgumentError(f"{where} row {row_number}, column "
                                        f"{column!r}: {cell!r} is not a finite number")
                out.append(value)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ArgumentError(f"{where} is not a CSV text file: {exc}") from None
    if len(xs) < 2:
        raise ArgumentError(f"{where} has {len(xs)} data row{'s' if len(xs) != 1 else ''};"
                            " a fit needs at least 2")
    return np.array(xs), np.array(ys)
