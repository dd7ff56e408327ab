"""Staff review of a message (/staff/review/<id>): the topic it really was, or out of scope, for the next training.

Saving a review marks the turn, audits it, and writes REVIEWED_EXAMPLES_FILE (default data/nlu/reviewed.yml) again
from every reviewed turn, in one use case with one commit; `make train` reads the file with the rest of data/nlu.
The file is written whole (atomically) and holds only texts worth training on: one line each, without the
redaction markers of a credential (******), not a button's payload (/intent), and none that an existing training
example or a held-out test example already is (a repeat teaches nothing, one labelled otherwise would make
`rasa data validate` warn, and a held-out text must never be trained on).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT, settings
from bot.services.atomic_files import write_atomically
from bot.services.helpdesk import audit
from bot.store.unit_of_work import UnitOfWork

OUT_OF_SCOPE = "out_of_scope"
RETRIEVAL = "faq"
TOPIC_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
REDACTED = re.compile(r"\*{2,}")
ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")
SPACES = re.compile(r"\s+")
HEADER = """version: "3.1"
# Written by /staff/review (bot/services/review.py) from the messages staff reviewed: do not edit by hand.
# Each is the topic a staff member said a real, redacted message was about, or out_of_scope. `make train` adds them.
"""


@dataclass(frozen=True)
class ReviewFiles:
    """Where the reviewed examples go, and the NLU files whose examples are not repeated there."""

    target: Path
    known: tuple[Path, ...]


def review_files() -> ReviewFiles:
    """REVIEWED_EXAMPLES_FILE; the training data (data/nlu) and the held-out sets (tests/nlu) beside it."""
    target = Path(settings().reviewed_examples_file)
    known = [*sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")),
             *sorted((PROJECT_ROOT / "tests" / "nlu").glob("held_out_*.yml"))]
    return ReviewFiles(target, tuple(p for p in known if p.resolve() != target.resolve()))


def intent_of(topic: str) -> str:
    """The training intent of a reviewed topic: the ResponseSelector's faq/<topic>, or out_of_scope."""
    return OUT_OF_SCOPE if topic == OUT_OF_SCOPE else f"{RETRIEVAL}/{topic}"


def _key(text: str) -> str:
    return SPACES.sub(" ", ANNOTATION.sub(lambda m: m.group(1) or m.group(2), text)).strip()


def example_text(text: str) -> str | None:
    """The message as one training line, or None when it should not be trained on."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    # Brackets would be read as an entity annotation ([text](entity)); full-width ones mean the same to a reader.
    line = SPACES.sub(" ", printable.replace("[", "［").replace("]", "］")).strip()
    if not line or line.startswith("/") or REDACTED.search(line):
        return None
    return line


def known_texts(files: Iterable[Path]) -> set[str]:
    """Every example of these NLU files (annotations taken out, spaces normalised)."""
    found: set[str] = set()
    for path in files:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in content.get("nlu") or []:
            if isinstance(block, dict) and "intent" in block:
                found |= {_key(line.strip()[2:]) for line in str(block.get("examples", "")).splitlines()
                          if line.strip().startswith("- ")}
    return found


def reviewed_examples(reviewed: Sequence[tuple[str, str]], known: set[str]) -> dict[str, list[str]]:
    """Training examples per intent from (text, reviewed topic): each text once (its latest review wins), none
    already known."""
    latest: dict[str, tuple[str, str]] = {}
    for text, topic in reviewed:
        line = example_text(text)
        if line is not None and _key(line) not in known:
            latest.pop(_key(line), None)
            latest[_key(line)] = (line, topic)
    found: dict[str, list[str]] = {}
    for line, topic in latest.values():
        found.setdefault(intent_of(topic), []).append(line)
    return {intent: found[intent] for intent in sorted(found)}


def reviewed_yaml(examples: dict[str, list[str]]) -> str:
    """The Rasa 3 NLU file of these examples; `nlu: []` when there are none."""
    if not any(examples.values()):
        return HEADER + "nlu: []\n"
    blocks = [f"- intent: {intent}\n  examples: |\n" + "".join(f"    - {line}\n" for line in lines)
              for intent, lines in examples.items() if lines]
    return HEADER + "nlu:\n" + "".join(blocks)


def count_examples(path: Path) -> int:
    """How many examples an NLU file holds (0 when it does not exist)."""
    if not path.exists():
        return 0
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return sum(1 for block in content.get("nlu") or [] if isinstance(block, dict)
               for line in str(block.get("examples", "")).splitlines() if line.strip().startswith("- "))


def turn_for_review(uow: UnitOfWork, turn_id: int) -> dict[str, object] | None:
    row = uow.turns.turn_by_id(turn_id)
    if row is None:
        return None
    return {key: row[key] for key in ("id", "asked_at", "day", "city", "text", "kind", "intent", "confidence",
                                      "topic", "basis", "vote", "vote_reason", "reviewed_topic", "reviewed_by",
                                      "reviewed_at")}


def save_review(uow: UnitOfWork, turn_id: int, topic: str, actor: str, now: dt.datetime,
                files: ReviewFiles | None = None) -> int | None:
    """Mark the turn as being about `topic` (a FAQ topic the caller checked, or OUT_OF_SCOPE), audit it, write the
    reviewed-examples file again and commit. The number of examples now in the file; None: no such turn."""
    if not TOPIC_NAME.match(topic):
        raise ValueError(f"not a topic name: {topic!r}")
    row = uow.turns.turn_by_id(turn_id)
    if row is None:
        return None
    uow.turns.mark_reviewed(turn_id, topic, actor, now)
    audit(uow, actor, "review_turn", None, {"turn": turn_id, "before": row["reviewed_topic"], "after": topic,
                                            "assistant_topic": row["topic"], "kind": row["kind"]}, now)
    files = files or review_files()
    examples = reviewed_examples(uow.turns.reviewed(), known_texts(files.known))
    # Written before the commit: a file that cannot be written leaves the review unsaved. Should the commit then
    # fail, the file has one example too many until the next review writes it again.
    write_atomically(files.target, reviewed_yaml(examples))
    uow.commit()
    return sum(len(lines) for lines in examples.values())
