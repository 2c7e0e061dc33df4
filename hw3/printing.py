"""Printing: answers.md to answers.pdf the way a grader prints it (A4, 2 cm margins, 10.5 pt body text,
9 pt tables, figures at their drawn size, at most 9.5 cm tall), offline. Markdown becomes HTML with markdown-it-py, the
TeX math becomes MathML (latex2mathml), which Chromium draws natively, and headless Chromium
(Debian's package, driven by Playwright) prints the page. The bonus starts on a new page, so the
pages before it are the homework's page count.

Imports from the package: settings.
"""
from __future__ import annotations

import html
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from hw3.settings import RunSettings

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BONUS_HEADING = "Bonus: the gates"  # the section printed from a new page
# Figures print at their natural size (the SVG's width and height, in points) unless that exceeds the
# text width or FIGURE_MAX_HEIGHT_CM; tests/test_printing.py computes that scale to check the label sizes.
TEXT_WIDTH_CM = 17.0
FIGURE_MAX_HEIGHT_CM = 9.5
PAGE_CSS = f"""
@page {{ size: A4; margin: 2cm; }}
body {{ font-family: "DejaVu Serif", "Liberation Serif", serif; font-size: 10.5pt; line-height: 1.3; }}
h1 {{ font-size: 17pt; margin: 0 0 0.4em; }}
h2 {{ font-size: 14pt; margin: 1.1em 0 0.3em; break-after: avoid; }}
h3 {{ font-size: 12pt; margin: 0.9em 0 0.25em; break-after: avoid; }}
p, li {{ margin: 0.3em 0; orphans: 2; widows: 2; }}
table {{ border-collapse: collapse; font-size: 9pt; margin: 0.3em 0 0.6em; break-inside: avoid; }}
th, td {{ border-bottom: 0.5pt solid #999; padding: 1pt 4pt; text-align: left; vertical-align: top; }}
td + td {{ white-space: nowrap; }}  /* no number breaks across lines */
td:first-child {{ min-width: 7.5em; }}  /* row labels such as "Test accuracy" on one line */
img {{ display: block; max-width: 100%; max-height: {FIGURE_MAX_HEIGHT_CM}cm; margin: 0.4em auto 0; break-inside: avoid; }}
p:has(> img), p:has(+ table) {{ break-after: avoid; margin-bottom: 0.1em; }}
p:has(> img) + p, p:has(+ table) {{ font-size: 9.5pt; }}
code {{ font-size: 9.5pt; }}
math[display="block"] {{ margin: 0.4em 0; }}
h2.bonus {{ break-before: page; }}
"""


def _math_renderer(display: str):
    def render(self, tokens, index, options, env) -> str:
        return latex_to_mathml(tokens[index].content, display=display)
    return render


def markdown_to_html(markdown: str, base: Path, title: str = "Homework 3: answers") -> str:
    """A printable HTML page: the Markdown's tables and images, its $...$ and $$...$$ as MathML, and
    relative image paths resolved against the folder `base`."""
    parser = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin, double_inline=True)
    parser.add_render_rule("math_inline", _math_renderer("inline"))
    parser.add_render_rule("math_block", _math_renderer("block"))
    parser.add_render_rule("math_inline_double", _math_renderer("block"))
    body = parser.render(markdown).replace(f"<h2>{BONUS_HEADING}", f'<h2 class="bonus">{BONUS_HEADING}')
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><base href="{base.resolve().as_uri()}/">'
            f"<title>{html.escape(title)}</title><style>{PAGE_CSS}</style></head><body>{body}</body></html>")


def chromium_executable() -> str:
    """The path of Debian's Chromium; FileNotFoundError with the remedy when it is not installed."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise FileNotFoundError("printing answers.pdf needs Chromium: `apt-get install chromium` (Debian's package).")
    return found


def _print_in_chromium(page_path: Path, pdf_path: Path, executable: str) -> None:
    from playwright.sync_api import sync_playwright  # imported here: only printing needs it

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(page_path.as_uri(), wait_until="load")
            page.pdf(path=str(pdf_path), format="A4", prefer_css_page_size=True, print_background=False)
        finally:
            browser.close()


def print_html_to_pdf(page_html: str, pdf_path: Path) -> Path:
    """Print an HTML page to `pdf_path` with headless Chromium (A4; the page's CSS sets the margins),
    written atomically. Runs Playwright in a thread of its own, so that it also works inside a Jupyter
    kernel, whose event loop the synchronous API may not share."""
    executable = chromium_executable()
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = pdf_path.with_name(f".{pdf_path.name}.partial")
    with tempfile.TemporaryDirectory(prefix="hw3-print-") as folder:
        page_path = Path(folder) / "answers.html"
        page_path.write_text(page_html, encoding="utf-8")
        with ThreadPoolExecutor(max_workers=1) as thread:
            thread.submit(_print_in_chromium, page_path, temporary, executable).result()
    temporary.replace(pdf_path)
    return pdf_path


def write_report_pdf_if_possible(settings: RunSettings) -> Path | None:
    """`write_report_pdf`, saying what it did: answers.pdf printed, or not printed because Chromium (needed
    only for the PDF) is missing; returns the PDF's path, or None."""
    try:
        path = write_report_pdf(settings)
    except FileNotFoundError as missing:
        print(f"answers.pdf not printed: {missing}")
        return None
    print(f"printed {path.relative_to(settings.output_dir)} (A4, as a grader prints it)")
    return path


def write_report_pdf(settings: RunSettings) -> Path:
    """answers.pdf beside the run's answers.md (the project in full mode, a temporary folder in smoke mode)."""
    source = settings.output_dir / "answers.md"
    if not source.exists():
        raise FileNotFoundError(f"{source.name} is missing: run the notebook (make homework) to write it first.")
    page_html = markdown_to_html(source.read_text(encoding="utf-8"), settings.output_dir)
    return print_html_to_pdf(page_html, settings.output_dir / "answers.pdf")
