"""Stage 4, train: fit the model on the validated training split and track it in MLflow.

``mlgate.stages.log_training_run`` records the run: the parameters, the training data as a
dataset input (with its digest), the profile of that data (the baseline new data is judged
against once this model is champion), the model with its signature and an input example, and
lineage tags (git commit, DVC hash of the data, hash of the parameters). The run id and model
URI go to ``reports/train.json``, where the benchmark and promotion gates find the candidate.
An unreachable tracking server stops the stage within seconds, saying which server.
{%- if cookiecutter.tune == 'yes' %}

The algorithm and hyperparameters come from ``models/best_params.json``, written by the tune
stage; the ``model:`` section of params.yaml supplies the seed.
{%- endif %}
"""

from typing import Any

import joblib
import pandas as pd
from mlgate.reporting import write_json
from mlgate.stages import log_training_run
{%- if cookiecutter.tune == 'yes' %}
from mlgate.tuning import read_best_params
{%- endif %}
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.config import params, settings
from {{ cookiecutter.package_name }}.model import build_model
from {{ cookiecutter.package_name }}.schema import TARGET


def train(frame: pd.DataFrame, algorithm: str, model_params: dict[str, Any], seed: int) -> Pipeline:
    """Fit the model on every column but the target (the preprocessing picks the features)."""
    model = build_model(algorithm, model_params, seed)
    model.fit(frame.drop(columns=[TARGET]), frame[TARGET])
    return model


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
    record = log_training_run(model, frame, settings=where, params=cfg, target=TARGET)
    write_json(where.train_run, record)
    print(f"train: {cfg['algorithm']} -> {model_path}; MLflow run {record['run_id']}")


if __name__ == "__main__":
    main()
