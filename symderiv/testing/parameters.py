"""The user's arguments at a point, and the variables among them as one real vector θ.

``at`` holds the arguments of the user's functions (a tuple, a dict of keyword arguments,
or one array); ``wrt`` names the variable — one argument, or several (a tuple of positions
or names).  An argument that is itself a dict, or a tuple of arrays, is a variable with
several parts (``params = {"W": W, "b": b}``).  Every part is a leaf, and the leaves laid
end to end are θ: real entries as they are, a complex entry as its real and imaginary
parts.  Differences are taken in θ; a claimed derivative is read in the variables'
structure (an array, or a tuple or dict of arrays) and laid out in θ the same way.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ArgumentError


class ClaimError(Exception):
    """The claimed derivative is not an array of numbers of the derivative's shape."""


def name_of(fn: Any) -> str:
    return getattr(fn, "__name__", None) or type(fn).__name__


def numbers_in(out: Any, *, complex_ok: bool = False) -> np.ndarray | None:
    """``out`` as an array of numbers (complex ones too if ``complex_ok``), or None."""
    if isinstance(out, Mapping | tuple) and not isinstance(out, np.ndarray) and any(
            isinstance(o, Mapping | tuple | np.ndarray) for o in (
                out.values() if isinstance(out, Mapping) else out)):
        return None  # a container of arrays, not one array
    try:
        arr = np.asarray(out)
    except (ValueError, TypeError):  # ragged lists and the like
        return None
    return arr if arr.dtype.kind in ("fiubc" if complex_ok else "fiub") else None


def fresh(v: Any, promote: bool) -> Any:
    """A copy of an array (of each array in a tuple or dict); float16/float32 arrays and
    scalars as float64, complex64 as complex128, if ``promote``."""
    if isinstance(v, Mapping):
        return {k: fresh(x, promote) for k, x in v.items()}
    if isinstance(v, tuple):
        return tuple(fresh(x, promote) for x in v)
    if promote and isinstance(v, np.ndarray | np.generic) and _low(v.dtype):
        return v.astype(_wide(v.dtype))
    return v.copy() if isinstance(v, np.ndarray) else v


def _low(dtype: np.dtype) -> bool:
    return (dtype.kind == "f" and dtype.itemsize < 8) or (dtype.kind == "c"
                                                          and dtype.itemsize < 16)


def _wide(dtype: np.dtype) -> np.dtype:
    return np.dtype(np.complex128 if dtype.kind == "c" else np.float64) if _low(dtype) \
        else dtype


def real_dtype(dtype: np.dtype) -> np.dtype:
    """The precision of a dtype's numbers: complex64 → float32; integers → float64."""
    if dtype.kind == "c":
        return np.dtype(f"f{dtype.itemsize // 2}")
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


@dataclass(frozen=True, slots=True)
class Leaf:
    """One array among the variables, and where it sits in θ and in a claim."""

    name: str  # "w", "params['W']", "argument 1"
    where: str  # "argument 1", or "" when the name says it
    shape: tuple[int, ...]
    dtype: np.dtype
    offset: int  # its first coordinate in θ
    path: tuple[tuple[Any, ...], ...]  # how to find its part in a claim (Point.part)
    scalar: bool  # given as a scalar: passed back as one

    @property
    def complex(self) -> bool:
        return self.dtype.kind == "c"

    @property
    def entries(self) -> int:
        return int(np.prod(self.shape, dtype=int))

    @property
    def size(self) -> int:
        """Its coordinates in θ: a complex entry has two."""
        return self.entries * (2 if self.complex else 1)

    def describe(self) -> str:
        inside = ", ".join(s for s in (self.where, f"shape {self.shape}", str(self.dtype)) if s)
        return f"{self.name} ({inside})"


@dataclass(frozen=True, slots=True)
class _Slot:
    """One variable argument: where it goes in the call, and its parts if it has some."""

    key: int | str  # position in args, or keyword
    container: type | None  # dict or tuple, for a variable with parts
    keys: tuple[Any, ...]  # the container's keys


@dataclass(frozen=True, slots=True)
class Point:
    """The user's arguments, with the variables among them laid out as θ."""

    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    slots: tuple[_Slot, ...]
    leaves: tuple[Leaf, ...]
    theta: np.ndarray  # float64

    @property
    def size(self) -> int:
        return self.theta.size

    @property
    def complex(self) -> bool:
        return any(leaf.complex for leaf in self.leaves)

    def describe(self) -> str:
        """"w (argument 1, shape (3,), float64)", several joined by "and"."""
        parts = [leaf.describe() for leaf in self.leaves]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

    def lowest(self) -> np.dtype | None:
        """The lowest floating-point precision among the arguments, if below float64."""
        found = [real_dtype(a.dtype) for a in _arrays((*self.args, *self.kwargs.values()))
                 if a.dtype.kind in "fc" and _low(a.dtype)]
        found += [real_dtype(leaf.dtype) for leaf in self.leaves if _low(leaf.dtype)]
        return min(found, key=lambda d: d.itemsize) if found else None

    def _values(self, theta: np.ndarray, promote: bool) -> list[Any]:
        out: list[Any] = []
        for leaf in self.leaves:
            seg = theta[leaf.offset:leaf.offset + leaf.size]
            v = (seg[0::2] + 1j * seg[1::2]) if leaf.complex else seg
            arr = np.array(v.reshape(leaf.shape), dtype=_wide(leaf.dtype) if promote
                           else leaf.dtype)
            out.append(arr[()] if leaf.scalar else arr)
        return out

    def _grouped(self, values: list[Any]) -> list[Any]:
        """Leaf values put back into each variable's container."""
        it, out = iter(values), []
        for slot in self.slots:
            if slot.container is dict:
                out.append({k: next(it) for k in slot.keys})
            elif slot.container is tuple:
                out.append(tuple(next(it) for _ in slot.keys))
            else:
                out.append(next(it))
        return out

    def call(self, fn: Callable[..., Any], theta: np.ndarray | None = None, *,
             promote: bool = False, extra: tuple[Any, ...] = ()) -> Any:
        """``fn`` at the point, the variables set from θ, ``extra`` appended to the
        positional arguments.  Every array is a fresh copy, so a function that changes
        its arguments in place cannot change the point."""
        values = self._grouped(self._values(self.theta if theta is None else theta, promote))
        args = [fresh(a, promote) for a in self.args]
        kwargs = {k: fresh(v, promote) for k, v in self.kwargs.items()}
        for slot, value in zip(self.slots, values, strict=True):
            if isinstance(slot.key, int):
                args[slot.key] = value
            else:
                kwargs[slot.key] = value
        return fn(*args, *(fresh(e, promote) for e in extra), **kwargs)

    def structured(self, vec: np.ndarray) -> Any:
        """A vector of θ in the variables' own structure (a tangent for jvp or hvp)."""
        values = self._grouped(self._values(vec, False))
        return tuple(values) if len(self.slots) > 1 else values[0]

    # -- claims --------------------------------------------------------------------------
    def part(self, obj: Any, leaf: Leaf, name: str) -> Any:
        """The part of a claim in the variables' structure that belongs to ``leaf``."""
        for kind, key, keys in leaf.path:
            if kind == "slot":  # several variables: a tuple in wrt's order, or a dict by name
                index, label = key
                if isinstance(obj, Mapping):
                    if set(obj) != set(keys):
                        raise ClaimError(f"{name} returned a dict with keys "
                                         f"{sorted(map(str, obj))}, but the variables are "
                                         f"{', '.join(map(str, keys))}")
                    obj = obj[label]
                elif isinstance(obj, tuple | list) and len(obj) == len(keys):
                    obj = obj[index]
                else:
                    raise ClaimError(f"{name} returned {_kind(obj)}, but there are "
                                     f"{len(keys)} variables ({', '.join(map(str, keys))}): "
                                     "return a tuple in their order, or a dict by name")
            else:  # a variable with parts: the same container
                if isinstance(obj, Mapping) and set(obj) == set(keys):
                    obj = obj[key]
                elif isinstance(obj, tuple | list) and not isinstance(key, str) and len(
                        obj) == len(keys):
                    obj = obj[key]
                else:
                    raise ClaimError(f"{name} returned {_kind(obj)} where {leaf.name} "
                                     f"has the parts {', '.join(map(repr, keys))}")
        return obj

    def flatten(self, claim: Any, name: str, prefix: tuple[int, ...] = ()
                ) -> tuple[np.ndarray, np.dtype]:
        """A claim of shape ``prefix + variables`` as a (rows, θ) array of float64, and
        the precision it was computed in.  Each part may also be 2-D, (rows, entries)."""
        rows = int(np.prod(prefix, dtype=int))
        blocks, dtypes = [], []
        for leaf in self.leaves:
            for_ = f" for {leaf.name}" if len(self.leaves) > 1 else ""
            arr = numbers_in(self.part(claim, leaf, name), complex_ok=leaf.complex)
            if arr is None:
                raise ClaimError(f"{name} returned something that is not an array of "
                                 f"numbers{for_}"
                                 + ("" if leaf.complex or not _has_complex(
                                     self.part(claim, leaf, name))
                                    else f": complex values, but {leaf.name} is real"))
            want = prefix + leaf.shape
            if not (arr.shape == want or (prefix and arr.shape == (rows, leaf.entries))
                    or arr.size == 1 == int(np.prod(want, dtype=int))):
                raise ClaimError(f"{name} returned shape {arr.shape}{for_}, but the "
                                 f"derivative has shape {want}")
            dtypes.append(real_dtype(arr.dtype))
            arr = arr.reshape(rows, leaf.entries)
            if leaf.complex:
                arr = np.stack([arr.real, arr.imag], axis=-1).reshape(rows, leaf.size)
            blocks.append(arr.astype(np.float64))
        return np.concatenate(blocks, axis=1), min(dtypes, key=lambda d: d.itemsize)

    def flatten_square(self, claim: Any, name: str) -> tuple[np.ndarray, np.dtype]:
        """A claimed Hessian as an (θ, θ) array: for one variable of shape s, an array of
        shape s + s; for several, blocks ``claim[a][b]`` of shape sₐ + s_b (nested tuples
        or dicts, as for a gradient), or one (n, n) array; 2-D (entries, entries) blocks
        are accepted too."""
        n = self.size
        if (len(self.leaves) == 1 and not self.leaves[0].path) or isinstance(claim, np.ndarray):
            arr = numbers_in(claim)
            if arr is None:
                raise ClaimError(f"{name} returned something that is not an array of numbers")
            want = self.leaves[0].shape * 2 if len(self.leaves) == 1 else (n, n)
            if not (arr.shape in (want, (n, n)) or arr.size == 1 == n):
                raise ClaimError(f"{name} returned shape {arr.shape}, but the derivative "
                                 f"has shape {want}")
            return arr.reshape(n, n).astype(np.float64), real_dtype(arr.dtype)
        out, dtypes = np.empty((n, n)), []
        for a in self.leaves:
            row = self.part(claim, a, name)
            for b in self.leaves:
                arr = numbers_in(self.part(row, b, name))
                block = f"the block for {a.name}, {b.name}"
                if arr is None:
                    raise ClaimError(f"{name} returned something that is not an array of "
                                     f"numbers as {block}")
                if arr.shape not in (a.shape + b.shape, (a.entries, b.entries)):
                    raise ClaimError(f"{name} returned shape {arr.shape} as {block}, which "
                                     f"has shape {a.shape + b.shape}")
                out[a.offset:a.offset + a.size, b.offset:b.offset + b.size] = arr.reshape(
                    a.size, b.size)
                dtypes.append(real_dtype(arr.dtype))
        return out, min(dtypes, key=lambda d: d.itemsize)

    # -- labels and display -----------------------------------------------------------------
    def entry(self, k: int) -> str:
        """Where coordinate k of θ is: "[1]", "W[0, 2]", "z[1] (imaginary part)"."""
        leaf = next(leaf for leaf in reversed(self.leaves) if leaf.offset <= k)
        j = k - leaf.offset
        e, part = (j // 2, (" (real part)", " (imaginary part)")[j % 2]) if leaf.complex \
            else (j, "")
        prefix = leaf.name if len(self.leaves) > 1 or leaf.path else ""
        return prefix + index_label(leaf.shape, e) + part

    def show(self, rows: np.ndarray, prefix: tuple[int, ...] = ()) -> str:
        """(rows, θ) values in the variables' shapes (complex parts recombined), each
        variable under its name when there are several."""
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, self.size)
        parts = []
        for leaf in self.leaves:
            seg = rows[:, leaf.offset:leaf.offset + leaf.size]
            if leaf.complex:
                seg = seg[:, 0::2] + 1j * seg[:, 1::2]
            shape = prefix + leaf.shape
            value = seg.reshape(shape) if len(shape) <= 2 else seg.reshape(
                int(np.prod(prefix, dtype=int)), leaf.entries)
            text = fmt(value)
            parts.append(text if len(self.leaves) == 1 else
                         f"{leaf.name}:\n  " + text.replace("\n", "\n  "))
        return "\n".join(parts)


def _has_complex(obj: Any) -> bool:
    return numbers_in(obj, complex_ok=True) is not None and np.asarray(obj).dtype.kind == "c"


def _kind(obj: Any) -> str:
    if isinstance(obj, Mapping):
        return "a dict"
    if isinstance(obj, tuple | list):
        return f"a {type(obj).__name__} of {len(obj)}"
    return "one array" if isinstance(obj, np.ndarray) else f"a {type(obj).__name__}"


def _arrays(values: Any) -> list[np.ndarray | np.generic]:
    out = []
    for v in values:
        if isinstance(v, Mapping):
            out += _arrays(v.values())
        elif isinstance(v, tuple):
            out += _arrays(v)
        elif isinstance(v, np.ndarray | np.generic):
            out.append(v)
    return out


def index_label(shape: tuple[int, ...], k: int) -> str:
    if not shape:
        return "[]"
    return "[" + ", ".join(str(int(i)) for i in np.unravel_index(k, shape)) + "]"


def fmt(a: np.ndarray) -> str:
    a = np.asarray(a)
    if a.dtype.kind != "c":
        a = a.astype(np.float64)
    return np.array2string(a, precision=8, threshold=24, edgeitems=4, max_line_width=88,
                           separator=" ")


def _is_parts(v: Any) -> bool:
    """A variable with parts: a dict of arrays, or a tuple of arrays."""
    if isinstance(v, Mapping):
        return True
    return isinstance(v, tuple) and len(v) > 0 and all(isinstance(x, np.ndarray) for x in v)


def point(fn: Callable[..., Any], at: Any, wrt: Any, *, complex_ok: bool,
          complex_hint: str = "") -> Point:
    """Split ``at`` into positional and keyword arguments and find the variables."""
    if not callable(fn):
        raise ArgumentError(f"f must be a function, not {type(fn).__name__}")
    try:
        signature: inspect.Signature | None = inspect.signature(fn)
    except (TypeError, ValueError):
        signature = None
    params = list(signature.parameters) if signature is not None else []
    several = isinstance(wrt, tuple | list)
    wanted = list(wrt) if several else [wrt]
    if several and not wanted:
        raise ArgumentError("wrt=() names no variable")
    if isinstance(at, Mapping):
        args: tuple[Any, ...] = ()
        kwargs = dict(at)
        # params = {"W1": …, "b1": …} for f(params), as JAX users write it: a dict f cannot
        # take as keyword arguments but can as its one argument is that argument
        if not isinstance(wrt, str) and not several and not _binds(signature, (), kwargs) \
                and _binds(signature, (kwargs,), {}):
            args, kwargs = (kwargs,), {}
    else:
        args = tuple(at) if isinstance(at, tuple | list) else (at,)
        kwargs = {}
    keys: list[int | str] = []
    labels: list[tuple[str, str]] = []  # (name, where)
    for w in wanted:
        key, label = _key(fn, params, args, kwargs, w, single=not several)
        if key in keys:
            raise ArgumentError(f"wrt names {label[0]} twice")
        keys.append(key)
        labels.append(label)
    _arity(fn, signature, at, args, kwargs)
    slots, leaves, chunks, offset = [], [], [], 0
    # a claim for several variables may be a dict keyed by their names
    idents = tuple(k if isinstance(k, str) else name for k, (name, _) in zip(keys, labels,
                                                                             strict=True))
    for i, (key, (name, where)) in enumerate(zip(keys, labels, strict=True)):
        raw = args[key] if isinstance(key, int) else kwargs[key]
        top = (("slot", (i, idents[i]), idents),) if several else ()
        if _is_parts(raw):
            container = dict if isinstance(raw, Mapping) else tuple
            ckeys = tuple(raw) if container is dict else tuple(range(len(raw)))
            items = [(f"{name}[{k!r}]", raw[k], (*top, ("part", k, ckeys))) for k in ckeys]
        else:
            container, ckeys = None, ()
            items = [(name, raw, top)]
        slots.append(_Slot(key, container, ckeys))
        for leaf_name, value, path in items:
            leaf_where = where if container is None else ""
            x = _variable(leaf_name, value, complex_ok, complex_hint)
            leaf = Leaf(leaf_name, leaf_where, x.shape, x.dtype, offset, path,
                        x.ndim == 0 and not isinstance(value, np.ndarray))
            leaves.append(leaf)
            flat = x.reshape(-1).astype(np.complex128 if leaf.complex else np.float64)
            chunks.append(np.stack([flat.real, flat.imag], -1).ravel() if leaf.complex
                          else flat)
            offset += leaf.size
    args = tuple(fresh(a, False) for a in args)
    kwargs = {k: fresh(v, False) for k, v in kwargs.items()}
    return Point(fn, args, kwargs, tuple(slots), tuple(leaves),
                 np.concatenate(chunks) if chunks else np.zeros(0))


def _binds(signature: inspect.Signature | None, args: tuple[Any, ...],
           kwargs: dict[str, Any]) -> bool:
    """Whether f's signature (known) accepts these arguments."""
    if signature is None:
        return False
    try:
        signature.bind(*args, **kwargs)
    except TypeError:
        return False
    return True


def _arity(fn: Callable[..., Any], signature: inspect.Signature | None, at: Any,
           args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """A located error when f cannot take the arguments ``at`` stands for (at=[1.0, 2.0]
    for f(x) ended in f's own 'takes 1 positional argument but 2 were given')."""
    if signature is None or _binds(signature, args, kwargs):
        return
    try:
        signature.bind(*args, **kwargs)
    except TypeError as exc:
        given = (f"{len(args)} positional argument{'s' if len(args) != 1 else ''}" if args
                 else f"keyword arguments {', '.join(map(repr, kwargs))}")
        why = f"at gives {given}: {exc}"
    if kwargs:
        how = ("a dict is read as keyword arguments of f; for one argument that is a dict "
               "(params), pass at=(params,)")
    elif isinstance(at, tuple | list):
        how = (f"a {type(at).__name__} is read as f's positional arguments, one per item; "
               "for one vector pass np.array([...])")
    else:
        how = "a single value is read as f's only argument; pass a tuple for several"
    raise ArgumentError(f"{name_of(fn)} cannot take the arguments in at ({why}): {how}")


def _key(fn: Callable[..., Any], params: list[str], args: tuple[Any, ...],
         kwargs: dict[str, Any], wrt: Any, *, single: bool) -> tuple[int | str, tuple[str, str]]:
    """Where one variable is in the call, and its (name, where) for messages."""
    if kwargs:
        if single and wrt == 0 and len(kwargs) == 1:
            wrt = next(iter(kwargs))
        if not isinstance(wrt, str) or wrt not in kwargs:
            hint = ("; a dict is read as keyword arguments of f: for one argument that is a "
                    "dict of parameters, pass at=(params,)") if not isinstance(wrt, str) else ""
            raise ArgumentError(f"wrt={wrt!r} is not one of the keyword arguments in at "
                                f"({', '.join(map(repr, kwargs))}){hint}")
        return wrt, (repr(wrt), "")
    if isinstance(wrt, str):
        if wrt not in params[:len(args)]:
            raise ArgumentError(f"wrt={wrt!r} is not the name of one of the {len(args)} "
                                f"arguments of {name_of(fn)}")
        wrt = params.index(wrt)
    if isinstance(wrt, bool) or not isinstance(wrt, numbers.Integral) or not (
            -len(args) <= wrt < len(args)):
        raise ArgumentError(f"wrt={wrt!r} is not the position of one of the {len(args)} "
                            "arguments in at")
    key = int(wrt) % len(args)
    if key < len(params):
        return key, (params[key], f"argument {key}")
    return key, (f"argument {key}", "")


def _variable(label: str, raw: Any, complex_ok: bool, hint: str) -> np.ndarray:
    x = numbers_in(raw, complex_ok=True)
    if x is not None and x.dtype.kind == "c" and not complex_ok:
        raise ArgumentError(f"{label} holds complex numbers: {hint}")
    if x is None or x.dtype.kind not in "fc":
        kind = "integers" if x is not None else f"a {type(raw).__name__}"
        raise ArgumentError(f"{label} holds {kind}: derivatives need floating-point values "
                            f"(for example np.asarray(..., dtype=float))")
    if not np.all(np.isfinite(x)):
        raise ArgumentError(f"{label} holds inf or nan: there is no derivative to compare")
    return x.copy()
