"""Speed and memory of ``mlgate validate`` on 1,000,000 and 4,000,000 rows x 20 columns.

For each size, generates the table (18 float features, a categorical column, a 0/1 label) into
build/bench/, profiles it once, then times, in the same run and alternating, ``pandas.read_parquet``
of the file (the baseline) and ``validate`` with a pandera schema and every baseline check.
Prints the ratio validate / read of the best runs (target: at most 2) and of the medians (the
read's time varies several-fold from one run to the next), how each scales per row from the
first size to the next (1.00 = linear), and the peak resident memory of a fresh process that
reads and validates against its memory right after the read, and writes
build/bench/validate.json.

    python benchmarks/bench_validate.py [--rows N [N ...]] [--repeats K]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "bench"
FEATURES = 18


def make_table(path: Path, rows: int) -> None:
    """The benchmark table: features with different scales and shapes, a category, a label."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    columns = {}
    for i in range(FEATURES):
        if i % 3 == 0:
            columns[f"f{i}"] = rng.normal(i, 1 + i, rows)
        elif i % 3 == 1:
            columns[f"f{i}"] = rng.gamma(2.0 + i / 10, 3.0, rows)
        else:
            columns[f"f{i}"] = rng.uniform(-i, i + 1, rows)
    columns["segment"] = rng.choice(["a", "b", "c", "d", "e"], rows, p=[0.4, 0.25, 0.2, 0.1, 0.05])
    columns["target"] = (columns["f0"] + rng.normal(0, 3, rows) > 0).astype("int64")
    pd.DataFrame(columns).to_parquet(path, index=False)


def make_schema():
    """A pandera schema as a project would write: dtypes, no missing values, ranges, categories."""
    import pandera.pandas as pa

    columns = {
        f"f{i}": pa.Column(float, pa.Check.in_range(-1e6, 1e6), nullable=False)
        for i in range(FEATURES)
    }
    columns["segment"] = pa.Column(str, pa.Check.isin(list("abcde")), nullable=False)
    columns["target"] = pa.Column(int, pa.Check.isin([0, 1]), nullable=False)
    return pa.DataFrameSchema(columns, name="bench")


def child(path: Path, profile_path: Path) -> None:
    """Read and validate in this fresh process; print its peak resident memory (MiB)."""
    import pandas as pd

    from mlgate.validation import validate

    frame = pd.read_parquet(path)
    after_read = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = validate(frame, schema=make_schema(), baseline=profile_path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"after_read_mib": after_read, "peak_mib": peak, "passed": report.passed}))


def measure(rows: int, repeats: int) -> dict:
    """Read and validate ``rows`` rows, alternating, ``repeats`` times; then the memory."""
    import pandas as pd

    from mlgate.profiling import build_profile
    from mlgate.reporting import write_json
    from mlgate.validation import validate

    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / f"validate_{rows}.parquet"
    if not data.exists():
        make_table(data, rows)
    frame = pd.read_parquet(data)
    start = time.perf_counter()
    profile = build_profile(frame, target="target")
    profile_seconds = time.perf_counter() - start
    profile_path = write_json(OUT / f"validate_profile_{rows}.json", profile)
    schema = make_schema()
    validate(frame.head(1000), schema=schema, baseline=profile)  # warm imports and caches

    reads, validations = [], []
    report = None
    for _ in range(repeats):
        del frame
        start = time.perf_counter()
        frame = pd.read_parquet(data)
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        report = validate(frame, schema=schema, baseline=profile)
        validations.append(time.perf_counter() - start)
    read, valid = min(reads), min(validations)
    median_ratio = statistics.median(validations) / statistics.median(reads)
    columns = int(frame.shape[1])
    del frame

    env = dict(os.environ, PYTHONWARNINGS="ignore")
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(data), str(profile_path)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    memory = json.loads(done.stdout.strip().splitlines()[-1])
    counts = report.counts()
    return {
        "rows": rows,
        "columns": columns,
        "file_mib": data.stat().st_size / 2**20,
        "read_s": read,
        "validate_s": valid,
        "ratio_validate_to_read": valid / read,
        "median_ratio_validate_to_read": median_ratio,
        "target_ratio": 2.0,
        "profile_s": profile_seconds,
        "checks": counts["checks"],
        "passed": report.passed,
        "peak_rss_mib": memory["peak_mib"],
        "rss_after_read_mib": memory["after_read_mib"],
        "peak_over_read_mib": memory["peak_mib"] - memory["after_read_mib"],
        "repeats": repeats,
        "read_runs_s": reads,
        "validate_runs_s": validations,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 4_000_000])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--child", nargs=2, metavar=("DATA", "PROFILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return 0

    from mlgate.reporting import write_json

    load_before = os.getloadavg()
    sizes = [measure(rows, args.repeats) for rows in args.rows]
    first = sizes[0]
    results = {**first, "sizes": sizes, "load_average": [load_before, os.getloadavg()]}
    for size in sizes[1:]:
        scale = size["rows"] / first["rows"]
        size["validate_scaling"] = size["validate_s"] / first["validate_s"] / scale
        size["read_scaling"] = size["read_s"] / first["read_s"] / scale
    write_json(OUT / "validate.json", results)
    for size in sizes:
        print(
            f"validate on {size['rows']:,} rows x {size['columns']} columns "
            f"({size['file_mib']:.0f} MiB Parquet), best of {args.repeats}"
        )
        print(f"  read_parquet      {size['read_s']:7.3f} s")
        print(f"  validate          {size['validate_s']:7.3f} s  ({size['checks']} checks)")
        print(f"  ratio             {size['ratio_validate_to_read']:7.2f} x read   (target <= 2.0)")
        print(
            f"  ratio of medians  {size['median_ratio_validate_to_read']:7.2f} x read   (the read "
            f"varied {min(size['read_runs_s']):.3f}-{max(size['read_runs_s']):.3f} s)"
        )
        print(f"  profile (once)    {size['profile_s']:7.3f} s")
        print(
            f"  peak RSS          {size['peak_rss_mib']:7.0f} MiB  (after read: "
            f"{size['rss_after_read_mib']:.0f} MiB; validating adds "
            f"{size['peak_over_read_mib']:.0f} MiB)"
        )
        if "validate_scaling" in size:
            print(
                f"  per row vs {first['rows']:,} rows: validate {size['validate_scaling']:.2f}x, "
                f"read {size['read_scaling']:.2f}x   (1.00 = linear)"
            )
    print(f"  wrote {OUT / 'validate.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
