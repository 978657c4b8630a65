"""Writing files safely: saves that fail half-way, and atomic_write, the one writer of files.

Oracle: every failed or interrupted save — a refused destination, permission denied, a full disk,
Ctrl-C at each system call — is checked byte for byte against the file that was there before,
and the folder is checked for a left-behind temporary file.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile

import numpy as np
import pytest

import glassnet.io as gio
from glassnet import ModelFileError
from glassnet._files import atomic_write
from model_file_helpers import small_net


# ---------------------------------------------------------------- saves that must not lose anything

def assert_untouched(path, before: bytes):
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == [path.name], "a temporary file was left behind"


def test_existing_file_needs_overwrite(saved):
    before = saved.read_bytes()
    with pytest.raises(ModelFileError, match=re.escape(str(saved)) + ".*already exists.*overwrite=True"):
        gio.save(small_net(seed=1), saved)
    assert_untouched(saved, before)
    gio.save(small_net(seed=1), saved, overwrite=True)
    assert saved.read_bytes() != before
    assert os.listdir(saved.parent) == [saved.name]


def test_missing_folder(tmp_path):
    path = tmp_path / "no" / "such" / "m.safetensors"
    with pytest.raises(ModelFileError, match=re.escape(str(path.parent)) + ".*does not exist"):
        gio.save(small_net(), path)


def test_read_only_folder(saved, monkeypatch):
    before = saved.read_bytes()
    saved.parent.chmod(0o555)
    try:
        if os.access(saved.parent, os.W_OK):  # root ignores the mode bits: simulate what it would say
            monkeypatch.setattr(os, "access", lambda *a, **k: False)
        with pytest.raises(ModelFileError, match=re.escape(str(saved)) + ".*not writable"):
            gio.save(small_net(seed=1), saved, overwrite=True)
    finally:
        saved.parent.chmod(0o755)
    assert_untouched(saved, before)


@pytest.mark.parametrize("target", ["mkstemp", "replace"])
def test_permission_denied_part_way(saved, monkeypatch, target):
    before = saved.read_bytes()

    def deny(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    with monkeypatch.context() as m:
        m.setattr(tempfile if target == "mkstemp" else os, target, deny)
        with pytest.raises(ModelFileError, match=re.escape(str(saved)) + ".*permission denied.*unchanged"):
            gio.save(small_net(seed=1), saved, overwrite=True)
    assert_untouched(saved, before)


@pytest.mark.parametrize("target", ["write", "fsync"])
def test_full_disk(saved, monkeypatch, target):
    before = saved.read_bytes()
    real_write = os.write
    calls = []

    def failing(fd, *args):
        if target == "write" and not calls:  # the first write gets part of the way, then the disk is full
            calls.append(fd)
            return real_write(fd, bytes(args[0][:10]))
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(os, target, failing)
        with pytest.raises(ModelFileError, match=re.escape(str(saved)) + ".*disk is full"):
            gio.save(small_net(seed=1), saved, overwrite=True)
    assert_untouched(saved, before)


@pytest.mark.parametrize("target", ["write", "fsync", "replace"])
def test_ctrl_c_during_save(saved, monkeypatch, target):
    before = saved.read_bytes()

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(os, target, interrupt)
        with pytest.raises(KeyboardInterrupt):
            gio.save(small_net(seed=1), saved, overwrite=True)
    assert_untouched(saved, before)


def test_a_new_file_gets_ordinary_permissions(tmp_path):
    path = tmp_path / "m.safetensors"
    gio.save(small_net(), path)
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's private 0o600


# ---------------------------------------------------------------- atomic_write, the one writer of files

def test_atomic_write_text_bytes_and_chunks(tmp_path):
    path = tmp_path / "notes.txt"
    atomic_write(path, "W ← W − η ∇E\n")
    assert path.read_bytes() == "W ← W − η ∇E\n".encode("utf-8")
    atomic_write(path, [b"ab", memoryview(np.arange(2, dtype="<f8")).cast("B"), bytearray(b"z")])
    assert path.read_bytes() == b"ab" + np.arange(2, dtype="<f8").tobytes() + b"z"
    path.chmod(0o640)
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new" and path.stat().st_mode & 0o777 == 0o640   # keeps the replaced file's mode
    assert os.listdir(tmp_path) == ["notes.txt"]                                   # no temporary file left


@pytest.mark.parametrize("target, error", [("write", KeyboardInterrupt), ("fsync", OSError),
                                           ("replace", KeyboardInterrupt)])
def test_atomic_write_failure_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, target, error):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"old")

    def fail(*args, **kwargs):
        raise error(errno.EIO, "I/O error") if error is OSError else error

    with monkeypatch.context() as m:
        m.setattr(os, target, fail)
        with pytest.raises(error):
            atomic_write(path, "new")
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["notes.txt"]


def test_the_cli_writes_text_with_atomic_write(tmp_path, monkeypatch):
    from glassnet.cli import _common

    calls = []
    monkeypatch.setattr(gio, "atomic_write", lambda path, data: calls.append((path, data)))
    _common.write_text(str(tmp_path / "p.csv"), "a,b\n", overwrite=False)
    assert calls == [(str(tmp_path / "p.csv"), "a,b\n")]
