"""The kinds of personal data the scan recognises, and how each is found, checked and masked.

Each :class:`Kind` has three parts, cheapest first:

``prefilter``
    an RE2 pattern (pyarrow's regex engine) that every value holding the kind matches: mostly
    the token pattern without its look-ahead, its left boundary spelled as a character. It
    runs over whole columns at once, so most values never reach Python, and cuts candidate
    tokens out of values in arrow (``cut`` where the prefilter is a cheaper test).
``token``
    a Python pattern that cuts candidate substrings out of one value (an e-mail address inside a
    comment, a card number inside a payment note).
``check``
    the validator a candidate must pass: a well-kept library wherever one exists. e-mail:
    ``email-validator`` (syntax) and ``publicsuffixlist`` (the domain ends in a real public
    suffix); phone: ``phonenumbers`` (Google's libphonenumber metadata); IBAN and national
    identifiers: ``python-stdnum``; payment cards: ``stdnum.luhn`` plus the issuer ranges below.

``mask(kind, value)`` turns a value into the form that may appear in a report: enough to see
what kind of value it is, never enough to recover it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.de import idnr
from stdnum.es import dni
from stdnum.fi import hetu
from stdnum.fr import nir
from stdnum.it import codicefiscale
from stdnum.no import fodselsnummer
from stdnum.se import personnummer
from stdnum.us import ssn

from mlgate.errors import InputError

EMAIL = "email"
PHONE = "phone"
PAYMENT_CARD = "payment_card"
IBAN = "iban"
US_SSN = "us_ssn"
DE_IDNR = "de_idnr"
FR_NIR = "fr_nir"
ES_DNI = "es_dni"
IT_CODICE_FISCALE = "it_codice_fiscale"
SE_PERSONNUMMER = "se_personnummer"
FI_HETU = "fi_hetu"
NO_FODSELSNUMMER = "no_fodselsnummer"

NATIONAL_IDS = (
    US_SSN,
    DE_IDNR,
    FR_NIR,
    ES_DNI,
    IT_CODICE_FISCALE,
    SE_PERSONNUMMER,
    FI_HETU,
    NO_FODSELSNUMMER,
)
ALL = (EMAIL, PHONE, PAYMENT_CARD, IBAN, *NATIONAL_IDS)

DEFAULT_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "IN", "BR", "AU")
"""Regions whose national phone formats are recognised (written without a ``+`` prefix).

Numbers written internationally (``+44 20 7946 0958``, ``0049 30 1234567``) are recognised
for every region phonenumbers knows, whatever this list holds.
"""


DENSE_DIGITS = r"(?:^|[^\w\-])[(+]{0,2}\d(?:\D{0,2}\d){6}"
"""Seven digits close together, the first not right after a letter, digit or hyphen (RE2):
what phone numbers, card numbers and the numeric national identifiers all hold, and e-mail
addresses, words, short codes and ``ORD-2024-118233`` do not."""


@dataclass(frozen=True)
class Kind:
    """One kind of personal data: how to find candidates and which of them are real."""

    name: str
    prefilter: str
    token: re.Pattern[str]
    check: Callable[[str, tuple[str, ...]], bool]
    numeric: bool = False
    """Whether an integer column can hold it (a card number stored as a number)."""
    cut: str | None = None
    """An RE2 pattern for a whole candidate with its left boundary, where ``prefilter`` is
    only a cheaper test for one: it cuts candidates out of values (None: ``prefilter`` does)."""
    dense: bool = False
    """Whether every value holds seven digits with at most two other characters between
    neighbours (:data:`DENSE_DIGITS`): the scan looks for these kinds only in such values."""
    trim: bool = False
    """Whether a candidate may run on into what follows it (a card number and its expiry
    month, an IBAN and the next word): if the whole candidate fails, its prefixes that end
    before a space are tried, longest first."""

    def find(self, text: str, regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[str]:
        """The substrings of ``text`` that are values of this kind."""
        found = []
        for match in self.token.finditer(text):
            for candidate in self._candidates(match.group()):
                if self.check(candidate, regions):
                    found.append(candidate)
                    break
        return found

    def _candidates(self, token: str) -> list[str]:
        if not self.trim:
            return [token]
        cuts = [m.start() for m in re.finditer(" ", token)]
        return [token, *(token[:cut].rstrip(" (") for cut in reversed(cuts))]


# --- e-mail ---------------------------------------------------------------------------------


@functools.cache
def _suffixes():
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(accept_unknown=False)


def _is_email(token: str, regions: tuple[str, ...]) -> bool:
    try:
        address = validate_email(token, check_deliverability=False)
    except EmailNotValidError:
        return False
    # A registrable domain under a real public suffix: "icon@2x.png" is a file name.
    return _suffixes().privatesuffix(address.ascii_domain or address.domain) is not None


def _mask_email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    suffix = _suffixes().publicsuffix(domain.lower()) or domain.rpartition(".")[2]
    return f"{local[:1]}***@{domain[:1]}***.{suffix}"


# --- phone ----------------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[ ().\-/]")
_DIGITS = re.compile(r"\d+")


@functools.lru_cache(maxsize=1 << 16)
def _is_phone(token: str, regions: tuple[str, ...]) -> bool:
    """A number phonenumbers holds valid, written the way its region writes numbers.

    Written internationally (``+`` or ``00`` and a country code): valid anywhere. Written
    nationally: valid in one of ``regions`` and grouped as that region's national format
    groups it (phonenumbers' ``NATIONAL`` format, trunk prefix included), whatever the
    separators: ``(415) 555-2671`` and ``415.555.2671``, ``030 12345678``, ``01 23 45 67 89``;
    or with the area code set apart as the region sets it and the rest in groups of three
    digits or more (``030 1234 5678``, ``020 79460958``). Parentheses count only where the
    region uses them. Not taken as a phone number: a bare run of digits (order numbers and ids
    look the same), a grouping the region does not use (``(639) 572-810``, ``828-76-3806``),
    a date (``2024-03-18``, ``18.03.2024``), as libphonenumber's own matcher skips dates.

    Results are cached: real columns repeat their tokens.
    """
    digits = "".join(_DIGITS.findall(token))
    if not 7 <= len(digits) <= 17:
        return False
    separated = _PHONE_SEPARATORS.search(token) is not None
    if token.startswith(("+", "(+")):
        return _valid_international("+" + digits)
    if token.startswith("00"):
        return separated and _valid_international("+" + digits[2:])
    if not separated or _DATE.fullmatch(token):
        return False
    groups = _boundaries(token)
    for region in regions:
        if len(digits) not in _national_lengths(region):
            continue
        try:
            number = phonenumbers.parse(token, region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(number):
            continue
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        if "".join(_DIGITS.findall(national)) != digits:
            continue  # written without the trunk prefix the region dials
        if "(" in token and "(" not in national:
            continue
        expected = _boundaries(national)
        if groups == expected or (groups[:1] == expected[:1] and _no_short_groups(groups, digits)):
            return True
    return False


_DATE = re.compile(r"\d{4}([-/.])\d{1,2}\1\d{1,2}|\d{1,2}([-/.])\d{1,2}\2(?:\d{2}|\d{4})")


@functools.cache
def _national_lengths(region: str) -> frozenset[int]:
    """How many digits a number of ``region`` has when written nationally, from the region's
    metadata: its national lengths, with and without the trunk prefix."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        raise InputError(
            f"unknown phone region: {region!r}", hint="use ISO 3166 codes such as 'US', 'DE'"
        )
    prefix = len(metadata.national_prefix or "")
    lengths = metadata.general_desc.possible_length or range(4, 18)
    return frozenset(n + extra for n in lengths for extra in {0, prefix})


def _no_short_groups(ends: list[int], digits: str) -> bool:
    """Groups after the first have three digits or more (``030 1234 5678``, not ``828-76-38``)."""
    sizes = [b - a for a, b in zip(ends, [*ends[1:], len(digits)], strict=True)]
    return all(size >= 3 for size in sizes)


def _boundaries(text: str) -> list[int]:
    """Where digit groups end, counted in digits: ``(415) 555-2671`` -> [3, 6]."""
    ends, count = [], 0
    for run in _DIGITS.findall(text):
        count += len(run)
        ends.append(count)
    return ends[:-1]


def _valid_international(text: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, None))
    except phonenumbers.NumberParseException:
        return False


def _mask_phone(value: str) -> str:
    """Separators, the country code of an international number and the last two digits."""
    keep_head = 0
    stripped = value.lstrip("(")
    if stripped.startswith(("+", "00")):
        digits = "".join(_DIGITS.findall(value))
        digits = digits[2:] if stripped.startswith("00") else digits
        try:
            code = phonenumbers.parse("+" + digits, None).country_code
            keep_head = len(str(code)) + (2 if stripped.startswith("00") else 0)
        except phonenumbers.NumberParseException:
            keep_head = 0
    return _mask_chars(value, keep_head=keep_head, keep_tail=2, chars=str.isdigit)


# --- payment cards --------------------------------------------------------------------------

# Issuer ranges (ISO/IEC 7812 IINs as the card schemes publish them) and the lengths each
# issues. No well-kept library that runs offline carries this table, and the Luhn check alone
# passes one random number in ten: the ranges cut that to about one in forty. 13-digit Visa
# numbers (no longer issued) are left out: EAN-13 barcodes starting with 4 would pass.
_CARD_RANGES: tuple[tuple[int, int, tuple[int, ...]], ...] = (
    (4, 4, (16, 19)),  # Visa
    (51, 55, (16,)),  # Mastercard
    (2221, 2720, (16,)),  # Mastercard 2-series
    (34, 34, (15,)),  # American Express
    (37, 37, (15,)),
    (36, 36, (14,)),  # Diners Club International
    (300, 305, (14,)),
    (6011, 6011, (16, 17, 18, 19)),  # Discover
    (644, 649, (16, 17, 18, 19)),
    (65, 65, (16, 17, 18, 19)),
    (3528, 3589, (16, 17, 18, 19)),  # JCB
    (62, 62, (16, 17, 18, 19)),  # UnionPay
    (2200, 2204, (16, 17, 18, 19)),  # Mir
    (5018, 5018, (16, 17, 18, 19)),  # Maestro
    (5020, 5020, (16, 17, 18, 19)),
    (5038, 5038, (16, 17, 18, 19)),
    (5893, 5893, (16, 17, 18, 19)),
    (6304, 6304, (16, 17, 18, 19)),
    (6759, 6759, (16, 17, 18, 19)),
    (6761, 6763, (16, 17, 18, 19)),
)


def _is_card(token: str, regions: tuple[str, ...]) -> bool:
    digits = token.replace(" ", "").replace("-", "")
    if not digits.isdigit():
        return False
    issued = any(
        low <= int(digits[: len(str(low))]) <= high and len(digits) in lengths
        for low, high, lengths in _CARD_RANGES
    )
    return issued and luhn.is_valid(digits)


def _mask_card(value: str) -> str:
    digits = "".join(_DIGITS.findall(str(value)))
    hidden = "*" * max(len(digits) - 4, 0)
    groups = [hidden[i : i + 4] for i in range(0, len(hidden), 4)]
    return " ".join([*groups, digits[-4:]])


# --- IBAN -----------------------------------------------------------------------------------


def _is_iban(token: str, regions: tuple[str, ...]) -> bool:
    return bool(stdnum_iban.is_valid(token))


def _mask_iban(value: str) -> str:
    """Country, then every character hidden but the last two, in the printed groups of four."""
    compact = re.sub(r"[\s\-]", "", value).upper()
    hidden = compact[:2] + "*" * max(len(compact) - 4, 0) + compact[-2:]
    return " ".join(hidden[i : i + 4] for i in range(0, len(hidden), 4))


# --- national identifiers (python-stdnum) ---------------------------------------------------


def _stdnum(module) -> Callable[[str, tuple[str, ...]], bool]:
    def check(token: str, regions: tuple[str, ...]) -> bool:
        return bool(module.is_valid(token))

    return check


def _mask_chars(
    value: str,
    *,
    keep_head: int = 0,
    keep_tail: int = 2,
    chars: Callable[[str], bool] = str.isalnum,
) -> str:
    """``value`` with every character that ``chars`` selects hidden, but the first
    ``keep_head`` and the last ``keep_tail`` of them; separators stay."""
    positions = [i for i, c in enumerate(value) if chars(c)]
    shown = set(positions[:keep_head]) | set(positions[len(positions) - keep_tail :])
    hidden = set(positions) - shown
    return "".join("*" if i in hidden else c for i, c in enumerate(value))


# --- the table ------------------------------------------------------------------------------

_KINDS = {
    kind.name: kind
    for kind in (
        Kind(
            EMAIL,
            prefilter=r"[^\s@]@[^\s@]+\.[^\s@]",
            cut=r"(?:^|[^\pL\pN_.+\-'@])[\pL\pN_.+\-']+@[\pL\pN_\-]+(?:\.[\pL\pN_\-]+)+",
            token=re.compile(r"(?<![\w.+\-'@])[\w.+\-']+@[\w\-]+(?:\.[\w\-]+)+"),
            check=_is_email,
        ),
        Kind(
            PHONE,
            prefilter=(
                r"(?:^|[^\w+\-/.,:])(?:\(?\+|\()?\d(?:(?:[ .\-/]|\) ?|\(|\)?[ .\-/]\(?)?\d){6,}"
            ),
            token=re.compile(
                r"(?<![\w+\-/.,:])(?:\(?\+|\()?\d(?:(?:[ .\-/]|\) ?|\(|\)?[ .\-/]\(?)?\d){6,}"
                r"(?![\w\-/]|[.,]\d)"
            ),
            check=_is_phone,
            dense=True,
        ),
        Kind(
            PAYMENT_CARD,
            prefilter=r"(?:^|[^\w\-.,])\d(?:[ \-]?\d){12,18}",
            token=re.compile(r"(?<![\w\-.,])\d(?:[ \-]?\d){12,18}(?![\w\-]|[.,]\d)"),
            check=_is_card,
            numeric=True,
            trim=True,
            dense=True,
        ),
        Kind(
            IBAN,
            prefilter=(
                r"(?:^|[^A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}"
                r"(?: ?[A-Za-z0-9]{1,4})?"
            ),
            token=re.compile(
                r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?"
                r"(?![A-Za-z0-9])"
            ),
            check=_is_iban,
            trim=True,
        ),
        Kind(
            US_SSN,
            prefilter=r"(?:^|[^\w\-])\d{3}-\d{2}-\d{4}",
            token=re.compile(r"(?<![\w\-])\d{3}-\d{2}-\d{4}(?![\w\-])"),
            check=_stdnum(ssn),
            dense=True,
        ),
        Kind(
            DE_IDNR,
            prefilter=r"(?:^|[^\w\-./,])\d{2} ?\d{3} ?\d{3} ?\d{3}",
            token=re.compile(r"(?<![\w\-./,])\d{2}( ?)\d{3}\1\d{3}\1\d{3}(?![\w\-/]|[.,]\d)"),
            check=_stdnum(idnr),
            dense=True,
        ),
        Kind(
            FR_NIR,
            prefilter=r"(?:^|[^\w\-./,])[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}",
            token=re.compile(
                r"(?<![\w\-./,])[12]( ?)\d{2}\1\d{2}\1(?:\d{2}|2[AB])\1\d{3}\1\d{3}\1?\d{2}"
                r"(?![\w\-/]|[.,]\d)"
            ),
            check=_stdnum(nir),
            dense=True,
        ),
        Kind(
            ES_DNI,
            prefilter=r"(?:^|[^\w\-])\d{8}-?[A-Za-z]",
            token=re.compile(r"(?<![\w\-])\d{8}-?[A-Za-z](?![\w\-])"),
            check=_stdnum(dni),
            dense=True,
        ),
        Kind(
            IT_CODICE_FISCALE,
            prefilter=(
                r"(?:^|[^\w\-])[A-Za-z]{6}[0-9LMNPQRSTUV]{2}[A-Za-z][0-9LMNPQRSTUV]{2}[A-Za-z]"
                r"[0-9LMNPQRSTUV]{3}[A-Za-z]"
            ),
            token=re.compile(
                r"(?<![\w\-])[A-Za-z]{6}[0-9LMNPQRSTUV]{2}[A-Za-z][0-9LMNPQRSTUV]{2}[A-Za-z]"
                r"[0-9LMNPQRSTUV]{3}[A-Za-z](?![\w\-])"
            ),
            check=_stdnum(codicefiscale),
        ),
        Kind(
            SE_PERSONNUMMER,
            prefilter=r"(?:^|[^\w\-+])\d{6,8}[\-+]\d{4}",
            token=re.compile(r"(?<![\w\-+])(?:\d{2})?\d{6}[\-+]\d{4}(?![\w\-])"),
            check=_stdnum(personnummer),
            dense=True,
        ),
        Kind(
            FI_HETU,
            prefilter=r"(?:^|[^\w\-+])\d{6}[\-+A-FU-Y]\d{3}[0-9A-Za-z]",
            token=re.compile(r"(?<![\w\-+])\d{6}[\-+A-FU-Y]\d{3}[0-9A-Za-z](?![\w\-])"),
            check=_stdnum(hetu),
            dense=True,
        ),
        Kind(
            NO_FODSELSNUMMER,
            prefilter=r"(?:^|[^\w\-./,])\d{6} ?\d{5}",
            token=re.compile(r"(?<![\w\-./,])\d{6} ?\d{5}(?![\w\-/]|[.,]\d)"),
            check=_stdnum(fodselsnummer),
            dense=True,
        ),
    )
}

_MASKS: dict[str, Callable[[str], str]] = {
    EMAIL: _mask_email,
    PHONE: _mask_phone,
    PAYMENT_CARD: _mask_card,
    IBAN: _mask_iban,
}


def check_regions(regions: Iterable[str]) -> tuple[str, ...]:
    """``regions`` as a tuple; an :class:`InputError` for a region phonenumbers does not know."""
    regions = tuple(regions)
    for region in regions:
        _national_lengths(region)
    return regions


def kind(name: str) -> Kind:
    """The kind called ``name``; an :class:`InputError` naming the known kinds otherwise."""
    try:
        return _KINDS[name]
    except KeyError:
        raise InputError(
            f"unknown kind of personal data: {name!r}",
            hint=f"use one of: {', '.join(ALL)}",
        ) from None


def resolve(kinds: Iterable[str] | str) -> tuple[Kind, ...]:
    """The :class:`Kind` objects for names (one name or many), each once, in the given order."""
    names = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    return tuple(kind(name) for name in dict.fromkeys(names))


def mask(kind_name: str, value: object) -> str:
    """``value`` (of kind ``kind_name``) in the form a report may show.

    e-mail ``j***@e***.com``; phone ``+44 ** **** **58`` (country code and last two digits);
    card ``**** **** **** 1234`` (last four, as printed on receipts); IBAN
    ``DE** **** **** **** **** 00`` (country and last two); a national identifier keeps its
    separators and its last two characters (``***-**-**89``).
    """
    kind(kind_name)
    text = str(value)
    masker = _MASKS.get(kind_name)
    return masker(text) if masker else _mask_chars(text)
