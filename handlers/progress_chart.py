"""The chart of the Art. 22 figures for ``/progress``: ``services.progress_chart`` with the
user's translator (the same drawing the web page shows)."""

from __future__ import annotations

from collections.abc import Sequence

from services.progress import DepartmentProgress
from services.progress_chart import progress_png as _render

from handlers.i18n import Translator


def progress_png(rows: Sequence[DepartmentProgress], tr: Translator) -> bytes:
    """Grouped bars per department, labels in the user's language."""
    return _render(rows, tr)
