"""The model: preprocessing built from the schema, then the estimator chosen in params.yaml.

``preprocessing()`` turns each feature column into numbers according to its declared type
(mlgate.modeling.preprocessing): numbers get their missing values filled with the median (and
a flag saying they were missing) and are scaled; text and category columns get "missing" as a
category of its own and are one-hot encoded, a category never seen in training encoding to all
zeros; booleans become 0/1; dates become their year, month and day of week. Identifier and
excluded columns never reach the model. Replace it with your own scikit-learn transformer if
your data needs more: training{% if cookiecutter.tune == 'yes' %}, the tune stage's search{% endif %} and prediction all use what it returns.

``build_model`` puts that preprocessing in front of the estimator named by ``model.algorithm``
in params.yaml: {% if cookiecutter.task == 'classification' %}logistic_regression{% else %}ridge{% endif %}, random_forest or hist_gradient_boosting (mlgate.algorithms).
"""

from typing import Any

from mlgate.modeling import build_model as pipeline
from mlgate.modeling import preprocessing as schema_preprocessing
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.schema import CONTRACT

TASK = "{{ cookiecutter.task }}"


def preprocessing() -> Any:
    """The unfitted transformer from raw columns to model features."""
    return schema_preprocessing(CONTRACT)


def build_model(algorithm: str, params: dict[str, Any], seed: int) -> Pipeline:
    """``prepare`` (the preprocessing) then ``model`` (the estimator), seeded."""
    return pipeline(TASK, algorithm, params or {}, seed, preprocessing())
