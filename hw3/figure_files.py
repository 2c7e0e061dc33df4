"""Figure files: where a drawn figure goes. `save_figure` writes it as PNG (the notebook's picture)
and, when it is printable, as SVG (the report's: vector, text kept as text, the same bytes from run to
run), and shows it in an inline notebook; `printable` marks a drawing function's figure for the
report and draws it in the print style, at its printed size (PRINT_WIDTH wide, 8 pt type).

Imports from the package: settings.
"""
from __future__ import annotations

import functools
import io
import re

import matplotlib.pyplot as plt

from hw3.settings import RunSettings, write_atomically, write_text_atomically

# Report figures are drawn at their printed size: PRINT_WIDTH inches wide, within the printed text width
# (17 cm) and no taller than printing.FIGURE_MAX_HEIGHT_CM, so they print at scale 1 and every label
# prints at its font size, 8 pt or more (tests/test_printing.py reads the sizes from the SVG files).
PRINT_WIDTH = 6.5
PRINT_STYLE = {"font.size": 8, "axes.titlesize": 8.5, "axes.labelsize": 8, "xtick.labelsize": 8,
               "ytick.labelsize": 8, "legend.fontsize": 8, "figure.titlesize": 9, "legend.title_fontsize": 8}
PRINTABLE = "printable"  # the label a printable figure carries: save_figure also writes it as SVG


def printable(function):
    """Draw the figure with PRINT_STYLE's type sizes and mark it for the report (save_figure then
    writes a vector SVG beside the PNG)."""
    @functools.wraps(function)
    def draw(*args, **kwargs):
        with plt.rc_context(PRINT_STYLE):
            figure = function(*args, **kwargs)
        figure.set_label(PRINTABLE)
        return figure
    return draw


def save_figure(figure: plt.Figure, name: str, settings: RunSettings, show: bool = True, page_width: bool = False) -> str:
    """Save `figure` as figures/<name>.png of the run's output folder (the notebook's picture) and, if
    it is printable, as figures/<name>.svg too (the report's, vector, text kept as text); returns the
    PNG's path relative to the output folder. In a notebook the figure is shown here, before the tables
    and lines its cell prints after it (`show=False`: saved for the report only, not shown), and closed.
    `page_width`: shown across the page's width, for a figure whose detail needs it."""
    settings.figures_dir.mkdir(parents=True, exist_ok=True)
    path = settings.figures_dir / f"{name}.png"
    write_atomically(path, lambda temporary: figure.savefig(temporary, dpi=100, bbox_inches="tight"))
    if figure.get_label() == PRINTABLE:
        buffer = io.StringIO()
        with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
            figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
        svg = buffer.getvalue()
        # matplotlib names some clip paths after object ids, which change from run to run: number them in order
        for number, clip in enumerate(dict.fromkeys(re.findall(r'clipPath id="(p[0-9a-f]+)"', svg))):
            svg = svg.replace(f'"{clip}"', f'"clip{number}"').replace(f"#{clip})", f"#clip{number})")
        write_text_atomically(svg, path.with_suffix(".svg"))
    if in_an_inline_notebook():
        if show:
            display_figure(figure, page_width)
        plt.close(figure)  # else the inline backend would draw it again at the cell's end
    return str(path.relative_to(settings.output_dir))


def in_an_inline_notebook() -> bool:
    """True inside an IPython kernel whose matplotlib backend draws figures into the cell's output."""
    from matplotlib import get_backend

    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None and "inline" in get_backend()


def alt_text(figure: plt.Figure) -> str:
    """A figure's description for a reader who cannot see it: its title and its panels' titles."""
    titles = [figure._suptitle.get_text()] if figure._suptitle is not None else []
    titles += [axes.get_title() for axes in figure.axes if axes.get_title()]
    return "Figure: " + ("; ".join(dict.fromkeys(titles)) if titles else "no title") + "."


def display_figure(figure: plt.Figure, page_width: bool = False) -> None:
    """Show `figure` in the cell's output now, as an image with alt text (`alt_text`): drawn at twice
    its resolution and shown at its own size, or across the page with `page_width`."""
    import base64
    import html

    from IPython.display import HTML, display

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=200, bbox_inches="tight")
    width = figure.get_window_extent().width * 100 / figure.dpi  # its own size, at 100 pixels an inch (as saved)
    style = "width: 100%" if page_width else f"width: {width:.0f}px; max-width: 100%"
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    display(HTML(f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(alt_text(figure))}" style="{style}">'))
