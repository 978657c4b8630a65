"""Checkpoints of ``glassnet train``: writing them during a run, and resuming from one.

A checkpoint is a model file (:func:`glassnet.checkpoints.save_checkpoint`) that also holds what the
run needs to continue: the optimizer's state, the epochs done, the Generator's state, the
early-stopping state and the history so far, with the run's settings in its metadata.

* :class:`Checkpointer` is the callback that writes one every N epochs, and keeps the state
  at the start of the current epoch for Ctrl-C — a checkpoint is always taken at an epoch
  boundary, so a resumed run repeats the interrupted epoch exactly.
* :func:`read` opens a checkpoint given to ``--resume``; :func:`resume` puts its state into
  a freshly built network and optimizer, after checking that it is the same run.
* :func:`paths` names the run's model file and checkpoint: an earlier run's files are never
  replaced without ``--overwrite``, while a resumed run goes on writing its own checkpoint.

A resumed run therefore ends with the same weights, bit for bit, as one never interrupted.
"""

from __future__ import annotations

import copy
import os

import numpy as np

from ._common import check_output
from .. import checkpoints, training
from ..errors import ConfigError, GlassnetError, ModelFileError


def read(path: str):
    """The checkpoint at ``path`` (:func:`glassnet.checkpoints.load_checkpoint`); refused unless glassnet train wrote it."""
    ckpt = checkpoints.load_checkpoint(path)
    if not {"epoch", "rng", "history"} <= set(ckpt.training_state):
        raise ModelFileError(f"{path}: was not written by glassnet train, so it cannot be resumed here")
    return ckpt


def resume(ckpt, path: str, net, opt, meta: dict, s: dict) -> int:
    """Put the checkpoint's state into ``net``/``opt``; the epochs already done. Refuses a different run.

    Parameters
    ----------
    ckpt : Checkpoint
        What :func:`read` returned for ``path``.
    path : str
        The checkpoint's file, for the messages.
    net, opt : Network, Optimizer
        The network and optimizer built from the settings ``s``, before training.
    meta : dict
        This run's metadata (task, classes, row counts, ``train_sha256``), compared with the saved run's.
    s : dict
        The settings; ``s["epochs"]`` must be more than the epochs already done.
    """
    checkpoints.check_compatible(ckpt, net)
    saved, diffs = ckpt.training or {}, []
    for key, what in (("task", "task"), ("classes", "classes"), ("n_train", "training rows"),
                      ("n_val", "validation rows")):
        if saved.get(key) != meta.get(key):
            diffs.append(f"{what}: saved {saved.get(key)}, now {meta.get(key)}")
    if not diffs and saved.get("train_sha256") != meta["train_sha256"]:
        diffs.append("the training rows have other values (another file, --seed or --test-split?)")
    if ckpt.optimizer_state.get("name") != opt.name:
        diffs.append(f"optimizer: saved {ckpt.optimizer_state.get('name')}, now {opt.name}")
    if diffs:
        raise ModelFileError(f"{path}: cannot resume: the run differs — " + "; ".join(diffs))
    state = ckpt.training_state
    if state["epoch"] >= s["epochs"]:
        raise ConfigError(f"{path} already holds {state['epoch']} of {s['epochs']} epochs; pass --epochs N with "
                          f"N > {state['epoch']} to train further")
    net.set_params(ckpt.network.get_params())
    _restore_optimizer(opt, ckpt.optimizer_state, net.flat_params, path)
    net.rng.bit_generator.state = state["rng"]
    return int(state["epoch"])


# ---------------------------------------------------------------- the run's files


def _numbered(path: str):
    """``path``, then ``stem-2.ext``, ``stem-3.ext``, … (``.safetensors`` counts as one extension)."""
    stem, ext = (path[:-len(".safetensors")], ".safetensors") if path.endswith(".safetensors") \
        else os.path.splitext(path)
    yield path
    n = 2
    while True:
        yield f"{stem}-{n}{ext}"
        n += 1


def _checkpoint_of(output: str) -> str:
    """``FILE.ckpt.safetensors`` for the model file ``FILE.safetensors``."""
    return (output[:-len(".safetensors")] if output.endswith(".safetensors") else output) + ".ckpt.safetensors"


def paths(wanted: str, args) -> tuple[str, str, str | None]:
    """The run's ``(model file, checkpoint, note)``, checked before training; ``note`` is the line that says
    why ``wanted`` (the run's -o FILE, the one a resumed run recorded, or the default name) was passed over.

    * ``-o FILE``: FILE and FILE's checkpoint; either one that exists needs ``--overwrite``.
    * a default name (``glassnet-DATA.safetensors``): the first ``…-N`` whose model file and checkpoint
      are both free, so an earlier run's model or (interrupted) checkpoint is never replaced.
    * ``--resume CKPT`` without ``-o``: the run goes on writing CKPT (it is the same run); its model file
      is the one it named (``X.safetensors`` beside ``X.ckpt.safetensors``), or, if that exists (a
      finished run trained further), the next ``X-N.safetensors`` that is free and whose checkpoint is
      free or CKPT itself: another run's name, taken by its interrupted checkpoint, is never used.
      ``--overwrite`` replaces the run's model file; the note suggests it only when that file is this
      run's own model (:func:`_own_model`), never another run's.
    """
    resuming, explicit = bool(args.resume), args.output is not None
    renamed = resuming and not explicit and args.resume.endswith(".ckpt.safetensors") and not _same(
        _checkpoint_of(wanted), args.resume)        # trained further before, into …-2: number from the start
    if renamed:
        wanted = args.resume[:-len(".ckpt.safetensors")] + ".safetensors"
    if args.overwrite or explicit:
        output = wanted
    else:                                           # a default name, or the one a resumed run recorded
        output = next(name for name in _numbered(wanted) if not os.path.lexists(name) and
                      _checkpoint_free(name, args.resume))
    _check_model_file(output, args, explicit, renamed)
    if resuming and not explicit:
        return output, args.resume, _passed_over(wanted, output, args.resume)
    ckpt = _checkpoint_of(output)
    if os.path.lexists(ckpt) and not (args.overwrite or (resuming and _same(ckpt, args.resume))):
        raise ConfigError(f"{ckpt} already exists (an earlier run's checkpoint); pass --overwrite to replace it, "
                          f"or --resume {ckpt} to continue that run (nothing was written)")
    return output, ckpt, _passed_over(wanted, output, args.resume)


def _checkpoint_free(output: str, resume: str | None) -> bool:
    """Whether ``output``'s checkpoint is free for this run: absent, or the checkpoint being resumed."""
    ckpt = _checkpoint_of(output)
    return not os.path.lexists(ckpt) or bool(resume and _same(ckpt, resume))


def _check_model_file(output: str, args, explicit: bool, renamed: bool) -> None:
    """Refuse, before training, a model file that cannot be written, named as the user knows it: the -o FILE,
    the model file a resumed checkpoint recorded (or named after it), or the default name (the last ones
    can be replaced by -o)."""
    if explicit:
        check_output(output, args.overwrite)
        return
    source = (f"the model file named after {args.resume}," if renamed else
              f"the model file recorded in {args.resume}," if args.resume else "the default model file")
    try:
        check_output(output, args.overwrite, source)
    except ConfigError as exc:
        raise ConfigError(f"{exc}; give -o FILE to save the model elsewhere") from None


def _same(a: str, b: str) -> bool:
    """Whether two paths name one file."""
    return os.path.abspath(a) == os.path.abspath(b) or (os.path.exists(a) and os.path.exists(b)
                                                          and os.path.samefile(a, b))


def _own_model(model: str, resume: str) -> bool:
    """Whether ``model`` is the resumed run's own earlier result: a model file whose recorded history starts
    as the checkpoint's (the same first epoch, bit for bit). A file of another run, or one that is no
    glassnet model, is not — and a checkpoint taken before its first epoch ended has no model yet."""
    from .. import io

    try:
        done = (checkpoints.load_checkpoint(resume).training_state.get("history") or {}).get("loss") or []
        saved = ((io.info(model).get("training") or {}).get("history") or {}).get("loss") or []
    except (GlassnetError, OSError, ValueError):      # unreadable, or no glassnet model: not this run's
        return False
    return bool(done) and bool(saved) and saved[0] == done[0]


def _passed_over(wanted: str, output: str, resume: str | None) -> str | None:
    """The line saying why the model goes to ``output`` instead of ``wanted`` (None when it does not).

    ``--overwrite`` (which would replace ``wanted``) is suggested only for the resumed run's own model."""
    if output == wanted:
        return None
    if os.path.lexists(wanted) and resume and _own_model(wanted, resume):
        return (f"glassnet: {wanted} already exists, so the model was saved as {output} (pass --overwrite to "
                "replace it, or -o FILE)")
    if os.path.lexists(wanted):
        taken = f"{wanted} (not this run's model)" if resume else wanted
    else:
        taken = f"{_checkpoint_of(wanted)} (an earlier run's checkpoint)"
    return f"glassnet: {taken} already exists, so the model was saved as {output} (pass -o FILE to choose the name)"


# ---------------------------------------------------------------- the state of a run


def _optimizer_state(opt) -> dict:
    return {"name": opt.name, "iterations": opt.iterations,
            "slots": [{k: v.copy() for k, v in slot.items()} for slot in opt.state]}


def _restore_optimizer(opt, state: dict, params: np.ndarray, path: str) -> None:
    opt.iterations = int(state["iterations"])
    if state["slots"]:
        opt._allocate([params])
        opt._sizes = [params.size]
        for dst, src in zip(opt.state, state["slots"]):
            for key in dst:
                if key not in src or np.shape(src[key]) != dst[key].shape:
                    raise ModelFileError(f"{path}: the optimizer state does not fit this network")
                dst[key][...] = src[key]


class Checkpointer(training.Callback):
    """Keeps what a checkpoint needs: written every N epochs, and, for Ctrl-C, the state
    at the start of the current epoch (so a resumed run repeats that epoch exactly).

    Parameters
    ----------
    path : str
        The checkpoint file.
    every : int or None
        Write it after every ``every``-th epoch of the run (None: only on Ctrl-C).
    start : int
        Epochs already done (a resumed run's); epochs are counted over the whole run.
    early : EarlyStopping or None
        The run's early stopping, whose state is saved and restored with the rest.
    resumed : dict or None
        The checkpoint's ``training_state`` when resuming.
    meta : dict
        The metadata written into each checkpoint.
    quiet : bool
        Do not print ``checkpoint after epoch N: PATH``.
    """

    def __init__(self, path, every, start, early, resumed, meta, quiet):
        self.path, self.every, self.start, self.early = path, every, start, early
        self.resumed, self.meta, self.quiet = resumed, meta, quiet
        self.past = copy.deepcopy((resumed or {}).get("history", {}))

    def on_train_begin(self, logs):
        es = (self.resumed or {}).get("early_stopping")
        if self.early is not None and es:
            self.early.best, self.early.wait = es["best"], es["wait"]
            self.early.best_epoch = None if es["best_epoch"] is None else es["best_epoch"] - self.start
            if es["weights"] is not None:
                self.early.best_weights = (np.asarray(es["weights"]), [dict(d) for d in es["states"]])
        self.mark = self._state(self.start)

    def on_epoch_begin(self, epoch, logs):
        self.mark = self._state(self.start + epoch)

    def on_epoch_end(self, epoch, logs):
        done = self.start + epoch + 1
        if self.every and done % self.every == 0:
            self.write(self._state(done))
            if not self.quiet:
                print(f"checkpoint after epoch {done}: {self.path}", flush=True)

    def combined(self) -> dict:
        """The history of the whole run: the resumed epochs, then this call's."""
        now = self.history.history
        return {k: self.past.get(k, []) + now.get(k, []) for k in {**self.past, **now}}

    def _state(self, done: int) -> dict:
        es = None
        if self.early is not None:
            w = self.early.best_weights
            es = {"best": float(self.early.best), "wait": self.early.wait,
                  "best_epoch": None if self.early.best_epoch is None else self.early.best_epoch + self.start,
                  "weights": None if w is None else w[0], "states": [] if w is None else w[1]}
        return {"epoch": done, "weights": training.snapshot(self.network),
                "optimizer": _optimizer_state(self.optimizer),
                "rng": copy.deepcopy(self.network.rng.bit_generator.state), "early_stopping": es,
                "history": self.combined()}

    def write(self, state: dict) -> None:
        """Write ``state`` (what :attr:`mark` or an epoch's end holds) to the checkpoint file."""
        training.restore(self.network, state["weights"])
        checkpoints.save_checkpoint(self.network, state["optimizer"],
                           {k: v for k, v in state.items() if k not in ("weights", "optimizer")},
                           self.path, metadata=self.meta)
