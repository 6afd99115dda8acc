"""Benchmark of the draw engine alone: 5% stratified from N subjects (default 7,000,000).

Prints the time of each step the engine does (canonical JSON, commitment, tickets and selection
alone, the whole draw with validation, the verifier's full re-computation) and the peak resident
memory. ``--workers`` is the number of threads computing tickets. The database side is measured
by bench/draw_bench.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verifier import verify_draw as vd  # noqa: E402


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
    """CPU time of this process (all its threads) and its finished children."""
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


def ranking_alone(
    manifest: dict[str, object],
    key: bytes,
    workers: int,
    step: Callable[[str, float, float, str], None],
) -> None:
    """Time the tickets and the selection of every stratum alone (the draw's hot part)."""
    pool = cast(dict[str, list[int]], manifest["pool"])
    allocation = cast(dict[str, int], manifest["allocation"])
    rankings = [vd._Ranking(f"subject:{s}:", ids, allocation[s]) for s, ids in pool.items()]
    c0, t0 = cpu_seconds(), time.perf_counter()
    vd._Ranker(key, workers).lowest_many(rankings)
    c1, t1 = cpu_seconds(), time.perf_counter()
    candidates = sum(len(ids) for ids in pool.values())
    per = (t1 - t0) / candidates * 1e9
    step("  of which tickets + selection", t1 - t0, c1 - c0, f"{per:.0f} ns wall per candidate")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--subjects", type=int, default=7_000_000)
    parser.add_argument(
        "-w", "--workers", type=int, default=None, help="ticket threads (default: all CPUs)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    manifest = build_manifest(args.subjects)
    workers = args.workers or vd.default_workers()
    print(f"workers: {workers} thread(s) computing tickets")
    print(f"built manifest of {args.subjects:,} subjects in {time.perf_counter() - started:.2f} s")
    evidence = {"type": "operator-secret", "secret": "bench secret"}

    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print("step                                  wall s   CPU s (all threads)")

    def step(name: str, wall: float, cpu: float, extra: str = "") -> None:
        print(f"{name:<36} {wall:7.2f} {cpu:7.2f}  {extra}")

    c0, t0 = cpu_seconds(), time.perf_counter()
    encoded = vd.canonical_json(manifest)
    c1, t1 = cpu_seconds(), time.perf_counter()
    step("canonical JSON", t1 - t0, c1 - c0, f"{len(encoded) / 1e6:.1f} MB")
    digest = hashlib.sha256(encoded).hexdigest()
    c2, t2 = cpu_seconds(), time.perf_counter()
    step("SHA-256 (commitment)", t2 - t1, c2 - c1, digest)
    del encoded
    result = vd.compute_result(manifest, evidence, manifest_sha256=digest, workers=args.workers)
    c3, t3 = cpu_seconds(), time.perf_counter()
    drawn = sum(len(ids) for ids in result["selected"].values())
    step("draw: validate, tickets, selection", t3 - t2, c3 - c2, f"{drawn:,} drawn")
    step("ENGINE TOTAL", t3 - t0, c3 - c0)
    ranking_alone(manifest, vd._key_from_commitment(digest, b"bench secret"), workers, step)
    c3, t3 = cpu_seconds(), time.perf_counter()

    bundle = vd.make_bundle(manifest, evidence, result)
    report = vd.verify_bundle(bundle, workers=args.workers)
    c4, t4 = cpu_seconds(), time.perf_counter()
    step("verifier (from the bundle object)", t4 - t3, c4 - c3, f"ok={report.ok}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bundle.json"
        path.write_text(json.dumps(bundle), encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t5 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-I", "-S", str(ROOT / "verifier" / "verify_draw.py"), str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        t6 = time.perf_counter()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        size = path.stat().st_size / 1e6
        step(
            "verifier CLI: python -I -S FILE",
            t6 - t5,
            cpu,
            f"exit {done.returncode}, {size:.0f} MB",
        )
    drand_seconds = drand_check_seconds()
    step("drand BLS check (py_ecc)", drand_seconds, float("nan"), "once per drand draw")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:.0f} MB (this process, including the manifest itself)")


if __name__ == "__main__":
    main()
