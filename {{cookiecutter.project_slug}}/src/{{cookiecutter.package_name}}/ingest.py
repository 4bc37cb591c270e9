"""Stage 1, ingest: bring the raw data into ``data/raw`` as a real, versioned file.

The sample is the {% if cookiecutter.task == 'classification' %}breast cancer Wisconsin{% else %}diabetes{% endif %} dataset that ships with scikit-learn, so the pipeline
runs offline. To use your own data, make ``load_dataset`` return your frame (read a CSV,
query a warehouse, ...) with one column per feature and the target in TARGET, then describe
its columns in schema.py.
"""

import pandas as pd

from {{ cookiecutter.package_name }}.config import settings
from {{ cookiecutter.package_name }}.schema import TARGET


def snake_case(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def load_dataset() -> pd.DataFrame:
    """The sample dataset as one frame: features with snake_case names, then the target."""
{%- if cookiecutter.task == 'classification' %}
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer(as_frame=True)
{%- else %}
    from sklearn.datasets import load_diabetes

    # scaled=False keeps the original units (years, mm Hg, mg/dL), which the schema bounds.
    bunch = load_diabetes(as_frame=True, scaled=False)
{%- endif %}
    frame = bunch.frame.rename(columns=snake_case)
    return frame.rename(columns={"target": TARGET})


def main() -> None:
    out = settings().raw_data
    out.parent.mkdir(parents=True, exist_ok=True)
    frame = load_dataset()
    frame.to_csv(out, index=False)
    print(f"ingest: {len(frame)} rows x {frame.shape[1]} columns -> {out}")


if __name__ == "__main__":
    main()
