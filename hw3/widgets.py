"""Widgets: ipywidgets explorers for a live kernel. Each calls the same plotting function that makes
the static figures, so the rendered notebook shows the same picture without a kernel.

Imports from the package: nothing (it takes a drawing function).
"""
from __future__ import annotations

from typing import Callable

import matplotlib.pyplot as plt


def image_slider_explorer(draw: Callable[[int], plt.Figure], count: int, description: str = "test image"):
    """An ipywidgets slider over image indices 0..count-1; each move calls `draw(index)` and shows
    the figure it returns. `draw` is the same helper that makes the static figures."""
    import ipywidgets

    def show(index: int) -> None:
        figure = draw(index)
        plt.show()
        plt.close(figure)

    slider = ipywidgets.IntSlider(value=0, min=0, max=count - 1, step=1, description=description,
                                  continuous_update=False, style={"description_width": "initial"},
                                  layout=ipywidgets.Layout(width="60%"))
    return ipywidgets.interactive(show, index=slider)
