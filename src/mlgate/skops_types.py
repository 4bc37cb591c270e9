"""The types skops must be told to trust to load a logged model, found without serialising it.

MLflow saves scikit-learn models with skops, which loads only the types it trusts by default
(scikit-learn's estimators, NumPy arrays and scalars, Python containers) plus those the model's
MLmodel lists as trusted. The exact list of the others is
``skops.io.get_untrusted_types(data=skops.io.dumps(model))``: a whole extra serialisation, as
slow as MLflow's own save of the model.

:func:`trusted_types` gives the same list without it for the models mlgate builds (its prepare
step, :mod:`mlgate.modeling`, in front of an estimator of :mod:`mlgate.algorithms`). A pickle
pass that writes nothing lists every class and object type in the model (the *census*, a few
milliseconds); when each of them is one that such models are made of (:data:`KNOWN`), the
untrusted types follow from the census directly (:data:`UNTRUSTED`). Any other model (a custom
transformer, a scikit-learn estimator mlgate does not build, an unusual value in a fitted
attribute) gets the exact list the slow way. tests/unit/test_skops_types.py checks, for every
algorithm on tables with every kind of column, that the census lies within :data:`KNOWN` and
that the answer is exactly skops's.
"""

from __future__ import annotations

import pickle
import types
from typing import Any

UNTRUSTED = (
    "mlgate.modeling.BooleansAsNumbers",
    "mlgate.modeling.CategoriesAsText",
    "mlgate.modeling.DateParts",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.tree._tree.Tree",
)
"""Object types of mlgate's models that skops does not trust by default, named as skops names
them (a NumPy dtype object, of any of ``numpy.dtypes``' classes, is skops's ``numpy.dtype``)."""

KNOWN = frozenset(
    {
        *UNTRUSTED,
        "builtins.slice",
        "numpy.dtype",
        "numpy.ndarray",
        "numpy.float64",
        "numpy.int64",
        "numpy.uint64",
        "numpy.random._generator.Generator",
        "numpy.random._pcg64.PCG64",
        "numpy.random.bit_generator.SeedSequence",
        "sklearn._loss._loss.CyHalfBinomialLoss",
        "sklearn._loss._loss.CyHalfMultinomialLoss",
        "sklearn._loss._loss.CyHalfSquaredError",
        "sklearn._loss.link.IdentityLink",
        "sklearn._loss.link.Interval",
        "sklearn._loss.link.LogitLink",
        "sklearn._loss.link.MultinomialLogit",
        "sklearn._loss.loss.HalfBinomialLoss",
        "sklearn._loss.loss.HalfMultinomialLoss",
        "sklearn._loss.loss.HalfSquaredError",
        "sklearn.compose._column_transformer.ColumnTransformer",
        "sklearn.ensemble._forest.RandomForestClassifier",
        "sklearn.ensemble._forest.RandomForestRegressor",
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
        "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingRegressor",
        "sklearn.impute._base.MissingIndicator",
        "sklearn.impute._base.SimpleImputer",
        "sklearn.linear_model._logistic.LogisticRegression",
        "sklearn.linear_model._ridge.Ridge",
        "sklearn.pipeline.Pipeline",
        "sklearn.preprocessing._data.StandardScaler",
        "sklearn.preprocessing._encoders.OneHotEncoder",
        "sklearn.preprocessing._label.LabelEncoder",
        "sklearn.tree._classes.DecisionTreeClassifier",
        "sklearn.tree._classes.DecisionTreeRegressor",
    }
)
"""The classes (and types of objects) that models mlgate builds are made of. NumPy dtype
objects, NumPy's pickle helpers and Cython's function objects (the reduced form of some
scikit-learn internals) are recognised by their modules."""

_DTYPE = "numpy.dtype"


def trusted_types(model: Any) -> list[str]:
    """What skops needs listed as trusted to load ``model``: skops's own answer, found from the
    census for the models mlgate builds and by serialising the model otherwise."""
    census = type_census(model)
    if all(_known(name) for name in census):
        found = {name for name in census if name in UNTRUSTED}
        if any(name.startswith("numpy.dtypes.") for name in census):
            found.add(_DTYPE)
        return sorted(found)
    import skops.io

    return skops.io.get_untrusted_types(data=skops.io.dumps(model))


def type_census(model: Any) -> set[str]:
    """``module.qualname`` of every class, function and object type the model's pickle holds."""
    census = _Census()
    census.dump(model)
    return census.seen


def _known(name: str) -> bool:
    return (
        name in KNOWN
        or name.startswith("numpy.dtypes.")
        or name.startswith(("numpy._core.multiarray.", "numpy.core.multiarray."))
        or name.startswith("numpy.random._pickle.")
        or (name.startswith("_cython_") and name.endswith(".cython_function_or_method"))
    )


class _Sink:
    def write(self, data: bytes) -> int:
        return len(data)


class _Census(pickle.Pickler):
    """A pickler that writes nothing and notes what it meets (``reducer_override`` sees every
    object but the plain numbers, strings, bytes and containers)."""

    def __init__(self) -> None:
        super().__init__(_Sink(), protocol=4)
        self.seen: set[str] = set()

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, type | types.FunctionType | types.BuiltinFunctionType):
            module = getattr(obj, "__module__", None)
            self.seen.add(f"{module}.{obj.__qualname__}")
        else:
            kind = type(obj)
            self.seen.add(f"{kind.__module__}.{kind.__qualname__}")
        return NotImplemented
