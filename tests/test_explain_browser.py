"""The HTML page renders its formulas in a real browser (headless Chromium, no JavaScript in the page).

The page itself has no script; the test drives Chromium over its DevTools pipe to
measure every ``<math>`` element, checks that fractions are laid out as fractions
(taller than a plain identifier), and takes a screenshot that must not be blank.
Chromium comes from Debian's ``chromium`` package (``.ci/run`` installs it); the
test fails rather than skips when ``CI`` is set.
"""

import io
import json
import os
import shutil
import subprocess
import time

import numpy as np
import pytest

from glassnet.explain import explain_seed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=1100,1400"]

if CHROMIUM is None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise RuntimeError("chromium is not installed; CI must install it (.ci/run does: apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)


class DevTools:
    """A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (fds 3 and 4)."""

    def __init__(self, profile):
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4: bash moves the pipes there (dash takes only one-digit fds)
        args = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(
            ["bash", "-c", f'exec "$@" 3<&{to_r} 4>&{from_w}', "bash", *args],
            pass_fds=(to_r, from_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self._buf = b""
        self._id = 0

    def send(self, method, params=None, session=None, timeout=30):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while b"\0" not in self._buf:
                chunk = os.read(self._from_r, 1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self._buf += chunk
            raw, self._buf = self._buf.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
        raise TimeoutError(method)

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._to_w)
        os.close(self._from_r)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("html")
    path = explain_seed().save(tmp / "seed.html")
    cdp = DevTools(tmp / "profile")
    try:
        target = cdp.send("Target.createTarget", {"url": path.as_uri()})["targetId"]
        session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

        def evaluate(expr):
            return cdp.send("Runtime.evaluate", {"expression": expr, "returnByValue": True},
                            session)["result"]["value"]

        loaded = f"location.href === {json.dumps(path.as_uri())} && document.readyState === 'complete'"
        for _ in range(300):
            if evaluate(loaded):
                break
            time.sleep(0.1)
        else:
            raise TimeoutError(f"chromium did not load {path}")
        yield evaluate, lambda: cdp.send("Page.captureScreenshot", {"format": "png"}, session)["data"]
    finally:
        cdp.close()


def test_every_formula_is_laid_out_with_nonzero_size(page):
    evaluate, _ = page
    sizes = evaluate("Array.from(document.querySelectorAll('math'))"
                     ".map(m => { const r = m.getBoundingClientRect(); return [r.width, r.height]; })")
    assert len(sizes) >= len(explain_seed().steps)
    assert all(w > 20 and h > 8 for w, h in sizes), [s for s in sizes if not (s[0] > 20 and s[1] > 8)]


def test_fractions_are_rendered_as_mathml_not_as_text(page):
    evaluate, _ = page
    frac = evaluate("document.querySelector('mfrac').getBoundingClientRect().height")
    ident = evaluate("document.querySelector('mi').getBoundingClientRect().height")
    assert frac > 1.5 * ident > 0                     # numerator above denominator
    display = evaluate("getComputedStyle(document.querySelector('math')).display")
    assert display in ("block math", "block")
    assert evaluate("document.scripts.length") == 0


def test_screenshot_is_not_blank(page):
    import base64

    from PIL import Image

    _, shot = page
    img = np.asarray(Image.open(io.BytesIO(base64.b64decode(shot()))).convert("L"))
    assert img.shape[1] >= 1000 and (img < 128).sum() > 5000


def test_dump_dom_keeps_the_mathml():
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = explain_seed(view="matrix").save(os.path.join(tmp, "m.html"))
        dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp}/p", "--dump-dom", path.as_uri()],
                             capture_output=True, text=True, timeout=120).stdout
    assert dom.count("<math") >= 10 and "<mtable>" in dom and "<mfrac>" not in dom.split("<body>")[0]
