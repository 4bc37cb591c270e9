"""Wall time of ``mlgate benchmark`` + ``mlgate promote`` against evaluating the model alone.

Builds a small project-like folder in build/bench/promote (breast cancer, an 80/20 split, a
RandomForest logged to a sqlite MLflow, a run record), then times, each as a new process the
way CI runs them, and alternating between them so that the machine's load moves all alike:

* baseline: "evaluate alone": load the pickled model, read the test split, score it;
* bootstrap: ``mlgate benchmark`` + ``mlgate promote`` with no champion yet;
* against champion: the same with a champion to load and score as well.

Each is timed twice: in processes of their own (``MLGATE_WARM=0``: every process imports
pandas, scikit-learn, skops and MLflow, as a CI job that runs nothing else does) and in warm
children of an mlgate warm server that is already up (as after ``dvc repro``, or in a CI job
after the pipeline's steps; the baseline then runs as ``mlgate run evaluate_alone``). Prints
each as a ratio to the baseline of its kind, plus the warm gates against the cold baseline,
and writes build/bench/promote.json.

    python benchmarks/bench_promote.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "bench"
PROJECT = OUT / "promote"
MODEL_NAME = "bench_model"

PYPROJECT = f"""\
[project]
name = "bench-project"
version = "0"

[tool.mlgate]
task = "classification"
target = "target"
model_name = "{MODEL_NAME}"
experiment = "bench"
tracking_uri = "sqlite:///mlflow.db"
params = "params.yaml"
train_data = "data/train.parquet"
test_data = "data/test.parquet"
reports = "reports"
train_run = "reports/train.json"
"""

PARAMS = """\
goals:
  min: {roc_auc: 0.95, accuracy: 0.90, f1_macro: 0.88}
  max: {latency_p95_ms: 200, size_mb: 50}
  max_regression: {roc_auc: 0.01, accuracy: 0.02}
  min_lift_over_dummy: {accuracy: 0.1}
"""

EVALUATE_ALONE = """\
import json, pickle, sys
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score
model = pickle.load(open(sys.argv[1], "rb"))
test = pd.read_parquet(sys.argv[2])
x, y = test.drop(columns=["target"]), test["target"]
proba = model.predict_proba(x)
pred = model.predict(x)
print(json.dumps({
    "accuracy": accuracy_score(y, pred),
    "f1_macro": f1_score(y, pred, average="macro"),
    "roc_auc": roc_auc_score(y, proba[:, 1]),
    "log_loss": log_loss(y, proba),
}))
"""


def build_project() -> None:
    """Write the project files, train and log the model, write the run record and pickle."""
    import pickle

    import mlflow
    from mlflow.models import infer_signature
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import train_test_split

    from mlgate import tracking

    shutil.rmtree(PROJECT, ignore_errors=True)
    (PROJECT / "data").mkdir(parents=True)
    (PROJECT / "reports").mkdir()
    (PROJECT / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (PROJECT / "params.yaml").write_text(PARAMS, encoding="utf-8")
    frame = load_breast_cancer(as_frame=True).frame
    train, test = train_test_split(frame, test_size=0.2, random_state=42, stratify=frame.target)
    train.to_parquet(PROJECT / "data/train.parquet")
    test.to_parquet(PROJECT / "data/test.parquet")
    params = {"n_estimators": 100, "random_state": 42}
    x = train.drop(columns=["target"])
    model = RandomForestClassifier(**params).fit(x, train["target"])
    with open(PROJECT / "model.pkl", "wb") as handle:
        pickle.dump(model, handle)

    uri = f"sqlite:///{PROJECT / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    experiment = mlflow.MlflowClient(uri).create_experiment(
        "bench", artifact_location=(PROJECT / "mlruns").as_uri()
    )
    tags = tracking.lineage_tags(PROJECT, PROJECT / "data/train.parquet", params)
    with mlflow.start_run(experiment_id=experiment) as run:
        mlflow.log_params(params)
        mlflow.set_tags(tags)
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(x.head(5), model.predict(x.head(5))),
            input_example=x.head(2),
            pip_requirements=["scikit-learn"],
            skops_trusted_types=["sklearn.tree._tree.Tree"],
        )
    record = {
        "run_id": run.info.run_id,
        "model_uri": info.model_uri,
        "experiment_id": experiment,
        "tracking_uri": "sqlite:///mlflow.db",
        "model_name": MODEL_NAME,
        "tags": tags,
    }
    (PROJECT / "reports/train.json").write_text(json.dumps(record, indent=2), encoding="utf-8")


def timed(
    commands: list[list[str]], *, warm: bool = False, ok_codes: tuple[int, ...] = (0,)
) -> float:
    """Wall time of running ``commands`` one after the other in the project folder."""
    env = dict(
        os.environ,
        MLFLOW_DISABLE_TELEMETRY="true",
        MLGATE_WARM="1" if warm else "0",
        MLGATE_WARM_DIR=str(OUT / "promote-warm"),
    )
    env.pop("MLFLOW_TRACKING_URI", None)
    start = time.perf_counter()
    for command in commands:
        done = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True)
        if done.returncode not in ok_codes:
            sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - start


def reset_registry() -> None:
    """Forget the registered model so that the next promotion is a bootstrap again."""
    import mlflow

    client = mlflow.MlflowClient(f"sqlite:///{PROJECT / 'mlflow.db'}")
    if client.search_registered_models(f"name='{MODEL_NAME}'"):
        client.delete_registered_model(MODEL_NAME)


def start_warm_server(python: str) -> None:
    """Start this environment's warm server (the first warm command starts it) and wait."""
    timed([[python, "-m", "mlgate", "version"]], warm=True)
    deadline = time.monotonic() + 120
    while not list((OUT / "promote-warm").glob("*.sock")) and time.monotonic() < deadline:
        time.sleep(0.05)
    timed([[python, "-m", "mlgate", "version"]], warm=True)


def stop_warm_server(python: str) -> None:
    timed([[python, "-m", "mlgate", "warm", "stop"]], warm=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    # A server started in / shares only an identical sys.path: make PYTHONPATH absolute.
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if paths:
        os.environ["PYTHONPATH"] = os.pathsep.join(map(os.path.abspath, paths))
    build_project()
    python = sys.executable
    (PROJECT / "evaluate_alone.py").write_text(EVALUATE_ALONE, encoding="utf-8")
    evaluate = [[python, "evaluate_alone.py", "model.pkl", "data/test.parquet"]]
    evaluate_warm = [
        [python, "-m", "mlgate", "run", "evaluate_alone", "model.pkl", "data/test.parquet"]
    ]
    gate = [[python, "-m", "mlgate", "benchmark"], [python, "-m", "mlgate", "promote"]]
    start_warm_server(python)

    samples: dict[str, list[float]] = {
        key: []
        for key in (
            "evaluate_alone",
            "evaluate_alone_warm",
            "bootstrap",
            "with_champion",
            "bootstrap_warm",
            "with_champion_warm",
        )
    }
    for _ in range(args.repeats):
        samples["evaluate_alone"].append(timed(evaluate))
        samples["evaluate_alone_warm"].append(timed(evaluate_warm, warm=True))
        reset_registry()
        samples["bootstrap"].append(timed(gate))
        samples["with_champion"].append(timed(gate))  # the bootstrap made a champion
        reset_registry()
        samples["bootstrap_warm"].append(timed(gate, warm=True))
        samples["with_champion_warm"].append(timed(gate, warm=True))
    stop_warm_server(python)
    report = json.loads((PROJECT / "reports/benchmark.json").read_text(encoding="utf-8"))
    medians = {key: statistics.median(values) for key, values in samples.items()}
    cold, warm = medians["evaluate_alone"], medians["evaluate_alone_warm"]
    ratios = {
        "bootstrap": medians["bootstrap"] / cold,
        "with_champion": medians["with_champion"] / cold,
        "bootstrap_warm": medians["bootstrap_warm"] / warm,
        "with_champion_warm": medians["with_champion_warm"] / warm,
        "bootstrap_warm_to_cold_evaluate": medians["bootstrap_warm"] / cold,
        "with_champion_warm_to_cold_evaluate": medians["with_champion_warm"] / cold,
    }
    result = {
        "repeats": args.repeats,
        "test_rows": report["data"]["rows"],
        "medians_s": medians,
        "ratios": ratios,
        "samples_s": samples,
        "latency_calls": report["candidate"].get("latency_calls"),
        "candidate_metrics": report["candidate"]["metrics"],
        "verdict": report["verdict"],
        "load_average": os.getloadavg(),
        # the keys of earlier versions of this benchmark
        "evaluate_alone_s": cold,
        "benchmark_promote_bootstrap_s": medians["bootstrap"],
        "benchmark_promote_with_champion_s": medians["with_champion"],
        "ratio_bootstrap": ratios["bootstrap"],
        "ratio_with_champion": ratios["with_champion"],
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "promote.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print("processes of their own (MLGATE_WARM=0)")
    print(f"  evaluate alone (baseline)             {cold:6.2f} s   1.00x")
    for label, key in (("bootstrap", "bootstrap"), ("with champion", "with_champion")):
        print(f"  benchmark + promote, {label:<16} {medians[key]:6.2f} s  {ratios[key]:5.2f}x")
    print("warm children of a running server")
    print(f"  evaluate alone (baseline)             {warm:6.2f} s   1.00x")
    for label, key in (("bootstrap", "bootstrap_warm"), ("with champion", "with_champion_warm")):
        print(
            f"  benchmark + promote, {label:<16} {medians[key]:6.2f} s  {ratios[key]:5.2f}x"
            f"   ({ratios[key + '_to_cold_evaluate']:.2f}x the evaluate process)"
        )
    print(f"wrote {OUT / 'promote.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
