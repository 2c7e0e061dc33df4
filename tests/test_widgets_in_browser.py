"""The sliders and the drawing pad work for a person: the notebooks driven in a real JupyterLab in
headless Chromium.

nbval runs every cell but no JavaScript. This test starts JupyterLab on 127.0.0.1 (free port, random
token, temporary runtime and settings folders) on a temporary notebook made of the cells of hw3.ipynb and lab_book.ipynb
tagged `widgets` (the setup, the models, and the cells that build the two sliders and the drawing
pad, with what they read), opens it in Debian's Chromium through Playwright, runs all its cells in
smoke mode (reusing the models and caches of the notebooks' nbval run earlier in the same pytest
process, as under `make test`, or training the small models itself when run on its own), then moves each slider with
the keyboard and checks that the figure attached to it changes and the slider shows the new index;
then draws a 7 on the drawing pad with the mouse, checks that the reading appears within a second
of the stroke's end, and that Clear empties it. Every cell of the notebook runs under nbval.

Run as a script it takes the README's screenshots instead, in full mode:
    python tests/test_widgets_in_browser.py --screenshot figures/widgets_jupyterlab.png figures/drawpad_jupyterlab.png
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))  # also when run as a script (screenshot mode)
from hw3.printing import CHROMIUM_ARGS  # noqa: E402  one set of flags for every headless Chromium

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDGET_ERRORS = ("Error displaying widget", "Model not found")
FIGURE_SOURCES = ("blob:", "data:image/png")  # how an ipywidgets Image (blob) or an output (data) shows a PNG
LAB_SETTINGS = {  # no autosave, every cell in the DOM, no news fetched from the internet
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def jupyterlab_server(root: Path, environment: dict):
    """JupyterLab serving `root`; yields (base url, token); stops it and its kernels on exit."""
    port, token = _free_port(), secrets.token_hex(16)
    settings_dir = root / ".lab-settings"
    for name, values in LAB_SETTINGS.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = {**os.environ, **environment, "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
           "JUPYTER_CONFIG_DIR": str(root / ".config")}
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               "--ServerApp.port_retries=0", "--ServerApp.allow_root=True", f"--LabApp.user_settings_dir={settings_dir}",
               f"--LabApp.workspaces_dir={root / '.workspaces'}", "--LabApp.expose_app_in_browser=True"]
    log = open(root / "jupyterlab.log", "w")
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("JupyterLab did not start:\n" + (root / "jupyterlab.log").read_text()[-3000:])
            time.sleep(0.5)
        yield url, token
    finally:
        _stop_group(server)
        log.close()


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the process group (server and kernels), then SIGKILL what is left."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            os.killpg(process.pid, 0)  # kernels may outlive the server for a moment
            time.sleep(1)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            continue


WIDGET_TAG = "widgets"  # the cells that the widgets need: hw3.ipynb's (setup, models, sliders), then lab_book.ipynb's (the pad)


def _notebook_copy(root: Path, tag: str | None = None) -> Path:
    """The notebook (only the cells tagged `tag`, if given, of hw3.ipynb and then lab_book.ipynb) beside
    links to what it imports, so JupyterLab never writes into the project."""
    notebook = json.loads((PROJECT_DIR / "hw3.ipynb").read_text(encoding="utf-8"))
    if tag is not None:
        lab_book = json.loads((PROJECT_DIR / "lab_book.ipynb").read_text(encoding="utf-8"))
        notebook["cells"] = [cell for source in (notebook, lab_book) for cell in source["cells"]
                             if tag in cell["metadata"].get("tags", [])]
    (root / "hw3.ipynb").write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for name in ("helpers.py", "hw3", "data", "report"):
        (root / name).symlink_to(PROJECT_DIR / name)
    return root / "hw3.ipynb"


def open_browser(playwright, folder: Path, executable: str, viewport: dict):
    """Headless Chromium with an empty profile under `folder`; returns (context, page)."""
    context = playwright.chromium.launch_persistent_context(
        str(folder / "chromium-profile"), executable_path=executable, headless=True, args=CHROMIUM_ARGS,
        viewport=viewport)
    return context, context.pages[0] if context.pages else context.new_page()


NOTEBOOK_STATE_JS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.content || !panel.sessionContext.session) { return null; }
    const cells = panel.content.model.cells;
    let code = 0, done = 0, errors = [];
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type !== 'code') { continue; }
        code += 1;
        if (cell.executionCount) { done += 1; }
        for (let j = 0; j < cell.outputs.length; j++) {
            const output = cell.outputs.get(j);
            if (output.type === 'error') { errors.push(i + ': ' + output.toJSON().ename + ' ' + output.toJSON().evalue); }
        }
    }
    const kernel = panel.sessionContext.session.kernel;
    return {code: code, done: done, errors: errors, status: kernel ? kernel.status : 'none'};
}"""


def run_all_cells(page, url: str, token: str, timeout_seconds: float) -> dict:
    """Open hw3.ipynb, run all cells, wait until every code cell ran and the kernel is idle."""
    page.goto(f"{url}/lab/tree/hw3.ipynb?token={token}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext.session "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext.session.kernel "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                           timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    deadline = time.monotonic() + timeout_seconds
    state = None
    while time.monotonic() < deadline:
        state = page.evaluate(NOTEBOOK_STATE_JS)
        if state and state["errors"]:
            break
        if state and state["done"] == state["code"] and state["status"] == "idle":
            time.sleep(2)  # let the widget views render their first figures
            return page.evaluate(NOTEBOOK_STATE_JS)
        time.sleep(1)
    return state


def slider_figure(widget) -> tuple[str, str]:
    """(the slider's readout text, the src of the figure image) of one interactive widget."""
    readout = widget.locator(".widget-readout").first.inner_text().strip()
    image = widget.locator("img").first.get_attribute("src")
    return readout, image


def wait_for_new_figure(page, widget, old_source: str, timeout_ms: int) -> None:
    """Wait until the widget's figure is a different image from `old_source`."""
    page.wait_for_function("([element, old]) => { const img = element.querySelector('img'); "
                           "return img && img.getAttribute('src') !== old; }",
                           arg=[widget.element_handle(), old_source], timeout=timeout_ms)


def move_slider_with_keyboard(page, widget) -> None:
    handle = widget.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press("ArrowRight")


SEVEN = [(60, 50), (210, 50), (100, 260)]  # pad pixels: the bar, then the long tail
DRAW_PROMPT_START = "Draw a digit"


def draw_on_pad(page, pad, path, steps: int = 12) -> float:
    """Press, move along `path` (pad pixels) and release the mouse on the pad's canvas; returns
    the time of the release (time.monotonic())."""
    canvas = pad.locator("canvas").last
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    scale = box["width"] / 280.0
    points = [(box["x"] + x * scale, box["y"] + y * scale) for x, y in path]
    page.mouse.move(*points[0])
    page.mouse.down()
    for point in points[1:]:
        page.mouse.move(*point, steps=steps)
    page.mouse.up()
    return time.monotonic()


def pad_state(pad) -> tuple[str, str | None, bool]:
    """(the summary text, the reading's image source, whether that image is shown)."""
    summary = pad.locator(".widget-html-content").first.inner_text().strip()
    image = pad.locator("img").first
    return summary, image.get_attribute("src"), image.is_visible()


def _children() -> set[int]:
    import psutil

    return {child.pid for child in psutil.Process().children(recursive=True) if child.is_running()
            and child.status() != psutil.STATUS_ZOMBIE}


@pytest.fixture
def chromium():
    if not Path(CHROMIUM).exists():
        message = ("Chromium is not installed: `apt-get install chromium` (Debian's package, /usr/bin/chromium) "
                   "enables this test.")
        if os.environ.get("HW3_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " HW3_REQUIRE_BROWSER=1 requires it.")
        pytest.skip(message)
    return CHROMIUM


def test_sliders_and_drawing_pad_work_in_jupyterlab(chromium, tmp_path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import sync_playwright

    before = _children()
    console: list[str] = []
    notebook = _notebook_copy(tmp_path, WIDGET_TAG)
    written = notebook.read_text(encoding="utf-8")
    code_cells = sum(cell["cell_type"] == "code" for cell in json.loads(written)["cells"])
    assert code_cells == 8, f"expected the 8 code cells tagged {WIDGET_TAG!r}, found {code_cells}"
    environment = {"HW3_SMOKE": "1", "HW3_OUTPUT_DIR": os.environ.get("HW3_OUTPUT_DIR", str(tmp_path / "out"))}
    with jupyterlab_server(tmp_path, environment) as (url, token), sync_playwright() as playwright:
        context, page = open_browser(playwright, tmp_path, chromium, {"width": 1400, "height": 1000})
        try:
            page.on("console", lambda message: console.append(message.text))
            state = run_all_cells(page, url, token, timeout_seconds=420)
            assert state is not None and not state["errors"], f"cells failed: {state}"
            assert state["done"] == state["code"], f"not every cell ran: {state}"

            widgets = page.locator(".widget-interact")
            assert widgets.count() == 2, "expected the GRU and the LSTM explorers"
            for index in range(2):
                widget = widgets.nth(index)
                readout, image = slider_figure(widget)
                assert readout == "0" and image and image.startswith(FIGURE_SOURCES)
                move_slider_with_keyboard(page, widget)
                try:
                    wait_for_new_figure(page, widget, image, timeout_ms=45_000)
                except PlaywrightTimeoutError:
                    pytest.fail(f"explorer {index}: the slider moved to {slider_figure(widget)[0]!r} "
                                "but its figure did not change within 45 s")
                new_readout, new_image = slider_figure(widget)
                assert new_readout == "1", f"explorer {index}: the slider shows {new_readout!r}"
                assert new_image != image and new_image.startswith(FIGURE_SOURCES)

            pad = page.locator(".hw3-drawing-pad")
            assert pad.count() == 1, "expected one drawing pad"
            deadline = time.monotonic() + 10  # the summary text is a second widget: it may update a moment later
            summary, _, shown = pad_state(pad)
            while not summary.startswith(DRAW_PROMPT_START) and time.monotonic() < deadline:
                time.sleep(0.1)
                summary, _, shown = pad_state(pad)
            assert summary.startswith(DRAW_PROMPT_START) and not shown, summary
            released = draw_on_pad(page, pad, SEVEN)
            try:  # the reading is the figure and the summary, two widgets that update one after the other
                page.wait_for_function("(element) => { const img = element.querySelector('img'); "
                                       "const text = element.querySelector('.widget-html-content'); "
                                       "return img && img.offsetParent !== null && img.getAttribute('src') "
                                       "&& text && text.innerText.includes('LSTM'); }",
                                       arg=pad.element_handle(), timeout=20_000, polling=20)
            except PlaywrightTimeoutError:
                pytest.fail(f"the drawing pad did not show a reading after the stroke: {pad_state(pad)}")
            latency = time.monotonic() - released
            summary, source, shown = pad_state(pad)
            assert shown and source.startswith(FIGURE_SOURCES)
            assert "GRU" in summary and "LSTM" in summary and "decided at step" in summary, summary
            print(f"drawing pad: reading shown {latency:.2f} s after the stroke ended")
            assert latency < 1.0, f"the reading took {latency:.2f} s after the stroke ended"
            pad.get_by_role("button", name="Clear").click()
            page.wait_for_function("(element) => { const img = element.querySelector('img'); "
                                   "return img && img.offsetParent === null; }", arg=pad.element_handle(), timeout=10_000)
            deadline = time.monotonic() + 10  # the summary text is a second widget: it may update a moment later
            summary, _, shown = pad_state(pad)
            while not summary.startswith(DRAW_PROMPT_START) and time.monotonic() < deadline:
                time.sleep(0.1)
                summary, _, shown = pad_state(pad)
            assert summary.startswith(DRAW_PROMPT_START) and not shown, summary
        finally:
            context.close()
    problems = [text for text in console if any(error in text for error in WIDGET_ERRORS)]
    assert not problems, f"widget errors in the browser console: {problems}"
    assert notebook.read_text(encoding="utf-8") == written, "JupyterLab must not have saved the notebook"
    deadline = time.monotonic() + 20
    while _children() - before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _children() - before, "the server, kernels or browser left processes behind"


def take_screenshots(sliders_target: Path, pad_target: Path) -> None:
    """Full mode (reusing the saved models): run all cells, move the GRU slider and capture the
    explorer; draw a 7 on the pad and capture the pad."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        _notebook_copy(Path(folder))
        with jupyterlab_server(Path(folder), {"HW3_SMOKE": "0"}) as (url, token), sync_playwright() as playwright:
            context, page = open_browser(playwright, Path(folder), CHROMIUM, {"width": 1500, "height": 1100})
            try:
                state = run_all_cells(page, url, token, timeout_seconds=1200)
                if not state or state["errors"] or state["done"] != state["code"]:
                    raise RuntimeError(f"the notebook did not run cleanly: {state}")
                widget = page.locator(".widget-interact").first
                readout, image = slider_figure(widget)
                for _ in range(3):
                    move_slider_with_keyboard(page, widget)
                wait_for_new_figure(page, widget, image, timeout_ms=60_000)
                time.sleep(2)
                widget.scroll_into_view_if_needed()
                widget.locator("xpath=ancestor::div[contains(@class, 'jp-Cell')][1]").screenshot(path=str(sliders_target))
                pad = page.locator(".hw3-drawing-pad")
                draw_on_pad(page, pad, SEVEN)
                page.wait_for_function("(element) => { const img = element.querySelector('img'); "
                                       "return img && img.offsetParent !== null && img.getAttribute('src'); }",
                                       arg=pad.element_handle(), timeout=60_000)
                time.sleep(2)
                pad.screenshot(path=str(pad_target))
            finally:
                context.close()


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "--screenshot":
        raise SystemExit("usage: python tests/test_widgets_in_browser.py --screenshot "
                         "figures/widgets_jupyterlab.png figures/drawpad_jupyterlab.png")
    take_screenshots(Path(sys.argv[2]).resolve(), Path(sys.argv[3]).resolve())
    print(f"saved {sys.argv[2]} and {sys.argv[3]}")
