"""Figures that say what they show: one sentence under each plot, for every reader.

A notebook ends a plotting cell with ``lb.show_figure("One sentence: what the figure shows.")`` instead
of ``plt.show()``. The sentence is printed right under the figure as ``Figure: …``: a JupyterLab reader
sees it as a caption, nbval checks it like any output, and the handouts (tools/handouts.py) turn it into
the image's alt text and its visible <figcaption>, so a student with a screen reader hears it too.
"""

from __future__ import annotations

__all__ = ["show_figure"]


def show_figure(description: str) -> None:
    """Show the open figure(s), as ``plt.show()``, then print ``Figure: <description>`` under them.

    ``description`` is one plain sentence that says what the figure shows and what to see in it (not
    "a plot of x"): it is the alt text of the figure in the handouts.

    >>> try:
    ...     show_figure("   ")
    ... except ValueError as error:
    ...     print(str(error).split(". ")[0])
    description: expected one sentence saying what the figure shows, got '   '
    """
    if not isinstance(description, str):
        raise TypeError(f"description: expected a sentence (str), got {type(description).__name__}")
    text = " ".join(description.split())
    if not text:
        raise ValueError(
            f"description: expected one sentence saying what the figure shows, got {description!r}. Write "
            f'what a reader who cannot see the plot should know, e.g. "The loss falls from 2.3 to 0.1 as p '
            f'grows."'
        )
    import matplotlib.pyplot as plt  # here, not at import time: lossbook needs only numpy to import

    plt.show()
    print(f"Figure: {text}")
