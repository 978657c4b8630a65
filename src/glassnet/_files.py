"""Writing files safely: refuse a bad destination first, then replace the file atomically.

Every file glassnet writes — model files, checkpoints, the CLI's predictions and reports —
goes through :func:`atomic_write` (temporary file in the same folder, fsync, ``os.replace``),
so a reader sees the old file or the new one, never a part, and a failed or interrupted
write leaves the previous file byte-identical. :func:`check_destination` refuses, before
anything is written, a destination that must not or cannot be written.

These helpers are re-exported by :mod:`glassnet.io`, where users find them.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "notes.txt")
>>> check_destination(path, overwrite=False)
>>> atomic_write(path, "E = ½ Σ (t − a)²")
>>> open(path, encoding="utf-8").read()
'E = ½ Σ (t − a)²'
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile

from .errors import ModelFileError


def check_destination(path: str, overwrite: bool, error: type[Exception] = ModelFileError,
                      what: str = "save", hint: str = "pass overwrite=True (glassnet: --overwrite)") -> None:
    """Refuse, before anything is written, a destination that must not or cannot be written.

    Raises ``error`` (``ModelFileError`` by default) naming ``path`` when it is a folder,
    when its folder is missing or not writable, or when it exists and ``overwrite`` is False.
    """
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise error(f"cannot {what} {path}: it is a folder; give a file name")
    if not os.path.isdir(folder):
        raise error(f"cannot {what} {path}: the folder {folder} does not exist (create it first)")
    if os.path.lexists(path) and not overwrite:
        raise error(f"{path} already exists; {hint} to replace it (nothing was written)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise error(f"cannot {what} {path}: the folder {folder} is not writable")


def atomic_write(path, data: bytes | str | list) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never a part.

    The bytes go to a temporary file in the destination's folder, are flushed and fsync'ed,
    then ``os.replace`` puts the file in place and the folder is fsync'ed so the rename itself
    survives a crash (POSIX). A replaced file keeps its permissions; a new one gets
    ``0o666`` minus the umask. On any failure — ``KeyboardInterrupt`` included — the temporary
    file is removed, ``path`` is untouched and the exception propagates (``OSError`` as raised).

    Parameters
    ----------
    path : str or os.PathLike
        The destination; its folder must exist. Whether it may be replaced is the caller's decision.
    data : bytes, str or list of bytes-like
        A ``str`` is written as UTF-8; a list is written chunk after chunk (no copy is joined).

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "notes.txt")
    >>> atomic_write(path, "W ← W − η ∇E")
    >>> open(path, encoding="utf-8").read()
    'W ← W − η ∇E'
    """
    path = os.fspath(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    chunks = [data] if isinstance(data, (bytes, bytearray, memoryview)) else data
    folder = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o777
    except OSError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        try:
            for chunk in chunks:
                view = memoryview(chunk).cast("B")
                while view:
                    view = view[os.write(fd, view):]
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:  # KeyboardInterrupt too: never leave the temporary file behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError, AttributeError):  # make the rename itself durable (POSIX)
        dir_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------- model files and checkpoints

def _write_model_file(path: str, chunks: list, overwrite: bool) -> None:
    """Check ``path``, then write ``chunks`` atomically; an ``OSError`` becomes a ``ModelFileError`` saying why."""
    check_destination(path, overwrite)
    try:
        atomic_write(path, chunks)
    except OSError as exc:
        raise _save_error(path, exc) from exc


def _save_error(path: str, exc: OSError) -> ModelFileError:
    reason = {errno.ENOSPC: "the disk is full (no space left on device)",
              errno.EDQUOT: "the disk quota is exceeded",
              errno.EACCES: "permission denied (is the folder read-only?)",
              errno.EPERM: "permission denied (is the folder read-only?)",
              errno.EROFS: "the file system is read-only"}.get(exc.errno, exc.strerror or str(exc))
    return ModelFileError(f"could not save {path}: {reason}; any previous file there is unchanged")
