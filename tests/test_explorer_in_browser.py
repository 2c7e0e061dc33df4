"""explorer.html in headless Chromium, offline, at a desktop size (1280 x 800) and a phone size (390 x 844,
touch): its JavaScript forward pass against Keras on 500 test images, its drawing preprocessing against
hw3/data.py, the Q3 experiments against hw3 on the same inputs, a stable layout under the pen, the
reading rule for drawings, the URL hash, accessibility, and no error in the console. Needs Debian's
chromium (skipped without it, unless HW3_REQUIRE_BROWSER=1).

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
SIZES = {"desktop": {"viewport": {"width": 1280, "height": 800}},
         "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}}
SEVEN = [(60, 60), (220, 60), (200, 110), (160, 170), (130, 250)]  # pad pixels: the bar, then the stem
FOUR = [(80, 40), (60, 150), (210, 150)], [(170, 60), (165, 260)]
FIXED_STROKES = {
    "a 7 with a long tail": [[(60, 50), (210, 50), (100, 260)]],
    "a slanted 1": [[(170, 30), (110, 250)]],  # its centre of mass falls on a half pixel: numpy's rounding decides
    "a 4 or a 9": [[(90, 45), (80, 150), (200, 150)], [(90, 45), (190, 45)], [(190, 45), (180, 255)]],
}


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _open(browser, size: str = "desktop", fragment: str = ""):
    """The page in a new offline context of `browser` at `size`; returns (page, console errors)."""
    context = browser.new_context(**SIZES[size])
    context.set_offline(True)  # everything must come from the file itself
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(PAGE.as_uri() + fragment, wait_until="load")
    return page, errors


@contextmanager
def explorer_page(size: str = "desktop", fragment: str = ""):
    """The page in its own headless Chromium (for the screenshot); yields (page, console errors)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield _open(browser, size, fragment)
        finally:
            browser.close()


@pytest.fixture(scope="module")
def chromium():
    if chromium_path() is None:
        if os.environ.get("HW3_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (HW3_REQUIRE_BROWSER=1): apt-get install chromium")
        pytest.skip("Chromium is not installed: `apt-get install chromium` enables this test.")
    if not PAGE.exists():
        pytest.fail("explorer.html is missing: run `make explorer` and commit it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def browser(chromium):
    """One desktop page shared by the tests that reset what they change: (page, errors)."""
    page, errors = _open(chromium)
    yield page, errors
    page.context.close()


@pytest.fixture(params=list(SIZES))
def sized(chromium, request):
    """A fresh page at each size: (page, errors, size)."""
    page, errors = _open(chromium, request.param)
    yield page, errors, request.param
    page.context.close()


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


# --- The Q3 experiments in the page against hw3 on the same input ----------------------------------

def _page_step_logits(page, fragment: str, name: str) -> np.ndarray:
    page.evaluate("(fragment) => window.hw3Page.open(fragment)", fragment)
    return np.asarray(page.evaluate("(name) => window.hw3Page.readings()[name].steps.map((s) => Array.from(s.logits))", name))


@pytest.mark.parametrize("name", ["gru_1x32", "lstm_1x32"])
def test_moving_appending_and_blanking_give_the_read_out_hw3_computes(browser, trained_models, mnist, name):
    """Test image 3 moved 4 rows down, followed by 4 blank rows, and with row 12 blanked: the page's logits
    at every step against Keras on the input hw3 builds for the same experiment (controls.shift_rows,
    data.with_blank_rows, a zeroed row), and the read-out the page prints changes with each."""
    from hw3.controls import shift_rows
    from hw3.data import with_blank_rows
    from hw3.readout import every_step_model

    page, errors = browser
    reader = every_step_model(trained_models[name], steps=None)
    image = mnist.x_test[3:4]
    blanked = image.copy()
    blanked[:, 11] = 0
    cases = {"#source=test&image=3": image, "#source=test&image=3&down=4": shift_rows(image, 4),
             "#source=test&image=3&append=4": with_blank_rows(image, 4),
             "#source=test&image=3&blank=12": blanked}
    readings = set()
    for fragment, expected_input in cases.items():
        in_page = _page_step_logits(page, fragment, name)
        in_keras = np.asarray(reader.predict(expected_input, verbose=0)[1])[0]
        assert in_page.shape == in_keras.shape, fragment
        assert np.abs(in_page - in_keras).max() <= 1e-4, fragment
        readings.add(page.locator("#reading").inner_text())
    assert len(readings) == len(cases), "each experiment changes the read-out the page prints"
    assert not errors


def test_the_experiments_move_blank_and_append_as_hw3_does(browser):
    page, _ = browser
    moved = page.evaluate("""() => { const image = new Float64Array(784); image[5 * 28 + 7] = 1;
        const down = hw3.shifted(image, 2, -3), longer = hw3.withAppendedRows(image, 4);
        return [down.indexOf(1), longer.length, hw3.withRowsBlanked(image, [5]).indexOf(1),
                hw3.experimentInput(image, {down: 1, appended: 2, blanked: [6]}).indexOf(1)]; }""")
    assert moved == [7 * 28 + 4, 32 * 28, -1, -1]  # moved down 2, left 3; 4 rows appended; the blanked row; moved then blanked


def test_row_importance_is_the_drop_of_the_final_class_when_one_row_is_blanked(browser):
    page, _ = browser
    found = page.evaluate("""() => { const model = window.HW3_DATA.models.gru_1x32;
        const image = Float64Array.from(window.HW3_DATA.images[0].pixels);
        const importance = hw3.rowImportance(model, image);
        const last = (input) => { const steps = hw3.run(model, input); return hw3.softmax(steps[steps.length - 1].logits); };
        const row = importance.drops.indexOf(Math.max(...importance.drops));
        return [importance.final, importance.drops[row], last(image)[importance.final] - last(hw3.withRowsBlanked(image, [row]))[importance.final],
                importance.drops[0]]; }""")
    final, largest, recomputed, first_row = found
    assert final == 7 and largest == pytest.approx(recomputed) and largest > 0.1
    assert first_row == 0  # row 1 of test image 0 is blank: blanking it changes nothing


# --- Drawing: a stable page, an honest reading --------------------------------------------------------

def draw(page, strokes=(SEVEN,), button: str = "left") -> None:
    """Draws `strokes` (pad pixels) on the pad with the mouse, the pad scrolled to the middle of the screen."""
    page.locator("#pad").evaluate("(pad) => pad.scrollIntoView({block: 'center'})")
    box = page.locator("#pad").bounding_box()
    for stroke in strokes:
        page.mouse.move(box["x"] + stroke[0][0], box["y"] + stroke[0][1])
        page.mouse.down(button=button)
        for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
            for k in range(1, 9):
                page.mouse.move(box["x"] + x0 + (x1 - x0) * k / 8, box["y"] + y0 + (y1 - y0) * k / 8)
        page.mouse.up(button=button)


def pad_position(page) -> tuple[float, float]:
    """The pad's place on the page (not on the screen), and the scroll position."""
    return tuple(page.evaluate("() => { const box = document.getElementById('pad').getBoundingClientRect();"
                               " return [box.top + window.scrollY, window.scrollY]; }"))


def test_draw_clear_and_draw_again_never_move_the_pad_and_the_reading_is_in_view(sized):
    page, errors, size = sized
    draw(page)
    first = pad_position(page)
    reading = page.locator("#reading").bounding_box()
    height = page.viewport_size["height"]
    assert 0 <= reading["y"] and reading["y"] + reading["height"] <= height, f"{size}: reading at {reading}"
    assert "your drawing" in page.locator("#reading").inner_text() and "GRU: 7" in page.locator("#reading").inner_text()
    page.locator("#clear").click()
    assert pad_position(page) == first, f"{size}: Clear moved the pad"
    draw(page, FOUR)
    assert pad_position(page) == first, f"{size}: the second drawing moved the pad"
    assert "your drawing" in page.locator("#reading").inner_text()
    assert not errors


def test_a_seven_drawn_with_the_mouse_is_read_within_200_ms(browser):
    page, errors = browser
    start = time.perf_counter()
    draw(page)
    seen_ms = 1000 * (time.perf_counter() - start)
    in_page_ms = float(page.locator("#pad-status").get_attribute("data-read-ms"))
    print(f"reading {in_page_ms:.1f} ms after the release in the page, {seen_ms:.0f} ms for the whole stroke")
    assert in_page_ms <= 200
    assert not errors


def canvas_picture(page, selector: str) -> str:
    return page.locator(selector).evaluate("(canvas) => canvas.toDataURL()")


def test_the_step_control_steps_through_a_drawing(browser):
    page, errors = browser
    draw(page)
    state = "#panels [data-model='gru_1x32'] .h"
    before, title = canvas_picture(page, state), page.locator("#panels [data-model='gru_1x32'] h3").inner_text()
    assert "your drawing" in title
    page.locator("#step-slider").focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    assert canvas_picture(page, state) != before
    assert page.locator("#step-slider").get_attribute("aria-valuetext") == "step 18 of 28"
    assert "At step 18" in page.locator("#reading").inner_text()
    assert not errors


@pytest.mark.parametrize("strokes, reason", [(([(140, 140)],), "under 40% of the pad"),
                                             (([(20, 20), (260, 30), (30, 80), (260, 90), (20, 140), (260, 150),
                                                (20, 200), (260, 210), (20, 260), (260, 260)],), "a scribble")])
def test_a_dot_or_a_scribble_is_not_read(browser, strokes, reason):
    page, errors = browser
    page.locator("#clear").click()
    draw(page, strokes)
    status = page.locator("#pad-status").inner_text()
    assert status.startswith("Not read") and reason in status, status
    assert page.locator("#pad-status").get_attribute("data-read") == "false"
    assert "GRU:" not in page.locator("#reading").inner_text()
    assert not errors


def test_a_right_click_does_not_draw(browser):
    page, errors = browser
    page.locator("#clear").click()
    draw(page, button="right")
    assert page.locator("#pad-status").inner_text() == "Draw a digit on the pad."
    ink = page.locator("#pad").evaluate("(pad) => Array.from(pad.getContext('2d').getImageData(0, 0, 280, 280).data)"
                                        ".filter((v, k) => k % 4 === 0 && v < 128).length")
    assert ink == 0
    assert not errors


# --- State in the URL, accessibility ---------------------------------------------------------------

def test_the_url_hash_restores_a_view(browser):
    page, errors = browser
    fragment = "#source=test&image=13&step=12&down=-2&right=1&append=3&blank=10,11"
    other = page.context.new_page()
    try:
        other.goto(PAGE.as_uri() + fragment, wait_until="load")
        assert other.locator("#image-slider").input_value() == "13"
        assert other.locator("#step-slider").input_value() == "12"
        assert other.locator("#step-slider").get_attribute("max") == "31"  # 28 rows and 3 appended
        assert other.locator("#down").get_attribute("aria-valuetext") == "moved 2 rows up"
        assert other.locator("#blank-list").inner_text() == "10, 11"
        title = other.locator("#panels [data-model='lstm_1x32'] h3").inner_text()
        assert "test image 13" in title and "3 blank rows appended" in title and "rows 10, 11 blanked" in title
        assert other.evaluate("() => location.hash") == fragment  # the page writes its state back the same way
    finally:
        other.close()
    assert not errors


def test_a_drawing_travels_in_the_url(browser):
    page, errors = browser
    page.locator("#clear").click()
    draw(page, FOUR)
    fragment, reading = page.evaluate("() => location.hash"), page.locator("#reading").inner_text()
    assert "source=drawing" in fragment and "drawing=" in fragment
    other = page.context.new_page()
    try:
        other.goto(PAGE.as_uri() + fragment, wait_until="load")
        assert other.locator("#reading").inner_text() == reading
    finally:
        other.close()
    assert not errors


def test_every_control_is_labelled_every_slider_speaks_and_every_picture_is_named(sized):
    page, errors, size = sized
    unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll('input, select, button'))
        .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).map((e) => e.id)""")
    assert not unlabelled
    sliders = page.locator("input[type=range]")
    assert sliders.count() == 5
    for k in range(sliders.count()):
        assert sliders.nth(k).get_attribute("aria-valuetext"), sliders.nth(k).get_attribute("id")
    assert page.locator("#image-slider").get_attribute("aria-valuetext") == "test image 0 of 50, a 7"
    nameless = page.evaluate("() => Array.from(document.querySelectorAll('canvas')).filter((c) => !c.getAttribute('aria-label')).length")
    assert nameless == 0
    assert page.locator("#reading").get_attribute("aria-live") == "polite"
    small = page.evaluate("""() => Array.from(document.querySelectorAll('input[type=range], button, select'))
        .filter((e) => e.getBoundingClientRect().height < 24).map((e) => e.id || e.textContent)""")
    assert not small, f"{size}: touch targets under 24 px: {small}"
    assert not errors


def test_the_test_images_and_the_controls_work_from_the_keyboard(browser):
    page, errors = browser
    page.evaluate("() => window.hw3Page.open('#source=test&image=0')")
    page.locator("#image-slider").focus()
    page.keyboard.press("ArrowRight")
    assert "test image 1" in page.locator("#reading").inner_text()
    page.locator("#blank-row").select_option("9")
    page.locator("#blank-toggle").focus()
    page.keyboard.press("Enter")
    assert page.locator("#blank-list").inner_text() == "10"
    page.locator("#append").focus()
    page.keyboard.press("ArrowRight")
    assert page.locator("#step-slider").get_attribute("max") == "29"
    page.locator("#reset").focus()
    page.keyboard.press("Enter")
    assert page.locator("#blank-list").inner_text() == "none"
    assert not errors


def test_the_guided_start_puts_the_page_in_each_state(browser):
    page, errors = browser
    page.locator("[data-guide='1']").click()
    assert page.locator("#step-slider").input_value() == "1" and page.locator("#image-slider").input_value() == "0"
    page.locator("[data-guide='2']").click()
    assert page.locator("#append").input_value() == "4" and page.locator("#step-slider").input_value() == "32"
    page.locator("[data-guide='3']").click()
    assert page.locator("#source-drawing").is_checked()
    assert not errors


def take_screenshot(target: Path) -> None:
    with explorer_page("desktop", "#source=test&image=3&step=24&append=4") as (page, errors):
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.screenshot(path=str(target), full_page=True)
        if errors:
            raise RuntimeError(f"console errors: {errors}")
    print(f"saved {target}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--screenshot":
        take_screenshot(Path(sys.argv[2]))
    else:
        raise SystemExit("usage: python tests/test_explorer_in_browser.py --screenshot figures/explorer.png")


def test_the_forward_pass_and_the_drawing_scripts_each_run_alone(browser):
    """web/forward.js and web/drawing.js need no page and no other script: each, loaded by itself into
    an empty page, does its job (the split the build inlines)."""
    page, _ = browser
    alone = page.context.new_page()
    try:
        for script, check in (("forward.js", "hw3.shifted(Float64Array.from({length: 784}, (_, k) => k === 0 ? 1 : 0), 1, 1).indexOf(1)"),
                              ("drawing.js", "hw3.prepareDrawing([[[60, 50], [210, 50], [100, 260]]]).reduce((a, b) => a + b, 0)")):
            alone.set_content("<html><body></body></html>")
            alone.add_script_tag(content=(PROJECT_DIR / "web" / script).read_text(encoding="utf-8"))
            assert alone.evaluate("() => Object.keys(window.hw3).length") > 3, script
            assert alone.evaluate(f"() => {check}") == (29 if script == "forward.js" else
                                                        int(canvas_to_mnist(strokes_to_canvas(FIXED_STROKES["a 7 with a long tail"])).sum()))
    finally:
        alone.close()
