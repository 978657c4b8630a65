"""How ``glassnet`` fails: one line on stderr and a documented exit status, never a usage block or a traceback.

* usage errors (argparse): ``glassnet CMD: error: … (see 'glassnet CMD --help')``, exit 2;
* errors glassnet raises on purpose and OS errors: ``glassnet: error: …``, exit 1;
* bugs: ``glassnet: internal error: TYPE: … (rerun with --debug for the traceback)``, exit 1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from glassnet import io
from glassnet.cli import build_parser, main
from glassnet.cli import info as info_cmd
from glassnet.errors import DataError


def run(capsys, *argv):
    """``(exit status, stdout, stderr)`` of ``glassnet ARGV``, SystemExit included."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv, command, fragment", [
    (["perceptron", "--example", "foo"], "glassnet perceptron", "argument --example: invalid choice: 'foo'"),
    (["train", "--epochs", "abc"], "glassnet train", "argument --epochs: invalid int value: 'abc'"),
    (["train", "--no-such-option"], "glassnet train", "unrecognized arguments: --no-such-option"),
    (["explain"], "glassnet explain", "the following arguments are required"),
    (["predict"], "glassnet predict", "the following arguments are required"),
    (["no-such-command"], "glassnet", "invalid choice: 'no-such-command'"),
    (["--no-such-option"], "glassnet", "unrecognized arguments: --no-such-option"),
])
def test_a_usage_error_is_one_line_and_exit_2(capsys, argv, command, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err                                  # not the 10–14 line usage block
    assert lines[0].startswith(f"{command}: error: ") and fragment in lines[0], lines[0]
    assert lines[0].endswith(f"(see '{command} --help')")


def test_help_still_prints_the_whole_usage(capsys):
    code, out, err = run(capsys, "train", "--help")
    assert code == 0 and err == ""
    assert "usage: glassnet train" in out and "--learning-rate" in out and len(out.splitlines()) > 20


def _boom(args):
    raise ZeroDivisionError("float division by zero\n(a second line)")


def test_an_unexpected_exception_is_one_line_naming_its_type(capsys, monkeypatch):
    monkeypatch.setattr(info_cmd, "run", _boom)               # read by add_parser when main builds the parser
    code, out, err = run(capsys, "info", "model.safetensors")
    assert code == 1 and out == ""
    assert err.splitlines() == ["glassnet: internal error: ZeroDivisionError: float division by zero (a second "
                                "line) (rerun with --debug for the traceback)"]


@pytest.mark.parametrize("where", [["--debug", "info", "m"], ["info", "m", "--debug"]])
def test_debug_shows_the_real_exception(capsys, monkeypatch, where):
    monkeypatch.setattr(info_cmd, "run", _boom)
    with pytest.raises(ZeroDivisionError, match="float division by zero"):
        main(where)


def test_errors_raised_on_purpose_stay_plain_errors(capsys, monkeypatch):
    def refuse(args):
        raise DataError("m: has 3 feature column(s); the model takes 4")

    monkeypatch.setattr(info_cmd, "run", refuse)
    code, out, err = run(capsys, "info", "m")
    assert code == 1 and err.splitlines() == ["glassnet: error: m: has 3 feature column(s); the model takes 4"]


# ---------------------------------------------------------------- a missing data file

@pytest.mark.parametrize("extra", [[], ["--target", "y"]])
def test_a_missing_data_file_is_named_before_the_target_is_asked_for(tmp_path, capsys, extra):
    missing = tmp_path / "nonexistent.csv"
    code, out, err = run(capsys, "train", missing, *extra)
    assert code == 1
    assert err.splitlines() == [f"glassnet: error: {missing}: no such file"]   # not "give --target … none found"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_as_data_is_refused(tmp_path, capsys):
    code, out, err = run(capsys, "train", tmp_path, "--target", "y")
    assert code == 1 and err.splitlines() == [f"glassnet: error: {tmp_path} is a folder; DATA must be a file "
                                              "(CSV, .npz or IDX)"]


def test_a_missing_labels_file_is_named(tmp_path, capsys):
    from glassnet.datasets import write_idx

    write_idx(tmp_path / "img.idx3-ubyte", np.zeros((4, 2, 2), dtype=np.uint8))
    code, out, err = run(capsys, "train", tmp_path / "img.idx3-ubyte", "--labels", tmp_path / "nope.idx1-ubyte")
    assert code == 1 and err.splitlines() == [f"glassnet: error: {tmp_path / 'nope.idx1-ubyte'}: no such file"]


# ---------------------------------------------------------------- --lr and --learning-rate

def test_both_spellings_of_the_learning_rate_in_both_commands():
    parser = build_parser()
    for spelling in ("--lr", "--learning-rate"):
        assert parser.parse_args(["train", spelling, "0.25"]).lr == 0.25
        assert parser.parse_args(["perceptron", spelling, "0.25"]).learning_rate == 0.25


def _line_csv(path):
    x = np.linspace(-1.0, 1.0, 40)
    rows = ["x,y", *(f"{a:.6f},{2.0 * a + 0.5:.6f}" for a in x)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_train_learning_rate_is_the_same_option_as_lr(tmp_path, capsys):
    data = _line_csv(tmp_path / "line.csv")
    common = ["train", data, "--target", "y", "--task", "regress", "--layers", "none", "--optimizer", "sgd",
              "--epochs", "2", "-q"]
    models = {}
    for name, option, rate in (("a", "--lr", "0.05"), ("b", "--learning-rate", "0.05"), ("c", "--lr", "0.2")):
        models[name] = tmp_path / f"{name}.safetensors"
        code, out, err = run(capsys, *common, option, rate, "-o", models[name])
        assert code == 0, err
    weights = {name: io.load(path).params["W1"] for name, path in models.items()}
    assert io.info(models["b"])["training"]["settings"]["lr"] == 0.05
    np.testing.assert_array_equal(weights["a"], weights["b"])
    assert not np.array_equal(weights["a"], weights["c"])        # the option is really the learning rate


def test_perceptron_lr_is_the_same_option_as_learning_rate(capsys):
    outputs = []
    for option in ("--learning-rate", "--lr"):
        code, out, err = run(capsys, "perceptron", "--example", "and", option, "0.5")
        assert code == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1] and "η = 0.5" in outputs[0]
    code, out, err = run(capsys, "perceptron", "--example", "and", "--lr", "0")
    assert code == 1 and err.splitlines() == ["glassnet: error: --learning-rate must be a positive number; got 0"]


def test_perceptron_plot_into_a_missing_folder_names_the_folder(tmp_path, capsys):
    target = tmp_path / "missing" / "x.png"
    assert main(["perceptron", "--example", "and", "--plot", str(target)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "does not exist" in err[0] and "missing" in err[0]


# ---------------------------------------------------------------- perceptron --plot

def _iris_csv(path):
    from sklearn.datasets import load_iris

    iris = load_iris()
    rows = ["sepal_length,sepal_width,petal_length,petal_width,species"]
    rows += [",".join([*(f"{v:g}" for v in x), iris.target_names[t]]) for x, t in zip(iris.data, iris.target)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _epilog_examples(command):
    commands = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction").choices
    lines = commands[command].epilog.split("examples:\n")[1].split("\n\n")[0].splitlines()
    return [line.split()[1:] for line in lines]


def test_every_published_perceptron_example_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _iris_csv(tmp_path / "iris.csv")                              # the 4-feature iris the examples name
    examples = _epilog_examples("perceptron")
    assert any("--plot" in argv for argv in examples) and any("iris.csv" in argv for argv in examples)
    for argv in examples:
        code, out, err = run(capsys, *argv)
        assert code == 0 and err == "", (argv, err)
    assert Path("boundary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_perceptron_plot_of_more_than_two_inputs_is_refused_before_training(tmp_path, monkeypatch, capsys):
    from glassnet.perceptron import Perceptron

    monkeypatch.setattr(Perceptron, "train", lambda *a, **k: pytest.fail("trained before refusing --plot"))
    data = _iris_csv(tmp_path / "iris.csv")
    code, out, err = run(capsys, "perceptron", data, "--target", "species", "--plot", tmp_path / "b.png")
    assert code == 1 and out == ""
    assert err.splitlines() == [f"glassnet: error: --plot draws the inputs in the plane, so it needs 2 inputs; "
                                f"{data} has R = 4 (use a CSV file with two feature columns, or --example)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["iris.csv"]


def test_perceptron_plot_never_replaces_a_file_silently(tmp_path, capsys):
    picture = tmp_path / "b.png"
    picture.write_bytes(b"keep me")
    code, out, err = run(capsys, "perceptron", "--example", "or", "--plot", picture)
    assert code == 1 and out == "" and err.splitlines() == [
        f"glassnet: error: {picture} already exists; pass --overwrite to replace it (nothing was written)"]
    assert picture.read_bytes() == b"keep me"
    assert run(capsys, "perceptron", "--example", "or", "--plot", picture, "--overwrite")[0] == 0
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, _, err = run(capsys, "perceptron", "--example", "or", "--plot", tmp_path / "b.xyz")
    assert code == 1 and "cannot write .xyz files; use .png" in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.png"]              # no temporary left behind


# ---------------------------------------------------------------- help

def test_every_option_of_every_command_has_help_text():
    commands = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction").choices
    for name, parser in commands.items():
        for action in parser._actions:
            if action.option_strings and action.dest != "help":
                assert action.help and action.help.strip(), f"glassnet {name} {action.option_strings[0]}"


def test_perceptron_shuffle_in_batch_mode_is_refused_in_the_words_of_the_options(capsys):
    code, out, err = run(capsys, "perceptron", "--example", "and", "--mode", "batch", "--shuffle")
    assert code == 1 and err.splitlines() == [
        "glassnet: error: --shuffle reorders the vectors of --mode online; --mode batch adds up a whole epoch, so "
        "the order does not matter: leave out --shuffle"]


def test_perceptron_overwrite_without_a_plot_is_refused(tmp_path, monkeypatch, capsys):
    from glassnet.perceptron import Perceptron

    monkeypatch.setattr(Perceptron, "train", lambda *a, **k: pytest.fail("trained before refusing --overwrite"))
    code, out, err = run(capsys, "perceptron", "--example", "and", "--overwrite")
    assert code == 1 and out == "" and err.splitlines() == [
        "glassnet: error: --overwrite needs --plot FILE (the only file this command writes); leave out --overwrite"]
