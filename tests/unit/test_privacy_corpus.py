"""Precision and recall of the privacy scan on a seeded synthetic corpus.

Given at least 1,000 values of every kind, built with valid structure (check digits from the
validating libraries' own calc functions, phone numbers phonenumbers accepts, for several
regions and in the ways people write them), some of them inside sentences, and 10,000
non-personal values that look close (order numbers, dates, timestamps, decimals, versions,
invoice ids, phone-like product codes, 16-digit numbers failing Luhn, barcodes, ...);
when each set is scanned as a column; then every kind finds at least 95% of its values and
flags at most 0.5% of the look-alikes. The table is printed (``pytest -s``).
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from email_validator import EmailNotValidError, validate_email
from stdnum import iban, luhn, numdb
from stdnum.de import idnr
from stdnum.es import dni
from stdnum.fi import hetu
from stdnum.fr import nir
from stdnum.iso7064 import mod_11_10
from stdnum.it import codicefiscale
from stdnum.no import fodselsnummer
from stdnum.se import personnummer
from stdnum.us import ssn

from mlgate.privacy import ALL, DEFAULT_REGIONS, scan_column
from mlgate.privacy.kinds import DENSE_DIGITS, resolve

PER_KIND = 1_000
NEGATIVES = 10_000
MIN_RECALL = 0.95
MAX_FALSE_POSITIVE_RATE = 0.005

FIRST = "anna ben carla david emma felix giulia hugo ines jonas karin liam maria noah olga paul "
FIRST += "quentin rosa sven tanja ugo vera wei xavier yuki zoe"
LAST = "smith mueller dupont garcia rossi jansen nowak svensson virtanen hansen kim tanaka "
LAST += "oconnor silva novak ivanova schmidt martin lopez bianchi de-vries lindqvist"
DOMAINS = [
    "gmail.com",
    "outlook.com",
    "yahoo.co.uk",
    "web.de",
    "orange.fr",
    "acme-corp.com",
    "mail.uni-heidelberg.de",
    "libero.it",
    "telia.se",
    "company.io",
    "example.org",
    "post.nl",
]
SENTENCES = [
    "please contact {} about the order",
    "Customer wrote: reach me at {}, thanks!",
    "{} (updated by support)",
    "Note - {} - verified on call",
    "refund sent; ref {}.",
]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _birth_date(rng: random.Random, start: int = 1930, end: int = 2005) -> date:
    return date(start, 1, 1) + timedelta(days=rng.randrange((end - start) * 365))


# --- positives ------------------------------------------------------------------------------


def _email(rng: random.Random) -> str:
    first, last = rng.choice(FIRST.split()), rng.choice(LAST.split())
    local = rng.choice(
        [
            f"{first}.{last}",
            f"{first[0]}{last}",
            f"{first}_{last}{rng.randrange(100)}",
            f"{first}+news",
            f"{last}.{first}{rng.randrange(1970, 2005)}",
        ]
    )
    address = f"{local}@{rng.choice(DOMAINS)}"
    return address.title() if rng.random() < 0.1 else address


PHONE_TYPES = [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
ABROAD = ["JP", "MX", "ZA", "SE", "PL", "CH", "SG", "CA"]


def _phone(rng: random.Random) -> str:
    """A valid number of a random region, written as people write it."""
    region = rng.choice([*DEFAULT_REGIONS, *ABROAD])
    example = phonenumbers.example_number_for_type(region, rng.choice(PHONE_TYPES))
    nsn = str(example.national_number)
    while True:
        digits = nsn[:3] + _digits(rng, len(nsn) - 3)
        number = phonenumbers.PhoneNumber(
            country_code=example.country_code,
            national_number=int(digits),
            italian_leading_zero=example.italian_leading_zero,
        )
        if phonenumbers.is_valid_number(number):
            break
    F = phonenumbers.PhoneNumberFormat
    international = phonenumbers.format_number(number, F.INTERNATIONAL)
    national = phonenumbers.format_number(number, F.NATIONAL)
    if region not in DEFAULT_REGIONS:  # national formats count only for the scanned regions
        return rng.choice([international, phonenumbers.format_number(number, F.E164)])
    style = rng.random()
    if style < 0.35:
        return international
    if style < 0.5:
        return phonenumbers.format_number(number, F.E164)
    if style < 0.6:
        return "00" + international[1:]
    if style < 0.8:
        return national
    if style < 0.9:
        return re.sub(r"[ ]", rng.choice("-./"), national.replace("(", "").replace(")", ""))
    # The area code as the region writes it, the rest in fours: "030 1234 5678".
    area, _, rest = national.partition(" ")
    return " ".join([area, *_in_fours(re.sub(r"\D", "", rest))])


def _in_fours(digits: str) -> list[str]:
    groups = [digits[i : i + 4] for i in range(0, len(digits), 4)]
    if len(groups) > 1 and len(groups[-1]) < 3:
        groups[-2:] = [groups[-2] + groups[-1]]
    return groups


CARD_PREFIXES = [("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16), ("34", 15)]
CARD_PREFIXES += [("37", 15), ("6011", 16), ("65", 16), ("3530", 16), ("62", 19), ("36", 14)]


def _card(rng: random.Random) -> str:
    prefix, length = rng.choice(CARD_PREFIXES)
    body = prefix + _digits(rng, length - len(prefix) - 1)
    number = body + luhn.calc_check_digit(body)
    style = rng.random()
    if length == 15 and style < 0.6:
        return f"{number[:4]} {number[4:10]} {number[10:]}"
    if style < 0.5:
        return " ".join(number[i : i + 4] for i in range(0, length, 4))
    if style < 0.7:
        return "-".join(number[i : i + 4] for i in range(0, length, 4))
    return number


IBAN_COUNTRIES = ["DE", "GB", "FR", "NL", "ES", "IT", "BE", "AT", "CH", "PL", "SE", "NO", "DK"]
IBAN_COUNTRIES += ["IE", "PT", "LU", "FI"]
CHARS = {
    "n": string.digits,
    "a": string.ascii_uppercase,
    "c": string.digits + string.ascii_uppercase,
}


def _iban(rng: random.Random) -> str:
    """A BBAN built from stdnum's registry of formats, with check digits from stdnum."""
    country = rng.choice(IBAN_COUNTRIES)
    structure = numdb.get("iban").info(country + "00")[0][1]["bban"]
    while True:  # national check digits inside some BBANs (BE, ES, NO, ...): draw again
        bban = "".join(
            rng.choice(CHARS[kind])
            for count, kind in re.findall(r"(\d+)!([nac])", structure)
            for _ in range(int(count))
        )
        number = country + iban.calc_check_digits(country + "00" + bban) + bban
        if iban.is_valid(number):
            return iban.format(number) if rng.random() < 0.6 else number


def _us_ssn(rng: random.Random) -> str:
    while True:
        area = rng.choice([a for a in range(1, 900) if a != 666])
        number = f"{area:03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"
        if ssn.is_valid(number):
            return number


def _de_idnr(rng: random.Random) -> str:
    while True:
        body = rng.choice("123456789") + _digits(rng, 9)
        number = body + mod_11_10.calc_check_digit(body)
        if idnr.is_valid(number):
            return idnr.format(number) if rng.random() < 0.3 else number


def _fr_nir(rng: random.Random) -> str:
    born = _birth_date(rng)
    department = rng.choice([f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B"])
    body = f"{rng.choice('12')}{born:%y%m}{department}{rng.randrange(1, 990):03d}"
    body += f"{rng.randrange(1, 1000):03d}"
    number = body + nir.calc_check_digits(body)
    return nir.format(number) if rng.random() < 0.4 else number


def _es_dni(rng: random.Random) -> str:
    body = _digits(rng, 8)
    return body + rng.choice(["", "-"]) + dni.calc_check_digit(body)


MONTHS_CF = "ABCDEHLMPRST"


def _it_codice_fiscale(rng: random.Random) -> str:
    born = _birth_date(rng)
    day = born.day + (40 if rng.random() < 0.5 else 0)
    body = "".join(rng.choice(string.ascii_uppercase) for _ in range(6))
    body += f"{born:%y}{MONTHS_CF[born.month - 1]}{day:02d}"
    body += rng.choice("ABCDEFGHILM") + f"{rng.randrange(1, 1000):03d}"
    return body + codicefiscale.calc_check_digit(body)


def _se_personnummer(rng: random.Random) -> str:
    born = _birth_date(rng)
    body = f"{born:%y%m%d}{_digits(rng, 3)}"
    number = f"{born:%y%m%d}-{body[6:]}{luhn.calc_check_digit(body)}"
    return f"{born:%Y}{number[2:]}" if rng.random() < 0.3 else number


def _fi_hetu(rng: random.Random) -> str:
    born = _birth_date(rng, 1930, 2015)
    separator = "-" if born.year < 2000 else "A"
    body = f"{born:%d%m%y}{separator}{rng.randrange(2, 900):03d}"
    # hetu has no calc function: the one check character it accepts is the valid one.
    return next(body + c for c in "0123456789ABCDEFHJKLMNPRSTUVWXY" if hetu.is_valid(body + c))


def _no_fodselsnummer(rng: random.Random) -> str:
    while True:
        born = _birth_date(rng, 1940, 1999)
        body = f"{born:%d%m%y}{rng.randrange(0, 500):03d}"
        first = fodselsnummer.calc_check_digit1(body)
        second = fodselsnummer.calc_check_digit2(body + first)
        number = body + first + second
        if fodselsnummer.is_valid(number):
            return number if rng.random() < 0.7 else f"{number[:6]} {number[6:]}"


POSITIVES = {
    "email": _email,
    "phone": _phone,
    "payment_card": _card,
    "iban": _iban,
    "us_ssn": _us_ssn,
    "de_idnr": _de_idnr,
    "fr_nir": _fr_nir,
    "es_dni": _es_dni,
    "it_codice_fiscale": _it_codice_fiscale,
    "se_personnummer": _se_personnummer,
    "fi_hetu": _fi_hetu,
    "no_fodselsnummer": _no_fodselsnummer,
}


# --- look-alikes ----------------------------------------------------------------------------


def _moment(rng: random.Random) -> datetime:
    return datetime(2015, 1, 1) + timedelta(seconds=rng.randrange(10 * 365 * 86400))


def _order_number(rng):
    return rng.choice(
        [
            f"ORD-{rng.randrange(2018, 2026)}-{_digits(rng, 6)}",
            f"SO{_digits(rng, 8)}",
            f"#{_digits(rng, 7)}",
            _digits(rng, rng.randrange(6, 13)),
            f"PO {_digits(rng, 4)} {_digits(rng, 4)}",
        ]
    )


def _date(rng):
    day = _moment(rng)
    return day.strftime(rng.choice(["%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d"]))


def _timestamp(rng):
    moment = _moment(rng)
    return rng.choice(
        [
            moment.isoformat() + "Z",
            moment.strftime("%Y-%m-%d %H:%M:%S.") + _digits(rng, 6),
            moment.isoformat() + rng.choice(["+01:00", "-05:00", "+05:30"]),
            str(int(moment.timestamp())),
            str(int(moment.timestamp() * 1000) + rng.randrange(1000)),
            moment.strftime("%Y%m%d%H%M%S"),
        ]
    )


def _decimal(rng):
    value = rng.uniform(-1e6, 1e7)
    return rng.choice(
        [
            f"{value:.2f}",
            f"{value / 1e6:.6f}",
            f"{value:,.2f}",
            f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", "."),
            f"EUR {abs(value):.2f}",
            f"{value:.15g}",
            f"{value:.3e}",
        ]
    )


def _version(rng):
    major, minor, patch = rng.randrange(20), rng.randrange(40), rng.randrange(300)
    return rng.choice(
        [
            f"{major}.{minor}.{patch}",
            f"v{major}.{minor}.{patch}-rc{rng.randrange(1, 5)}",
            f"10.0.{rng.randrange(10000, 30000)}.{rng.randrange(1, 5000)}",
            f"{rng.randrange(2019, 2026)}.{rng.randrange(1, 13)}.{rng.randrange(1, 29)}",
            f"{major}.{minor}.{patch}+build.{_moment(rng):%Y%m%d}",
        ]
    )


def _invoice(rng):
    return rng.choice(
        [
            f"INV-{rng.randrange(2018, 2026)}-{_digits(rng, 6)}",
            f"RE-{rng.randrange(2018, 2026)}/{_digits(rng, 5)}",
            f"FA{rng.randrange(2018, 2026)}{_digits(rng, 6)}",
            f"INV {rng.randrange(2018, 2026)} {_digits(rng, 4)} {_digits(rng, 4)}",
            f"Invoice no. {_digits(rng, 10)}",
        ]
    )


def _product_code(rng):
    """Digit groups with separators, as part numbers and SKUs are written."""
    return rng.choice(
        [
            f"PN {_digits(rng, 2)}-{_digits(rng, 4)}-{_digits(rng, 2)}",
            f"A{_digits(rng, 2)}-{_digits(rng, 3)}-{_digits(rng, 3)}",
            f"{_digits(rng, 4)}-{_digits(rng, 3)}-{_digits(rng, 3)}-{rng.choice('ABCX')}",
            f"SKU {_digits(rng, 3)}.{_digits(rng, 3)}.{_digits(rng, 2)}",
            f"{rng.choice('ABCDEFGH')}{_digits(rng, 3)} {_digits(rng, 4)} {_digits(rng, 3)}",
            f"{_digits(rng, 2)}/{_digits(rng, 3)}/{_digits(rng, 4)}",
            f"REF ({_digits(rng, 3)}) {_digits(rng, 3)}-{_digits(rng, 3)}",
        ]
    )


def _not_luhn(rng):
    """16 digits that look like a card (issuer prefix, grouping) and fail the Luhn check."""
    prefix = rng.choice(["4", "51", "55", "6011", "35"])
    body = prefix + _digits(rng, 15 - len(prefix))
    wrong = (int(luhn.calc_check_digit(body)) + rng.randrange(1, 10)) % 10
    number = body + str(wrong)
    return rng.choice([number, " ".join(number[i : i + 4] for i in range(0, 16, 4))])


def _ean13(rng):
    body = rng.choice(["40", "50", "76", "87", "978"]) + _digits(rng, 10)
    body = body[:12]
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _other(rng):
    return rng.choice(
        [
            ".".join(str(rng.randrange(256)) for _ in range(4)),
            f"{rng.getrandbits(128):032x}",
            "-".join(f"{rng.getrandbits(b * 4):0{b}x}" for b in (8, 4, 4, 4, 12)),
            _ean13(rng),
            f"978-{rng.randrange(10)}-{_digits(rng, 2)}-{_digits(rng, 6)}-{rng.randrange(10)}",
            f"{rng.uniform(-90, 90):.6f}, {rng.uniform(-180, 180):.6f}",
            f"{rng.choice([1280, 1920, 2560])}x{rng.choice([720, 1080, 1440])}",
            f"icon@{rng.randrange(2, 4)}x.png",
            f"@{rng.choice(FIRST.split())}{rng.randrange(100)}",
            f"@babel/core@7.{rng.randrange(30)}.{rng.randrange(10)}",
            f"1Z{_digits(rng, 3)}AA{_digits(rng, 10)}",
            f"{rng.choice(['DEUTDEFF', 'COBADEFF', 'BNPAFRPP'])}{_digits(rng, 3)}",
            f"DE{_digits(rng, 9)}",
            f"{_digits(rng, 5)} {rng.choice(['Berlin', 'Paris', 'Madrid'])}",
            f"{_digits(rng, 3)}-{_digits(rng, 2)}-{_digits(rng, 3)}",
            f"tmp_{_digits(rng, 8)}_{_digits(rng, 6)}.csv",
        ]
    )


LOOK_ALIKES = [
    _order_number,
    _date,
    _timestamp,
    _decimal,
    _version,
    _invoice,
    _product_code,
    _not_luhn,
    _other,
]


def _in_text(rng: random.Random, value: str) -> str:
    """A third of the values sit inside a sentence, as in a comment or a note column."""
    return rng.choice(SENTENCES).format(value) if rng.random() < 1 / 3 else value


@dataclass
class Corpus:
    """The values as generated (``raw``) and as the scan sees them (some inside sentences)."""

    raw_positives: dict[str, list[str]]
    raw_negatives: list[str]
    positives: dict[str, list[str]]
    negatives: list[str]


def build_corpus(seed: int = 20261126) -> Corpus:
    rng = random.Random(seed)
    raw_positives = {kind: [make(rng) for _ in range(PER_KIND)] for kind, make in POSITIVES.items()}
    raw_negatives = [LOOK_ALIKES[i % len(LOOK_ALIKES)](rng) for i in range(NEGATIVES)]
    return Corpus(
        raw_positives,
        raw_negatives,
        {kind: [_in_text(rng, v) for v in values] for kind, values in raw_positives.items()},
        [_in_text(rng, v) for v in raw_negatives],
    )


def _rows(values: list[str], kind: str) -> int:
    found = scan_column(pd.Series(values, name=kind), [kind], sample_rows=None)
    return found[0].rows if found else 0


@pytest.fixture(scope="module")
def corpus():
    return build_corpus()


@pytest.fixture(scope="module")
def table(corpus):
    rows = []
    for kind in ALL:
        recall = _rows(corpus.positives[kind], kind) / PER_KIND
        rows.append((kind, recall, _rows(corpus.negatives, kind)))
    print()
    print(f"{'kind':<20} {'recall':>8} {'false positives':>16} {'fp rate':>8}")
    for kind, recall, false_positives in rows:
        rate = false_positives / NEGATIVES
        print(f"{kind:<20} {recall:8.3f} {false_positives:10d}/{NEGATIVES} {rate:8.3%}")
    return {kind: (recall, false_positives) for kind, recall, false_positives in rows}


def _valid_phone(value: str) -> bool:
    text = "+" + value[2:] if value.startswith("00") else value
    regions = [None] if text.startswith("+") else DEFAULT_REGIONS
    return any(phonenumbers.is_valid_number(phonenumbers.parse(text, r)) for r in regions)


def _valid_email(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


LIBRARY_CHECKS = {
    "email": _valid_email,
    "phone": _valid_phone,
    "payment_card": lambda v: luhn.is_valid(re.sub(r"\D", "", v)),
    "iban": iban.is_valid,
    "us_ssn": ssn.is_valid,
    "de_idnr": idnr.is_valid,
    "fr_nir": nir.is_valid,
    "es_dni": dni.is_valid,
    "it_codice_fiscale": codicefiscale.is_valid,
    "se_personnummer": personnummer.is_valid,
    "fi_hetu": hetu.is_valid,
    "no_fodselsnummer": fodselsnummer.is_valid,
}


def test_the_corpus_is_what_it_claims(corpus):
    """The table measures what it says: 1,000 values of every kind, each valid by the
    validating library itself, 10,000 look-alikes whose 16-digit numbers fail Luhn, and about
    a third of every set inside sentences."""
    assert set(corpus.raw_positives) == set(ALL) == set(LIBRARY_CHECKS)
    for kind, values in corpus.raw_positives.items():
        assert len(values) == PER_KIND
        invalid = [v for v in values if not LIBRARY_CHECKS[kind](v)]
        assert not invalid, f"{kind}: {len(invalid)} generated values are not valid"
    assert len(corpus.raw_negatives) == NEGATIVES
    grouped = [v for v in corpus.raw_negatives if re.fullmatch(r"[\d ]{16,19}", v)]
    sixteen = [d for d in (v.replace(" ", "") for v in grouped) if len(d) == 16]
    assert len(sixteen) > 500
    assert not any(luhn.is_valid(digits) for digits in sixteen)
    in_text = sum(a != b for a, b in zip(corpus.negatives, corpus.raw_negatives, strict=True))
    assert 0.25 < in_text / NEGATIVES < 0.4


@pytest.mark.parametrize("kind", ALL)
def test_the_column_prefilter_keeps_every_value_the_kind_would_find(corpus, kind):
    """The RE2 pass that spares most values the validators never drops one they would take."""
    recogniser = resolve([kind])[0]
    values = [*corpus.positives[kind], *corpus.negatives]
    found = [bool(recogniser.find(v)) for v in values]
    kept = pc.match_substring_regex(pa.array(values), recogniser.prefilter).to_pylist()
    dense = pc.match_substring_regex(pa.array(values), DENSE_DIGITS).to_pylist()
    assert not [v for v, f, k in zip(values, found, kept, strict=True) if f and not k]
    if recogniser.dense:
        assert not [v for v, f, d in zip(values, found, dense, strict=True) if f and not d]


def test_counting_distinct_tokens_gives_the_exhaustive_count(corpus):
    """Past ``sample_rows`` candidates the scan checks each distinct token once, in rounds
    for values holding several: on free text whose tokens repeat (every row distinct, one to
    three corpus values in each, personal or not), every kind's count equals the count of
    checking every row."""
    rng = random.Random(5)
    pool = [v for values in corpus.raw_positives.values() for v in values[:25]]
    pool += corpus.raw_negatives[:300]
    notes = [
        f"note {i}: " + " / ".join(rng.choice(pool) for _ in range(rng.randrange(1, 4)))
        for i in range(6_000)
    ]
    series = pd.Series(notes, name="notes")
    exhaustive = {f.kind: f.rows for f in scan_column(series, sample_rows=None)}
    by_token = scan_column(series, sample_rows=1_000)
    assert not any(f.estimated for f in by_token)
    assert {f.kind: f.rows for f in by_token} == exhaustive
    assert set(exhaustive) == set(ALL)


@pytest.mark.parametrize("kind", ALL)
def test_each_kind_finds_its_values_and_few_look_alikes(table, kind):
    recall, false_positives = table[kind]
    assert recall >= MIN_RECALL, f"{kind}: recall {recall:.3f}"
    assert false_positives / NEGATIVES <= MAX_FALSE_POSITIVE_RATE, (
        f"{kind}: {false_positives} of {NEGATIVES} look-alikes flagged"
    )
