"""Personal data in a generated project: caught by the data gate, kept out of everything recorded.

A contacts table (tests/support/tables.py: an identifier, e-mail, UK phone numbers, Luhn-valid
card numbers, free-text notes with e-mail addresses hidden in sentences, and ordinary features
deciding three classes) is brought into a generated classification project by the README's
steps. Described with every column left at the schema's default classification, ``dvc repro``
stops at validate naming each personal column, with masked examples only. Classified and
treated as the README says, the whole pipeline passes, and no raw personal value or raw
identifier is left in the processed data, the tracking store, the logged model (its signature
and input example included), the reports or the model card.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tests.support import tables
from tests.support.project import (
    MLGATE_ROOT,
    install,
    project_env,
    render,
    run,
    run_checked,
)

pytestmark = pytest.mark.e2e

STAGE_RAN = re.compile(r"Running stage '([\w-]+)'")
PERSONAL = ("email", "phone", "card_number", "notes")
# Places a raw value may legitimately live: the user's input and DVC's copy of it, the code.
NOT_RECORDS = {".git", ".venv", ".dvc", "raw", "__pycache__", ".pytest_cache", ".ruff_cache"}


class Project:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = project_env(path, {"MLGATE_SALT": "e2e-privacy-salt"})
        self.package = path.name.replace("-", "_")
        self.raw = tables.contacts(700, 11)
        self.untreated_run = None

    def run(self, *command: str):
        return run(command, cwd=self.path, env=self.env)

    def check(self, *command: str):
        return run_checked(command, cwd=self.path, env=self.env)

    def report(self) -> dict:
        return json.loads((self.path / "reports" / "validation.json").read_text())


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    path = render(
        tmp_path_factory.mktemp("privacy"),
        project_name="Own contacts",
        mlgate_source=str(MLGATE_ROOT),
    )
    install(path, override=False)
    made = Project(path)
    made.check("git", "commit", "--quiet", "-m", "Generated project")
    made.raw.to_csv(path / "data" / "raw" / "dataset.csv", index=False)
    tables.use_schema(path / "src" / made.package / "schema.py", tables.CONTACTS_SCHEMA_UNTREATED)
    made.untreated_run = made.run("dvc", "repro")
    return made


def _needles(raw: pd.DataFrame) -> dict[str, list[str]]:
    """Raw values that must not be recorded anywhere: every personal value, every raw id."""
    hidden = raw["notes"][raw["notes"].str.contains("@")].str.split().str[5]
    return {
        "email": list(raw["email"]),
        "phone": list(raw["phone"]),
        "card_number": list(raw["card_number"]),
        "notes (hidden e-mail)": list(hidden),
        "customer_id": list(raw["customer_id"]),
    }


def _text_of(path: Path) -> str:
    """What a recorded file holds, decoded: Parquet as values, zip members (skops) expanded,
    a sqlite database as every value of every table."""
    if path.suffix == ".parquet" or path.read_bytes()[:4] == b"PAR1":
        return pd.read_parquet(path).astype(str).to_csv(index=False)
    if path.suffix == ".db":
        with sqlite3.connect(path) as db:
            names = [
                row[0] for row in db.execute("select name from sqlite_master where type='table'")
            ]
            return "\n".join(
                repr(db.execute(f'select * from "{name}"').fetchall()) for name in names
            )
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(
                archive.read(member).decode("utf-8", "replace") for member in archive.namelist()
            )
    return path.read_bytes().decode("utf-8", "replace")


def test_untreated_personal_columns_stop_the_pipeline_at_validate(project: Project) -> None:
    done = project.untreated_run
    assert done.returncode != 0, done.stdout
    assert STAGE_RAN.findall(done.stdout)[-1] == "validate"
    failed = {
        (check["column"], check["check"])
        for check in project.report()["checks"]
        if check["layer"] == "privacy" and not check["passed"]
    }
    assert {
        ("email", "personal_data:email"),
        ("phone", "personal_data:phone"),
        ("card_number", "personal_data:payment_card"),
        ("notes", "personal_data:email"),
    } <= failed
    assert project.report()["privacy"]["verdict"] == "fail"
    markdown = (project.path / "reports" / "validation.md").read_text()
    for column in PERSONAL:
        assert f"| {column} |" in markdown or f"`{column}`" in markdown, column
    assert "***" in markdown  # examples shown masked
    document = json.dumps(project.report()) + markdown + done.stdout + done.stderr
    for column, values in _needles(project.raw).items():
        if column == "customer_id":
            continue  # hashed by its treatment before the gate, as the schema says
        leaked = [value for value in values if value in document]
        assert not leaked, f"raw {column} values in the report: {leaked[:3]}"


def test_classified_and_treated_the_pipeline_passes_and_records_no_raw_value(
    project: Project,
) -> None:
    tables.use_schema(project.path / "src" / project.package / "schema.py", tables.CONTACTS_SCHEMA)
    done = project.check("dvc", "repro")
    assert STAGE_RAN.findall(done.stdout)[-1] == "benchmark"
    report = project.report()
    assert report["verdict"] == "pass" and report["privacy"]["verdict"] == "pass"
    assert report["privacy"]["classifications"]["personal"] == list(PERSONAL)

    processed = pd.read_parquet(project.path / "data" / "processed" / "train.parquet")
    assert set(processed.columns) == {
        "customer_id", "plan", "tenure_months", "monthly_spend", "segment",
    }  # fmt: skip
    assert processed["customer_id"].str.fullmatch(r"[0-9a-f]{16}").all()

    records = [
        path
        for path in project.path.rglob("*")
        if path.is_file() and not NOT_RECORDS & set(path.relative_to(project.path).parts)
    ]
    names = {path.relative_to(project.path).as_posix() for path in records}
    # what this looks through: the processed data, the store, the logged model and its
    # input example, the reports and the model card
    assert {"data/processed/train.parquet", "mlflow.db", "reports/model_card.md"} <= names
    assert any(name.endswith("/MLmodel") for name in names), sorted(names)
    assert any(name.endswith("input_example.json") for name in names), sorted(names)
    assert any(name.endswith(".skops") for name in names), sorted(names)
    needles = _needles(project.raw)
    for path in records:
        text = _text_of(path)
        for column, values in needles.items():
            leaked = [value for value in values if value in text]
            assert not leaked, f"raw {column} in {path.relative_to(project.path)}: {leaked[:3]}"

    card = (project.path / "reports" / "model_card.md").read_text()
    assert "personal data kept out of the model: email, phone, card_number, notes" in card


def test_dvc_gc_leaves_no_untreated_split_in_the_cache(project: Project) -> None:
    """The untreated run's splits were cached by DVC; ``dvc gc --workspace`` (the README's
    advice) drops every cached version the workspace no longer uses, the raw input's aside."""
    cache = project.path / ".dvc" / "cache"

    def cached_with_raw_values() -> list[str]:
        raw_md5 = hashlib.md5(
            (project.path / "data" / "raw" / "dataset.csv").read_bytes(), usedforsecurity=False
        ).hexdigest()
        needles = _needles(project.raw)
        found = []
        for path in cache.rglob("*"):
            if not path.is_file() or path.parent.name + path.name == raw_md5:
                continue
            text = _text_of(path)
            if any(value in text for values in needles.values() for value in values):
                found.append(path.parent.name + path.name)
        return found

    assert cached_with_raw_values(), "the untreated run's splits should be in the cache"
    project.check("dvc", "gc", "--workspace", "--force")
    assert cached_with_raw_values() == []
