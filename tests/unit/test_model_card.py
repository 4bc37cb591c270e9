"""Model cards: rendered from a project's facts, logged with the run, attached to the version."""

from __future__ import annotations

import mlflow
import pandera.pandas as pa
import pytest
from pandera.typing import Series

from mlgate import model_card
from mlgate.commands.report import card_file, model_card_line
from mlgate.contract import from_schema
from mlgate.errors import ConfigError
from mlgate.registry import connect, lineage
from mlgate.settings import Settings
from tests.support.training import train_and_log


class Customers(pa.DataFrameModel):
    """A customer table as a user classifies it."""

    customer_id: Series[str] = pa.Field(metadata={"role": "identifier", "treatment": "hash"})
    email: Series[str] = pa.Field(
        nullable=True, metadata={"classification": "personal", "treatment": "drop"}
    )
    age: Series[float] = pa.Field(
        nullable=True,
        metadata={"classification": "personal", "treatment": {"bucket": [18, 30, 50, 70]}},
    )
    phone: Series[str] = pa.Field(metadata={"classification": "personal"})
    plan: Series[str] = pa.Field(isin=["basic", "plus", "pro"], nullable=True)
    monthly_spend: Series[float] = pa.Field(ge=0, metadata={"classification": "confidential"})
    segment: Series[str] = pa.Field(metadata={"role": "target"})

    class Config:
        metadata = {"classification": "internal"}  # noqa: RUF012 - pandera reads it as is


BENCHMARK = {
    "gate": "benchmark",
    "verdict": "pass",
    "summary": "the candidate meets all 2 goals",
    "task": "classification",
    "data": {"source": "data/processed/test.parquet", "rows": 175, "target": "segment"},
    "candidate": {
        "uri": "models:/m-abc",
        "run_id": "r" * 32,
        "name": None,
        "version": None,
        "metrics": {"accuracy": 0.81, "roc_auc": None},
        "undefined": {"roc_auc": "class 'gold' is missing from the held-out rows"},
    },
    "champion": {"name": "churn", "version": "3"},
    "checks": [
        {"metric": "accuracy", "goal": ">= dummy + 0.05", "candidate": 0.81,
         "reference": 0.52, "passed": True},
        {"metric": "roc_auc", "goal": "max_regression 0.01", "candidate": None,
         "reference": 0.9, "passed": False},
    ],
}  # fmt: skip


def facts(**changes):
    contract = from_schema(Customers, "schema")
    made = model_card.gather(
        settings=None,
        benchmark=BENCHMARK,
        train_record={
            "run_id": "r" * 32,
            "tags": {
                "mlgate.git_commit": "c0ffee" * 6 + "abcd",
                "mlgate.git_dirty": "true",
                "mlgate.data_path": "data/processed/train.parquet",
                "mlgate.data_hash": "d" * 32,
                "mlgate.params_hash": "p" * 64,
            },
        },
        validation={"baseline": {"source": "champion", "label": "churn v3's training data"}},
        run_params={"algorithm": "random_forest", "seed": "0", "max_depth": "6"},
        train_rows=525,
    )
    made["columns"] = model_card.column_rows(contract)
    made["owner"] = "Data Team <data@example.com>"
    made.update(changes)
    return made


def test_the_card_tells_use_lineage_scores_inputs_treatments_and_limits():
    card = model_card.render(facts(intended_use="Rank customers for the loyalty mailing."))
    assert card.startswith("# Model card: model\n")
    assert "**Owner**: Data Team <data@example.com>" in card
    assert "**Intended use**: Rank customers for the loyalty mailing." in card
    assert f"**Version**: not registered yet (candidate of run {'r' * 32})" in card
    assert "git commit `" + "c0ffee" * 6 + "abcd` with uncommitted changes" in card
    assert "md5 `" + "d" * 32 + "`, 525 rows" in card
    assert "max_depth=6" in card and "validated against: churn v3's training data" in card
    # the benchmark table, with an undefined value shown as n/a and the failure marked
    assert "| accuracy | >= dummy + 0.05 | 0.81 | 0.52 | pass |" in card
    assert "| roc_auc | max_regression 0.01 | n/a | 0.9 | **fail** |" in card
    # every input: role, kind, classification, treatment, whether the model sees it
    assert "| customer_id | identifier | categorical | internal | salted SHA-256" in card
    assert (
        "| email | feature | categorical | personal | dropped before data/processed | no |" in card
    )
    assert "| age | feature | numeric | personal | bucketed at 18, 30, 50, 70 | yes |" in card
    assert "| phone | feature | categorical | personal | none | no |" in card
    assert "| monthly_spend | feature | numeric | confidential | none | yes |" in card
    assert "personal data kept out of the model: email, phone" in card
    # limits: the data's own, and the undefined metric with its reason
    assert "Trained on 525 rows" in card
    assert "roc_auc could not be measured on the held-out data: class 'gold'" in card
    assert "Trained from uncommitted changes" in card
    assert f"`mlgate reproduce runs:/{'r' * 32}/model`" in card


def test_unset_use_and_owner_say_where_to_set_them():
    card = model_card.render(facts(owner=None))
    assert "**Owner**: not set (add it under [tool.mlgate.model_card]" in card
    assert "**Intended use**: not set" in card


def test_cells_with_pipes_or_line_breaks_do_not_break_the_tables():
    made = facts()
    made["columns"][0]["name"] = "odd|name\nsplit"
    card = model_card.render(made)
    assert "| odd\\|name split | identifier |" in card


def test_with_version_names_the_registered_version_and_its_reproduce_command():
    card = model_card.render(facts(model_name="churn"))
    named = model_card.with_version(card, "churn", "4", "2026-11-26T10:00:00Z")
    assert "**Version**: churn v4 (registered 2026-11-26T10:00:00Z)" in named
    assert "`mlgate reproduce models:/churn/4`" in named
    assert "not registered yet" not in named


def test_the_card_passes_the_projects_whitespace_hooks():
    """A committed card must survive trailing-whitespace and end-of-file fixers unchanged."""
    card = model_card.render(facts(model_name="churn", intended_use="Rank.\n"))
    named = model_card.with_version(card, "churn", "4", "2026-11-26T10:00:00Z")
    for text in (card, named):
        assert text.endswith("\n") and not text.endswith("\n\n")
        assert [line for line in text.splitlines() if line != line.rstrip()] == []


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"model_card": "me"}, "must be a table"),
        ({"model_card": {"limits": [1, 2]}}, "limits must be a list of sentences"),
    ],
)
def test_bad_card_settings_are_named(tmp_path, table, message):
    settings = Settings(root=tmp_path, extra=table)
    with pytest.raises(ConfigError, match=message):
        model_card.card_settings(settings)


def test_card_settings_from_the_project(tmp_path):
    settings = Settings(
        root=tmp_path,
        extra={"model_card": {"owner": " Ana ", "intended_use": "x", "limits": "One limit."}},
    )
    assert model_card.card_settings(settings) == {
        "owner": "Ana",
        "intended_use": "x",
        "limits": ["One limit."],
    }


def test_the_card_is_logged_attached_and_shown_by_lineage(
    sqlite_tracking, breast_cancer_split, tmp_path
):
    record = train_and_log(sqlite_tracking, breast_cancer_split, "strong", tmp_path)
    registry = connect(sqlite_tracking)
    benchmark = {**BENCHMARK, "candidate": {**BENCHMARK["candidate"], "run_id": record["run_id"]}}
    long_limits = [
        f"Limit number {i} of a long list that a careful owner wrote." for i in range(120)
    ]
    settings = Settings(root=tmp_path, extra={"model_card": {"limits": long_limits}})
    path = model_card.write(
        settings=settings, benchmark=benchmark, reports=tmp_path / "reports", registry=registry
    )
    written = path.read_text()
    assert len(written) > model_card.DESCRIPTION_LIMIT
    assert model_card.read_logged(registry, record["run_id"]) == written

    version = mlflow.register_model(record["model_uri"], "bc").version
    assert model_card.attach(registry, "bc", str(version), record["run_id"], "today")
    stored = registry.client.get_model_version("bc", str(version))
    assert len(stored.description) <= model_card.DESCRIPTION_LIMIT
    assert stored.description.endswith(
        f"the full card is the artifact runs:/{record['run_id']}/model_card.md\n"
    )
    assert "**Version**: bc v1 (registered today)" in stored.description
    assert stored.tags[model_card.TAG_MODEL_CARD] == f"runs:/{record['run_id']}/model_card.md"

    chain = lineage("models:/bc/1", tracking_uri=sqlite_tracking)
    assert chain["model_card"] == stored.description


def test_a_run_without_a_card_leaves_the_version_alone(
    sqlite_tracking, breast_cancer_split, tmp_path
):
    record = train_and_log(sqlite_tracking, breast_cancer_split, "stump", tmp_path)
    registry = connect(sqlite_tracking)
    version = mlflow.register_model(record["model_uri"], "bc").version
    assert not model_card.attach(registry, "bc", str(version), record["run_id"], "today")
    assert not registry.client.get_model_version("bc", str(version)).description
    assert lineage("models:/bc/1", tracking_uri=sqlite_tracking)["model_card"] is None


def test_the_report_links_the_card_to_the_workflow_runs_artifacts(tmp_path):
    report = {"model_card": {"file": "model_card.md", "artifact": "runs:/abc/model_card.md"}}
    json_path = tmp_path / "benchmark.json"
    assert card_file(report, json_path) is None, "no card written: no link"
    (tmp_path / "model_card.md").write_text("# Model card: x\n")
    card = card_file(report, json_path)
    assert card == tmp_path / "model_card.md"
    line = model_card_line(
        card,
        report,
        {"GITHUB_RUN_ID": "42", "GITHUB_REPOSITORY": "o/r", "GITHUB_SERVER_URL": "https://gh.test"},
    )
    assert line == (
        "Model card: [`model_card.md` in this run's artifacts]"
        "(https://gh.test/o/r/actions/runs/42#artifacts); in MLflow: `runs:/abc/model_card.md`."
    )
    assert model_card_line(card, report, {}).startswith(f"Model card: `{card}`")
