"""Batch scoring with the current champion: the integration point for a product.

    python -m {{ cookiecutter.package_name }}.predict INPUT.csv OUTPUT.csv

loads ``models:/<model_name>@champion`` (or ``--model-uri URI``) from the MLflow registry
(the model the gates promoted), scores every row of INPUT (read with the types the schema
declares) and writes INPUT's columns plus ``prediction``
{%- if cookiecutter.task == 'classification' %} and one ``probability_<class>``
column per class{% endif %}.
"""

import argparse
import sys
from pathlib import Path

import pandas as pd
from mlgate.errors import MlgateError
from mlgate.stages import load_model

from {{ cookiecutter.package_name }}.config import settings
from {{ cookiecutter.package_name }}.data import read_table
from {{ cookiecutter.package_name }}.schema import TARGET


def predict(model, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the predictions; a target column, if present, is ignored."""
    features = frame.drop(columns=[TARGET], errors="ignore")
    scored = frame.copy()
    scored["prediction"] = model.predict(features)
{%- if cookiecutter.task == 'classification' %}
    for label, column in zip(model.classes_, model.predict_proba(features).T, strict=True):
        scored[f"probability_{label}"] = column
{%- endif %}
    return scored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path, help="CSV or Parquet file with the feature columns")
    parser.add_argument("output", type=Path, help="where to write the scored rows (CSV)")
    parser.add_argument("--model-uri", default=None, help="default: models:/<name>@champion")
    args = parser.parse_args(argv)
    try:
        model, model_uri = load_model(settings(), args.model_uri)
    except MlgateError as error:
        print(
            f"predict: {error}\n  run the pipeline and `mlgate promote` first, or pass --model-uri",
            file=sys.stderr,
        )
        return 2
    scored = predict(model, read_table(args.input))
    scored.to_csv(args.output, index=False)
    print(f"predict: {len(scored)} rows scored with {model_uri} -> {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
