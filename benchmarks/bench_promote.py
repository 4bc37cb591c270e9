"""Wall time of ``mlgate benchmark`` + ``mlgate promote`` against evaluating the model alone.

Builds a small project-like folder in build/bench/promote (breast cancer, an 80/20 split, a
RandomForest logged to a sqlite MLflow, a run record), then times, each as a new process the
way CI runs them:

* baseline: "evaluate alone": load the pickled model, read the test split, score it;
* bootstrap: ``mlgate benchmark`` + ``mlgate promote`` with no champion yet;
* against champion: the same with a champion to load and score as well.

Prints each as a ratio to the baseline and writes build/bench/promote.json.

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


def timed(commands: list[list[str]], *, ok_codes: tuple[int, ...] = (0,)) -> float:
    """Wall time of running ``commands`` one after the other in the project folder."""
    env = dict(os.environ, MLFLOW_DISABLE_TELEMETRY="true")
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    build_project()
    python = sys.executable
    evaluate = [[python, "-c", EVALUATE_ALONE, "model.pkl", "data/test.parquet"]]
    gate = [[python, "-m", "mlgate", "benchmark"], [python, "-m", "mlgate", "promote"]]

    baseline, bootstrap, against = [], [], []
    for _ in range(args.repeats):
        baseline.append(timed(evaluate))
        reset_registry()
        bootstrap.append(timed(gate))
        against.append(timed(gate))  # the first round made a champion to compare with
    report = json.loads((PROJECT / "reports/benchmark.json").read_text(encoding="utf-8"))
    result = {
        "repeats": args.repeats,
        "test_rows": report["data"]["rows"],
        "evaluate_alone_s": statistics.median(baseline),
        "benchmark_promote_bootstrap_s": statistics.median(bootstrap),
        "benchmark_promote_with_champion_s": statistics.median(against),
        "candidate_metrics": report["candidate"]["metrics"],
        "verdict": report["verdict"],
    }
    base = result["evaluate_alone_s"]
    result["ratio_bootstrap"] = result["benchmark_promote_bootstrap_s"] / base
    result["ratio_with_champion"] = result["benchmark_promote_with_champion_s"] / base
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "promote.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"evaluate alone (baseline)             {base:6.2f} s   1.00x")
    for label, key in (
        ("benchmark + promote, bootstrap", "bootstrap"),
        ("benchmark + promote, with champion", "with_champion"),
    ):
        seconds = result[f"benchmark_promote_{key}_s"]
        print(f"{label:<37} {seconds:6.2f} s  {result[f'ratio_{key}']:5.2f}x")
    print(f"wrote {OUT / 'promote.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
