"""How the suite shares two or more cores: a test module and the projects it generates stay on
one pytest-xdist worker, except in the modules listed in ``ONE_WORKER_PER_PROJECT``, whose
tests share a module-scoped fixture parametrized by project (``[classification]``,
``[customers]`` ...): there each project's tests form a unit of their own, so two projects of
one module can be built and run on two workers at once. In the modules listed in
``ONE_WORKER_PER_TEST`` (each test a workflow run under act on its own copy of a project) every
test is a unit.

This is xdist's ``loadscope`` with a finer scope for those modules (the
``pytest_xdist_make_scheduler`` hook in tests/conftest.py); ``xdist_group`` marks would say the
same but pytest 9.2 no longer honours the node id rewrite they rely on.
"""

from __future__ import annotations

import re

from xdist.scheduler import LoadScopeScheduling

ONE_WORKER_PER_PROJECT = frozenset(
    {
        "tests/e2e/test_own_data.py",
        "tests/e2e/test_pipeline.py",
        "tests/e2e/test_tune.py",
    }
)
"""Modules whose every parametrized test takes the project as its first parameter."""

ONE_WORKER_PER_TEST = frozenset({"tests/workflows/test_generated_workflow.py"})
"""Modules whose tests share nothing costly: each can run on any worker."""

_PROJECT = re.compile(r"\[([^\]-]+)[^\]]*\]$")


def scope_of(nodeid: str) -> str:
    """The unit of work a test belongs to: its module (or class), its module and project, or
    the test itself."""
    module = nodeid.split("::", 1)[0]
    if module in ONE_WORKER_PER_TEST:
        return nodeid
    scope = nodeid.rsplit("::", 1)[0]
    found = _PROJECT.search(nodeid)
    if module in ONE_WORKER_PER_PROJECT and found:
        return f"{scope}[{found.group(1)}]"
    return scope


SLOW_KINDS = ("tests/e2e/", "tests/workflows/")
"""Units that generate and install projects or run workflows under act: seconds to a minute a
test, against milliseconds for most unit tests."""


def order_key(scope: str, tests: int) -> tuple[bool, int]:
    """Which pending unit a free worker takes first: the slow kinds, then the larger units, so
    that the many small units fill the gaps at the end and neither worker idles long."""
    return (not scope.startswith(SLOW_KINDS), -tests)


class ProjectScheduling(LoadScopeScheduling):
    """``--dist loadscope``, with a project's tests or a test as the unit in the modules listed
    above, handed out in the order of :func:`order_key`."""

    def _split_scope(self, nodeid: str) -> str:
        return scope_of(nodeid)

    def _assign_work_unit(self, node) -> None:
        first = min(self.workqueue, key=lambda scope: order_key(scope, len(self.workqueue[scope])))
        self.workqueue.move_to_end(first, last=False)
        super()._assign_work_unit(node)
