"""The MLflow work of a project's stages: recording a training run, loading a model to predict.

A generated project's ``train`` stage fits its model and calls :func:`log_training_run`; its
``predict`` module calls :func:`load_model`. Both go through :func:`mlgate.registry.connect`,
the one door to MLflow, so they get its settings: an unreachable tracking server fails in
seconds with a message naming it, a file store is refused, and the tracking URI is the
project's (``MLFLOW_TRACKING_URI`` overrides).

A training run records: the parameters; the training data as a dataset input (with its
digest); the profile of that data (the baseline new data is judged against once this model is
champion, :func:`mlgate.baseline.log_profile`); the model with its signature, an input example
and the pip requirements that load it (this mlgate among them); lineage tags (git commit, hash
and path of the training and held-out data, parameters hash) and the parameters as given
(:data:`mlgate.tracking.PARAMS_ARTIFACT`), which ``mlgate reproduce`` trains from again. It
returns the run record the gates read (:data:`mlgate.tracking.RUN_RECORD_KEYS`).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlgate.settings import Settings

PIP_REQUIREMENTS = ("scikit-learn", "pandas", "numpy", "skops")
"""Besides this mlgate, what a logged model needs to load; listing them spares MLflow several
seconds of dependency inference per run."""


def log_training_run(
    model: Any,
    frame: Any,
    *,
    settings: Settings,
    params: dict[str, Any],
    target: str,
    data_path: Path | None = None,
    profile: Path | None = None,
) -> dict[str, Any]:
    """Record a fitted model and how it was made as a run of the project's experiment.

    ``frame`` is the training table (features and ``target``), read from ``data_path``
    (default: ``[tool.mlgate] train_data``); ``params`` are the model's settings
    (``algorithm``, ``seed``, ``params``); ``profile`` is the training data's profile
    (default: ``[tool.mlgate] profile``, recorded when the file exists).
    """
    import mlflow
    from mlflow.models import infer_signature

    from mlgate.baseline import log_profile
    from mlgate.registry import connect, service_errors
    from mlgate.settings import display_path, tracking_uri
    from mlgate.skops_types import trusted_types
    from mlgate.sqlite_store import prepare
    from mlgate.tracking import PARAMS_ARTIFACT, lineage_tags, mlgate_requirement

    uri = tracking_uri(settings)
    prepare(uri)  # a new local sqlite store is made quickly (mlgate.sqlite_store)
    registry = connect(uri)
    data_path = Path(data_path or settings.train_data)
    profile = profile or settings.profile
    features = frame.drop(columns=[target])
    example = features.head(5)
    tags = lineage_tags(settings.root, data_path, params, settings.test_data)
    flat = {"algorithm": params["algorithm"], "seed": params["seed"], **params.get("params", {})}
    with service_errors(registry.uri, "recording the training run"), warnings.catch_warnings():
        # MLflow's notes on dataset sources and integer columns are advice, not problems.
        warnings.filterwarnings("ignore", category=UserWarning, module="mlflow")
        mlflow.set_experiment(settings.experiment or settings.model_name or "mlgate")
        with mlflow.start_run() as run:
            mlflow.log_params(flat)
            mlflow.log_dict(params, PARAMS_ARTIFACT)
            source = display_path(data_path, settings.root)
            dataset = mlflow.data.from_pandas(frame, source=source, name="train", targets=target)
            mlflow.log_input(dataset, context="training")
            mlflow.set_tags(tags)
            if profile is not None and Path(profile).is_file():
                log_profile(profile)
            mlflow.log_metric("train_score", float(model.score(features, frame[target])))
            logged = mlflow.sklearn.log_model(
                model,
                name="model",
                signature=infer_signature(example, model.predict(example)),
                input_example=example,
                pip_requirements=[mlgate_requirement(), *PIP_REQUIREMENTS],
                # skops loads only the types listed as trusted: this run built the model
                # itself, so the types it contains are the ones to trust.
                skops_trusted_types=trusted_types(model),
            )
    return {
        "run_id": run.info.run_id,
        "model_uri": logged.model_uri,
        "experiment_id": run.info.experiment_id,
        "tracking_uri": registry.uri,
        "model_name": settings.model_name,
        "tags": tags,
    }


def load_model(settings: Settings | None, model_uri: str | None = None) -> tuple[Any, str]:
    """A registered model, ready to predict, and its URI (default: the project's champion)."""
    from mlgate.errors import InputError
    from mlgate.registry import CHAMPION, connect, resolve_model
    from mlgate.settings import tracking_uri

    if model_uri is None:
        name = settings.model_name if settings is not None else None
        if not name:
            raise InputError(
                "no model to load: pass --model-uri", hint="or set [tool.mlgate] model_name"
            )
        model_uri = f"models:/{name}@{CHAMPION}"
    registry = connect(tracking_uri(settings))
    resolve_model(registry, model_uri)
    model, _ = registry.load_model(model_uri)
    return model, model_uri
