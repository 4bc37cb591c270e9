"""Speed and memory of the privacy scan on 1,000,000 rows of Parquet, against reading the file.

The table is an order export: eight numeric columns (ids, a timestamp, amounts, quantities,
ratings) and four text columns: ``status`` (five values), ``sku`` (product codes with digit
groups), ``note`` (free text with order numbers, dates and amounts; one row in a thousand
holds an e-mail address, one in two thousand a phone number) and ``contact`` (an e-mail
address in every row: a personal column the schema forgot). It is generated once into
build/bench/.

In the same run, the benchmark times ``pandas.read_parquet`` of the file (the baseline) and
``scan_frame`` over every column with every kind, takes the best of ``--repeats`` runs of each,
and prints the ratio scan / read, the scan time of each text column, and the peak resident
memory of a fresh process that reads and scans. The numbers go to build/bench/privacy.json.

    python benchmarks/bench_privacy.py [--rows N] [--repeats K] [--sample-rows S]
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

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "bench"
TEXT_COLUMNS = ("status", "sku", "note", "contact")


def make_table(path: Path, rows: int) -> None:
    """The benchmark table (seeded): numbers beside short codes, free text and one personal
    column, with a few personal values hidden in the free text."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    first = np.array(["anna", "ben", "carla", "david", "emma", "felix", "ines", "jonas"])
    last = np.array(["smith", "mueller", "dupont", "garcia", "rossi", "jansen", "nowak", "kim"])
    domains = np.array(["gmail.com", "web.de", "outlook.com", "acme.co.uk", "orange.fr"])
    contact = pd.Series(
        np.char.add(
            np.char.add(np.char.add(rng.choice(first, rows), "."), rng.choice(last, rows)),
            np.char.add(rng.integers(0, 1000, rows).astype(str), "@"),
        )
    ) + pd.Series(rng.choice(domains, rows))
    order_refs = pd.Series(rng.integers(100_000, 999_999, rows).astype(str))
    notes = np.array(
        [
            "delivered on time",
            "box damaged, refund 12.50 EUR",
            "split into two parcels, see order ORD-2024-",
            "customer asked for invoice INV-2024-",
            "size M swapped for L on 2024-03-18, ref ",
            "",
            "left with neighbour at no. 12",
        ]
    )
    kind = rng.integers(0, len(notes), rows)
    note = pd.Series(notes[kind]) + np.where(np.isin(kind, [2, 3, 4]), order_refs, "")
    with_email = rng.random(rows) < 0.001
    note[with_email] = "please send the receipt to " + contact[with_email] + " instead"
    with_phone = ~with_email & (rng.random(rows) < 0.0005)
    note[with_phone] = "call back on +49 30 " + order_refs[with_phone] + "1 after 5pm"
    sku = (
        "SKU-"
        + pd.Series(rng.integers(10_000, 99_999, rows).astype(str))
        + "-"
        + pd.Series(rng.choice(np.array(["XS", "S", "M", "L", "XL"]), rows))
    )
    frame = pd.DataFrame(
        {
            "order_id": np.arange(1_000_000_000, 1_000_000_000 + rows, dtype="int64"),
            "customer_id": rng.integers(1, 200_000, rows),
            "created": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 365 * 86400, rows), unit="s"),
            "amount": np.round(rng.gamma(2.0, 40.0, rows), 2),
            "quantity": rng.integers(1, 10, rows),
            "discount": np.round(rng.uniform(0, 0.3, rows), 3),
            "weight_kg": np.round(rng.lognormal(0, 0.8, rows), 3),
            "rating": rng.integers(1, 6, rows).astype("float64"),
            "status": rng.choice(
                np.array(["placed", "shipped", "delivered", "returned", "cancelled"]), rows
            ),
            "sku": sku,
            "note": note,
            "contact": contact,
        }
    )
    frame.to_parquet(path, index=False)


def child(path: Path, sample_rows: int) -> None:
    """Read and scan in this fresh process; print its peak resident memory (MiB)."""
    import pandas as pd

    from mlgate.privacy import scan_frame

    frame = pd.read_parquet(path)
    after_read = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    findings = scan_frame(frame, sample_rows=sample_rows)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"after_read_mib": after_read, "peak_mib": peak, "findings": len(findings)}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sample-rows", type=int, default=None)
    parser.add_argument("--child", metavar="DATA", help=argparse.SUPPRESS)
    args = parser.parse_args()

    from mlgate.privacy import DEFAULT_SAMPLE_ROWS, scan_column, scan_frame

    sample_rows = args.sample_rows or DEFAULT_SAMPLE_ROWS
    if args.child:
        child(Path(args.child), sample_rows)
        return 0

    import pandas as pd

    from mlgate.reporting import write_json

    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / f"privacy_{args.rows}.parquet"
    if not data.exists():
        make_table(data, args.rows)
    frame = pd.read_parquet(data)
    scan_frame(frame.head(1000), sample_rows=sample_rows)  # warm imports and metadata

    reads, scans = [], []
    findings = []
    for _ in range(args.repeats):
        del frame
        start = time.perf_counter()
        frame = pd.read_parquet(data)
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        findings = scan_frame(frame, sample_rows=sample_rows)
        scans.append(time.perf_counter() - start)
    read, scan = min(reads), min(scans)

    per_column = {}
    for name in TEXT_COLUMNS:
        start = time.perf_counter()
        scan_column(frame[name], sample_rows=sample_rows)
        per_column[name] = time.perf_counter() - start

    env = dict(os.environ, PYTHONWARNINGS="ignore")
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(data), "--sample-rows", str(sample_rows)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    memory = json.loads(done.stdout.strip().splitlines()[-1])
    results = {
        "rows": args.rows,
        "columns": int(frame.shape[1]),
        "file_mib": data.stat().st_size / 2**20,
        "sample_rows": sample_rows,
        "read_s": read,
        "scan_s": scan,
        "ratio_scan_to_read": scan / read,
        "scan_s_per_text_column": per_column,
        "findings": [f.to_dict() for f in findings],
        "peak_rss_mib": memory["peak_mib"],
        "rss_after_read_mib": memory["after_read_mib"],
        "repeats": args.repeats,
        "read_runs_s": reads,
        "scan_runs_s": scans,
    }
    write_json(OUT / "privacy.json", results)
    print(
        f"privacy scan on {args.rows:,} rows x {frame.shape[1]} columns "
        f"({results['file_mib']:.0f} MiB Parquet, every column, every kind, "
        f"sample_rows={sample_rows:,})"
    )
    print(f"  read_parquet      {read:7.3f} s  (best of {args.repeats})")
    print(f"  scan_frame        {scan:7.3f} s  (best of {args.repeats})")
    print(f"  ratio             {scan / read:7.2f} x read")
    for name, seconds in per_column.items():
        print(f"    {name:<14}  {seconds:7.3f} s")
    print(
        f"  peak RSS          {memory['peak_mib']:7.0f} MiB  "
        f"(after read: {memory['after_read_mib']:.0f} MiB)"
    )
    for finding in findings:
        print(f"  found: {finding.line()}")
    print(f"  wrote {OUT / 'privacy.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
