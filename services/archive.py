"""归档: a task's field work written out for the archive (Art. 19).

``export(task, directory)`` writes every check record (``records.csv``), every final result
(``results.csv``), every referral (``referrals.csv``), the on-site record form of each subject
(``forms/<USCC>.pdf``), every evidence file (``evidence/<sha256>.<ext>``, the bytes as stored)
and ``manifest.sha256`` (``sha256sum -c`` reads it) listing the SHA-256 of every file written.
Each file is written to a temporary name and renamed, so a reader never sees half a file;
cells a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from storage.files import read_all

from services import vocab
from services.clock import SHANGHAI, Clock
from services.directories.cells import for_spreadsheet
from services.record_form import SubjectHeader, render_record_form
from services.records import RecordService
from services.referrals import ReferralService
from services.results import ResultService
from services.tasks import TaskService

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp",
              "image/heic": "heic", "image/gif": "gif", "image/tiff": "tif",
              "application/pdf": "pdf"}


@dataclass(frozen=True)
class ArchiveReport:
    """What was written: counts and the manifest's path."""

    directory: Path
    records: int
    results: int
    referrals: int
    forms: int
    evidence: int
    manifest: Path


def _write(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    return hashlib.sha256(data).hexdigest()


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([for_spreadsheet("" if v is None else str(v)) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name) or "subject"


class ArchiveService:
    """Writes a task's records, results, referrals, forms and evidence to a directory."""

    def __init__(self, clock: Clock, tasks: TaskService, records: RecordService,
                 results: ResultService, referrals: ReferralService) -> None:
        self._clock = clock
        self._tasks = tasks
        self._records = records
        self._results = results
        self._referrals = referrals

    async def form_pdf(self, task_id: int, subject_id: int) -> tuple[str, bytes]:
        """The file name and the bytes of one subject's on-site record form."""
        task = await self._tasks.get(task_id)
        sheet = await self._results.sheet(task_id, subject_id)
        records = list(sheet.records)
        first = records[0] if records else None
        identifier = first.subject_identifier if first else (
            sheet.result.subject_identifier if sheet.result else str(subject_id))
        address = first.subject_address if first else ""
        header = SubjectHeader(task.code, task.name, sheet.subject_name, identifier, address,
                               sheet.team_number)
        evidence = await self._records.evidence_files(r.id for r in records)
        data = render_record_form(header, records, sheet.result, evidence,
                                  generated_at=self._clock())
        return f"{_safe(identifier)}.pdf", data

    async def export(self, task_id: int, directory: Path) -> ArchiveReport:
        """Write everything of the task under ``directory``; the manifest last."""
        task = await self._tasks.get(task_id)
        records = await self._records.for_task(task_id)
        results = await self._results.for_task(task_id)
        referrals = await self._referrals.for_task(task_id)
        written: dict[str, str] = {}

        def when(instant: object) -> str:
            return instant.astimezone(SHANGHAI).isoformat(timespec="seconds") \
                if hasattr(instant, "astimezone") else ""

        written["records.csv"] = _write(directory / "records.csv", _csv(
            ["task", "team", "subject", "uscc", "item", "department", "state", "methods",
             "checklist", "findings", "disposal", "notes", "latitude", "longitude",
             "distance_m", "location_flagged", "submitted_by", "submitted_certificate",
             "submitted_at", "cosigned_by", "cosigned_at", "amendments", "evidence_sha256"],
            [[r.task_code, r.team_number, r.subject_name, r.subject_identifier, r.item_code,
              r.department_code, "cosigned" if r.confirmed else r.state,
              "|".join(vocab.methods().labels(r.methods)),
              "|".join(f"{p.position}:{p.answer or '-'}" for p in r.points), r.findings,
              r.disposal, r.notes, r.location.latitude if r.location else "",
              r.location.longitude if r.location else "",
              r.location.distance_m if r.location else "",
              r.location.flagged if r.location else "",
              r.submitted_by.name if r.submitted_by else "",
              r.submitted_by.certificate_no if r.submitted_by else "", when(r.submitted_at),
              r.cosigned_by.name if r.cosigned_by else "", when(r.cosigned_at),
              len(r.amendments), "|".join(e.sha256 for e in r.evidence)] for r in records]))
        written["results.csv"] = _write(directory / "results.csv", _csv(
            ["task", "team", "subject", "uscc", "categories", "category_labels", "summary",
             "disposals", "disposal_other", "correction_due_on", "check_date", "due_on",
             "entered_on", "late", "entered_by"],
            [[r.task_code, r.team_number, r.subject_name, r.subject_identifier,
              "|".join(r.categories), "|".join(r.category_labels()), r.summary,
              "|".join(r.disposals), r.disposal_other,
              r.correction_due_on.isoformat() if r.correction_due_on else "",
              r.check_date.isoformat(), r.due_on.isoformat(), r.entered_on.isoformat(),
              r.late, r.entered_by] for r in results]))
        written["referrals.csv"] = _write(directory / "referrals.csv", _csv(
            ["id", "task", "subject", "kind", "from", "to", "organ", "transferred_on",
             "document_no", "finding", "state", "created_by", "created_at", "acknowledged_by",
             "acknowledged_at"],
            [[r.id, r.task_code, r.subject_name, r.kind, r.from_department,
              r.to_department or "", r.organ,
              r.transferred_on.isoformat() if r.transferred_on else "", r.document_no,
              r.finding, r.state, r.created_by, when(r.created_at), r.acknowledged_by or "",
              when(r.acknowledged_at)] for r in referrals]))
        subjects = list(dict.fromkeys([r.subject_id for r in records]
                                      + [r.subject_id for r in results]))
        for subject_id in subjects:
            name, data = await self.form_pdf(task.id, subject_id)
            written[f"forms/{name}"] = _write(directory / "forms" / name, data)
        evidence = {e.sha256: e for e in await self._records.evidence_files(
            r.id for r in records)}
        for sha256, item in evidence.items():
            data = await read_all(self._records.files, sha256)
            name = f"evidence/{sha256}.{EXTENSIONS.get(item.mime, 'bin')}"
            digest = _write(directory / name, data)
            if digest != sha256:  # the store gave back other bytes than it was given
                raise ValueError(f"evidence {sha256} reads back as {digest}")
            written[name] = digest
        manifest = "".join(f"{digest}  {name}\n" for name, digest in sorted(written.items()))
        _write(directory / "manifest.sha256", manifest.encode())
        return ArchiveReport(directory, len(records), len(results), len(referrals),
                             len(subjects), len(evidence), directory / "manifest.sha256")
