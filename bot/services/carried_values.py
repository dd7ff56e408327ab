"""Values a conversation carries from one message to the next that must not be stored in clear: the last six typed
before the name, the phone between a draft's summary and its confirmation. Sealed with their own derived key."""

from __future__ import annotations

from bot.security.keys import seal, unseal

__all__ = ["seal", "unseal"]
