"""The final results the public pages and the national export read (Art. 13, 16).

``services.publication`` reads results through its ``ResultsSource`` port; this is the port
filled from the team leaders' final results (``services.results``) and the submitted check
records (``services.records``). Only the result of the inspection act is published (Art. 16):
the categories, the day the check was done and, per item, whether a problem was found — not the
inspectors' notes or the evidence.
"""

from __future__ import annotations

from collections.abc import Mapping

from services import vocab
from services.publication import ItemResult, ResultCategory, SubjectResult
from services.records import RecordService
from services.results import ResultService

NO_PROBLEM = ("", "无", "none", "None")


class RecordedResults:
    """``ResultsSource`` over the results and records services of one request."""

    def __init__(self, results: ResultService, records: RecordService) -> None:
        self._results = results
        self._records = records

    async def final_results(self, task_id: int) -> Mapping[int, SubjectResult]:
        """Every subject with a final result, by subject id."""
        categories = vocab.results()
        records: dict[int, list[ItemResult]] = {}
        for record in await self._records.for_task(task_id):
            if record.submitted_at is None:
                continue
            found = record.findings.strip() not in NO_PROBLEM
            records.setdefault(record.subject_id, []).append(ItemResult(
                item_code=record.item_code, item_name=record.item_name,
                result_zh="发现问题" if found else "未发现问题",
                result_en="problem found" if found else "no problem found"))
        out: dict[int, SubjectResult] = {}
        for result in await self._results.for_task(task_id):
            labels = {t.code: t for t in categories.terms}
            out[result.subject_id] = SubjectResult(
                subject_id=result.subject_id, completed_on=result.check_date,
                categories=tuple(
                    ResultCategory(code, labels[code].zh if code in labels else code,
                                   labels[code].en if code in labels else code)
                    for code in result.categories),
                items=tuple(sorted(records.get(result.subject_id, ()),
                                   key=lambda i: i.item_code)))
        return out
