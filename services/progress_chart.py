"""The chart of the Art. 22 figures: a PNG drawn with matplotlib, Chinese labels (Noto CJK).

Pure rendering, shared by the bot's ``/progress`` (``handlers/progress_chart.py``) and the web
page (``web/progress.py``); the labels come through ``label(key)`` so this module knows no
locale machinery.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")  # no display: render to memory
import matplotlib.pyplot as plt  # noqa: E402 -- the backend is chosen before pyplot loads
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from services.progress import DepartmentProgress  # noqa: E402

CJK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
)
SERIES = (("progress-tasks", "tasks"), ("progress-drawn", "subjects_drawn"),
          ("progress-visited", "visited"), ("progress-with-result", "with_result"))
_LOCK = threading.Lock()  # pyplot's state is global: one figure at a time


def _cjk_family() -> str | None:
    for path in CJK_FONTS:
        if path.exists():
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
    return None


def progress_png(rows: Sequence[DepartmentProgress], label: Callable[[str], str]) -> bytes:
    """Grouped bars per department: tasks, subjects drawn, visited, with a result."""
    family = _cjk_family()
    series = [(key, [getattr(r, field) or 0 for r in rows]) for key, field in SERIES]
    with _LOCK:
        fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
        try:
            width = 0.8 / len(series)
            for n, (key, values) in enumerate(series):
                ax.bar([i + n * width for i in range(len(rows))], values, width, label=label(key))
            ax.set_xticks([i + 0.4 - width / 2 for i in range(len(rows))],
                          [r.name for r in rows], fontfamily=family,
                          rotation=30 if len(rows) > 2 else 0,  # long names side by side
                          ha="right" if len(rows) > 2 else "center")
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts, not fractions
            ax.set_title(label("progress-chart-title"), fontfamily=family)
            ax.legend(prop={"family": family} if family else None)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", bbox_inches="tight")
            return buffer.getvalue()
        finally:
            plt.close(fig)
