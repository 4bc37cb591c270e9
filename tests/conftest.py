pytest_plugins = [
    "tests.support.mlflow_server",
    "tests.support.training",
    "tests.support.promotion_matrix",
    "tests.support.s3_server",
]


def pytest_xdist_make_scheduler(config, log):
    """With ``--dist loadscope``: each generated project's tests on one worker
    (tests/support/scheduling.py)."""
    if config.getoption("dist") != "loadscope":
        return None
    from tests.support.scheduling import ProjectScheduling

    return ProjectScheduling(config, log)
