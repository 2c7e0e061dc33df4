"""Widgets: ipywidgets explorers for a live kernel. Each calls the same plotting function that makes
the static figures, so the rendered notebook shows the same picture without a kernel.

The figure is sent as PNG bytes to an `ipywidgets.Image`, not displayed into an Output widget as
`ipywidgets.interact` does: executing a cell that fills an Output widget sometimes deadlocks
nbclient (jupyter/nbclient#312), which would hang `make homework`; an Image widget exchanges only
widget-state messages.

Imports from the package: nothing (it takes a drawing function).
"""
from __future__ import annotations

import io
from typing import Callable

import matplotlib.pyplot as plt


def figure_png(figure: plt.Figure) -> bytes:
    """The figure as PNG bytes (as `save_figure` writes it), and the figure closed."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def image_slider_explorer(draw: Callable[[int], plt.Figure], count: int, description: str = "test image"):
    """A slider over image indices 0..count-1 above the figure `draw(index)` returns, redrawn when
    the slider moves. `draw` is the same helper that makes the static figures."""
    import ipywidgets

    slider = ipywidgets.IntSlider(value=0, min=0, max=count - 1, step=1, description=description,
                                  continuous_update=False, style={"description_width": "initial"},
                                  layout=ipywidgets.Layout(width="60%"))
    image = ipywidgets.Image(format="png", layout=ipywidgets.Layout(max_width="100%"))

    def show(change=None) -> None:
        image.value = figure_png(draw(slider.value))

    slider.observe(show, names="value")
    show()
    explorer = ipywidgets.VBox([slider, image])
    explorer.add_class("widget-interact")  # the class the browser test looks for, as interact's box has
    return explorer
