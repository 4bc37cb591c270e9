"""Values that look like personal data in columns a schema does not classify as personal.

``scan_frame(frame, columns)`` and ``scan_column(series)`` return a list of :class:`Finding`:
the column, the kind, how many rows and what share of the column hold such values, and a few
masked examples (``j***@e***.com``, ``**** **** **** 1234``): never the values themselves.
``mask(kind, value)`` is the masking on its own. Nothing here reads or writes files.

Kinds (names in :data:`ALL`): ``email``, ``phone``, ``payment_card``, ``iban`` and the national
identifiers in :data:`NATIONAL_IDS` (``us_ssn``, ``de_idnr``, ``fr_nir``, ``es_dni``,
``it_codice_fiscale``, ``se_personnummer``, ``fi_hetu``, ``no_fodselsnummer``).
"""

from __future__ import annotations

from mlgate.privacy.kinds import (
    ALL,
    DE_IDNR,
    DEFAULT_REGIONS,
    EMAIL,
    ES_DNI,
    FI_HETU,
    FR_NIR,
    IBAN,
    IT_CODICE_FISCALE,
    NATIONAL_IDS,
    NO_FODSELSNUMMER,
    PAYMENT_CARD,
    PHONE,
    SE_PERSONNUMMER,
    US_SSN,
    mask,
)
from mlgate.privacy.scan import DEFAULT_SAMPLE_ROWS, Finding, scan_column, scan_frame

__all__ = [
    "ALL",
    "DEFAULT_REGIONS",
    "DEFAULT_SAMPLE_ROWS",
    "DE_IDNR",
    "EMAIL",
    "ES_DNI",
    "FI_HETU",
    "FR_NIR",
    "IBAN",
    "IT_CODICE_FISCALE",
    "NATIONAL_IDS",
    "NO_FODSELSNUMMER",
    "PAYMENT_CARD",
    "PHONE",
    "SE_PERSONNUMMER",
    "US_SSN",
    "Finding",
    "mask",
    "scan_column",
    "scan_frame",
]
