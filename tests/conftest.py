pytest_plugins = [
    "tests.support.mlflow_server",
    "tests.support.training",
    "tests.support.promotion_matrix",
    "tests.support.s3_server",
]
