"""The trusted types a train stage logs are exactly skops's own answer, and mlgate's models
get that answer without a second serialisation."""

from __future__ import annotations

import decimal
import warnings

import numpy as np
import pandas as pd
import pytest
import skops.io
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

from mlgate import skops_types
from mlgate.algorithms import ALGORITHMS
from mlgate.contract import from_frame
from mlgate.modeling import build_model, preprocessing
from tests.support.tables import mixed_classification, regression_with_units


def _tables(task: str) -> list[tuple[str, pd.DataFrame, str, dict[str, str]]]:
    """A table with every kind of column, and the all-numeric sample of the template."""
    if task == "classification":
        return [
            ("mixed", mixed_classification(), "segment", {"customer_id": "identifier"}),
            ("sample", load_breast_cancer(as_frame=True).frame, "target", {}),
        ]
    return [
        ("mixed", regression_with_units(), "price_eur", {}),
        ("sample", load_diabetes(as_frame=True, scaled=False).frame, "target", {}),
    ]


CASES = [
    pytest.param(task, algorithm, table, id=f"{task}-{algorithm}-{table}")
    for (task, algorithm) in sorted(ALGORITHMS)
    for table in ("mixed", "sample")
]


def _exact(model) -> list[str]:
    return skops.io.get_untrusted_types(data=skops.io.dumps(model))


@pytest.mark.parametrize(("task", "algorithm", "table"), CASES)
def test_mlgate_models_get_skops_answer_from_the_census(task, algorithm, table, monkeypatch):
    # given a model mlgate builds, fitted on a table
    _, frame, target, roles = next(t for t in _tables(task) if t[0] == table)
    contract = from_frame(frame, target=target, roles=roles)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        model = build_model(task, algorithm, {}, 0, preprocessing(contract)).fit(
            frame.drop(columns=[target]), frame[target]
        )
    exact = _exact(model)
    # when its trusted types are asked for, with serialising made impossible
    monkeypatch.setattr(skops.io, "dumps", _no_serialising)

    found = skops_types.trusted_types(model)

    # then the census knew every type, and the answer is skops's own
    assert {n for n in skops_types.type_census(model) if not skops_types._known(n)} == set()
    assert found == sorted(exact)


def _no_serialising(*args, **kwargs):
    raise AssertionError("a model mlgate builds was serialised to find its types")


def test_other_models_are_serialised_for_the_exact_answer():
    # given models made of things mlgate does not build: a function, a KD-tree, Decimals
    frame = load_breast_cancer(as_frame=True).frame.head(120)
    x, y = frame.drop(columns=["target"]), frame["target"]
    models = [
        Pipeline([("log", FunctionTransformer(np.log1p)), ("knn", KNeighborsClassifier())]),
        KNeighborsClassifier(algorithm="kd_tree"),
    ]
    fitted = [m.fit(x, y) for m in models]
    amounts = pd.DataFrame({"amount": [decimal.Decimal("1.5"), decimal.Decimal("2")] * 10})
    fitted.append(OneHotEncoder().fit(amounts))

    for model in fitted:
        # then each gets skops's exact list, whatever is in it
        assert skops_types.trusted_types(model) == _exact(model)
    assert "decimal.Decimal" in skops_types.trusted_types(fitted[-1])
