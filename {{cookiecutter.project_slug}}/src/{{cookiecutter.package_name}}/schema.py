"""The data contract: what every row of the dataset must look like, and what each column is for.

A pandera DataFrameModel checks column presence, types, missing values and ranges. Validation
is lazy, so one run reports every failing column and row, not just the first. The ranges are
plausibility bounds (what a real measurement can be), not the min/max of today's sample: shifts
within them are caught by the distribution checks against the baseline.

Each column's metadata may give its role: ``feature`` (the default: the model learns from it),
``target`` (the label: exactly one column), ``identifier`` (a key such as a customer id:
checked, never learned from) or ``excluded`` (kept in the data, not used). The types decide
the preprocessing (model.py): numbers are imputed and scaled, text and categories one-hot
encoded, booleans and dates turned into numbers.

Every column is also classified (``Config.metadata`` gives the default): ``public``,
``internal``, ``confidential`` or ``personal``. Personal data reaches the model only through a
treatment named here, applied before anything is written to data/processed: ``"drop"``,
``"hash"`` (salted; the salt comes from the environment variable MLGATE_SALT),
``{"bucket": [edges]}`` or ``{"truncate": n}``. The data gate refuses an unclassified column
and fails on a personal column used untreated, or on personal-looking values (e-mails, phone
and card numbers, IBANs, national ids) in a column not classified personal.

This is the file to edit when you bring your own data: one line per column.
"""

import pandera.pandas as pa
from mlgate.contract import from_schema
from pandera.typing import Series


class DatasetSchema(pa.DataFrameModel):
{%- if cookiecutter.task == 'classification' %}
    """Breast cancer Wisconsin (diagnostic): 30 cell-nucleus measurements and the diagnosis."""

    mean_radius: Series[float] = pa.Field(ge=0, le=60)
    mean_texture: Series[float] = pa.Field(ge=0, le=80)
    mean_perimeter: Series[float] = pa.Field(ge=0, le=400)
    mean_area: Series[float] = pa.Field(ge=0, le=6000)
    mean_smoothness: Series[float] = pa.Field(ge=0, le=0.4)
    mean_compactness: Series[float] = pa.Field(ge=0, le=0.7)
    mean_concavity: Series[float] = pa.Field(ge=0, le=0.9)
    mean_concave_points: Series[float] = pa.Field(ge=0, le=0.5)
    mean_symmetry: Series[float] = pa.Field(ge=0, le=0.7)
    mean_fractal_dimension: Series[float] = pa.Field(ge=0, le=0.2)
    radius_error: Series[float] = pa.Field(ge=0, le=6)
    texture_error: Series[float] = pa.Field(ge=0, le=10)
    perimeter_error: Series[float] = pa.Field(ge=0, le=50)
    area_error: Series[float] = pa.Field(ge=0, le=2000)
    smoothness_error: Series[float] = pa.Field(ge=0, le=0.07)
    compactness_error: Series[float] = pa.Field(ge=0, le=0.3)
    concavity_error: Series[float] = pa.Field(ge=0, le=0.8)
    concave_points_error: Series[float] = pa.Field(ge=0, le=0.2)
    symmetry_error: Series[float] = pa.Field(ge=0, le=0.2)
    fractal_dimension_error: Series[float] = pa.Field(ge=0, le=0.06)
    worst_radius: Series[float] = pa.Field(ge=0, le=80)
    worst_texture: Series[float] = pa.Field(ge=0, le=100)
    worst_perimeter: Series[float] = pa.Field(ge=0, le=600)
    worst_area: Series[float] = pa.Field(ge=0, le=9000)
    worst_smoothness: Series[float] = pa.Field(ge=0, le=0.5)
    worst_compactness: Series[float] = pa.Field(ge=0, le=3)
    worst_concavity: Series[float] = pa.Field(ge=0, le=3)
    worst_concave_points: Series[float] = pa.Field(ge=0, le=0.6)
    worst_symmetry: Series[float] = pa.Field(ge=0, le=2)
    worst_fractal_dimension: Series[float] = pa.Field(ge=0, le=0.5)
    # 0 = malignant, 1 = benign
    diagnosis: Series[int] = pa.Field(isin=[0, 1], metadata={"role": "target"})
{%- else %}
    """Diabetes (Efron et al.): ten baseline measurements and disease progression one year later."""

    # Personal data: the model sees age by decade, never the exact age, and never the sex.
    age: Series[float] = pa.Field(
        ge=0,
        le=120,
        metadata={"classification": "personal", "treatment": {"bucket": [30, 40, 50, 60, 70]}},
    )  # years
    sex: Series[float] = pa.Field(
        isin=[1.0, 2.0], metadata={"classification": "personal", "role": "excluded"}
    )  # coded 1 / 2
    bmi: Series[float] = pa.Field(ge=10, le=70)  # body mass index
    bp: Series[float] = pa.Field(ge=40, le=200)  # average blood pressure
    s1: Series[float] = pa.Field(ge=50, le=400)  # total serum cholesterol
    s2: Series[float] = pa.Field(ge=20, le=350)  # low-density lipoproteins
    s3: Series[float] = pa.Field(ge=10, le=150)  # high-density lipoproteins
    s4: Series[float] = pa.Field(ge=0, le=15)  # total cholesterol / HDL
    s5: Series[float] = pa.Field(ge=2, le=8)  # log of serum triglycerides
    s6: Series[float] = pa.Field(ge=30, le=300)  # blood sugar level
    # disease progression one year after baseline
    progression: Series[float] = pa.Field(ge=0, le=400, metadata={"role": "target"})
{%- endif %}

    class Config:
        strict = True  # an unexpected column is an error, so is a missing one
        coerce = False  # a column of strings where numbers belong is an error, not a cast
        # the classification of every column that does not name its own
        metadata = {"classification": "confidential"}


CONTRACT = from_schema(DatasetSchema)
"""Each column's kind and role, as the schema declares them."""

TARGET = CONTRACT.require_target("schema.py")
"""The label column: every stage and mlgate command takes it from the schema."""
