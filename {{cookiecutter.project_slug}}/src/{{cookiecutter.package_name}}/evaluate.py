"""Stage 5, evaluate: score the trained model on the held-out split.

Writes ``reports/metrics.json`` (read by ``dvc metrics show`` and ``dvc metrics diff``) and
the data behind the plots in ``reports/plots/`` (drawn by ``dvc plots show``). The metrics are
the ones the benchmark gate judges (mlgate.metrics), so the two always agree.
{%- if cookiecutter.task == 'classification' %} Binary and multi-class
targets both work: F1 and ROC AUC are macro averages over the classes (one-vs-rest for ROC
AUC), the ROC and precision-recall curves of several classes are micro averages, and the
confusion data has one row per held-out example, whatever the number of classes.
{%- endif %}
"""

import joblib
import numpy as np
import pandas as pd
{%- if cookiecutter.task == 'classification' %}
from mlgate.metrics import classification_metrics
{%- else %}
from mlgate.metrics import regression_metrics
{%- endif %}
from mlgate.reporting import write_json
{%- if cookiecutter.task == 'classification' %}
from sklearn import metrics
from sklearn.preprocessing import label_binarize
{%- endif %}

from {{ cookiecutter.package_name }}.config import settings
from {{ cookiecutter.package_name }}.schema import TARGET
{%- if cookiecutter.task == 'classification' %}


def curves(actual: pd.Series, proba: np.ndarray, classes: np.ndarray) -> dict[str, pd.DataFrame]:
    """ROC and precision-recall curves: of the second class for two, micro-averaged for more."""
    if len(classes) == 2:
        truth, score = (np.asarray(actual) == classes[1]).astype(int), proba[:, 1]
    else:
        truth = label_binarize(actual, classes=classes).ravel()
        score = proba.ravel()
    fpr, tpr, _ = metrics.roc_curve(truth, score)
    precision, recall, _ = metrics.precision_recall_curve(truth, score)
    return {
        "roc.csv": pd.DataFrame({"fpr": fpr, "tpr": tpr}),
        "precision_recall.csv": pd.DataFrame({"recall": recall, "precision": precision}),
    }


def evaluate(model, frame: pd.DataFrame) -> tuple[dict[str, float], dict[str, pd.DataFrame]]:
    """Metrics and plot data for a classifier (two classes or more) on ``frame``."""
    features, actual = frame.drop(columns=[TARGET]), frame[TARGET]
    predicted = model.predict(features)
    proba = model.predict_proba(features)
    scores = classification_metrics(actual, predicted, proba, model.classes_)
    plots = curves(actual, proba, model.classes_) if actual.nunique() > 1 else {}
    plots["confusion.csv"] = pd.DataFrame({"actual": actual, "predicted": predicted})
    return _rounded(scores), plots
{%- else %}


def evaluate(model, frame: pd.DataFrame) -> tuple[dict[str, float], dict[str, pd.DataFrame]]:
    """Metrics and plot data for a regressor on ``frame``."""
    features, actual = frame.drop(columns=[TARGET]), frame[TARGET]
    predicted = model.predict(features)
    scores = regression_metrics(actual, predicted)
    plots = {
        "predictions.csv": pd.DataFrame({"actual": actual, "predicted": predicted}),
        "residuals.csv": pd.DataFrame(
            {"predicted": predicted, "residual": np.asarray(actual) - predicted}
        ),
    }
    return _rounded(scores), plots
{%- endif %}


def _rounded(scores: dict[str, float | None]) -> dict[str, float | None]:
    """Six decimals; None where a metric is undefined (e.g. ROC AUC with one class present)."""
    return {k: None if v is None else round(float(v), 6) for k, v in scores.items()}


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
    shown = ", ".join(f"{name}={value}" for name, value in scores.items())
    print(f"evaluate: {shown}")


if __name__ == "__main__":
    main()
