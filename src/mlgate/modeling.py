"""The model a project trains and ``mlgate tune`` searches: a prepare step, then an estimator.

Every model is the scikit-learn Pipeline ``prepare -> model``:

* :func:`preprocessing` builds the prepare step from a data contract (:mod:`mlgate.contract`):
  a ColumnTransformer over the contract's *feature* columns that turns any table a user may
  bring (text categories, booleans, dates, missing values) into one dense float array;
* :func:`build_model` puts an estimator of :mod:`mlgate.algorithms` behind it;
* :func:`project_preprocessing` chooses a project's prepare step from its settings, the same
  way for ``mlgate tune`` and for a train stage, so the tuned Pipeline is the trained one.

What each kind of feature column becomes:

=============  ==================================================================  ==========
kind           steps                                                               columns
=============  ==================================================================  ==========
numeric        median imputation with a missing-indicator column, then scaling      1 (+1)
categorical    text, missing as the category ``"missing"``, one-hot; categories     one per
               seen in fewer than ``min_frequency`` training rows (and any beyond    category
               the ``max_categories`` most frequent) share one ``infrequent``
               column, which is also where unseen categories go
boolean        0/1, missing imputed with the most frequent value, plus an           1 (+1)
               indicator
datetime       year, month and day of week (Monday = 0), then as numeric            3 (+3)
=============  ==================================================================  ==========

Identifier, excluded and target columns, and columns of kind ``other``, never reach the
estimator; they may be absent from the data a fitted model predicts on. Indicator columns
exist for the columns that had missing values in the training data. Every imputer keeps a
column that is empty in the training data, so the output width never depends on a fold.

The three small transformers below (:class:`CategoriesAsText`, :class:`BooleansAsNumbers`,
:class:`DateParts`) only normalise values for scikit-learn's own imputers and encoders; they
learn nothing. A fitted model pickles with joblib and saves with MLflow's sklearn flavor
(skops): their classes are importable wherever mlgate is installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.api import types
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from mlgate.algorithms import build_estimator
from mlgate.contract import Contract, from_frame
from mlgate.errors import ConfigError, InputError

if TYPE_CHECKING:
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    from mlgate.settings import Settings

MIN_FREQUENCY = 5
"""A category seen in fewer training rows than this has no column of its own."""
MAX_CATEGORIES = 50
"""At most this many one-hot columns per categorical feature, ``infrequent`` included."""
MISSING_CATEGORY = "missing"
"""The category a missing categorical value becomes."""
DATE_PARTS = ("year", "month", "day_of_week")
"""The numbers a datetime column becomes."""


def _column_names(X: Any) -> list[str]:
    return [str(name) for name in X.columns]


class _ColumnConverter(TransformerMixin, BaseEstimator):
    """Shared fit of the converters: remember the columns, learn nothing else."""

    def fit(self, X: Any, y: Any = None) -> _ColumnConverter:
        if isinstance(X, pd.DataFrame):
            self.feature_names_in_ = np.asarray(_column_names(X), dtype=object)
        self.n_features_in_ = np.shape(X)[1]
        return self

    def _frame(self, X: Any) -> pd.DataFrame:
        check_is_fitted(self, "n_features_in_")
        if isinstance(X, pd.DataFrame):
            return X
        return pd.DataFrame(X, columns=getattr(self, "feature_names_in_", None))


class CategoriesAsText(OneToOneFeatureMixin, _ColumnConverter):
    """Categorical columns as an object array of text, every missing value as NaN.

    Strings, pandas categories (of any category type) and object columns holding None, NaN
    or ``pd.NA`` all come out alike, as scikit-learn's imputer and one-hot encoder expect.
    """

    def transform(self, X: Any) -> np.ndarray:
        frame = self._frame(X)
        out = np.empty(frame.shape, dtype=object)
        for position, name in enumerate(frame.columns):
            column = frame[name].astype(object)
            present = column.notna()
            out[:, position] = column.map(str).where(present, np.nan).to_numpy(dtype=object)
        return out


_BOOLEAN_TEXT = {"true": 1.0, "false": 0.0, "1": 1.0, "0": 0.0, "1.0": 1.0, "0.0": 0.0}


class BooleansAsNumbers(OneToOneFeatureMixin, _ColumnConverter):
    """Boolean columns as floats: 1.0, 0.0, and NaN where missing.

    Accepts numpy ``bool``, pandas ``boolean`` (with ``pd.NA``) and object columns of
    True/False/None, 1/0, or the text ``true``/``false`` in any case. Any other value raises
    an InputError naming the column.
    """

    def transform(self, X: Any) -> np.ndarray:
        frame = self._frame(X)
        out = np.empty(frame.shape, dtype=float)
        for position, name in enumerate(frame.columns):
            out[:, position] = _flags(frame[name], str(name))
        return out


def _flags(column: pd.Series, name: str) -> np.ndarray:
    if types.is_bool_dtype(column.dtype):
        return column.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    present = column.notna().to_numpy()
    given = column[present]
    numbers = given.map(lambda value: str(value).strip().lower()).map(_BOOLEAN_TEXT)
    unknown = numbers.isna().to_numpy()
    if unknown.any():
        raise InputError(
            f"column '{name}' is a boolean feature but holds {given[unknown].iloc[0]!r}",
            hint="use True/False (or 1/0) values, or declare the column as a category "
            "in the schema",
        )
    out = np.full(len(column), np.nan)
    out[present] = numbers.to_numpy(dtype=float)
    return out


class DateParts(_ColumnConverter):
    """Datetime columns as numbers: year, month and day of week (Monday = 0), NaN where missing.

    Accepts datetime64 columns (with or without a time zone), ``datetime.date`` objects, and
    ISO 8601 text (``2024-03-31``, ``2024-03-31T12:00:00+02:00``; text with a UTC offset is
    converted to UTC). A value that is not a date raises an InputError naming the column.
    """

    def transform(self, X: Any) -> np.ndarray:
        frame = self._frame(X)
        parts = []
        for name in frame.columns:
            stamps = _timestamps(frame[name], str(name))
            parts += [stamps.dt.year, stamps.dt.month, stamps.dt.day_of_week]
        if not parts:
            return np.empty((len(frame), 0))
        return np.column_stack([part.to_numpy(dtype=float, na_value=np.nan) for part in parts])

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "n_features_in_")
        if input_features is None:
            input_features = getattr(
                self, "feature_names_in_", [f"x{i}" for i in range(self.n_features_in_)]
            )
        return np.asarray(
            [f"{name}_{part}" for name in input_features for part in DATE_PARTS], dtype=object
        )


def _timestamps(column: pd.Series, name: str) -> pd.Series:
    if types.is_datetime64_any_dtype(column.dtype):
        return column
    hint = (
        "store dates as a datetime type (e.g. in Parquet) or as ISO 8601 text such as "
        "2024-03-31 or 2024-03-31T12:00:00"
    )
    if types.is_numeric_dtype(column.dtype) or types.is_bool_dtype(column.dtype):
        raise InputError(
            f"column '{name}' is a datetime feature but holds numbers ({column.dtype})", hint=hint
        )
    parsed = pd.to_datetime(column, errors="coerce", format="ISO8601", utc=True)
    unparsed = (parsed.isna() & column.notna()).to_numpy()
    if unparsed.any():
        raise InputError(
            f"column '{name}' is a datetime feature but holds {column[unparsed].iloc[0]!r}",
            hint=hint,
        )
    return parsed


def preprocessing(
    contract: Contract,
    *,
    min_frequency: int | float = MIN_FREQUENCY,
    max_categories: int | None = MAX_CATEGORIES,
) -> ColumnTransformer:
    """The unfitted prepare step for the *feature* columns of ``contract``, as they are after
    the contract's treatments (a bucketed or hashed column is a text category; a personal column
    with no treatment is left out).

    Numeric, categorical, boolean and datetime features each get their own branch (see the
    module docstring); the output is a dense float array. ``min_frequency`` and
    ``max_categories`` are the one-hot encoder's (an int counts rows, a float in (0, 1) is a
    share of them). Raises ConfigError when the contract has no feature column to learn from.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    def numbers() -> list[tuple[str, Any]]:
        return [
            (
                "impute",
                SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
            ),
            ("scale", StandardScaler()),
        ]

    branches = {
        "numeric": Pipeline(numbers()),
        "categorical": Pipeline(
            [
                ("text", CategoriesAsText()),
                ("impute", SimpleImputer(strategy="constant", fill_value=MISSING_CATEGORY)),
                (
                    "encode",
                    OneHotEncoder(
                        handle_unknown="infrequent_if_exist",
                        min_frequency=min_frequency,
                        max_categories=max_categories,
                        sparse_output=False,
                    ),
                ),
            ]
        ),
        "boolean": Pipeline(
            [
                ("numbers", BooleansAsNumbers()),
                (
                    "impute",
                    SimpleImputer(
                        strategy="most_frequent", add_indicator=True, keep_empty_features=True
                    ),
                ),
            ]
        ),
        "datetime": Pipeline([("parts", DateParts()), *numbers()]),
    }
    # The model sees the processed data: personal columns already treated (mlgate.treatments).
    contract = contract.after_treatment()
    transformers = [
        (kind, branch, contract.features(kind))
        for kind, branch in branches.items()
        if contract.features(kind)
    ]
    if not transformers:
        raise ConfigError(
            f"the data contract has no feature column a model can learn from "
            f"({_roles_and_kinds(contract)})",
            hint="give at least one numeric, categorical, boolean or datetime column the "
            "role 'feature' (the default)",
        )
    return ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0)


def _roles_and_kinds(contract: Contract) -> str:
    if not contract.columns:
        return "it has no columns"
    return ", ".join(f"{c.name}: {c.role}, {c.kind}" for c in contract.columns)


def build_model(
    task: str, algorithm: str, params: dict[str, Any] | None, seed: int | None, prepare: Any
) -> Pipeline:
    """The unfitted Pipeline ``prepare -> model`` that a train stage fits and tune searches.

    ``model`` is :func:`mlgate.algorithms.build_estimator` (``task``, ``algorithm``,
    ``params``, ``seed``); ``prepare`` is cloned, so the object passed in stays unfitted and
    can build several models. A search samples the model's parameters as ``model__<name>``.
    """
    from sklearn.base import clone
    from sklearn.pipeline import Pipeline

    model = build_estimator(task, algorithm, params, seed)
    return Pipeline([("prepare", clone(prepare)), ("model", model)])


@dataclass(frozen=True)
class Preparation:
    """A project's prepare step and how it was chosen."""

    transformer: Any
    source: str
    """Where it comes from, for messages and reports."""
    contract: Contract | None = field(default=None, compare=False)
    """The contract it was built from; None for a project's own function."""

    def describe(self) -> dict[str, Any]:
        """The source and, when built from a contract, the columns by kind and role."""
        described: dict[str, Any] = {"source": self.source}
        if self.contract is not None:
            described["features"] = {
                kind: self.contract.features(kind)
                for kind in ("numeric", "categorical", "boolean", "datetime")
                if self.contract.features(kind)
            }
            described["not_used"] = {
                c.name: c.role if c.role != "feature" else f"kind {c.kind}"
                for c in self.contract.columns
                if c.role != "feature" or c.kind == "other"
            }
        return described


def load_preprocessing(spec: str, root: Path | None = None) -> Any:
    """The transformer returned by the zero-argument function ``spec`` names.

    ``spec`` is ``"package.module:function"``, imported with ``root`` and ``root/src`` on
    ``sys.path``. Raises InputError when the function cannot be imported or called, or does
    not return an unfitted scikit-learn transformer (something ``clone`` copies, with ``fit``
    and ``transform``).
    """
    from sklearn.base import clone

    from mlgate.project_objects import import_object

    where = f"preprocessing '{spec}'"
    function = import_object(
        spec, root, what="preprocessing", example="my_package.features:preprocessing"
    )
    if not callable(function):
        raise InputError(
            f"{where}: is a {type(function).__name__}, not a function",
            hint="name a function that takes no arguments and returns a transformer",
        )
    try:
        transformer = function()
    except Exception as error:  # the user's function may raise anything
        raise InputError(
            f"{where}: calling it failed ({type(error).__name__}: {error})",
            hint="it is called with no arguments and must return an unfitted transformer",
        ) from error
    if not (hasattr(transformer, "fit") and hasattr(transformer, "transform")):
        raise InputError(
            f"{where}: returned a {type(transformer).__name__}, not a transformer",
            hint="return e.g. a scikit-learn ColumnTransformer or Pipeline (fit and transform)",
        )
    try:
        clone(transformer)
    except Exception as error:  # clone raises TypeError or RuntimeError
        raise InputError(
            f"{where}: returned a {type(transformer).__name__} that scikit-learn cannot clone "
            f"({error})",
            hint="build it from scikit-learn estimators, or give it get_params/set_params",
        ) from error
    return transformer


def project_contract(settings: Settings | None, target: str | None = None) -> Contract | None:
    """The contract of the schema the project's settings name, or None without a schema.

    The target is the schema's column with the role ``target``. A schema that gives no column
    that role gets it on ``target`` (default: ``[tool.mlgate] target``) if it has that column,
    so a schema written without roles still keeps the label out of the features. A ``target``
    that contradicts the schema's is a ConfigError. A relative path to a YAML schema is taken
    relative to the project root.
    """
    if settings is None or not settings.schema:
        return None
    from dataclasses import replace

    contract = settings.contract()
    if contract.target is None:
        label = target or settings.target
        return Contract(
            tuple(replace(c, role="target") if c.name == label else c for c in contract.columns)
        )
    if target is not None and target != contract.target:
        raise ConfigError(
            f"the target is '{target}' but the schema {settings.schema} gives the role "
            f"'target' to '{contract.target}'",
            hint="make them agree: pass --target / set [tool.mlgate] target to the schema's "
            "target, or change the roles in the schema",
        )
    return contract


def project_preprocessing(
    settings: Settings | None, features: Any = None, target: str | None = None
) -> Preparation:
    """A project's prepare step, chosen in this order:

    1. ``[tool.mlgate] preprocessing = "package.module:function"``: what that function returns;
    2. ``[tool.mlgate] schema``: :func:`preprocessing` of the schema's contract, whose target
       is ``target`` as :func:`project_contract` settles it;
    3. otherwise :func:`preprocessing` of the contract ``features`` (a DataFrame without the
       target) implies: kinds from its dtypes, every column a feature.

    ``mlgate tune`` chooses with this function; a train stage that calls it too (or builds
    the same step) fits exactly the Pipeline the search scored.
    """
    spec = settings.extra.get("preprocessing") if settings is not None else None
    if spec is not None:
        if not isinstance(spec, str):
            raise ConfigError(
                f"{settings.root / 'pyproject.toml'}: [tool.mlgate] preprocessing = {spec!r} "
                "is not a 'package.module:function' string",
                hint='e.g. preprocessing = "my_package.features:preprocessing"',
            )
        return Preparation(load_preprocessing(spec, settings.root), f"function {spec}")
    contract = project_contract(settings, target)
    if contract is not None:
        return Preparation(preprocessing(contract), f"schema {settings.schema}", contract)
    if features is None:
        raise ConfigError(
            "no prepare step: the project names no preprocessing function and no schema, "
            "and no data was given to infer the columns from",
            hint="set [tool.mlgate] schema (or preprocessing), or pass the training features",
        )
    contract = from_frame(features)
    return Preparation(preprocessing(contract), "inferred from the data's column types", contract)
