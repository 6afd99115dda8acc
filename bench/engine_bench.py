"""Benchmark of the draw engine alone: 5% stratified from N subjects (default 7,000,000).

Prints the time of each step the engine does (canonical JSON, commitment, validation, tickets
and selection, the verifier's full re-computation) and the peak resident memory. The database
side is measured by bench/draw_bench.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services import verify_draw as vd  # noqa: E402


def build_manifest(size: int) -> dict[str, object]:
    """A subjects manifest: ids spread over risk classes A-D by a hash, 2% excluded."""
    pool: dict[str, list[int]] = {"A": [], "B": [], "C": [], "D": []}
    exclusions = []
    classes = "AABBBBCCCD"  # most subjects sit in the middle classes
    for subject_id in range(1, size + 1):
        # Spread deterministically without the random module (DESIGN.md §5).
        mix = (subject_id * 2654435761) % 4294967296
        if mix % 50 == 0:
            exclusions.append({"id": subject_id, "reason": "inspected within 12 months"})
        else:
            pool[classes[mix % 10]].append(subject_id)
    allocation = {stratum: len(ids) * 5 // 100 for stratum, ids in pool.items()}
    return {
        "spec": vd.SPEC,
        "kind": "subjects",
        "task": {"code": "BENCH-1", "items": ["SCJG-001"], "year": 2026},
        "committed_at": "2026-03-01T08:00:00Z",
        "entropy_source": {
            "type": "operator-secret",
            "sha256": hashlib.sha256(b"bench secret").hexdigest(),
            "label": "weakest",
        },
        "pool": pool,
        "exclusions": exclusions,
        "allocation": allocation,
        "parameters": {"ratio_per_mille": 50, "frequency_window_months": 12},
    }


def cpu_seconds() -> float:
    """CPU time of this process and its finished helpers (less sensitive to a busy machine)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    helpers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + helpers.ru_utime + helpers.ru_stime


def drand_check_seconds() -> float:
    """Wall time of one BLS check of the quicknet round in docs/draw-vectors.json (py_ecc)."""
    vectors = json.loads((ROOT / "docs" / "draw-vectors.json").read_text(encoding="utf-8"))
    drand = vectors["drand"]
    started = time.perf_counter()
    assert vd.verify_drand(drand["chain"], drand["round"]["round"], drand["round"]["signature"])
    return time.perf_counter() - started


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--subjects", type=int, default=7_000_000)
    parser.add_argument("-w", "--workers", type=int, default=None, help="default: all CPUs")
    args = parser.parse_args()
    started = time.perf_counter()
    manifest = build_manifest(args.subjects)
    workers = args.workers or vd.default_workers()
    print(f"workers: {workers} process(es) for large draws")
    print(f"built manifest of {args.subjects:,} subjects in {time.perf_counter() - started:.2f} s")
    evidence = {"type": "operator-secret", "secret": "bench secret"}

    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    c0 = cpu_seconds()
    t0 = time.perf_counter()
    encoded = vd.canonical_json(manifest)
    t1 = time.perf_counter()
    digest = hashlib.sha256(encoded).hexdigest()
    t2 = time.perf_counter()
    print(f"canonical JSON  {t1 - t0:6.2f} s  ({len(encoded) / 1e6:.1f} MB)")
    print(f"SHA-256         {t2 - t1:6.2f} s  commitment {digest}")
    del encoded

    t3 = time.perf_counter()
    result = vd.compute_result(manifest, evidence, manifest_sha256=digest, workers=args.workers)
    t4 = time.perf_counter()
    drawn = sum(len(ids) for ids in result["selected"].values())
    print(f"draw (validate, tickets, selection) {t4 - t3:6.2f} s  ({drawn:,} drawn)")
    engine = (t1 - t0) + (t2 - t1) + (t4 - t3)
    print(f"engine total    {engine:6.2f} s wall, {cpu_seconds() - c0:6.2f} s CPU (all processes)")

    bundle = vd.make_bundle(manifest, evidence, result)
    t5 = time.perf_counter()
    report = vd.verify_bundle(bundle, workers=args.workers)
    t6 = time.perf_counter()
    print(f"verifier        {t6 - t5:6.2f} s  ok={report.ok}")
    print(f"drand BLS check {drand_check_seconds():6.2f} s (py_ecc pairing, once per drand draw)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS        {peak_mb:6.0f} MB (this process, including the manifest itself)")


if __name__ == "__main__":
    main()
