"""Trained and logged models for the registry tests, made the way a project's train stage does.

The benchmark and promotion gates start from an MLflow run that logged a model and tagged its
lineage; these fixtures produce such runs on breast cancer data, with models of known quality:

* ``strong``: scaled logistic regression (ROC AUC about 0.99 on the held-out split);
* ``stump``: a depth-1 decision tree (ROC AUC about 0.9, clearly worse);
* ``constant``: scikit-learn's prior-probability dummy (ROC AUC 0.5).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mlgate import tracking

TARGET = "target"
TREE_TYPES = ["sklearn.tree._tree.Tree"]


@dataclass(frozen=True)
class Split:
    """A held-out split on disk, and the frames it holds."""

    root: Path
    train_path: Path
    test_path: Path
    train: Any = field(repr=False)
    test: Any = field(repr=False)


def make_estimator(kind: str) -> Any:
    """A fresh, unfitted estimator of a known quality (see the module documentation)."""
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    if kind == "strong":
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    if kind == "stump":
        return DecisionTreeClassifier(max_depth=1, random_state=0)
    if kind == "constant":
        return DummyClassifier(strategy="prior")
    raise ValueError(kind)


def train_and_log(tracking_uri: str, split: Split, kind: str, workdir: Path) -> dict[str, Any]:
    """Fit an estimator, log it to MLflow like a train stage, and return its run record."""
    import mlflow
    from mlflow.models import infer_signature

    mlflow.set_tracking_uri(tracking_uri)
    client = mlflow.MlflowClient(tracking_uri, registry_uri=tracking_uri)
    experiment = client.get_experiment_by_name("mlgate-tests")
    if experiment is None:
        location = None
        if tracking_uri.startswith("sqlite:"):
            location = (workdir / "artifacts").as_uri()
        experiment_id = client.create_experiment("mlgate-tests", artifact_location=location)
    else:
        experiment_id = experiment.experiment_id
    features = split.train.drop(columns=[TARGET])
    model = make_estimator(kind).fit(features, split.train[TARGET])
    params = {"kind": kind, **{k: str(v) for k, v in model.get_params(deep=False).items()}}
    tags = tracking.lineage_tags(split.root, split.train_path, params)
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_params({"kind": kind})
        mlflow.set_tags(tags)
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(features.head(5), model.predict(features.head(5))),
            pip_requirements=["scikit-learn"],
            skops_trusted_types=TREE_TYPES,
        )
    record = {
        "run_id": run.info.run_id,
        "model_uri": info.model_uri,
        "experiment_id": experiment_id,
        "tracking_uri": tracking_uri,
        "model_name": None,
        "tags": tags,
    }
    (workdir / f"train-{run.info.run_id}.json").write_text(json.dumps(record), encoding="utf-8")
    return record


@pytest.fixture(scope="session")
def breast_cancer_split(tmp_path_factory: pytest.TempPathFactory) -> Split:
    """Breast cancer data split 75/25 (stratified, fixed seed), written as Parquet."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    frame = load_breast_cancer(as_frame=True).frame
    train, test = train_test_split(frame, test_size=0.25, random_state=0, stratify=frame[TARGET])
    root = tmp_path_factory.mktemp("breast-cancer")
    train_path, test_path = root / "train.parquet", root / "test.parquet"
    train.to_parquet(train_path)
    test.to_parquet(test_path)
    return Split(root, train_path, test_path, train, test)


def pytest_configure(config: pytest.Config) -> None:
    # MLflow warns about its own type hints (an "Any" in an agent schema) the first time
    # log_model imports its pyfunc machinery; the suite turns warnings into errors.
    config.addinivalue_line(
        "filterwarnings", "ignore:.*Any type hint is inferred as AnyType:UserWarning"
    )


PROJECT_GOALS = """\
goals:
  min: {roc_auc: 0.85}
  max: {latency_p95_ms: 1000}
  max_regression: {roc_auc: 0.01}
"""


@dataclass(frozen=True)
class Project:
    """A folder laid out like a generated project, with a trained model and its run record."""

    root: Path
    tracking_uri: str
    split: Split

    def train(self, kind: str) -> dict[str, Any]:
        """Train and log a model and write it as the project's latest run record."""
        record = train_and_log(self.tracking_uri, self.split, kind, self.root)
        record["model_name"] = "bc"
        (self.root / "reports").mkdir(exist_ok=True)
        (self.root / "reports/train.json").write_text(json.dumps(record), encoding="utf-8")
        return record


@pytest.fixture
def gate_project(
    tmp_path: Path, breast_cancer_split: Split, monkeypatch: pytest.MonkeyPatch
) -> Project:
    """A project whose ``[tool.mlgate]`` settings give every gate command its defaults.

    The working directory is the project, as when a user or CI runs ``mlgate`` there.
    """
    import shutil

    (tmp_path / "data").mkdir()
    shutil.copy(breast_cancer_split.train_path, tmp_path / "data/train.parquet")
    shutil.copy(breast_cancer_split.test_path, tmp_path / "data/test.parquet")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mlgate]\ntask = "classification"\ntarget = "target"\nmodel_name = "bc"\n'
        'tracking_uri = "sqlite:///mlflow.db"\nparams = "params.yaml"\n'
        'train_data = "data/train.parquet"\ntest_data = "data/test.parquet"\n'
        'reports = "reports"\ntrain_run = "reports/train.json"\n',
        encoding="utf-8",
    )
    (tmp_path / "params.yaml").write_text(PROJECT_GOALS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    split = Split(
        tmp_path,
        tmp_path / "data/train.parquet",
        tmp_path / "data/test.parquet",
        breast_cancer_split.train,
        breast_cancer_split.test,
    )
    return Project(tmp_path, f"sqlite:///{tmp_path / 'mlflow.db'}", split)
