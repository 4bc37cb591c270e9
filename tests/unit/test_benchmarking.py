"""The benchmark gate against a real sqlite MLflow: metrics, champion, dummy, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlgate.benchmarking import benchmark, render_markdown
from mlgate.errors import InputError
from mlgate.promotion import promote
from tests.support.training import TARGET, train_and_log

FAST = {"latency_runs": 10}


def test_bootstrap_report_has_every_metric_and_says_it_is_a_bootstrap(
    sqlite_tracking, breast_cancer_split, tmp_path
):
    # given a logged classifier and no champion
    record = train_and_log(sqlite_tracking, breast_cancer_split, "strong", tmp_path)

    # when it is benchmarked against goals it meets
    report = benchmark(
        record["model_uri"],
        breast_cancer_split.test_path,
        TARGET,
        goals={"min": {"roc_auc": 0.95}, "max": {"latency_p95_ms": 1000}},
        tracking_uri=sqlite_tracking,
        train_data=breast_cancer_split.train_path,
        **FAST,
    ).to_dict()

    # then every metric is there, the dummy was fitted on the training data, and it passes
    metrics = report["candidate"]["metrics"]
    assert set(metrics) == {
        "accuracy", "f1_macro", "roc_auc", "log_loss",
        "latency_p50_ms", "latency_p95_ms", "throughput_rows_per_s", "size_mb",
    }  # fmt: skip
    assert metrics["roc_auc"] > 0.95
    assert 0 < metrics["latency_p50_ms"] <= metrics["latency_p95_ms"]
    assert metrics["throughput_rows_per_s"] > 0 and metrics["size_mb"] > 0
    assert report["candidate"]["run_id"] == record["run_id"]
    assert report["dummy"]["fitted_on"] == "train"
    assert report["dummy"]["metrics"]["roc_auc"] == pytest.approx(0.5)
    assert report["task"] == "classification"
    assert report["bootstrap"] is True and report["champion"] is None
    assert report["verdict"] == "pass" and "bootstrap" in report["summary"]
    assert report["gate"] == "benchmark" and report["mlgate_version"]


def test_report_records_the_champion_version_it_compared_against(
    sqlite_tracking, breast_cancer_split, tmp_path
):
    # given a stump registered as champion of "bc"
    stump = train_and_log(sqlite_tracking, breast_cancer_split, "stump", tmp_path)
    first = benchmark(
        stump["model_uri"], breast_cancer_split.test_path, TARGET,
        tracking_uri=sqlite_tracking, **FAST,
    ).to_dict()  # fmt: skip
    promote(stump["model_uri"], first, name="bc", tracking_uri=sqlite_tracking)

    # when a strong candidate is benchmarked against models:/bc@champion
    strong = train_and_log(sqlite_tracking, breast_cancer_split, "strong", tmp_path)
    report = benchmark(
        strong["model_uri"],
        breast_cancer_split.test_path,
        TARGET,
        champion="models:/bc@champion",
        goals={"max_regression": {"roc_auc": 0.0}},
        tracking_uri=sqlite_tracking,
        **FAST,
    ).to_dict()

    # then the champion's identity and scores are in the report, on the same rows
    champion = report["champion"]
    assert (champion["name"], champion["version"]) == ("bc", "1")
    assert champion["run_id"] == stump["run_id"]
    assert champion["metrics"]["roc_auc"] < report["candidate"]["metrics"]["roc_auc"]
    assert report["bootstrap"] is False and report["verdict"] == "pass"


def test_markdown_summary_has_the_comparison_table_and_a_mermaid_chart(
    sqlite_tracking, breast_cancer_split, tmp_path
):
    # given a failing bootstrap benchmark of a constant model
    record = train_and_log(sqlite_tracking, breast_cancer_split, "constant", tmp_path)
    # when the reports are written
    result = benchmark(
        record["model_uri"],
        breast_cancer_split.test_path,
        TARGET,
        goals={"min": {"roc_auc": 0.9}},
        tracking_uri=sqlite_tracking,
        **FAST,
    )
    result.write(tmp_path / "out/benchmark.json", tmp_path / "out/benchmark.md")
    report = result.to_dict()
    markdown = (tmp_path / "out/benchmark.md").read_text(encoding="utf-8")

    # then the JSON round-trips and the Markdown shows the table, the reason and a chart
    assert json.loads((tmp_path / "out/benchmark.json").read_text())["verdict"] == "fail"
    assert markdown == render_markdown(report)
    assert result.outputs == {"run-id": record["run_id"], "model-uri": record["model_uri"]}
    assert "| metric | candidate | champion | dummy | goal | verdict |" in markdown
    assert "| roc_auc | 0.5 | n/a | 0.5 | >= 0.9; worse by <= 0 vs champion | ❌ fail |" in markdown
    assert "**Bootstrap**" in markdown
    assert "roc_auc 0.5 < floor 0.9" in markdown
    assert "```mermaid\nxychart-beta" in markdown


def test_regression_model_gets_regression_metrics(sqlite_tracking, tmp_path):
    # given a ridge regression on diabetes, logged to MLflow
    import mlflow
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge

    frame = load_diabetes(as_frame=True).frame
    train, test = frame.iloc[:330], frame.iloc[330:]
    model = Ridge(alpha=0.1).fit(train.drop(columns=[TARGET]), train[TARGET])
    mlflow.set_tracking_uri(sqlite_tracking)
    experiment = mlflow.create_experiment("diabetes", artifact_location=tmp_path.as_uri())
    with mlflow.start_run(experiment_id=experiment):
        info = mlflow.sklearn.log_model(model, name="model", pip_requirements=["scikit-learn"])

    # when it is benchmarked against goals in regression terms
    report = benchmark(
        info.model_uri,
        test,
        TARGET,
        goals={"min": {"r2": 0.3}, "max": {"rmse": 70}, "min_lift_over_dummy": {"r2": 0.2}},
        tracking_uri=sqlite_tracking,
        **FAST,
    ).to_dict()

    # then the task is inferred and the regression metrics judge it
    assert report["task"] == "regression"
    assert {"rmse", "mae", "r2"} <= set(report["candidate"]["metrics"])
    assert report["dummy"]["fitted_on"] == "held-out"
    assert report["verdict"] == "pass", report["reasons"]


def test_goal_on_a_metric_the_task_lacks_is_an_input_error(
    sqlite_tracking, breast_cancer_split, tmp_path
):
    record = train_and_log(sqlite_tracking, breast_cancer_split, "strong", tmp_path)
    with pytest.raises(InputError) as caught:
        benchmark(
            record["model_uri"],
            breast_cancer_split.test_path,
            TARGET,
            goals={"max": {"rmse": 50}},
            tracking_uri=sqlite_tracking,
            goals_source="params.yaml:goals",
            **FAST,
        )
    assert "params.yaml:goals.max.rmse" in str(caught.value)
    assert "roc_auc" in str(caught.value)  # lists what is available


def test_missing_target_column_names_the_file_and_the_columns(
    sqlite_tracking, breast_cancer_split, tmp_path
):
    with pytest.raises(InputError, match="no target column 'label'") as caught:
        benchmark(
            "runs:/0123456789abcdef0123456789abcdef/model",
            breast_cancer_split.test_path,
            "label",
            tracking_uri=sqlite_tracking,
        )
    assert str(breast_cancer_split.test_path) in str(caught.value)
    assert "mean radius" in str(caught.value)


def test_unknown_candidate_is_an_input_error_naming_it(sqlite_tracking, breast_cancer_split):
    missing = "runs:/0123456789abcdef0123456789abcdef/model"
    with pytest.raises(InputError, match="not found") as caught:
        benchmark(missing, breast_cancer_split.test_path, TARGET, tracking_uri=sqlite_tracking)
    assert missing in str(caught.value)


def test_missing_data_file_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError, match=r"nope\.parquet: no such file"):
        benchmark("runs:/x/model", tmp_path / "nope.parquet", TARGET)
