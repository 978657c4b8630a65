"""Output files, as every subcommand writes them.

* :func:`check_output` refuses, before any work is done, an output that exists (without
  ``--overwrite``) or cannot be written;
* :func:`write_text` writes text atomically: a failed write leaves any previous file as it was.

The default model-file names, which never replace a file, are chosen in :mod:`._checkpoint`.
The rest that the subcommands share has a module of its own:
:mod:`._data` (reading DATA, the task, the labels), :mod:`._network` (the MLP ``train`` builds),
:mod:`._model` (using a trained model), :mod:`._report` (metrics and tables). The Markdown
reference of every subcommand (``docs/cli.md``) is rendered by :mod:`._reference`.
"""

from __future__ import annotations

import sys

from ..errors import ConfigError


def check_output(path: str, overwrite: bool, option: str = "-o/--output") -> None:
    """Refuse, before any work is done, an output (given with ``option``) that cannot or must not be written."""
    from ..io import check_destination

    check_destination(path, overwrite, error=ConfigError, what=f"write {option}", hint="pass --overwrite")


def write_text(path: str, text: str, overwrite: bool) -> None:
    """Write ``text`` (UTF-8) atomically with :func:`glassnet.io.atomic_write`, after :func:`check_output`."""
    from ..io import atomic_write

    check_output(path, overwrite)
    atomic_write(path, text)


if __name__ == "__main__":   # the older spelling of: python -m glassnet.cli._reference docs/cli.md
    from ._reference import main

    sys.exit(main(sys.argv[1:]))
