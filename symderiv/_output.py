"""Files a command was asked to write: checked before the work, written whole or not at all.

Every option of the ``symderiv`` command that names a file or directory to write goes
through here, so a bad path gets one error for every command (``OutputPathError``, exit 2,
naming the option and the path) instead of an ``OSError`` from wherever the write happened:

- ``check_output_path`` runs when the command line is read, before any checking, plotting
  or compiling, and refuses what can be seen to fail (no such directory, a directory where
  a file is wanted, no permission, an empty path or one with a NUL character);
- ``write_output`` and ``write_into`` write under a temporary name in the target's own
  directory and rename at the end, so an error (a disk full, a file system that refuses
  writes although its permissions allow them) never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import OutputPathError

__all__ = ["check_output_path", "write_into", "write_output"]


def _reason(exc: OSError) -> str:
    """What went wrong, in words: 'permission denied', not '[Errno 13] Permission denied'."""
    return (exc.strerror or type(exc).__name__).lower()


def _writable_directory(directory: str) -> str | None:
    """Why files cannot be created in ``directory`` (an existing path), or None."""
    if not os.path.isdir(directory):
        return f"{directory!r} is not a directory"
    if not os.access(directory, os.W_OK | os.X_OK):
        return f"permission denied in {directory!r}"
    return None


def _problem(path: str, *, directory: bool) -> str | None:
    """Why ``path`` cannot be written (as a file, or as a directory of files), or None."""
    if not path:
        return "the path is empty"
    if path == "-":  # a file called '-' is never what was meant: the report is on stdout
        what = "directory" if directory else "file"
        return (f"'-' does not mean standard output here (the report goes there); give a "
                f"{what} name, or ./- for a {what} called '-'")
    if "\x00" in path:
        return "the path contains a NUL character"
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return f"it is a broken symbolic link (to {os.readlink(path)!r})"
        mode = None
    except NotADirectoryError:
        return "a part of the path is a file, not a directory"
    except OSError as exc:  # a name too long, a loop of symbolic links
        return _reason(exc)
    if directory:
        if mode is not None:
            if not stat.S_ISDIR(mode):
                return "it is not a directory"
            return _writable_directory(path)
        # created with its parents: the nearest existing ancestor must take new entries
        ancestor = os.path.dirname(os.path.abspath(path))
        while not os.path.exists(ancestor):
            ancestor = os.path.dirname(ancestor)
        return _writable_directory(ancestor)
    if mode is not None and stat.S_ISDIR(mode):
        return "it is a directory (give a file name)"
    if mode is not None and not stat.S_ISREG(mode):  # a device or a pipe: written in place
        return None if os.access(path, os.W_OK) else "permission denied"
    if mode is not None:  # an existing file is replaced, or else overwritten in place
        return None if os.access(path, os.W_OK) else "permission denied"
    parent = os.path.dirname(os.path.realpath(path))
    if not os.path.exists(parent):
        return f"no such directory {os.path.dirname(path) or '.'!r}"
    return _writable_directory(parent)


def check_output_path(path: str, *, option: str, directory: bool = False) -> str:
    """``path`` if it can be written (a file, or with ``directory`` a directory that is
    created if needed), else ``OutputPathError`` naming ``option`` and the path."""
    problem = _problem(path, directory=directory)
    if problem is not None:
        raise OutputPathError(option, path, problem)
    return path


def write_output(path: str, data: str | bytes, *, option: str) -> None:
    """Write ``data`` (text as UTF-8) to ``path``: completely, or not at all.

    The data goes to a temporary file beside the target, which then replaces it in one
    rename; an existing file keeps its permissions. A device or a pipe (``/dev/stdout``),
    or a writable file in a directory that takes no new files, is written in place, as
    nothing can replace it.
    """
    check_output_path(path, option=option)
    raw = data.encode("utf-8", errors="surrogateescape") if isinstance(data, str) else data
    target = os.path.realpath(path)  # a symbolic link keeps pointing at the new file
    try:
        exists = os.path.exists(target)
        if exists and (not os.path.isfile(target)
                       or not os.access(os.path.dirname(target), os.W_OK | os.X_OK)):
            with open(target, "wb") as handle:
                handle.write(raw)
            return
        keep = stat.S_IMODE(os.stat(target).st_mode) if exists else None
        temporary = os.path.join(os.path.dirname(target),
                                 f".{os.path.basename(target)}.{uuid.uuid4().hex[:8]}.part")
        # 0o666 less the umask, as open() would give a new file
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(raw)
            if keep is not None:
                os.chmod(temporary, keep)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as exc:
        raise OutputPathError(option, path, _reason(exc)) from None


def write_into(directory: str, draw: Callable[[Path], Iterable[Path]], *,
               option: str) -> list[Path]:
    """Let ``draw(staging)`` write files into a fresh directory, then move them into
    ``directory`` (created if needed); return their final paths. When ``draw`` or a move
    fails, no file of this run is left half-written in ``directory``."""
    check_output_path(directory, option=option, directory=True)
    try:
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".symderiv-", dir=target))
        try:
            drawn = list(draw(staging))
            final = [target / p.name for p in drawn]
            for source, dest in zip(drawn, final, strict=True):
                os.replace(source, dest)
            return final
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise OutputPathError(option, directory, _reason(exc)) from None
