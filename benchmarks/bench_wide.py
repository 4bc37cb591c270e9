"""``mlgate validate`` on a wide table: 2,000 columns x 10,000 rows of Parquet.

Baseline: ``pandas.read_parquet`` of the file, in the same run. Reported: validate time and its
ratio to the read, the peak resident memory of a fresh process that reads and validates (and
of one that only reads), the number of checks and the JSON report's size. Targets: under 60 s,
under 2 GiB, a report under 20 MB. Feature pairs are checked where they were strongly
correlated in the baseline (|r| >= 0.3, at most 5,000): a wide table has millions of pairs.

    python benchmarks/bench_wide.py [--columns N] [--rows N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from _harness import BUILD, write_result


def make_table(path: Path, columns: int, rows: int) -> None:
    """Numeric features in groups of ten that share a factor (so some pairs correlate), a
    category and a 0/1 label."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    data = {}
    for group in range(columns // 10):
        factor = rng.normal(0, 1, rows)
        for i in range(10):
            data[f"g{group}_f{i}"] = factor * (0.8 if i < 3 else 0.1) + rng.normal(0, 1, rows)
    data["segment"] = rng.choice(list("abcde"), rows)
    data["target"] = (data["g0_f0"] + rng.normal(0, 1, rows) > 0).astype("int64")
    pd.DataFrame(data).to_parquet(path, index=False)


def child(path: Path, profile: Path | None, report: Path | None) -> None:
    """Read (and validate, given a profile) in this fresh process; print the peak RSS."""
    import pandas as pd

    frame = pd.read_parquet(path)
    result: dict[str, object] = {}
    if profile is not None:
        from mlgate.validation import validate

        start = time.perf_counter()
        checked = validate(frame, baseline=profile)
        result["validate_s"] = time.perf_counter() - start
        checked.write(report, None)
        result["checks"] = checked.counts()["checks"]
        result["passed"] = checked.passed
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def run_child(*args: str) -> dict:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True,
                          text=True, check=True, env=env)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--columns", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        data, profile, report = args.child
        child(Path(data), Path(profile) if profile != "-" else None, Path(report))
        return 0

    import pandas as pd

    from mlgate.profiling import build_profile
    from mlgate.reporting import write_json

    BUILD.mkdir(parents=True, exist_ok=True)
    data = BUILD / f"wide_{args.columns}x{args.rows}.parquet"
    if not data.exists():
        make_table(data, args.columns, args.rows)
    start = time.perf_counter()
    frame = pd.read_parquet(data)
    read = time.perf_counter() - start
    start = time.perf_counter()
    profile = write_json(BUILD / "wide_profile.json", build_profile(frame, target="target"))
    profile_s = time.perf_counter() - start
    report = BUILD / "wide_validation.json"
    reading = run_child(str(data), "-", str(report))
    validating = run_child(str(data), str(profile), str(report))
    results = {
        "columns": frame.shape[1],
        "rows": len(frame),
        "read_s": read,
        "profile_s": profile_s,
        "validate_s": validating["validate_s"],
        "ratio_validate_to_read": validating["validate_s"] / read,
        "peak_rss_mib": validating["peak_mib"],
        "read_only_peak_rss_mib": reading["peak_mib"],
        "checks": validating["checks"],
        "passed": validating["passed"],
        "report_mb": report.stat().st_size / 1e6,
        "profile_mb": profile.stat().st_size / 1e6,
        "targets": {"validate_s": 60, "peak_rss_mib": 2048, "report_mb": 20},
    }
    write_result("wide", results)
    r = results
    print(f"validate on {r['rows']:,} rows x {r['columns']:,} columns")
    print(f"  read_parquet   {read:8.2f} s")
    print(f"  validate       {r['validate_s']:8.2f} s  ({r['ratio_validate_to_read']:.1f}x read)")
    print(
        f"  peak RSS       {r['peak_rss_mib']:8.0f} MiB (reading alone {reading['peak_mib']:.0f})"
    )
    print(f"  report         {r['report_mb']:8.1f} MB  ({r['checks']:,} checks)")
    print(f"  profile        {profile_s:8.2f} s, {r['profile_mb']:.1f} MB")
    print("  targets: validate < 60 s, peak RSS < 2048 MiB, report < 20 MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
