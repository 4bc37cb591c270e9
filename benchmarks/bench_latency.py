"""Latency of the template's default model while other processes compete for the CPU.

Fits the template's default classifier (a 200-tree random forest behind the prepare step, on
breast cancer split as a generated project splits it) and measures its one-row latency with
``mlgate.benchmarking.measure_speed``: first as the baseline, then with ``--hogs`` CPU-bound
processes running, ``--repeats`` times. Prints the p95 on the active clock (what the gate
judges) and on the wall clock, each as a ratio to the baseline measured in the same run
(target: the active p95 under load at most 1.5x the baseline; the wall clock is shown for
comparison), and writes build/bench/latency.json.

    python benchmarks/bench_latency.py [--hogs 2] [--repeats 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from _harness import ROOT, write_result

sys.path.insert(0, str(ROOT / "src"))


def default_model():
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    from mlgate.contract import from_frame
    from mlgate.modeling import build_model, preprocessing
    from tests.unit.template_defaults import template_params

    params = template_params("classification")
    frame = load_breast_cancer(as_frame=True).frame
    train, test = train_test_split(
        frame,
        test_size=params["data"]["test_size"],
        random_state=params["data"]["seed"],
        stratify=frame["target"],
    )
    x = train.drop(columns=["target"])
    spec = params["model"]
    prepare = preprocessing(from_frame(x))
    model = build_model("classification", spec["algorithm"], spec["params"], spec["seed"], prepare)
    return model.fit(x, train["target"]), test.drop(columns=["target"])


def measure(model, rows) -> dict[str, float]:
    from mlgate.benchmarking import measure_speed

    speed = measure_speed(model, rows, 100)
    return {
        "active_p95_ms": speed["metrics"]["latency_p95_ms"],
        "wall_p95_ms": speed["timing"]["wall_latency_p95_ms"],
        "waited_s": speed["timing"]["waited_for_cpu_s"] or 0.0,
        "rows": speed["timing"]["latency_rows"],
        "stopped": speed["timing"]["latency_stopped"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hogs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    model, rows = default_model()
    baseline = measure(model, rows)
    loaded = []
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.hogs)]
    try:
        time.sleep(0.2)
        loaded = [measure(model, rows) for _ in range(args.repeats)]
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    print(
        f"baseline: p95 {baseline['active_p95_ms']:.2f} ms active, "
        f"{baseline['wall_p95_ms']:.2f} ms wall, {baseline['rows']} rows ({baseline['stopped']})"
    )
    print(f"with {args.hogs} CPU-bound processes:")
    for run in loaded:
        print(
            f"  active p95 {run['active_p95_ms']:7.2f} ms "
            f"{run['active_p95_ms'] / baseline['active_p95_ms']:5.2f}x   "
            f"wall p95 {run['wall_p95_ms']:7.2f} ms "
            f"{run['wall_p95_ms'] / baseline['wall_p95_ms']:5.2f}x   "
            f"waited {run['waited_s']:.2f} s   "
            f"{run['rows']} rows ({run['stopped']})"
        )
    worst = max(run["active_p95_ms"] for run in loaded) / baseline["active_p95_ms"]
    print(f"worst active ratio {worst:.2f}x (target <= 1.5)")
    path = write_result(
        "latency",
        {"hogs": args.hogs, "baseline": baseline, "loaded": loaded, "worst_active_ratio": worst},
    )
    print(f"wrote {path}")
    return 0 if worst <= 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
