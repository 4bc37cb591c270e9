"""``mlgate tune`` end to end in a project laid out as the template generates it."""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from mlflow.tracking import MlflowClient
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.metrics import get_scorer
from sklearn.model_selection import cross_val_score, train_test_split

from mlgate.cli import main
from mlgate.data_io import read_table
from mlgate.modeling import build_model, project_preprocessing
from mlgate.settings import load_config_section, load_settings
from mlgate.tuning import read_best_params, tuned_estimator
from mlgate.tuning.search import make_cv
from mlgate.tuning.space import parse_config
from tests.support.tables import MIXED_SCHEMA_SOURCE, mixed_classification

SMALL_TUNE = {
    "classification": {
        "seed": 11,
        "n_trials": 6,
        "cv_folds": 3,
        "algorithms": {
            "linear": {"C": {"log_uniform": [0.01, 10]}},
            "random_forest": {"n_estimators": {"int": [5, 20]}, "max_depth": [3, None]},
            "hist_gradient_boosting": {"max_iter": {"int": [10, 40]}},
        },
    },
    "regression": {
        "seed": 11,
        "n_trials": 6,
        "cv_folds": 3,
        "sanity": {"holdout_tolerance": 0.2},
        "algorithms": {
            "linear": {"alpha": {"log_uniform": [0.01, 10]}},
            "random_forest": {"n_estimators": {"int": [5, 20]}, "min_samples_leaf": [5, 20]},
            "hist_gradient_boosting": {"max_iter": {"int": [10, 40]}},
        },
    },
}


def make_project(root: Path, task: str, *, tune: dict | None = None, shuffle: bool = False) -> Path:
    """Lay out a project as the template does: [tool.mlgate], params.yaml, split data.

    The command under test finds everything through these settings, as it does in a
    generated project.
    """
    frame = (load_breast_cancer if task == "classification" else load_diabetes)(as_frame=True).frame
    if shuffle:
        frame["target"] = frame["target"].sample(frac=1.0, random_state=1).to_numpy()
    train, test = train_test_split(
        frame,
        test_size=0.25,
        random_state=0,
        stratify=frame["target"] if task == "classification" else None,
    )
    (root / "data").mkdir(parents=True)
    train.to_parquet(root / "data" / "train.parquet")
    test.to_parquet(root / "data" / "test.parquet")
    (root / "params.yaml").write_text(
        yaml.safe_dump({"tune": tune if tune is not None else SMALL_TUNE[task]}), encoding="utf-8"
    )
    (root / "pyproject.toml").write_text(
        "[project]\nname = 'demo'\nversion = '0.1.0'\n\n[tool.mlgate]\n"
        f"task = '{task}'\ntarget = 'target'\nexperiment = 'demo'\n"
        "tracking_uri = 'sqlite:///mlflow.db'\nparams = 'params.yaml'\n"
        "train_data = 'data/train.parquet'\ntest_data = 'data/test.parquet'\nreports = 'reports'\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(autouse=True)
def _environment(monkeypatch):
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)


def _report(root: Path) -> dict:
    return json.loads((root / "reports" / "tune.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_tune_in_a_project_needs_no_arguments(tmp_path, monkeypatch, capsys, task):
    # given a project with a tune: section and split data
    root = make_project(tmp_path / "proj", task)
    monkeypatch.chdir(root / "data")  # any folder inside the project works
    # when `mlgate tune` runs with no arguments
    code = main(["tune", "--n-jobs", "1"])
    # then it passes and prints a line per trial
    out = capsys.readouterr().out
    assert code == 0, out
    assert [line.split()[1] for line in out.splitlines() if line.strip().startswith("trial ")] == [
        f"{n}/6" for n in range(1, 7)
    ]
    # and the winner goes to models/best_params.json, which builds the train stage's model
    best = json.loads((root / "models" / "best_params.json").read_text(encoding="utf-8"))
    report = _report(root)
    assert report["verdict"] == "pass"
    assert [c["name"] for c in report["checks"]] == [
        "beats_baseline",
        "holdout_agrees",
        "same_winner",
    ]
    assert (best["algorithm"], best["params"]) == (
        report["best"]["algorithm"],
        report["best"]["params"],
    )
    features = pd.read_parquet(root / "data" / "train.parquet").drop(columns=["target"])
    prepare = project_preprocessing(load_settings(root), features).transformer
    model = tuned_estimator(root / "models" / "best_params.json", prepare=prepare)
    assert list(model.named_steps) == ["prepare", "model"]
    model = model.named_steps["model"]
    assert model.random_state == 11
    for name, value in best["params"].items():
        assert model.get_params()[name] == value
    # and every trial is an MLflow run nested under the search run, in the project's store
    client = MlflowClient(
        tracking_uri=f"sqlite:///{root / 'mlflow.db'}",
        registry_uri=f"sqlite:///{root / 'mlflow.db'}",
    )
    tracking = report["tracking"]
    children = client.search_runs(
        [tracking["experiment_id"]],
        filter_string=f"tags.`mlflow.parentRunId` = '{tracking['parent_run_id']}'",
    )
    assert len(children) == report["trials_run"] == 6
    scores = {int(c.data.tags["mlgate.trial"]): c.data.metrics["cv_score"] for c in children}
    assert scores == {t["trial"]: t["cv_score"] for t in report["trials"]}
    # and the summary tables the trials
    summary = (root / "reports" / "tune.md").read_text(encoding="utf-8")
    assert summary.count(f"| {best['algorithm']} |") >= 1
    assert "### Trials" in summary


def test_a_shuffled_target_fails_the_gate_and_writes_no_params(tmp_path, monkeypatch, capsys):
    # given a project whose target was shuffled against its features
    root = make_project(tmp_path / "proj", "classification", shuffle=True)
    monkeypatch.chdir(root)
    # when tuned
    code = main(["tune", "--n-jobs", "1", "--no-tracking"])
    # then the gate fails on the baseline, says so, and writes the report but no params
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL beats_baseline" in out
    assert "does not beat the dummy baseline" in out
    report = _report(root)
    assert report["verdict"] == "fail"
    assert not next(c for c in report["checks"] if c["name"] == "beats_baseline")["passed"]
    assert report["best_params_path"] is None
    assert not (root / "models" / "best_params.json").exists()


def test_a_test_split_unlike_the_training_split_fails_agreement(tmp_path, monkeypatch, capsys):
    # given a held-out file whose labels were flipped
    root = make_project(tmp_path / "proj", "classification")
    test = root / "data" / "test.parquet"
    frame = pd.read_parquet(test)
    frame["target"] = 1 - frame["target"]
    frame.to_parquet(root / "data" / "flipped.parquet")
    monkeypatch.chdir(root)
    # when tuned against it
    code = main(["tune", "--n-jobs", "1", "--no-tracking", "--test", "data/flipped.parquet"])
    # then only the agreement check fails
    assert code == 1
    failed = [c["name"] for c in _report(root)["checks"] if not c["passed"]]
    assert failed == ["holdout_agrees"]
    assert "beyond the tolerance" in capsys.readouterr().out


def test_a_search_cut_short_by_time_fails_reproducibility(tmp_path, monkeypatch, capsys):
    # given no time budget at all
    tune = {**SMALL_TUNE["regression"], "max_seconds": 0}
    root = make_project(tmp_path / "proj", "regression", tune=tune)
    monkeypatch.chdir(root)
    # when tuned
    code = main(["tune", "--n-jobs", "1", "--no-tracking"])
    # then the same-winner check fails because not every trial ran
    report = _report(root)
    assert code == 1
    assert report["stopped_by"] == "time"
    assert report["trials_run"] < report["candidates_drawn"] == 6
    assert [c["name"] for c in report["checks"] if not c["passed"]] == ["same_winner"]


def test_same_seed_and_budget_choose_the_same_winner(tmp_path, monkeypatch):
    # given a project tuned once on one worker
    root = make_project(tmp_path / "proj", "regression")
    monkeypatch.chdir(root)
    assert main(["tune", "--n-jobs", "1", "--no-tracking"]) == 0
    first = _report(root)
    # when it is tuned again on two workers
    assert main(["tune", "--n-jobs", "2", "--no-tracking"]) == 0
    second = _report(root)
    # then the trials, the winner and the fingerprint are the same
    assert second["fingerprint"] == first["fingerprint"]
    assert second["trials"] == [
        dict(t, fit_time_s=s["fit_time_s"])
        for t, s in zip(first["trials"], second["trials"], strict=True)
    ]


def test_explicit_arguments_work_outside_a_project(tmp_path, monkeypatch):
    # given data and a params file but no [tool.mlgate]
    source = make_project(tmp_path / "proj", "regression")
    (source / "pyproject.toml").unlink()
    monkeypatch.chdir(tmp_path)
    # when every input is passed
    code = main(
        [
            "tune",
            "--data",
            "proj/data/train.parquet",
            "--test",
            "proj/data/test.parquet",
            "--target",
            "target",
            "--task",
            "regression",
            "--config",
            "proj/params.yaml:tune",
            "--out",
            "out/best.json",
            "--report",
            "out/tune.json",
            "--summary",
            "out/tune.md",
            "--n-jobs",
            "1",
            "--no-tracking",
        ]
    )
    # then the files land where asked
    assert code == 0
    assert (
        json.loads((tmp_path / "out" / "best.json").read_text(encoding="utf-8"))["task"]
        == "regression"
    )
    assert (tmp_path / "out" / "tune.md").is_file()


@pytest.mark.parametrize(
    ("args", "tune", "fragment"),
    [
        (["--data", "nowhere.parquet"], None, "nowhere.parquet: no such file"),
        (["--target", "label"], None, "no target column 'label'"),
        ([], {"algorithms": {"ridge": {}}}, "'ridge' is not available for a classification task"),
        ([], {"algorithms": {"linear": {"C": {"int": [3, 1]}}}}, "algorithms.linear.C.int"),
        (["--config", "params.yaml:search"], None, "has no section 'search'"),
    ],
)
def test_input_errors_exit_2_with_a_message(tmp_path, monkeypatch, capsys, args, tune, fragment):
    root = make_project(tmp_path / "proj", "classification", tune=tune)
    monkeypatch.chdir(root)
    code = main(["tune", "--no-tracking", *args])
    assert code == 2
    assert fragment in capsys.readouterr().err
    assert not (root / "reports" / "tune.json").exists()


def test_outside_a_project_missing_inputs_are_named(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["tune"]) == 2
    assert "no --data given" in capsys.readouterr().err


def make_mixed_project(root: Path, *, settings: str = 'schema = "shop.schema:Customers"\n') -> Path:
    """A project whose data look like a real table (tests/support/tables.py), split into CSV
    files, with the pandera schema that declares its kinds and roles in ``src/shop``.

    CSV, because that is the hardest case: dates come back as text and the nullable boolean
    as an object column. ``settings`` adds lines to ``[tool.mlgate]``; there is no ``target``.
    """
    frame = mixed_classification(rows=360)
    train, test = train_test_split(frame, test_size=0.25, random_state=0, stratify=frame["segment"])
    (root / "data").mkdir(parents=True)
    train.to_csv(root / "data" / "train.csv", index=False)
    test.to_csv(root / "data" / "test.csv", index=False)
    (root / "src" / "shop").mkdir(parents=True)
    (root / "src" / "shop" / "__init__.py").write_text("", encoding="utf-8")
    (root / "src" / "shop" / "schema.py").write_text(MIXED_SCHEMA_SOURCE, encoding="utf-8")
    tune = {**SMALL_TUNE["classification"], "sanity": {"holdout_tolerance": 0.15}}
    (root / "params.yaml").write_text(yaml.safe_dump({"tune": tune}), encoding="utf-8")
    (root / "pyproject.toml").write_text(
        "[project]\nname = 'shop'\nversion = '0.1.0'\n\n[tool.mlgate]\n"
        "task = 'classification'\nparams = 'params.yaml'\nreports = 'reports'\n"
        "train_data = 'data/train.csv'\ntest_data = 'data/test.csv'\n" + settings,
        encoding="utf-8",
    )
    return root


@pytest.fixture
def fresh_imports(monkeypatch):
    """Each test's project package ``shop`` is imported from that test's folder: the import
    system forgets it afterwards, and sys.path is restored."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    importlib.invalidate_caches()
    yield
    for name in [m for m in sys.modules if m == "shop" or m.startswith("shop.")]:
        del sys.modules[name]


def test_tune_on_a_mixed_table_is_the_model_a_train_stage_rebuilds(
    tmp_path, monkeypatch, capsys, fresh_imports
):
    # given a project with text categories, a nullable flag, dates, missing values, an
    # identifier and an excluded column, a schema naming them, and no [tool.mlgate] target
    root = make_mixed_project(tmp_path / "proj")
    monkeypatch.chdir(root)
    # when tuned
    code = main(["tune", "--n-jobs", "1", "--no-tracking"])
    out = capsys.readouterr().out
    # then the search passes, on the schema's target, with the schema's prepare step
    assert code == 0, out
    report = _report(root)
    assert report["data"]["target"] == "segment"
    assert report["preprocessing"]["source"] == "schema shop.schema:Customers"
    assert report["preprocessing"]["not_used"] == {
        "customer_id": "identifier",
        "batch": "excluded",
        "segment": "target",
    }
    assert "prepare: schema shop.schema:Customers; features: 2 numeric, 1 categorical" in out
    # and the winner, rebuilt as a train stage does, scores exactly what the search measured
    best = read_best_params(root / "models" / "best_params.json")
    prepare = project_preprocessing(load_settings(root)).transformer
    model = build_model(best["task"], best["algorithm"], best["params"], best["seed"], prepare)
    config = parse_config(load_config_section("params.yaml:tune"), "classification")
    train = read_table(root / "data" / "train.csv")
    X, y = train.drop(columns=["segment"]), train["segment"]
    cv = cross_val_score(model, X, y, cv=make_cv(config), scoring=config.scoring)
    assert float(np.mean(cv)) == pytest.approx(report["best"]["cv_score"], rel=1e-12)
    # and, refitted on the training split, predicts the held-out split as the search's winner did
    test = read_table(root / "data" / "test.csv")
    model.fit(X, y)
    held_out = get_scorer(config.scoring)(model, test.drop(columns=["segment"]), test["segment"])
    assert held_out == pytest.approx(report["holdout_score"], rel=1e-12)


def test_a_schema_without_roles_keeps_the_settings_target_out_of_the_features(
    tmp_path, monkeypatch, capsys, fresh_imports
):
    # given a schema that declares kinds but no roles, and [tool.mlgate] target = 'segment'
    root = make_mixed_project(
        tmp_path / "proj", settings="schema = 'shop.schema:Customers'\ntarget = 'segment'\n"
    )
    schema = root / "src" / "shop" / "schema.py"
    text = re.sub(r'(, )?metadata=\{"role": "\w+"\}', "", schema.read_text(encoding="utf-8"))
    assert "role" not in text
    schema.write_text(text, encoding="utf-8")
    monkeypatch.chdir(root)
    # when tuned
    code = main(["tune", "--n-jobs", "1", "--no-tracking"])
    # then the label is the target and every other column of the schema a feature
    assert code == 0, capsys.readouterr().out
    preprocessing = _report(root)["preprocessing"]
    assert preprocessing["not_used"] == {"segment": "target"}
    assert preprocessing["features"]["categorical"] == ["customer_id", "plan", "batch"]
    assert preprocessing["features"]["datetime"] == ["signed_up"]


def test_tune_without_a_schema_infers_the_prepare_step_from_the_data(tmp_path, monkeypatch, capsys):
    # given the mixed table with neither a schema nor a preprocessing function
    root = make_mixed_project(tmp_path / "proj", settings="target = 'segment'\n")
    monkeypatch.chdir(root)
    # when tuned on one and on two workers
    assert main(["tune", "--n-jobs", "1", "--no-tracking"]) == 0, capsys.readouterr().out
    first = _report(root)
    assert main(["tune", "--n-jobs", "2", "--no-tracking"]) == 0
    second = _report(root)
    # then every other column is a feature of the kind its dtype says, and the trials, the
    # winner and the fingerprint do not depend on the workers
    assert first["preprocessing"]["source"] == "inferred from the data's column types"
    assert first["preprocessing"]["features"]["categorical"] == [
        "customer_id",
        "plan",
        "newsletter",
        "signed_up",
        "batch",
    ]
    assert second["fingerprint"] == first["fingerprint"]
    assert [(t["algorithm"], t["params"], t["cv_score"]) for t in second["trials"]] == [
        (t["algorithm"], t["params"], t["cv_score"]) for t in first["trials"]
    ]


def test_a_project_preprocessing_function_is_the_prepare_step(
    tmp_path, monkeypatch, capsys, fresh_imports
):
    # given a project that names its own prepare step, a function in its package
    root = make_mixed_project(
        tmp_path / "proj",
        settings='schema = "shop.schema:Customers"\npreprocessing = "shop.features:prepare"\n',
    )
    (root / "src" / "shop" / "features.py").write_text(
        "from mlgate.contract import from_schema\n"
        "from mlgate.modeling import preprocessing\n\n"
        "from shop.schema import Customers\n\n\n"
        "def prepare():\n"
        "    return preprocessing(from_schema(Customers), min_frequency=20)\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    # when tuned, then the search uses it (its source is in the report and the summary line)
    assert main(["tune", "--n-jobs", "1", "--no-tracking"]) == 0
    assert _report(root)["preprocessing"] == {"source": "function shop.features:prepare"}
    assert "prepare: function shop.features:prepare" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "drop", "fragment"),
    [
        (
            ["--target", "visits"],
            None,
            "the target is 'visits' but the schema shop.schema:Customers gives the role "
            "'target' to 'segment'",
        ),
        ([], "plan", "data/train.csv: lacks feature column(s) plan that schema"),
    ],
)
def test_a_schema_that_disagrees_with_the_data_exits_2(
    tmp_path, monkeypatch, capsys, fresh_imports, args, drop, fragment
):
    root = make_mixed_project(tmp_path / "proj")
    if drop is not None:
        for name in ("train.csv", "test.csv"):
            path = root / "data" / name
            read_table(path).drop(columns=[drop]).to_csv(path, index=False)
    monkeypatch.chdir(root)
    assert main(["tune", "--no-tracking", *args]) == 2
    assert fragment in capsys.readouterr().err
