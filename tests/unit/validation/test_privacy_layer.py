"""The privacy layer of the data gate, on a contacts table holding personal data in every form.

The table (tests/support/tables.py) has an identifier, an e-mail column, a phone column, a
Luhn-valid card column and free-text notes with six e-mail addresses hidden in sentences.
Left classified ``internal``, each personal column is caught, named, counted and shown masked,
and no raw value reaches the report. Classified personal and treated as the schema says, the
processed table passes, and a treatment that was skipped is caught.
"""

from __future__ import annotations

import json
import sys
import types

import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.typing import Series

from mlgate import treatments
from mlgate.contract import from_schema
from mlgate.errors import ConfigError
from mlgate.validation.gate import validate
from mlgate.validation.privacy_checks import resolve_privacy
from tests.support import tables


def schema_class(source: str, name: str) -> type:
    """The DatasetSchema class of a schema.py holding ``source``, as module ``name``."""
    module = types.ModuleType(name)
    sys.modules[name] = module  # pandera resolves the annotations in the class's module
    exec(tables.schema_module(source), module.__dict__)
    return module.DatasetSchema


UNTREATED = schema_class(tables.CONTACTS_SCHEMA_UNTREATED, "contacts_untreated_schema")
TREATED = schema_class(tables.CONTACTS_SCHEMA, "contacts_treated_schema")


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return tables.contacts(600, 3)


def _privacy_failures(report) -> dict[tuple[str, str], object]:
    return {
        (check.column, check.check): check
        for check in report.checks
        if check.layer == "privacy" and not check.passed
    }


def test_every_personal_column_is_caught_named_counted_and_masked(raw, monkeypatch):
    monkeypatch.setenv("MLGATE_SALT", "test-salt")
    processed = treatments.apply(raw, from_schema(UNTREATED))
    report = validate({"train": processed}, schema=UNTREATED)
    failures = _privacy_failures(report)
    assert set(failures) == {
        ("email", "personal_data:email"),
        ("phone", "personal_data:phone"),
        ("card_number", "personal_data:payment_card"),
        ("notes", "personal_data:email"),
    }
    assert failures[("email", "personal_data:email")].observed == 600
    assert failures[("phone", "personal_data:phone")].observed == 600
    assert failures[("card_number", "personal_data:payment_card")].observed == 600
    assert failures[("notes", "personal_data:email")].observed == 6
    assert report.verdict == "fail"
    # no raw value anywhere in the report, and the examples are masked
    document = json.dumps(report.to_dict()) + report.to_markdown()
    for column in ("email", "phone", "card_number"):
        for value in raw[column]:
            assert value not in document, f"{column} value leaked into the report"
    hidden = raw["notes"][raw["notes"].str.contains("@")]
    for sentence in hidden:
        address = sentence.split()[5]
        assert address not in document
    examples = failures[("email", "personal_data:email")].sample
    assert examples and all("***" in example for example in examples)
    assert report.to_dict()["privacy"]["verdict"] == "fail"
    # the identifier is hashed before the data gate sees it: not a finding
    assert ("customer_id", "treatment_applied") not in failures


def test_classified_and_treated_the_processed_table_passes(raw, monkeypatch):
    monkeypatch.setenv("MLGATE_SALT", "test-salt")
    contract = from_schema(TREATED)
    processed = treatments.apply(raw, contract)
    assert list(processed.columns) == [
        "customer_id", "plan", "tenure_months", "monthly_spend", "segment",
    ]  # fmt: skip
    assert processed["customer_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    report = validate({"train": processed}, schema=TREATED)
    assert report.verdict == "pass", report.to_markdown()
    privacy = report.to_dict()["privacy"]
    assert privacy["verdict"] == "pass"
    assert privacy["classifications"]["personal"] == ["email", "phone", "card_number", "notes"]
    assert privacy["treatments"]["customer_id"] == "hash"
    assert "Treated before data/processed" in report.to_markdown()


def test_a_skipped_treatment_is_caught(raw):
    report = validate({"train": raw}, schema=TREATED)  # the raw table, untreated
    failures = _privacy_failures(report)
    for column in ("email", "phone", "card_number", "notes"):
        assert failures[(column, "treatment_applied")].observed == "present"
    assert failures[("customer_id", "treatment_applied")].observed == 600


def test_a_personal_feature_without_treatment_fails_naming_it(raw, monkeypatch):
    class People(pa.DataFrameModel):
        email: Series[str] = pa.Field(metadata={"classification": "personal"})
        plan: Series[str]
        segment: Series[str] = pa.Field(metadata={"role": "target"})

        class Config:
            metadata = {"classification": "internal"}  # noqa: RUF012

    report = validate({"train": raw[["email", "plan", "segment"]]}, schema=People)
    failures = _privacy_failures(report)
    assert ("email", "untreated_personal") in failures
    assert "name a treatment" in failures[("email", "untreated_personal")].message
    # classified personal: it is not scanned again as if it were not
    assert ("email", "personal_data:email") not in failures


def test_an_unclassified_column_is_refused_by_name(raw):
    class Half(pa.DataFrameModel):
        plan: Series[str] = pa.Field(metadata={"classification": "internal"})
        segment: Series[str] = pa.Field(metadata={"role": "target"})

    with pytest.raises(ConfigError, match="without a classification: segment"):
        validate({"train": raw[["plan", "segment"]]}, schema=Half)
    # with no classification at all, only require_classification (the template's) refuses
    bare = pa.DataFrameSchema({"plan": pa.Column(str), "segment": pa.Column(str)})
    assert validate({"train": raw[["plan", "segment"]]}, schema=bare).verdict == "pass"
    with pytest.raises(ConfigError, match="without a classification: plan, segment"):
        validate({"train": raw[["plan", "segment"]]}, schema=bare, require_classification=True)


def test_tolerances_and_overrides_from_params(raw):
    notes_only = raw[["notes", "plan", "segment"]]

    class Notes(pa.DataFrameModel):
        notes: Series[str]
        plan: Series[str]
        segment: Series[str] = pa.Field(metadata={"role": "target"})

        class Config:
            metadata = {"classification": "internal"}  # noqa: RUF012

    assert validate({"t": notes_only}, schema=Notes).verdict == "fail"
    assert validate({"t": notes_only}, schema=Notes, privacy={"max_rows": 6}).verdict == "pass"
    off = {"columns": {"notes": {"scan": False}}}
    assert validate({"t": notes_only}, schema=Notes, privacy=off).verdict == "pass"
    only_cards = {"kinds": ["payment_card"]}
    assert validate({"t": notes_only}, schema=Notes, privacy=only_cards).verdict == "pass"


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"sacn": True}, "unknown setting 'sacn'"),
        ({"scan": "yes"}, "scan must be true or false"),
        ({"max_rows": -1}, "max_rows must be a whole number"),
        ({"kinds": ["email", "postcode"]}, "kinds must be a list of"),
        ({"regions": ["XX"]}, "XX"),
        ({"columns": {"notes": {"scan": False, "why": 1}}}, "columns.notes must be a mapping"),
    ],
)
def test_a_wrong_privacy_section_is_named(section, message):
    with pytest.raises(ConfigError, match=message):
        resolve_privacy(section)
