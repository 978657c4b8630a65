"""``glassnet train … --plots DIR``: the pictures of a run, checked by their pixels and their axes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from glassnet.cli import main
from glassnet.cli._plots import figure_formats
from glassnet.datasets import make_moons


def cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def drawn_fraction(rgb: np.ndarray) -> float:
    """The share of pixels that are not (near) white."""
    return float(np.any(np.abs(rgb - 255) > 40, axis=2).mean())


def moons_csv(path: Path, n: int = 160) -> Path:
    X, y = make_moons(n, noise=0.1, seed=0)
    rows = ["x1,x2,shape"] + [f"{a:.5f},{b:.5f},{'upper' if c == 0 else 'lower'}" for (a, b), c in zip(X, y)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_digits_run_draws_history_weights_and_confusion(tmp_path, capsys):
    code, out, err = cli(capsys, "train", "--epochs", "3", "--layers", "32", "-o", tmp_path / "m.safetensors",
                         "--plots", tmp_path / "pics")
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "pics").iterdir())
    assert names == ["confusion.png", "history.png", "weights.png"]     # 64 inputs: no decision regions
    for name in names:
        assert f"plot: {tmp_path / 'pics' / name}" in out
        rgb = pixels(tmp_path / "pics" / name)
        height, width, _ = rgb.shape
        assert 300 <= height <= 3000 and 300 <= width <= 3000, (name, rgb.shape)
        assert 0.03 < drawn_fraction(rgb) < 0.95, name
    # the confusion matrix is a 10 × 10 grid of blue cells: a strong diagonal means many blue pixels
    confusion = pixels(tmp_path / "pics" / "confusion.png")
    blue = (confusion[..., 2] > confusion[..., 0] + 60).mean()
    assert blue > 0.02


def test_two_feature_classification_draws_decision_regions(tmp_path, capsys):
    data = moons_csv(tmp_path / "moons.csv")
    code, out, err = cli(capsys, "train", data, "--target", "shape", "--layers", "16", "--epochs", "40",
                         "-o", tmp_path / "m.safetensors", "--plots", tmp_path / "p", "--quiet")
    assert code == 0, err
    assert out == ""                                                 # --quiet: no list of files
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == ["confusion.png", "history.png", "regions.png",
                                                                 "weights.png"]
    regions = pixels(tmp_path / "p" / "regions.png")
    # both classes own a region: the two region colours each cover a real part of the picture
    colours = {tuple(c) for c in regions.reshape(-1, 3)[::7].tolist()}
    assert len(colours) > 50
    h, w, _ = regions.shape
    inner = regions[h // 8: -h // 8, w // 8: -w // 8].reshape(-1, 3)
    blueish = np.mean((inner[:, 2] > inner[:, 0] + 20))
    orangeish = np.mean((inner[:, 0] > inner[:, 2] + 20))
    assert blueish > 0.15 and orangeish > 0.15, (blueish, orangeish)


def test_history_plot_has_a_loss_and_an_accuracy_panel(tmp_path, capsys):
    code, _, err = cli(capsys, "train", "--epochs", "4", "--layers", "16", "-o", tmp_path / "m.safetensors",
                       "--plots", tmp_path / "h")
    assert code == 0, err
    rgb = pixels(tmp_path / "h" / "history.png")
    h, w, _ = rgb.shape
    assert w > 1.6 * h                                  # two panels side by side
    left, right = rgb[:, : w // 2], rgb[:, w // 2:]
    for panel in (left, right):                         # each panel has a train (C0 blue) and a validation line
        blue = np.mean((panel[..., 2] > 150) & (panel[..., 0] < 80))
        orange = np.mean((panel[..., 0] > 200) & (panel[..., 1] > 100) & (panel[..., 2] < 60))
        assert blue > 0.002 and orange > 0.002, (blue, orange)


def test_plots_refuse_to_replace_pictures_before_training(tmp_path, capsys):
    pics = tmp_path / "pics"
    pics.mkdir()
    (pics / "history.png").write_bytes(b"keep me")
    code, out, err = cli(capsys, "train", "--epochs", "1", "-o", tmp_path / "m.safetensors", "--plots", pics)
    assert code != 0 and "already exists" in err and "--overwrite" in err
    assert (pics / "history.png").read_bytes() == b"keep me"
    assert not (tmp_path / "m.safetensors").exists()                 # refused before any work
    code, _, err = cli(capsys, "train", "--epochs", "1", "-o", tmp_path / "m.safetensors", "--plots", pics,
                       "--overwrite")
    assert code == 0, err
    assert (pics / "history.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plots_must_name_a_folder(tmp_path, capsys):
    target = tmp_path / "file.png"
    target.write_bytes(b"x")
    code, _, err = cli(capsys, "train", "--epochs", "1", "-o", tmp_path / "m.safetensors", "--plots", target)
    assert code != 0 and "--plots" in err and "folder" in err


def test_a_picture_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    import os

    import pytest

    from glassnet.cli._plots import check_figure, save_figure
    from glassnet.errors import ConfigError
    from glassnet.plot import pyplot

    target = tmp_path / "p.png"
    target.write_bytes(b"previous")
    with pytest.raises(ConfigError, match="already exists; pass --overwrite"):
        check_figure(str(target), False, "--plot")
    with pytest.raises(ConfigError, match=r"--plot x\.bmpx: cannot write \.bmpx files; use \.png"):
        check_figure("x.bmpx", True, "--plot")
    assert check_figure(str(target), True, "--plot") == "png"
    fig = pyplot().figure()
    fig.add_subplot().plot([0, 1], [1, 0])

    def refuse(src, dst):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(os, "replace", refuse)
        with pytest.raises(KeyboardInterrupt):
            save_figure(fig, str(target))
    assert target.read_bytes() == b"previous" and os.listdir(tmp_path) == ["p.png"]
    save_figure(fig, str(target))
    pyplot().close(fig)
    assert drawn_fraction(pixels(target)) > 0.01


def test_the_perceptron_animation_is_a_gif_whatever_formats_matplotlib_lists(tmp_path, monkeypatch, capsys):
    """matplotlib lists .gif among its figure formats only from 3.11; the animation (PillowWriter) needs none."""
    from matplotlib.backend_bases import FigureCanvasBase

    listed = {k: v for k, v in FigureCanvasBase.get_supported_filetypes().items() if k != "gif"}
    monkeypatch.setattr(FigureCanvasBase, "get_supported_filetypes", classmethod(lambda cls: dict(listed)))
    target = tmp_path / "training.gif"
    code, out, err = cli(capsys, "perceptron", "--example", "nand", "--plot", target)
    assert code == 0 and err == "", err
    with Image.open(target) as image:
        assert image.format == "GIF" and image.n_frames > 1
    before = target.read_bytes()                                      # and the checks still hold for a .gif
    code, out, err = cli(capsys, "perceptron", "--example", "nand", "--plot", target)
    assert code == 1 and out == "" and err.splitlines() == [
        f"glassnet: error: {target} already exists; pass --overwrite to replace it (nothing was written)"]
    assert target.read_bytes() == before
    code, _, err = cli(capsys, "perceptron", "--example", "nand", "--plot", tmp_path / "no" / "t.gif")
    assert code == 1 and "does not exist" in err and len(err.splitlines()) == 1
    code, _, err = cli(capsys, "explain", "seed", "--plot", tmp_path / "n.gif")       # a still picture: not gif
    assert code == 1 and "cannot write .gif files; use .png, .svg or .pdf" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["training.gif"]


def test_only_picture_formats_that_need_no_outside_program_are_accepted(tmp_path, monkeypatch, capsys):
    import glassnet.explain as explain

    monkeypatch.setattr(explain, "explain_seed", lambda **kw: pytest.fail("explained before refusing --plot"))
    for suffix in ("pgf", "raw", "rgba", "xyz"):                      # pgf runs xelatex; raw/rgba are no pictures
        target = tmp_path / f"n.{suffix}"
        code, out, err = cli(capsys, "explain", "seed", "--plot", target)
        assert code == 1 and out == "" and err.splitlines() == [
            f"glassnet: error: --plot {target}: cannot write .{suffix} files; use .png, .svg or .pdf (or "
            f"{', '.join('.' + f for f in figure_formats() if f not in ('png', 'svg', 'pdf'))})"], err
    monkeypatch.undo()
    assert {"eps", "ps", "jpg", "jpeg", "tif", "tiff"} <= set(figure_formats())
    for suffix in ("svg", "pdf", "JPG", "tiff"):
        target = tmp_path / f"n.{suffix}"
        assert cli(capsys, "explain", "seed", "-q", "--plot", target)[0] == 0, suffix
    with Image.open(tmp_path / "n.JPG") as image:
        assert image.format == "JPEG"
    assert (tmp_path / "n.pdf").read_bytes()[:5] == b"%PDF-" and b"<svg" in (tmp_path / "n.svg").read_bytes()


def test_a_files_format_is_its_suffix_read_in_one_place():
    from glassnet.cli._plots import file_suffix

    assert [file_suffix(p) for p in ("a/Net.PNG", "step.html", "README", "x.tar.gz", Path("m.safetensors"),
                                     ".png")] == ["png", "html", "", "gz", "safetensors", ""]
