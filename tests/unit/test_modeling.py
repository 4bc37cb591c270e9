"""The prepare step and the model on tables shaped like real ones (tests/support/tables.py)."""

from __future__ import annotations

import importlib
import io
import sys
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import StandardScaler

from mlgate.algorithms import ALGORITHMS
from mlgate.contract import from_frame
from mlgate.errors import ConfigError, InputError
from mlgate.modeling import (
    BooleansAsNumbers,
    DateParts,
    build_model,
    preprocessing,
    project_contract,
    project_preprocessing,
)
from mlgate.settings import load_settings
from tests.support.tables import (
    CLASSES,
    MIXED_SCHEMA_SOURCE,
    mixed_classification,
    regression_with_units,
)

ROLES = {"customer_id": "identifier", "batch": "excluded"}
NOT_LEARNED = ("customer_id", "batch", "segment")


@pytest.fixture(scope="module")
def mixed() -> pd.DataFrame:
    return mixed_classification()


@pytest.fixture(scope="module")
def contract(mixed):
    return from_frame(mixed, target="segment", roles=ROLES)


def _split(frame: pd.DataFrame, target: str) -> tuple[pd.DataFrame, pd.Series]:
    return frame.drop(columns=[target]), frame[target]


@pytest.fixture(scope="module")
def fitted(mixed, contract):
    """A random forest fitted on the mixed table: the model the round trips must reproduce."""
    X, y = _split(mixed, "segment")
    return build_model(
        "classification", "random_forest", {"n_estimators": 30}, 0, preprocessing(contract)
    ).fit(X, y)


def _algorithms(task: str) -> list[str]:
    return sorted(name for (kind, name) in ALGORITHMS if kind == task)


@pytest.mark.parametrize("algorithm", _algorithms("classification"))
def test_every_classifier_fits_and_predicts_the_mixed_table(mixed, contract, algorithm):
    # given 200 training rows of the mixed table, and 100 held out
    X, y = _split(mixed, "segment")
    model = build_model("classification", algorithm, {}, 0, preprocessing(contract))
    # when the model is fitted and predicts the held-out rows
    model.fit(X.iloc[:200], y.iloc[:200])
    predicted = model.predict(X.iloc[200:])
    # then it predicts the string labels and learns something (chance is 1/3)
    assert set(predicted) <= set(CLASSES)
    assert (predicted == y.iloc[200:].to_numpy()).mean() > 0.5


@pytest.mark.parametrize("algorithm", _algorithms("regression"))
def test_every_regressor_fits_and_predicts_a_table_with_units(algorithm):
    # given flats with an area in m², a room count, a district with missing values and a price
    frame = regression_with_units()
    X, y = _split(frame, "price_eur")
    model = build_model("regression", algorithm, {}, 0, preprocessing(from_frame(X)))
    # when fitted on 200 rows
    model.fit(X.iloc[:200], y.iloc[:200])
    # then it explains most of the held-out price
    assert model.score(X.iloc[200:], y.iloc[200:]) > 0.7


def test_an_unseen_category_without_rare_ones_is_all_zeros_without_warning():
    # given districts that are all frequent, so there is no infrequent column
    frame = regression_with_units()
    X, y = _split(frame, "price_eur")
    model = build_model("regression", "ridge", {}, 0, preprocessing(from_frame(X))).fit(X, y)
    prepare = model.named_steps["prepare"]
    assert prepare.named_transformers_["categorical"]["encode"].infrequent_categories_ == [None]
    # when a row names a district never seen in training
    row = X.iloc[[0]].assign(district=pd.array(["airport"], dtype="str"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        encoded = prepare.transform(row)
        model.predict(row)
    # then its one-hot columns are all zero
    names = list(prepare.get_feature_names_out())
    districts = [i for i, name in enumerate(names) if name.startswith("categorical__district_")]
    assert len(districts) == 5  # centre, east, harbour, north, missing
    assert not encoded[0, districts].any()


def test_the_prepare_step_covers_each_kind_and_nothing_else(fitted):
    # when the fitted prepare step names its output columns
    names = list(fitted.named_steps["prepare"].get_feature_names_out())
    # then every feature is there, by kind, and no identifier, excluded or target column is
    assert names == [
        "numeric__weight_kg",
        "numeric__visits",
        "numeric__missingindicator_weight_kg",
        "categorical__plan_basic",
        "categorical__plan_missing",
        "categorical__plan_plus",
        "categorical__plan_pro",
        "categorical__plan_infrequent_sklearn",
        "boolean__newsletter",
        "boolean__missingindicator_newsletter",
        "datetime__signed_up_year",
        "datetime__signed_up_month",
        "datetime__signed_up_day_of_week",
    ]
    assert not [n for n in names if any(column in n for column in NOT_LEARNED)]


def test_the_output_is_a_dense_float_array_with_scaled_numbers(mixed, fitted):
    X, _ = _split(mixed, "segment")
    out = fitted.named_steps["prepare"].transform(X)
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.float64
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out[:, 0].mean(), 0.0, atol=1e-9)  # weight_kg, imputed, scaled
    np.testing.assert_allclose(out[:, 0].std(), 1.0, atol=1e-9)


def test_identifier_and_excluded_values_do_not_change_predictions(mixed, fitted):
    # given the training rows with the identifier and the excluded column shuffled or dropped
    X, _ = _split(mixed, "segment")
    shuffled = X.assign(
        customer_id=X["customer_id"].sample(frac=1.0, random_state=1).to_numpy(),
        batch="another batch",
    )
    # then the predictions are the same, and the model does not need those columns at all
    expected = fitted.predict_proba(X)
    np.testing.assert_array_equal(fitted.predict_proba(shuffled), expected)
    np.testing.assert_array_equal(
        fitted.predict_proba(X.drop(columns=["customer_id", "batch"])), expected
    )


def test_rare_and_unseen_categories_share_the_infrequent_column(mixed, fitted):
    # given the rare plan "legacy" (2 training rows): it has no column of its own
    X, _ = _split(mixed, "segment")
    encoder = fitted.named_steps["prepare"].named_transformers_["categorical"]["encode"]
    assert [list(group) for group in encoder.infrequent_categories_] == [["legacy"]]
    # when a row gets a plan never seen in training, and the same row gets "legacy"
    row = X.iloc[[0]]
    unseen = row.assign(plan=pd.array(["platinum"], dtype="str"))
    rare = row.assign(plan=pd.array(["legacy"], dtype="str"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from_unseen = fitted.predict_proba(unseen)
    # then both are encoded alike, without a warning
    np.testing.assert_array_equal(from_unseen, fitted.predict_proba(rare))


def test_missing_values_at_predict_time_are_imputed_from_training(mixed, fitted):
    # given a row whose count, date and flag are missing, though training had none missing there
    X, _ = _split(mixed, "segment")
    row = X.iloc[[3]].copy()
    gaps = row.assign(
        visits=pd.array([pd.NA], dtype="Int64"),
        signed_up=pd.NaT,
        plan=pd.array([np.nan], dtype="str"),
    )
    # when it is predicted, then no warning is raised, and the result is that of the training
    # medians for the count and the date parts, and of the category "missing" for the plan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = fitted.named_steps["prepare"].transform(gaps)
        fitted.predict(gaps)
    numeric = fitted.named_steps["prepare"].named_transformers_["numeric"]
    visits_median = numeric["impute"].statistics_[1]
    assert visits_median == X["visits"].median()
    names = list(fitted.named_steps["prepare"].get_feature_names_out())
    assert out[0, names.index("categorical__plan_missing")] == 1.0
    dates = fitted.named_steps["prepare"].named_transformers_["datetime"]
    np.testing.assert_allclose(
        dates["impute"].statistics_,
        [
            X["signed_up"].dt.year.median(),
            X["signed_up"].dt.month.median(),
            X["signed_up"].dt.day_of_week.median(),
        ],
    )


def _as_csv(frame: pd.DataFrame) -> pd.DataFrame:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    buffer.seek(0)
    return pd.read_csv(buffer)


def _as_parquet(frame: pd.DataFrame, tmp_path) -> pd.DataFrame:
    frame.to_parquet(tmp_path / "t.parquet")
    return pd.read_parquet(tmp_path / "t.parquet")


def test_the_dtypes_pandas_reads_give_the_same_features(mixed, contract, tmp_path):
    # given the mixed table as pandas builds it, and as read back from CSV (text dates,
    # object booleans with NaN), from Parquet, and with object/None text, a category dtype
    # and a nullable Int64 count
    X, _ = _split(mixed, "segment")
    variants = {
        "csv": _as_csv(X),
        "parquet": _as_parquet(X, tmp_path),
        "object": X.assign(
            plan=X["plan"].astype(object).where(X["plan"].notna(), None),
            newsletter=X["newsletter"].astype(object).where(X["newsletter"].notna(), None),
        ),
        "category": X.assign(plan=X["plan"].astype("category")),
        "Int64": X.assign(visits=X["visits"].astype("Int64")),
    }
    assert variants["csv"]["signed_up"].dtype == "str"
    assert variants["csv"]["newsletter"].dtype == object
    # when the prepare step of the contract is fitted on each
    expected = clone(preprocessing(contract)).fit_transform(X)
    for name, variant in variants.items():
        # then every variant gives exactly the same numbers
        out = clone(preprocessing(contract)).fit_transform(variant)
        np.testing.assert_array_equal(out, expected, err_msg=name)


def test_text_dates_with_offsets_and_date_objects_become_parts():
    # given dates as ISO text (one with a UTC offset, one missing) and as datetime.date objects
    frame = pd.DataFrame(
        {
            "text": pd.array(["2024-03-31", "2024-12-30T23:30:00-02:00", None], dtype="str"),
            "dates": pd.Series(pd.to_datetime(["2024-03-31", "2025-01-01", None]).date),
        }
    )
    # when split into parts
    parts = DateParts().fit(frame)
    out = parts.transform(frame)
    # then each gives year, month and day of week (Monday = 0); the offset moves to UTC
    assert list(parts.get_feature_names_out()) == [
        "text_year",
        "text_month",
        "text_day_of_week",
        "dates_year",
        "dates_month",
        "dates_day_of_week",
    ]
    np.testing.assert_array_equal(out[0], [2024, 3, 6, 2024, 3, 6])
    np.testing.assert_array_equal(out[1], [2024, 12, 1, 2025, 1, 2])
    assert np.isnan(out[2]).all()


@pytest.mark.parametrize(
    ("transformer", "values", "fragment"),
    [
        (
            DateParts(),
            ["2024-01-02", "next tuesday"],
            "is a datetime feature but holds 'next tuesday'",
        ),
        (DateParts(), [20240102, 20240103], "is a datetime feature but holds numbers"),
        (BooleansAsNumbers(), [True, "maybe"], "is a boolean feature but holds 'maybe'"),
    ],
)
def test_values_that_are_not_of_the_declared_kind_are_named(transformer, values, fragment):
    # given a column whose values do not fit its kind
    frame = pd.DataFrame(
        {"when": pd.Series(values, dtype=object if isinstance(values[1], str) else None)}
    )
    # when converted, then the error names the column and the value
    with pytest.raises(InputError) as raised:
        transformer.fit_transform(frame)
    assert raised.value.message.startswith("column 'when'")
    assert fragment in raised.value.message


def test_booleans_of_every_spelling_become_zero_one_and_nan():
    frame = pd.DataFrame(
        {
            "numpy": [True, False, True],
            "nullable": pd.array([True, None, False], dtype="boolean"),
            "objects": pd.Series([False, None, True], dtype=object),
            "text": pd.Series(["TRUE", "false", np.nan], dtype=object),
            "numbers": pd.Series([1, 0, None], dtype="Int64"),
        }
    )
    out = BooleansAsNumbers().fit_transform(frame)
    np.testing.assert_array_equal(
        out,
        [[1, 1, 0, 1, 1], [0, np.nan, np.nan, 0, 0], [1, 0, 1, np.nan, np.nan]],
    )


def test_a_contract_without_features_is_a_config_error():
    # given a table whose only columns are an identifier, a target and a kind nothing learns
    frame = pd.DataFrame({"id": ["a", "b"], "wait": pd.to_timedelta([1, 2], unit="D"), "y": [0, 1]})
    contract = from_frame(frame, target="y", roles={"id": "identifier"})
    # when a prepare step is asked for, then the error lists every column's role and kind
    with pytest.raises(ConfigError) as raised:
        preprocessing(contract)
    assert "no feature column a model can learn from" in raised.value.message
    assert "id: identifier, categorical" in raised.value.message
    assert "wait: feature, other" in raised.value.message
    assert "role 'feature'" in raised.value.hint


def test_build_model_is_prepare_then_model_with_a_fresh_prepare_step():
    prepare = StandardScaler()
    model = build_model("regression", "linear", {"alpha": 2.0}, 4, prepare)
    assert list(model.named_steps) == ["prepare", "model"]
    assert model.named_steps["prepare"] is not prepare
    assert model.get_params()["model__alpha"] == 2.0


def test_joblib_round_trip_predicts_the_same(mixed, fitted, tmp_path):
    X, _ = _split(mixed, "segment")
    joblib.dump(fitted, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))


def test_mlflow_round_trip_predicts_the_same(mixed, fitted, tmp_path, monkeypatch):
    # given the fitted model logged as a train stage logs it, to a fresh sqlite store
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    import mlflow
    import skops.io
    from mlflow.models import infer_signature

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    X, _ = _split(mixed, "segment")
    example = X.head(5)
    experiment = mlflow.create_experiment("modeling", artifact_location=(tmp_path / "a").as_uri())
    with warnings.catch_warnings(), mlflow.start_run(experiment_id=experiment):
        # MLflow's notes on integer columns and dataset sources are advice, not problems.
        warnings.filterwarnings("ignore", category=UserWarning, module="mlflow")
        logged = mlflow.sklearn.log_model(
            fitted,
            name="model",
            signature=infer_signature(example, fitted.predict(example)),
            input_example=example,
            pip_requirements=["scikit-learn", "pandas", "numpy", "skops", "mlgate"],
            skops_trusted_types=skops.io.get_untrusted_types(data=skops.io.dumps(fitted)),
        )
    # when it is loaded back through the sklearn flavor
    loaded = mlflow.sklearn.load_model(logged.model_uri)
    # then it predicts exactly the same
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
    assert isinstance(loaded.named_steps["prepare"], ColumnTransformer)


@pytest.fixture
def fresh_imports(monkeypatch):
    """Each test's project package ``shop`` is imported from that test's folder: the import
    system forgets it afterwards, and sys.path is restored."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    importlib.invalidate_caches()
    yield
    for name in [m for m in sys.modules if m == "shop" or m.startswith("shop.")]:
        del sys.modules[name]


def _project(root, extra: str = "") -> None:
    """A minimal project folder: [tool.mlgate] settings and a src/ package to import from."""
    (root / "src" / "shop").mkdir(parents=True)
    (root / "src" / "shop" / "__init__.py").write_text("", encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f"[project]\nname = 'shop'\nversion = '0'\n\n[tool.mlgate]\n{extra}", encoding="utf-8"
    )


def test_a_project_without_schema_or_function_infers_from_the_data(tmp_path, mixed):
    _project(tmp_path)
    X, _ = _split(mixed, "segment")
    chosen = project_preprocessing(load_settings(tmp_path), X)
    assert chosen.source == "inferred from the data's column types"
    assert chosen.describe()["features"]["categorical"] == ["customer_id", "plan", "batch"]


def test_a_project_schema_gives_kinds_and_roles(tmp_path, mixed, fresh_imports):
    # given a project whose schema declares the identifier, excluded and target columns
    _project(tmp_path, 'schema = "shop.schema:Customers"\n')
    (tmp_path / "src" / "shop" / "schema.py").write_text(MIXED_SCHEMA_SOURCE, encoding="utf-8")
    # when the project's prepare step is chosen (no data needed)
    chosen = project_preprocessing(load_settings(tmp_path))
    # then it is built from the schema's contract and leaves those columns out
    assert chosen.source == "schema shop.schema:Customers"
    assert chosen.describe()["features"] == {
        "numeric": ["weight_kg", "visits"],
        "categorical": ["plan"],
        "boolean": ["newsletter"],
        "datetime": ["signed_up"],
    }
    assert chosen.describe()["not_used"] == {
        "customer_id": "identifier",
        "batch": "excluded",
        "segment": "target",
    }
    X, y = _split(mixed, "segment")
    model = build_model("classification", "linear", {}, 0, chosen.transformer).fit(X, y)
    assert model.score(X, y) > 0.6


def test_a_schema_without_roles_takes_the_settings_target(tmp_path, fresh_imports):
    # given a schema that gives no column a role, and [tool.mlgate] target = "price"
    _project(tmp_path, 'schema = "shop.schema:Flats"\ntarget = "price"\n')
    (tmp_path / "src" / "shop" / "schema.py").write_text(
        "import pandera.pandas as pa\nfrom pandera.typing import Series\n\n\n"
        "class Flats(pa.DataFrameModel):\n"
        "    area: Series[float]\n    rooms: Series[int]\n    price: Series[float]\n",
        encoding="utf-8",
    )
    settings = load_settings(tmp_path)
    # when its contract is read, then the settings' target is the target, not a feature
    assert project_contract(settings).target == "price"
    assert project_preprocessing(settings).contract.features() == ["area", "rooms"]
    # and a target given explicitly (e.g. --target) takes the role instead
    assert project_contract(settings, "rooms").features() == ["area", "price"]


def test_a_target_against_the_schema_is_a_config_error(tmp_path, fresh_imports):
    _project(tmp_path, 'schema = "shop.schema:Customers"\n')
    (tmp_path / "src" / "shop" / "schema.py").write_text(MIXED_SCHEMA_SOURCE, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        project_preprocessing(load_settings(tmp_path), target="visits")
    assert raised.value.message == (
        "the target is 'visits' but the schema shop.schema:Customers gives the role 'target' "
        "to 'segment'"
    )


def test_a_project_function_is_imported_from_src(tmp_path, fresh_imports):
    # given a project naming its own preprocessing function in src/shop/features.py
    _project(tmp_path, 'preprocessing = "shop.features:prepare"\n')
    (tmp_path / "src" / "shop" / "features.py").write_text(
        "from sklearn.preprocessing import StandardScaler\n\n"
        "def prepare():\n    return StandardScaler(with_mean=False)\n",
        encoding="utf-8",
    )
    # when the project's prepare step is chosen
    chosen = project_preprocessing(load_settings(tmp_path))
    # then it is what that function returns
    assert chosen.source == "function shop.features:prepare"
    assert isinstance(chosen.transformer, StandardScaler)
    assert chosen.transformer.with_mean is False
    assert chosen.describe() == {"source": "function shop.features:prepare"}


@pytest.mark.parametrize(
    ("spec", "module", "fragment"),
    [
        ("shop.nowhere:prepare", None, "module 'shop.nowhere' failed to import"),
        ("shop.bad:prepare", "prepare = 3\n", "is a int, not a function"),
        ("shop.bad:prepare", "def prepare():\n    return 3\n", "returned a int, not a transformer"),
        (
            "shop.bad:prepare",
            "def prepare():\n    raise RuntimeError('boom')\n",
            "calling it failed",
        ),
        ("shop.bad:other", "def prepare():\n    pass\n", "module 'shop.bad' has no 'other'"),
        ("shop.bad", "", "expected 'package.module:attribute'"),
    ],
)
def test_a_broken_project_function_is_an_input_error(
    tmp_path, fresh_imports, spec, module, fragment
):
    _project(tmp_path, f'preprocessing = "{spec}"\n')
    if module is not None:
        (tmp_path / "src" / "shop" / "bad.py").write_text(module, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        project_preprocessing(load_settings(tmp_path))
    assert raised.value.message.startswith(f"preprocessing '{spec}'")
    assert fragment in raised.value.message
