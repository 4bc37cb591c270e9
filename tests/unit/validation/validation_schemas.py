"""pandera contracts for the corpus datasets, written as a generated project's schema.py is.

Ranges are loose physical bounds that accept every row of the scikit-learn datasets; the
corruption corpus breaks them. ``module:Model`` specs point here in the command tests.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series


class BreastCancerSchema(pa.DataFrameModel):
    """Wisconsin breast cancer features (all non-negative measurements) and the 0/1 label."""

    mean_radius: Series[float] = pa.Field(alias="mean radius", ge=0, le=57, nullable=False)
    mean_texture: Series[float] = pa.Field(alias="mean texture", ge=0, le=79, nullable=False)
    mean_perimeter: Series[float] = pa.Field(alias="mean perimeter", ge=0, le=380, nullable=False)
    mean_area: Series[float] = pa.Field(alias="mean area", ge=0, le=5100, nullable=False)
    mean_smoothness: Series[float] = pa.Field(
        alias="mean smoothness", ge=0, le=0.33, nullable=False
    )
    mean_compactness: Series[float] = pa.Field(
        alias="mean compactness", ge=0, le=0.7, nullable=False
    )
    mean_concavity: Series[float] = pa.Field(alias="mean concavity", ge=0, le=0.86, nullable=False)
    mean_concave_points: Series[float] = pa.Field(
        alias="mean concave points", ge=0, le=0.41, nullable=False
    )
    mean_symmetry: Series[float] = pa.Field(alias="mean symmetry", ge=0, le=0.61, nullable=False)
    mean_fractal_dimension: Series[float] = pa.Field(
        alias="mean fractal dimension", ge=0, le=0.2, nullable=False
    )
    radius_error: Series[float] = pa.Field(alias="radius error", ge=0, le=5.8, nullable=False)
    texture_error: Series[float] = pa.Field(alias="texture error", ge=0, le=9.8, nullable=False)
    perimeter_error: Series[float] = pa.Field(alias="perimeter error", ge=0, le=44, nullable=False)
    area_error: Series[float] = pa.Field(alias="area error", ge=0, le=1100, nullable=False)
    smoothness_error: Series[float] = pa.Field(
        alias="smoothness error", ge=0, le=0.063, nullable=False
    )
    compactness_error: Series[float] = pa.Field(
        alias="compactness error", ge=0, le=0.28, nullable=False
    )
    concavity_error: Series[float] = pa.Field(alias="concavity error", ge=0, le=0.8, nullable=False)
    concave_points_error: Series[float] = pa.Field(
        alias="concave points error", ge=0, le=0.11, nullable=False
    )
    symmetry_error: Series[float] = pa.Field(alias="symmetry error", ge=0, le=0.16, nullable=False)
    fractal_dimension_error: Series[float] = pa.Field(
        alias="fractal dimension error", ge=0, le=0.06, nullable=False
    )
    worst_radius: Series[float] = pa.Field(alias="worst radius", ge=0, le=73, nullable=False)
    worst_texture: Series[float] = pa.Field(alias="worst texture", ge=0, le=100, nullable=False)
    worst_perimeter: Series[float] = pa.Field(alias="worst perimeter", ge=0, le=510, nullable=False)
    worst_area: Series[float] = pa.Field(alias="worst area", ge=0, le=8600, nullable=False)
    worst_smoothness: Series[float] = pa.Field(
        alias="worst smoothness", ge=0, le=0.45, nullable=False
    )
    worst_compactness: Series[float] = pa.Field(
        alias="worst compactness", ge=0, le=2.2, nullable=False
    )
    worst_concavity: Series[float] = pa.Field(alias="worst concavity", ge=0, le=2.6, nullable=False)
    worst_concave_points: Series[float] = pa.Field(
        alias="worst concave points", ge=0, le=0.59, nullable=False
    )
    worst_symmetry: Series[float] = pa.Field(alias="worst symmetry", ge=0, le=1.4, nullable=False)
    worst_fractal_dimension: Series[float] = pa.Field(
        alias="worst fractal dimension", ge=0, le=0.42, nullable=False
    )
    target: Series[int] = pa.Field(isin=[0, 1], nullable=False)

    class Config:
        strict = False
        coerce = False


class DiabetesSchema(pa.DataFrameModel):
    """scikit-learn's diabetes data: ten mean-centred, scaled features and a disease score."""

    age: Series[float] = pa.Field(ge=-0.5, le=0.5, nullable=False)
    sex: Series[float] = pa.Field(ge=-0.5, le=0.5, nullable=False)
    bmi: Series[float] = pa.Field(ge=-0.5, le=0.5, nullable=False)
    bp: Series[float] = pa.Field(ge=-0.5, le=0.5, nullable=False)
    s1: Series[float] = pa.Field(ge=-0.5, le=0.5, nullable=False)
    s2: Series[float] = pa.Field(ge=-0.5, le=0.5, nullable=False)
    s3: Series[float] = pa.Field(ge=-0.5, le=0.5, nullable=False)
    s4: Series[float] = pa.Field(ge=-0.5, le=0.5, nullable=False)
    s5: Series[float] = pa.Field(ge=-0.5, le=0.5, nullable=False)
    s6: Series[float] = pa.Field(ge=-0.5, le=0.5, nullable=False)
    target: Series[float] = pa.Field(ge=0, le=400, nullable=False)


class SyntheticSchema(pa.DataFrameModel):
    """The synthetic table with a categorical column (see validation_corpus.synthetic_frame)."""

    size: Series[float] = pa.Field(ge=0, nullable=False)
    weight: Series[float] = pa.Field(ge=0, nullable=False)
    score: Series[float] = pa.Field(nullable=False)
    color: Series[str] = pa.Field(isin=["red", "green", "blue", "yellow"], nullable=False)
    target: Series[int] = pa.Field(isin=[0, 1], nullable=False)
