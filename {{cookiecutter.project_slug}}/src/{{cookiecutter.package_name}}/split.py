"""Stage 2, split: a train and a held-out test set, reproducible from the seed in params.yaml."""

import pandas as pd
from sklearn.model_selection import train_test_split

from {{ cookiecutter.package_name }}.config import params, settings
from {{ cookiecutter.package_name }}.schema import TARGET


def split(
    frame: pd.DataFrame, test_size: float, seed: int, stratify: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shuffle and split; ``stratify`` keeps the class balance equal in both parts."""
    train, test = train_test_split(
        frame,
        test_size=test_size,
        random_state=seed,
        stratify=frame[TARGET] if stratify else None,
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def main() -> None:
    cfg = params()["data"]
    where = settings()
    frame = pd.read_csv(where.raw_data)
    train, test = split(
        frame,
        test_size=cfg["test_size"],
        seed=cfg["seed"],
        stratify={{ 'True' if cookiecutter.task == 'classification' else 'False' }},
    )
    where.train_data.parent.mkdir(parents=True, exist_ok=True)
    train.to_parquet(where.train_data, index=False)
    test.to_parquet(where.test_data, index=False)
    print(f"split: {len(train)} train rows, {len(test)} test rows")


if __name__ == "__main__":
    main()
