"""Which amending documents are in force for this process: data/policy/amendments, and POLICY_AMENDMENTS_DIR's.

Every process that states a policy date or number installs them when it starts: the action server (answers), the
web server (the employer and staff pages' reports) and `python -m bot` (reminders)."""

from __future__ import annotations

import logging

from bot.config import policy_amendments_dir
from rules_engine.parameters import check_successors
from rules_engine.policy import AMENDMENTS_DIR, CitationError, Policy, install_policy, load_policy

logger = logging.getLogger(__name__)


class PolicySetupError(ValueError):
    """The configured folder is missing, or an amending document in it does not read."""


def install_configured_policy() -> Policy:
    """The notice with its amending documents, for every answer this process gives; a document whose citation is
    not in its own text, or whose successor does not fit, stops the start instead of misleading anyone."""
    extra = policy_amendments_dir()
    if extra is not None and not extra.is_dir():
        raise PolicySetupError(f"POLICY_AMENDMENTS_DIR: {extra} is not a folder")
    try:
        policy = load_policy((AMENDMENTS_DIR,) if extra is None else (AMENDMENTS_DIR, extra))
        check_successors(policy)
    except (CitationError, KeyError, TypeError, ValueError) as error:
        raise PolicySetupError(f"an amending document does not read: {error}") from error
    install_policy(policy)
    for amendment in policy.amendments:
        logger.info("amending document %s in force from %s", amendment.document, amendment.effective)
    return policy
