"""The fictitious amending notice of the tests (fixtures/amendment-renewal-60.yml), installed for
one test and the default policy put back after it, whatever the test did."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rules_engine.policy import AMENDMENTS_DIR, Policy, install_policy, load_policy

FIXTURES = Path(__file__).parent / "fixtures"
RENEWAL_60 = FIXTURES / "amendment-renewal-60.yml"
AMENDING_NOTICE = "黔建建通〔2026〕99号"
AMENDING_LABEL = "黔建建通〔2026〕99号 第一条"


@contextmanager
def amended(*files: Path) -> Iterator[Policy]:
    """The notice with the given amending documents (default: the 60-day renewal lead) in force."""
    policy = load_policy((AMENDMENTS_DIR, *(files or (RENEWAL_60,))))
    previous = install_policy(policy)
    try:
        yield policy
    finally:
        install_policy(previous)
