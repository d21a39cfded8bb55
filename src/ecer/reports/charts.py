"""Charts as PNG images (matplotlib, Agg), with the report's CJK font by file, so nothing depends
on what fontconfig happens to know."""

from __future__ import annotations

import io

from ecer.reports.document import Chart
from ecer.reports.fonts import BODY, font_path


def chart_png(chart: Chart, *, width_in: float = 6.0, dpi: int = 150) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    prop = font_manager.FontProperties(fname=str(font_path(BODY)))
    height = max(2.4, 0.28 * len(chart.bars) + 1.0)
    fig, ax = plt.subplots(figsize=(width_in, height), dpi=dpi)
    try:
        labels = [b.label for b in chart.bars]
        positions = range(len(chart.bars))
        ax.barh(list(positions), [b.value for b in chart.bars], color=[b.colour for b in chart.bars])
        ax.set_yticks(list(positions))
        ax.set_yticklabels(labels, fontproperties=prop, fontsize=8)
        ax.invert_yaxis()
        if chart.reference is not None:
            ax.axvline(chart.reference, color="#333333", linewidth=0.8, linestyle="--")
        ax.set_xlabel(chart.axis_label, fontproperties=prop, fontsize=9)
        ax.set_title(chart.title, fontproperties=prop, fontsize=10)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        ax.tick_params(axis="x", labelsize=8)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)
