"""The pieces of the gate: tests, tolerances, schema loading, report rendering."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from scipy import stats as scipy_stats
from validation_corpus import synthetic_frame

from mlgate.errors import ConfigError, InputError
from mlgate.profiling import build_profile
from mlgate.validation import resolve_tolerances, validate
from mlgate.validation import stats as checks_stats
from mlgate.validation.schema_loading import load_schema
from tests.unit.contention import competing_processes


def test_two_sample_chi_square_matches_scipy() -> None:
    # given baseline fractions over 4 bins and new counts
    fractions, base_n, counts = [0.25, 0.25, 0.25, 0.25], 400, [30, 20, 25, 45]

    # when the PSI check computes its p-value
    _, p = checks_stats.psi(fractions, base_n, counts)

    # then it is scipy's chi-square homogeneity test on the two count rows
    expected = scipy_stats.chi2_contingency([[100, 100, 100, 100], counts]).pvalue
    assert p == pytest.approx(expected)


def test_std_test_needs_more_evidence_on_heavy_tails() -> None:
    # given the same 1.4x spread change, once for normal data, once for heavy-tailed data
    _, p_normal = checks_stats.std_ratio(1.0, 500, 1.4, 500, kurtosis=0.0)
    _, p_heavy = checks_stats.std_ratio(1.0, 500, 1.4, 500, kurtosis=30.0)

    # then heavy tails make the change less significant
    assert p_normal < 1e-6 < p_heavy


def test_fisher_z_detects_a_reversed_correlation() -> None:
    effect, p = checks_stats.correlation_change(0.6, 300, -0.6, 300)
    assert effect == pytest.approx(1.2)
    assert p < 1e-12


def test_normal_test_p_values_are_scipy_stats_own_far_into_the_tail() -> None:
    for base_r, r, n in [(0.3, 0.25, 500), (0.6, -0.6, 300), (0.3, 0.5, 5_000)]:
        # given two correlations whose change is small, clear, or beyond doubt
        _, p = checks_stats.correlation_change(base_r, 2_000, r, n)

        # then the p-value is scipy.stats' normal survival function of Fisher's z
        z = (np.arctanh(r) - np.arctanh(base_r)) / np.sqrt(1 / (n - 3) + 1 / (2_000 - 3))
        assert p == pytest.approx(2 * scipy_stats.norm.sf(abs(z)), rel=1e-12, abs=0)
    assert 0 < p < 1e-15, "a p-value in the tail stays a number, not 1 - 1"


def test_chi_square_p_values_match_scipy_on_two_and_many_cells() -> None:
    # given count rows of two categories (Yates' correction) and of six
    for first, second in [([40, 60], [55, 45]), ([5, 9, 30, 2, 0, 14], [7, 2, 41, 6, 3, 1])]:
        # then the two-sample p-value is scipy's chi-square homogeneity test
        expected = scipy_stats.chi2_contingency(
            np.array([first, second])[:, np.add(first, second) > 0]
        ).pvalue
        assert checks_stats._two_samples(first, second) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("label", ["two classes", "three classes", "regression"])
def test_columns_observed_on_several_threads_give_the_checks_of_one(monkeypatch, label) -> None:
    from mlgate.validation import gate

    # given a table as real ones come: missing values, integers with gaps, a float32 unit
    # column, text categories, an id, dates, a label of two or three classes or a number, and
    # a batch that drifted, gained infinities and duplicates, and turned a column into text
    rng = np.random.default_rng(11)

    def table(rows: int, drift: float) -> pd.DataFrame:
        frame = synthetic_frame(rows, seed=int(drift * 10) + 3)
        if label == "three classes":
            frame["target"] = pd.cut(
                frame["size"] + rng.normal(0, 2, rows), [-np.inf, 6, 10, np.inf],
                labels=["small", "medium", "large"],
            ).astype(str)  # fmt: skip
        elif label == "regression":
            frame["target"] = 1.5 * frame["weight"] + rng.normal(0, 3, rows)
        frame["customer_id"] = np.arange(rows) + (10_000 if drift else 0)
        frame["age"] = pd.array(rng.integers(18, 90, rows), dtype="Int64")
        frame.loc[frame.index[::9], "age"] = pd.NA
        frame["temp_c"] = (rng.normal(20 + 5 * drift, 4, rows)).astype("float32")
        frame["joined"] = pd.date_range("2024-01-01", periods=rows, freq="h")
        frame["income"] = np.where(rng.random(rows) < 0.1, np.nan, rng.gamma(2, 2e4, rows))
        return frame

    base = table(3_000, 0.0)
    batch = table(2_500, 1.0)
    batch.loc[batch.index[:40], "income"] = np.inf
    batch = pd.concat([batch, batch.iloc[:100]], ignore_index=True)
    batch["score"] = batch["score"].round(1).astype(str)
    profile = build_profile(base, target="target")

    # when the batch is validated with one worker thread on an idle machine, then with one
    # per column while other processes compete for the CPU
    monkeypatch.setattr(gate, "_threads", lambda: 1)
    alone = validate(batch, baseline=profile).to_dict()
    monkeypatch.setattr(gate, "_threads", lambda: 8)
    with competing_processes(2):
        threaded = validate(batch, baseline=profile).to_dict()

    # then the checks, their order, values and verdicts are the same
    assert alone == threaded
    checks = {c["check"] for c in threaded["checks"]}
    on_target = {c["check"] for c in threaded["checks"] if c["column"] == "target"}
    assert {"feature_correlation", "duplicate_rows"} <= checks
    if label == "three classes":  # text classes: judged as a category, no correlation
        assert {"category_frequencies", "unseen_categories"} <= on_target
    else:  # a number the features are correlated with, observed on a worker
        assert {"mean", "std"} <= on_target and "target_correlation" in checks
    failed = {(c["column"], c["check"]) for c in threaded["checks"] if not c["passed"]}
    assert {("temp_c", "mean"), ("income", "infinite_values"), ("score", "dtype")} <= failed
    assert ("size", "mean") not in failed


def test_tolerances_reject_unknown_keys_and_bad_values() -> None:
    with pytest.raises(ConfigError, match="unknown tolerance 'mean_shfit'"):
        resolve_tolerances({"mean_shfit": 0.3})
    with pytest.raises(ConfigError, match="alpha"):
        resolve_tolerances({"alpha": 2})
    with pytest.raises(ConfigError, match="whole table"):
        resolve_tolerances({"columns": {"x": {"alpha": 0.1}}})
    tolerances = resolve_tolerances({"mean_shift": 0.5, "columns": {"x": {"mean_shift": None}}})
    assert tolerances.get("mean_shift") == 0.5 and tolerances.get("mean_shift", "x") is None


def _frame(seed: int = 0, rows: int = 400) -> pd.DataFrame:
    """A small numeric table with a label, for gate-level behaviour."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, rows)
    return pd.DataFrame({"x": x, "z": rng.normal(5, 2, rows), "label": (x > 0).astype(int)})


def test_per_column_override_turns_a_check_off() -> None:
    # given a shifted column and a tolerance that switches its mean check off
    base = build_profile(_frame(), target="label")
    moved = _frame(1)
    moved["z"] += 2

    # when validated with and without the override
    strict = validate(moved, baseline=base)
    loose = validate(moved, baseline=base, tolerances={"columns": {"z": {"mean_shift": None}}})

    # then only the strict run reports z/mean
    assert any(c.column == "z" and c.check == "mean" for c in strict.failures)
    assert not any(c.column == "z" and c.check == "mean" for c in loose.checks)


def test_report_json_and_markdown_list_failures_first() -> None:
    # given a report with a failure
    base = build_profile(_frame(), target="label")
    moved = _frame(2)
    moved["x"] = moved["x"] * 3
    report = validate({"new": moved}, baseline=base)

    # when rendered
    data = json.loads(report.to_json())
    markdown = report.to_markdown()

    # then JSON has the gate keys and each check's fields; Markdown leads with the failures
    assert data["gate"] == "validate" and data["verdict"] == "fail"
    assert data["counts"]["failed"] == len(report.failures) > 0
    failure = next(c for c in data["checks"] if not c["passed"])
    for key in ("layer", "dataset", "column", "check", "baseline", "observed", "tolerance"):
        assert key in failure
    assert failure["dataset"] == "new"
    assert markdown.index("#### Failures") < markdown.index("#### Checks per layer")
    assert "| new | distribution | x | std |" in markdown


def test_failing_rows_are_sampled_and_bounded() -> None:
    # given 40 values far beyond the baseline's range
    base = build_profile(_frame(), target="label")
    bad = _frame(3)
    bad.loc[:39, "z"] = 1e6

    # when validated with 3 samples per failure
    report = validate(bad, baseline=base, tolerances={"failure_samples": 3})

    # then the range check lists 3 failing rows with their values
    check = next(c for c in report.failures if c.check == "outside_range")
    assert check.column == "z" and 40 <= check.failing_count <= 45  # a few clean ones too
    assert check.sample == [{"row": i, "value": 1e6} for i in range(3)]


class _Model(pa.DataFrameModel):
    x: float = pa.Field(ge=-10, le=10)
    label: int = pa.Field(isin=[0, 1])


def test_schema_failures_are_collected_lazily_per_column_and_check(tmp_path: Path) -> None:
    # given data breaking two schema checks, and the schema as a class and as YAML
    data = _frame()
    data.loc[0, "x"] = 50
    data.loc[1, "label"] = 7
    yaml_path = tmp_path / "schema.yaml"
    yaml_path.write_text(_Model.to_schema().to_yaml(), encoding="utf-8")

    for schema in (_Model, str(yaml_path)):
        # when validated with the schema alone
        report = validate(data, schema=schema)

        # then both failures are reported, each naming its column, check and row
        failed = {(c.column, c.check): c for c in report.failures}
        assert set(failed) == {("x", "less_than_or_equal_to(10)"), ("label", "isin([0, 1])")}
        assert failed[("x", "less_than_or_equal_to(10)")].sample[0] == {"row": 0, "value": 50.0}
        assert all(c.layer == "schema" for c in report.checks)
        assert any(c.passed and c.check == "greater_than_or_equal_to(-10)" for c in report.checks)


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    report = validate(_frame().drop(columns=["label"]), schema=_Model)
    assert [(c.column, c.check) for c in report.failures] == [("label", "column_in_dataframe")]


def test_schema_specs_that_fail_to_load_are_input_errors(tmp_path: Path) -> None:
    # given a module that raises on import, and specs that name nothing usable
    (tmp_path / "broken_schema_mod.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "fine_schema_mod.py").write_text("VALUE = 1\n", encoding="utf-8")

    # when loaded with the folder as project root, then each error says what went wrong
    with pytest.raises(InputError, match=r"failed to import.*boom"):
        load_schema("broken_schema_mod:Schema", root=tmp_path)
    with pytest.raises(InputError, match="not a pandera"):
        load_schema("fine_schema_mod:VALUE", root=tmp_path)
    with pytest.raises(InputError, match="has no 'Missing'"):
        load_schema("fine_schema_mod:Missing", root=tmp_path)
    with pytest.raises(InputError, match=r"expected 'package\.module:Model'"):
        load_schema("no_colon_here")
    with pytest.raises(InputError, match="no such schema file"):
        load_schema(str(tmp_path / "absent.yaml"))


def test_a_wide_table_keeps_its_strong_pairs_and_still_sees_one_break() -> None:
    from mlgate.profiling import FULL_MATRIX_COLUMNS, build_profile

    # given 150 numeric features (more than the full matrix keeps) where a, b move together
    rng = np.random.default_rng(0)
    rows = 1500
    columns = {f"x{i}": rng.normal(0, 1, rows) for i in range(150)}
    shared = rng.normal(0, 1, rows)
    columns["a"] = shared + rng.normal(0, 0.3, rows)
    columns["b"] = shared + rng.normal(0, 0.3, rows)
    base = pd.DataFrame(columns)
    profile = build_profile(base)
    features = profile["correlations"]["features"]
    assert len(features["columns"]) > FULL_MATRIX_COLUMNS and "matrix" not in features
    names = features["columns"]
    strong = {(names[i], names[j]) for i, j, _ in features["pairs"]}
    assert ("a", "b") in strong and len(strong) < 50  # noise pairs stay below |r| 0.3

    # when a new batch keeps every distribution but breaks the a~b relation
    moved = base.copy()
    moved["b"] = moved["b"].sample(frac=1.0, random_state=1).to_numpy()
    report = validate(moved, baseline=profile)

    # then the broken pair fails, and the report stays the size of the strong pairs
    failed = {(c.column, c.other_column, c.check) for c in report.failures}
    assert ("a", "b", "feature_correlation") in failed
    pair_checks = [c for c in report.checks if c.check == "feature_correlation"]
    assert len(pair_checks) == len(strong)
    assert validate(base, baseline=profile).passed


def _frame_and_copy() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.DataFrame(
        {"amount": [1.5, -2.0, None, 4.0], "plan": ["a", "b", "z", None], "n": ["1", "2", "x", "4"]}
    )
    return frame, frame.copy(deep=True)


def test_a_schema_that_only_reads_validates_the_frame_in_place_and_leaves_it_as_it_was() -> None:
    from mlgate.validation.schema_checks import changes_data, run_schema

    # given a schema that checks types, ranges, categories and missing values only
    schema = pa.DataFrameSchema(
        {
            "amount": pa.Column(float, pa.Check.ge(0), nullable=False),
            "plan": pa.Column(str, pa.Check.isin(["a", "b"]), nullable=False),
            "n": pa.Column(int),
        }
    )
    frame, before = _frame_and_copy()

    results = run_schema(schema, frame, "data", samples=5)

    # then it is read in place, every failure is found, and the frame is untouched
    assert not changes_data(schema)
    failed = {(r.column, r.check) for r in results if not r.passed}
    assert {("amount", "greater_than_or_equal_to(0)"), ("plan", "isin(['a', 'b'])")} <= failed
    assert {("amount", "not_nullable"), ("n", "dtype")} <= failed
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize(
    "schema",
    [
        pa.DataFrameSchema({"amount": pa.Column(str, coerce=True, nullable=True)}),
        pa.DataFrameSchema({"amount": pa.Column(str, nullable=True)}, coerce=True),
        pa.DataFrameSchema({"amount": pa.Column(float, nullable=True, default=0.0)}),
        pa.DataFrameSchema({"amount": pa.Column(float, nullable=True)}, strict="filter"),
        pa.DataFrameSchema(
            {"amount": pa.Column(float, nullable=True, parsers=pa.Parser(lambda s: s.fillna(0)))}
        ),
        pa.DataFrameSchema({"amount": pa.Column(float)}, drop_invalid_rows=True),
        pa.DataFrameSchema(
            {"amount": pa.Column(float, nullable=True)},
            add_missing_columns=True,
        ),
    ],
    ids=[
        "column-coerce",
        "schema-coerce",
        "default",
        "filter",
        "parser",
        "drop-invalid",
        "add-missing",
    ],
)
def test_a_schema_that_changes_data_works_on_a_copy(schema) -> None:
    from mlgate.validation.schema_checks import changes_data, run_schema

    frame, before = _frame_and_copy()

    run_schema(schema, frame, "data", samples=5)

    assert changes_data(schema)
    pd.testing.assert_frame_equal(frame, before)
