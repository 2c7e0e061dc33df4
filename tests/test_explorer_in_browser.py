"""explorer.html in headless Chromium, offline: its JavaScript forward pass against Keras on 500 test
images, its drawing preprocessing against hw3/data.py, a 7 drawn with the mouse, both sliders, and no
error in the console. Needs Debian's chromium (skipped without it, unless HW3_REQUIRE_BROWSER=1).

Screenshot mode (the README's figure): python tests/test_explorer_in_browser.py --screenshot figures/explorer.png
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from hw3.data import canvas_to_mnist, strokes_to_canvas  # noqa: E402
from hw3.printing import CHROMIUM_ARGS  # noqa: E402

PAGE = PROJECT_DIR / "explorer.html"
COMPARED_IMAGES = 500
SEVEN = [(60, 60), (220, 60), (200, 110), (160, 170), (130, 250)]  # pad pixels: the bar, then the stem
FIXED_STROKES = {
    "a 7 with a long tail": [[(60, 50), (210, 50), (100, 260)]],
    "a slanted 1": [[(170, 30), (110, 250)]],  # its centre of mass falls on a half pixel: numpy's rounding decides
    "a 4 or a 9": [[(90, 45), (80, 150), (200, 150)], [(90, 45), (190, 45)], [(190, 45), (180, 255)]],
}


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def explorer_page(html: str | None = None):
    """The page in headless Chromium with the network off; yields (page, console errors)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        context.set_offline(True)  # everything must come from the file itself
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        if html is None:
            page.goto(PAGE.as_uri(), wait_until="load")
        else:
            page.set_content(html, wait_until="load")
        try:
            yield page, errors
        finally:
            browser.close()


@pytest.fixture(scope="module")
def browser():
    if chromium_path() is None:
        if os.environ.get("HW3_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (HW3_REQUIRE_BROWSER=1): apt-get install chromium")
        pytest.skip("Chromium is not installed: `apt-get install chromium` enables this test.")
    if not PAGE.exists():
        pytest.fail("explorer.html is missing: run `make explorer` and commit it")
    with explorer_page() as (page, errors):
        yield page, errors


def page_logits(page, name: str, images: np.ndarray) -> np.ndarray:
    rows = images.reshape(len(images), -1).astype(int).tolist()
    return np.asarray(page.evaluate("([name, images]) => hw3.stepwiseLogits(name, images)", [name, rows]))


@pytest.mark.parametrize("name", ["gru_1x32", "lstm_1x32"])
def test_javascript_forward_pass_equals_keras_at_every_step(browser, trained_models, mnist, name):
    from hw3.readout import stepwise_logits

    page, errors = browser
    images = mnist.x_test[:COMPARED_IMAGES]
    in_page = page_logits(page, name, images)
    in_keras = stepwise_logits(trained_models[name], images)
    largest = float(np.abs(in_page - in_keras).max())
    print(f"{name}: largest |logit difference| over {COMPARED_IMAGES} images x 28 steps = {largest:.1e}")
    assert in_page.shape == (COMPARED_IMAGES, 28, 10)
    assert largest <= 1e-4
    assert np.array_equal(in_page.argmax(-1), in_keras.argmax(-1)), "a predicted class differs at some step"
    assert not errors


def test_a_forward_pass_with_two_gate_blocks_swapped_fails_the_comparison(browser, trained_models, mnist):
    """The comparison can fail: the same page with the GRU's update and reset gate blocks swapped."""
    from hw3.readout import stepwise_logits

    page, _ = browser
    html = PAGE.read_text(encoding="utf-8")
    correct = "z[j] = sigmoid(a[j] + b[j]);\n          r[j] = sigmoid(a[u + j] + b[u + j]);"
    assert correct in html
    broken = html.replace(correct, "z[j] = sigmoid(a[u + j] + b[u + j]);\n          r[j] = sigmoid(a[j] + b[j]);")
    images = mnist.x_test[:50]
    other = page.context.new_page()  # same offline browser, a second tab
    try:
        other.set_content(broken, wait_until="load")
        in_page = page_logits(other, "gru_1x32", images)
    finally:
        other.close()
    assert np.abs(in_page - stepwise_logits(trained_models["gru_1x32"], images)).max() > 1e-2


@pytest.mark.parametrize("title", list(FIXED_STROKES))
def test_drawing_preprocessing_equals_hw3_data(browser, title):
    page, errors = browser
    strokes = FIXED_STROKES[title]
    expected = canvas_to_mnist(strokes_to_canvas(strokes))
    found = np.asarray(page.evaluate("(strokes) => Array.from(hw3.prepareDrawing(strokes))",
                                     [[list(point) for point in stroke] for stroke in strokes])).reshape(28, 28)
    assert np.array_equal(found, expected), f"{int((found != expected).sum())} pixels differ"
    assert not errors


def draw_seven(page) -> float:
    """Draws a 7 on the pad with the mouse; returns the milliseconds from the release to the reading."""
    box = page.locator("#pad").bounding_box()
    page.mouse.move(box["x"] + SEVEN[0][0], box["y"] + SEVEN[0][1])
    page.mouse.down()
    for (x0, y0), (x1, y1) in zip(SEVEN, SEVEN[1:]):
        for k in range(1, 9):
            page.mouse.move(box["x"] + x0 + (x1 - x0) * k / 8, box["y"] + y0 + (y1 - y0) * k / 8)
    start = time.perf_counter()
    page.mouse.up()
    page.wait_for_function("() => document.getElementById('pad-status').dataset.readMs !== undefined", timeout=2000)
    return 1000 * (time.perf_counter() - start)


def test_a_seven_drawn_with_the_mouse_is_read_within_200_ms(browser):
    page, errors = browser
    seen_ms = draw_seven(page)
    in_page_ms = float(page.locator("#pad-status").get_attribute("data-read-ms"))
    print(f"reading {in_page_ms:.1f} ms after the release in the page, {seen_ms:.0f} ms as the test saw it")
    assert in_page_ms <= 200 and seen_ms <= 200
    assert page.locator("#drawn").is_visible()
    readings = page.locator("#drawn .reading").all_inner_texts()
    assert len(readings) == 2 and all("final" in text for text in readings), readings
    assert not errors


def canvas_picture(page, selector: str) -> str:
    return page.locator(selector).evaluate("(canvas) => canvas.toDataURL()")


def test_both_sliders_change_the_panels(browser):
    page, errors = browser
    state = "#explorer [data-model='gru_1x32'] .state"
    before = canvas_picture(page, state)
    page.locator("#image-slider").focus()
    page.keyboard.press("ArrowRight")
    after_image = canvas_picture(page, state)
    assert after_image != before and "test image 1" in page.locator("#image-label").inner_text()
    page.locator("#step-slider").focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    assert canvas_picture(page, state) != after_image and page.locator("#step-label").inner_text() == "step 18 of 28"
    gates = canvas_picture(page, "#explorer [data-model='lstm_1x32'] .gate-f")
    page.keyboard.press("ArrowLeft")
    assert canvas_picture(page, "#explorer [data-model='lstm_1x32'] .gate-f") != gates
    assert not errors


def take_screenshot(target: Path) -> None:
    with explorer_page() as (page, errors):
        page.locator("#image-slider").fill("3")
        page.locator("#image-slider").dispatch_event("input")
        page.locator("#step-slider").fill("24")
        page.locator("#step-slider").dispatch_event("input")
        draw_seven(page)
        page.screenshot(path=str(target), full_page=True)
        if errors:
            raise RuntimeError(f"console errors: {errors}")
    print(f"saved {target}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--screenshot":
        take_screenshot(Path(sys.argv[2]))
    else:
        raise SystemExit("usage: python tests/test_explorer_in_browser.py --screenshot figures/explorer.png")
