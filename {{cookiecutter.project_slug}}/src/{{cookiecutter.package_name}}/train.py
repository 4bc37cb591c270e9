"""Stage 4, train: fit the model on the validated training split and track it in MLflow.

The run records the parameters, the training data as a dataset input (with its digest), the
profile of that data (the baseline new data is judged against once this model is champion),
the model with its signature and an input example, and lineage tags (git commit, DVC hash of
the data, hash of the parameters). The run id and model URI go to ``reports/train.json``, where
the benchmark and promotion gates find the candidate.
{%- if cookiecutter.tune == 'yes' %}

The algorithm and hyperparameters come from ``models/best_params.json``, written by the tune
stage; the ``model:`` section of params.yaml supplies the seed.
{%- endif %}
"""

import os
import warnings
from typing import Any

import joblib
import pandas as pd
from mlgate.baseline import log_profile
from mlgate.reporting import write_json
from mlgate.settings import tracking_uri
from mlgate.tracking import lineage_tags, mlgate_requirement
{%- if cookiecutter.tune == 'yes' %}
from mlgate.tuning import read_best_params
{%- endif %}
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.config import params, settings
from {{ cookiecutter.package_name }}.model import build_model
from {{ cookiecutter.package_name }}.schema import TARGET

# What the logged model needs to be loaded and served (mlgate for its preprocessing steps);
# listing it explicitly spares MLflow several seconds of dependency inference per run.
PIP_REQUIREMENTS = [mlgate_requirement(), "scikit-learn", "pandas", "numpy", "skops"]


def train(frame: pd.DataFrame, algorithm: str, model_params: dict[str, Any], seed: int) -> Pipeline:
    """Fit the model on every column but the target (the preprocessing picks the features)."""
    model = build_model(algorithm, model_params, seed)
    model.fit(frame.drop(columns=[TARGET]), frame[TARGET])
    return model


def log_run(model: Pipeline, frame: pd.DataFrame, cfg: dict[str, Any]) -> dict[str, Any]:
    """Record the training run in MLflow; returns what the gates need to find it."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    import mlflow
    import skops.io
    from mlflow.models import infer_signature

    where = settings()
    uri = tracking_uri(where)
    if uri:
        mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(where.experiment)
    features = frame.drop(columns=[TARGET])
    with warnings.catch_warnings(), mlflow.start_run() as run:
        # MLflow's notes on dataset sources and integer columns are advice, not problems.
        warnings.filterwarnings("ignore", category=UserWarning, module="mlflow")
        mlflow.log_params({"algorithm": cfg["algorithm"], "seed": cfg["seed"], **cfg["params"]})
        source = str(where.train_data.relative_to(where.root))
        dataset = mlflow.data.from_pandas(frame, source=source, name="train", targets=TARGET)
        mlflow.log_input(dataset, context="training")
        tags = lineage_tags(where.root, where.train_data, cfg)
        mlflow.set_tags(tags)
        log_profile(where.profile)
        mlflow.log_metric("train_score", float(model.score(features, frame[TARGET])))
        example = features.head(5)
        logged = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(example, model.predict(example)),
            input_example=example,
            pip_requirements=PIP_REQUIREMENTS,
            # The model is saved with skops, which loads only the types listed as trusted:
            # this run built the model itself, so the types it contains are the ones to trust.
            skops_trusted_types=skops.io.get_untrusted_types(data=skops.io.dumps(model)),
        )
    return {
        "run_id": run.info.run_id,
        "model_uri": logged.model_uri,
        "experiment_id": run.info.experiment_id,
        "tracking_uri": mlflow.get_tracking_uri(),
        "model_name": where.model_name,
        "tags": tags,
    }


def main() -> None:
    cfg = params()["model"]
    where = settings()
{%- if cookiecutter.tune == 'yes' %}
    # The tune stage chose the algorithm and its hyperparameters.
    best = read_best_params(where.root / "models" / "best_params.json")
    cfg = {**cfg, "algorithm": best["algorithm"], "params": best["params"]}
{%- endif %}
    frame = pd.read_parquet(where.train_data)
    model = train(frame, cfg["algorithm"], cfg["params"], cfg["seed"])
    model_path = where.root / "models" / "model.joblib"
    model_path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, model_path)
    record = log_run(model, frame, cfg)
    write_json(where.train_run, record)
    print(f"train: {cfg['algorithm']} -> {model_path}; MLflow run {record['run_id']}")


if __name__ == "__main__":
    main()
