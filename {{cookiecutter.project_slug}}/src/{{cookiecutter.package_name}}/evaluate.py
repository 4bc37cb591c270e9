"""Stage 6, evaluate: score the trained model on the held-out split.

Writes ``reports/metrics.json`` (read by ``dvc metrics show`` and ``dvc metrics diff``) and
the data behind the plots in ``reports/plots/`` (drawn by ``dvc plots show``).
"""

import joblib
{%- if cookiecutter.task == 'regression' %}
import numpy as np
{%- endif %}
import pandas as pd
from mlgate.reporting import write_json
from sklearn import metrics

from {{ cookiecutter.package_name }}.config import settings
from {{ cookiecutter.package_name }}.schema import TARGET
{%- if cookiecutter.task == 'classification' %}


def evaluate(model, frame: pd.DataFrame) -> tuple[dict[str, float], dict[str, pd.DataFrame]]:
    """Metrics and plot data for a binary classifier on ``frame``."""
    features, actual = frame.drop(columns=[TARGET]), frame[TARGET]
    predicted = model.predict(features)
    proba = model.predict_proba(features)[:, 1]
    scores = {
        "accuracy": metrics.accuracy_score(actual, predicted),
        "f1": metrics.f1_score(actual, predicted),
        "precision": metrics.precision_score(actual, predicted, zero_division=0),
        "recall": metrics.recall_score(actual, predicted),
        "roc_auc": metrics.roc_auc_score(actual, proba),
        "log_loss": metrics.log_loss(actual, proba, labels=[0, 1]),
    }
    fpr, tpr, _ = metrics.roc_curve(actual, proba)
    precision, recall, _ = metrics.precision_recall_curve(actual, proba)
    plots = {
        "roc.csv": pd.DataFrame({"fpr": fpr, "tpr": tpr}),
        "precision_recall.csv": pd.DataFrame({"recall": recall, "precision": precision}),
        "confusion.csv": pd.DataFrame({"actual": actual, "predicted": predicted}),
    }
    return {name: round(float(value), 6) for name, value in scores.items()}, plots
{%- else %}


def evaluate(model, frame: pd.DataFrame) -> tuple[dict[str, float], dict[str, pd.DataFrame]]:
    """Metrics and plot data for a regressor on ``frame``."""
    features, actual = frame.drop(columns=[TARGET]), frame[TARGET]
    predicted = model.predict(features)
    scores = {
        "rmse": float(np.sqrt(metrics.mean_squared_error(actual, predicted))),
        "mae": metrics.mean_absolute_error(actual, predicted),
        "r2": metrics.r2_score(actual, predicted),
    }
    plots = {
        "predictions.csv": pd.DataFrame({"actual": actual, "predicted": predicted}),
        "residuals.csv": pd.DataFrame(
            {"predicted": predicted, "residual": np.asarray(actual) - predicted}
        ),
    }
    return {name: round(float(value), 6) for name, value in scores.items()}, plots
{%- endif %}


def main() -> None:
    where = settings()
    model = joblib.load(where.root / "models" / "model.joblib")
    frame = pd.read_parquet(where.test_data)
    scores, plots = evaluate(model, frame)
    write_json(where.reports / "metrics.json", scores)
    plot_dir = where.reports / "plots"
    plot_dir.mkdir(parents=True, exist_ok=True)
    for name, data in plots.items():
        data.to_csv(plot_dir / name, index=False)
    shown = ", ".join(f"{name}={value:.4f}" for name, value in scores.items())
    print(f"evaluate: {shown}")


if __name__ == "__main__":
    main()
