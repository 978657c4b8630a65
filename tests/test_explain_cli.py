"""``glassnet explain`` from the command line."""

import json
import re
from pathlib import Path

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
