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


def test_at_most_seven_pages_before_the_bonus_and_two_for_it(pages):
    first = bonus_page(pages)
    assert first <= 7, f"{first} pages before the bonus"
    assert len(pages) - first <= 2, f"the bonus takes {len(pages) - first} pages"


def test_every_figure_of_answers_md_is_embedded():
    figures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (PROJECT_DIR / "answers.md").read_text(encoding="utf-8"))
    images = sum(len(page.images) for page in PdfReader(PDF).pages)
    assert images >= len(figures) >= 5


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
