"""``glassnet explain`` from the command line."""

import json
import re
from pathlib import Path

import pytest

from glassnet.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_explain_seed_prints_one_round(capsys):
    assert main(["explain", "seed"]) == 0
    out = capsys.readouterr().out
    assert "∂E_total/∂w5 = ∂E_total/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5" in out
    assert "0.74136507 · 0.186815602 · 0.593269992" in out
    assert "w5⁺ = w5 − η · ∂E_total/∂w5 = 0.4 − 0.5 · 0.0821670406 = 0.35891648" in out
    assert "NO" not in out.split("Checked against the published figures")[1]


def test_explain_seed_rounds_prints_summary_and_the_published_figures(capsys):
    assert main(["explain", "seed", "--rounds", "10000"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^ 9999\s+0\.0000351085481225$", out, re.M)       # the published 0.0000351085
    assert "simultaneous order" in out and "sequential" in out
    for published in ("0.291027924", "0.0000351085", "0.015912196", "0.984065734"):
        row = next(ln for ln in out.splitlines() if published in ln and "yes" in ln)
        assert row
    assert max(len(ln) for ln in out.splitlines()) <= 100


def test_explain_seed_rounds_sequential_gives_the_published_outputs(capsys):
    assert main(["explain", "seed", "--rounds", "10000", "--update", "sequential"]) == 0
    out = capsys.readouterr().out
    final = out.split("Final outputs")[1]
    assert "out_o1 = 0.015912196326" in final and "out_o2 = 0.984065734486" in final


def test_spec_file_matrix_view_html_to_file(tmp_path, capsys):
    target = tmp_path / "step.html"
    assert main(["explain", str(EXAMPLES / "seed.json"), "--view", "matrix", "--format", "html",
                 "-o", str(target)]) == 0
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<mtable>" in html


def test_spec_file_markdown_and_rounds(capsys):
    assert main(["explain", str(EXAMPLES / "softmax_classifier.json"), "--format", "markdown"]) == 0
    assert "$$" in capsys.readouterr().out
    assert main(["explain", str(EXAMPLES / "seed.json"), "--rounds", "3", "--update", "sequential"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^\s*1\s+0\.291027923905", out, re.M)


def test_errors_are_one_line_and_name_the_problem(tmp_path, capsys):
    assert main(["explain", str(tmp_path / "missing.json")]) == 1
    assert "missing.json" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text('{"inputs": [1], "targets": [1], "layers": [{"activation": "sigmoid"}]}', encoding="utf-8")
    assert main(["explain", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("glassnet: error:") and "layers[0]: missing field 'weights'" in err
    big = tmp_path / "big.json"                  # 10×11 + 1×10 = 120 weights: too many for the scalar view
    big.write_text(json.dumps({"inputs": [1] * 11, "targets": [0.5], "layers": [
        {"activation": "tanh", "weights": [[0.1] * 11] * 10},
        {"activation": "sigmoid", "weights": [[0.1] * 10]}]}), encoding="utf-8")
    assert main(["explain", str(big)]) == 1
    assert "120 weights" in capsys.readouterr().err
    assert main(["explain", str(big), "--view", "matrix"]) == 0
    assert "∂E/∂W⁽1⁾" in capsys.readouterr().out


def _width(line: str) -> int:
    import unicodedata                   # a terminal shows combining marks in the column before them
    return sum(not unicodedata.combining(c) for c in line)


def test_every_example_and_view_fits_100_columns(capsys):
    targets = ["seed", "conv"] + sorted(str(p) for p in EXAMPLES.glob("*.*") if p.suffix in (".json", ".toml"))
    assert len(targets) >= 5
    for target in targets:
        runs = [[]] if target == "conv" else [
            [], ["--view", "matrix"], ["--view", "matrix", "--notation", "batch"], ["--rounds", "20", "--every", "5"]]
        for extra in runs:
            assert main(["explain", target, *extra]) == 0, (target, extra)
            out = capsys.readouterr().out
            widest = max(out.splitlines(), key=_width)
            assert len(out.splitlines()) > 10 and _width(widest) <= 100, (target, extra, widest)


def test_options_that_would_be_ignored_are_refused(tmp_path, capsys):
    for argv, message in [
        (["conv", "--rounds", "5"], "--rounds: 'conv' explains one fixed convolution step"),
        (["conv", "--view", "matrix"], "--view: 'conv'"),
        (["seed", "--rounds", "5", "--view", "matrix"], "--view shapes the one-round explanation"),
        (["seed", "--every", "5"], "give --rounds N too"),
        (["seed", "--plot", str(tmp_path / "net.xyz")], "cannot write .xyz files; use .png"),
    ]:
        assert main(["explain", *argv]) == 1, argv
        err = capsys.readouterr().err
        assert err.startswith("glassnet: error:") and message in err and len(err.splitlines()) == 1, err


def _one_error(capsys, *argv) -> str:
    assert main(["explain", *map(str, argv)]) == 1, argv
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == "" and len(lines) == 1 and lines[0].startswith("glassnet: error: "), captured.err
    return lines[0]


def test_output_and_plot_files_are_never_replaced_silently(tmp_path, capsys):
    step, net = tmp_path / "step.txt", tmp_path / "net.png"
    assert main(["explain", "seed", "-o", str(step), "--plot", str(net), "-q"]) == 0
    first = step.read_bytes()
    for argv, path in ((["-o", step], step), (["--plot", net], net)):
        before = path.read_bytes()
        line = _one_error(capsys, "seed", *argv)
        assert line == f"glassnet: error: {path} already exists; pass --overwrite to replace it (nothing was written)"
        assert path.read_bytes() == before
    assert main(["explain", "seed", "-o", str(step), "--plot", str(net), "--overwrite", "-q"]) == 0
    assert step.read_bytes() == first and net.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.png", "step.txt"]


def test_the_format_of_an_output_file_comes_from_its_suffix(tmp_path, capsys):
    for name, start in (("a.html", "<!DOCTYPE html>"), ("a.htm", "<!DOCTYPE html>"), ("a.md", "# "),
                        ("a.txt", "The seed's worked example"), ("a.out", "The seed's worked example")):
        assert main(["explain", "seed", "-o", str(tmp_path / name), "-q"]) == 0
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert text.startswith(start), (name, text[:40])
    assert main(["explain", "seed", "--format", "markdown", "-o", str(tmp_path / "b.out"), "-q"]) == 0
    assert (tmp_path / "b.out").read_text(encoding="utf-8").startswith("# ")
    line = _one_error(capsys, "seed", "--format", "html", "-o", tmp_path / "c.md")
    assert line.endswith(f"--format html does not match -o {tmp_path / 'c.md'} (a markdown file name); leave out "
                         "--format, or give a .html file")
    assert not (tmp_path / "c.md").exists()


def test_an_output_in_a_missing_folder_is_named_clearly(tmp_path, capsys):
    for option in ("-o", "--plot"):
        target = tmp_path / "nodir" / ("x.txt" if option == "-o" else "x.png")
        line = _one_error(capsys, "seed", option, target)
        assert str(target) in line and "the folder" in line and "does not exist (create it first)" in line
        assert "Errno" not in line


def test_an_interrupted_write_leaves_the_previous_file(tmp_path, monkeypatch, capsys):
    import os

    step = tmp_path / "step.txt"
    step.write_bytes(b"previous")

    def refuse(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", refuse)
    assert main(["explain", "seed", "-o", str(step), "--overwrite"]) == 130
    assert step.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == ["step.txt"]


def test_notation_needs_the_matrix_view(capsys):
    for notation in ("batch", "seed"):
        line = _one_error(capsys, "seed", "--notation", notation)
        assert line == (f"glassnet: error: --notation {notation} needs --view matrix (the scalar view writes every "
                        "weight one by one and has no notation)")
    _one_error(capsys, EXAMPLES / "seed.json", "--notation", "batch", "--view", "scalar")
    assert main(["explain", str(EXAMPLES / "relu_regression.json"), "--notation", "batch"]) == 0  # its view: matrix
    assert "W⁽1⁾" in capsys.readouterr().out


def test_rounds_are_capped_at_a_million(capsys, monkeypatch):
    import glassnet.explain.seed as seed

    monkeypatch.setattr(seed, "seed_summary", lambda *a: pytest.fail("trained before refusing --rounds"))
    line = _one_error(capsys, "seed", "--rounds", "100000000")
    assert line == "glassnet: error: --rounds must be a positive integer of at most 1,000,000; got 100,000,000"
    with pytest.raises(SystemExit):
        main(["explain", "--help"])
    assert "at most 1,000,000" in " ".join(capsys.readouterr().out.split())


def test_overwrite_with_no_file_to_replace_is_refused(tmp_path, capsys):
    for argv in (["seed"], ["conv"], ["seed", "--rounds", "3"], [EXAMPLES / "seed.json"]):
        line = _one_error(capsys, *argv, "--overwrite")
        assert line == ("glassnet: error: --overwrite needs -o FILE or --plot FILE (the files it may replace); "
                        "leave out --overwrite")
    assert main(["explain", "seed", "--overwrite", "-q", "-o", str(tmp_path / "a.txt")]) == 0
    assert main(["explain", "seed", "--overwrite", "-q", "--plot", str(tmp_path / "a.png")]) == 0


def test_a_specs_own_notation_needs_the_matrix_view(tmp_path, capsys):
    spec = json.loads((EXAMPLES / "seed.json").read_text(encoding="utf-8"))
    path = tmp_path / "seed_batch.json"
    path.write_text(json.dumps({**spec, "notation": "batch"}), encoding="utf-8")
    for extra in ([], ["--view", "scalar"]):
        line = _one_error(capsys, path, *extra)
        assert line == (f'glassnet: error: {path}: "notation": "batch" needs the matrix view (the scalar view writes '
                        'every weight one by one and has no notation); add "view": "matrix" to the spec or pass '
                        '--view matrix, or remove "notation"')
    assert main(["explain", str(path), "--view", "matrix"]) == 0                  # the notation is used
    assert "NET⁽1⁾ = X W⁽1⁾ᵀ + b⁽1⁾" in capsys.readouterr().out
    assert main(["explain", str(path), "--rounds", "3"]) == 0                     # a summary has no view
    capsys.readouterr()
    matrix = tmp_path / "matrix_batch.json"                                        # --view scalar overrides a
    matrix.write_text(json.dumps({**spec, "view": "matrix", "notation": "batch"}), encoding="utf-8")   # matrix spec
    assert main(["explain", str(matrix), "--view", "scalar"]) == 0
    assert "∂E_total/∂w5 =" in capsys.readouterr().out


def test_an_output_file_that_appears_during_the_run_is_not_replaced(tmp_path, monkeypatch, capsys):
    """-o FILE is checked before the work and again when written (glassnet.cli._common.write_text)."""
    import glassnet.explain as explain

    step = tmp_path / "step.txt"
    real = explain.explain_seed

    def meanwhile(**kw):
        step.write_bytes(b"written meanwhile")
        return real(**kw)

    monkeypatch.setattr(explain, "explain_seed", meanwhile)
    line = _one_error(capsys, "seed", "-o", step)
    assert line == f"glassnet: error: {step} already exists; pass --overwrite to replace it (nothing was written)"
    assert step.read_bytes() == b"written meanwhile"
