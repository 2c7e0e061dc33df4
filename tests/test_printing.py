"""answers.pdf: printed from answers.md as a grader prints it, within the homework's page limits,
with every figure embedded and the math typeset (no raw TeX left in the text)."""
import re

import pytest
from pypdf import PdfReader

from hw3.printing import BONUS_HEADING, markdown_to_html
from hw3.settings import PROJECT_DIR

PDF = PROJECT_DIR / "answers.pdf"


def test_markdown_becomes_html_with_mathml_tables_images_and_a_page_break_before_the_bonus(tmp_path):
    page = markdown_to_html("# T\n\nInline $x_t \\odot y$ and\n\n$$\\frac{a}{b}$$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                            "![fig](figures/f.png)\n\n## Bonus: the gates\n", tmp_path)
    assert "<math" in page and 'display="block"' in page and "\\frac" not in page and "\\odot" not in page
    assert "<table>" in page and '<img src="figures/f.png"' in page
    assert f'<base href="{tmp_path.resolve().as_uri()}/">' in page
    assert f'<h2 class="bonus">{BONUS_HEADING}' in page


@pytest.fixture(scope="module")
def pages():
    if not PDF.exists():
        pytest.fail("answers.pdf is missing: run `make report` (or the notebook) and commit it")
    return [page.extract_text() for page in PdfReader(PDF).pages]


def bonus_page(pages):
    return next(index for index, text in enumerate(pages) if BONUS_HEADING in text)


def test_at_most_seven_pages_before_the_bonus_and_one_for_it(pages):
    first = bonus_page(pages)
    assert first <= 7, f"{first} pages before the bonus"
    assert len(pages) - first <= 1, f"the bonus takes {len(pages) - first} pages"


def test_every_figure_and_table_of_answers_md_is_printed_with_its_caption(pages):
    answers = (PROJECT_DIR / "answers.md").read_text(encoding="utf-8")
    captions = re.findall(r"^\*\*((?:Figure|Table) \d+)\.\*\*", answers, flags=re.MULTILINE)
    text = " ".join(" ".join(pages).split())
    assert len(captions) >= 10
    for caption in captions:
        assert f"{caption}." in text, caption


def test_no_raw_tex_is_left_in_the_text(pages):
    text = "\n".join(pages)
    for raw in ("$", "\\frac", "\\odot", "\\sigma", "<<", ">>"):
        assert raw not in text, raw


def test_the_q2_table_accuracies_are_printed(pages):
    import json

    results = json.loads((PROJECT_DIR / "results" / "results.json").read_text())
    text = "\n".join(pages)
    for name, entry in results["configs"].items():
        assert f"{entry['test_accuracy']:.4f}" in text, name


POINTS_PER_CM = 72 / 2.54


def printed_label_sizes(svg: str) -> tuple[float, list[float]]:
    """How the printer scales a report figure (natural size, shrunk only to fit the text width and the
    largest figure height) and the font sizes of its text, in points at that size."""
    from hw3.printing import FIGURE_MAX_HEIGHT_CM, TEXT_WIDTH_CM

    width, height = (float(re.search(rf'<svg[^>]*\b{side}="([\d.]+)pt"', svg).group(1)) for side in ("width", "height"))
    scale = min(1.0, TEXT_WIDTH_CM * POINTS_PER_CM / width, FIGURE_MAX_HEIGHT_CM * POINTS_PER_CM / height)
    return scale, [scale * float(size) for size in re.findall(r"font-size:\s*([\d.]+)px", svg)]


def test_report_figures_are_vector_and_print_every_label_at_8_pt_or_more():
    """Measured from the SVG files themselves: matplotlib writes them with text kept as text (one
    user unit per point), so every font-size times the print scale is a printed label size."""
    figures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (PROJECT_DIR / "answers.md").read_text(encoding="utf-8"))
    assert len(figures) >= 6
    for figure in figures:
        assert figure.endswith(".svg"), f"{figure}: the report's figures are vector graphics"
        scale, sizes = printed_label_sizes((PROJECT_DIR / figure).read_text(encoding="utf-8"))
        assert sizes, f"{figure} keeps no text as text (svg.fonttype must be 'none')"
        assert min(sizes) >= 8.0 - 1e-9, f"{figure}: smallest label prints at {min(sizes):.1f} pt (scale {scale:.2f})"


def test_printed_label_sizes_follow_the_print_scale():
    wide = '<svg width="963.8pt" height="100pt" viewBox="0 0 963.8 100"><text style="font-size: 10px">a</text></svg>'
    scale, sizes = printed_label_sizes(wide)  # twice the 17 cm text width: printed at half size
    assert scale == pytest.approx(0.5, abs=1e-3) and sizes == pytest.approx([5.0], abs=1e-2)
    small = '<svg width="200pt" height="100pt"><text style="font-size: 8px">a</text></svg>'
    assert printed_label_sizes(small) == (1.0, [8.0])


def test_every_table_fits_the_printed_text_width_with_its_numbers_on_one_line(tmp_path):
    """Laid out in Chromium at the printed text width (17 cm): nothing is wider (an equation or table that
    is makes Chromium shrink every page), and every table cell after the first keeps its text on one line
    (so '< 0.001' or '(0.959-0.969)' never breaks)."""
    from playwright.sync_api import sync_playwright

    from hw3.printing import CHROMIUM_ARGS, TEXT_WIDTH_CM, chromium_executable

    page_path = tmp_path / "answers.html"
    page_path.write_text(markdown_to_html((PROJECT_DIR / "answers.md").read_text(encoding="utf-8"), PROJECT_DIR),
                         encoding="utf-8")
    width = round(TEXT_WIDTH_CM / 2.54 * 96)  # CSS pixels
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 1200})
            page.emulate_media(media="print")
            page.goto(page_path.as_uri(), wait_until="load")
            page_width = page.evaluate("document.documentElement.scrollWidth")  # wider: Chromium shrinks the page
            tables = page.evaluate("""() => Array.from(document.querySelectorAll('table')).map(table => ({
                right: table.getBoundingClientRect().right,
                wrapped: Array.from(table.querySelectorAll('td + td')).filter(cell => {
                    const text = document.createRange();
                    text.selectNodeContents(cell);
                    const lines = new Set(Array.from(text.getClientRects()).map(box => Math.round(box.top)));
                    return getComputedStyle(cell).whiteSpace !== 'nowrap' || lines.size > 1;
                }).map(cell => cell.textContent)}))""")
        finally:
            browser.close()
    assert page_width <= width, f"something is {page_width - width} px wider than the printed text"
    assert len(tables) >= 5
    for index, table in enumerate(tables, start=1):
        assert table["right"] <= width, f"table {index} is {table['right'] - width:.0f} px wider than the text"
        assert not table["wrapped"], f"table {index} breaks {table['wrapped'][:3]}"
