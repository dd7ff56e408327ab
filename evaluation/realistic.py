"""make eval, part two: real-traffic questions through the chat page, judged right / declined or clarified / wrong.

Every case of tests/nlu/realistic/*.yml (and every FAQ and out-of-scope question of the held-out set) is
one fresh conversation through `python -m bot.ops.serve` (what make run serves): the chat page is loaded,
its cookie kept, and each turn posted to /api/chat with the page's Origin, exactly as the page, the
widget and an outside evaluator talk to it. The registry holds tests/nlu/realistic/registrants.json.

A reply is judged (tests/nlu/realistic/README.md):
- right: the expected outcome: the topic's clause in the 依据 line with its key facts and the turn's
  facts; or, for decline/clarify, no 依据 line;
- declined or clarified: no 依据 line where an answer was expected;
- wrong: a 依据 line on anything but the expected answer (the headline rate).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

from evaluation.doc_sections import replace_section
from evaluation.held_out import held_out_examples
from evaluation.key_facts import BASIS_PREFIX, Expected, cited_labels, faq_expected

ROOT = Path(__file__).resolve().parent.parent
REALISTIC = ROOT / "tests" / "nlu" / "realistic"
RESULTS = ROOT / "results" / "realistic"
DOC = ROOT / "docs" / "nlu.md"
TODAY = "2026-12-01"
RIGHT, HONEST, WRONG = "right", "declined or clarified", "wrong"
NOT_ANSWERS = ("decline", "clarify")
PARALLEL = 4


@dataclass(frozen=True)
class Step:
    say: str
    expect: tuple[str, ...]
    """Acceptable topics, or ("decline",) / ("clarify",), or () for a step that is not judged."""
    expect_all: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    category: str
    steps: tuple[Step, ...]
    identify: str | None = None
    source: str = ""


@dataclass
class Judged:
    category: str
    say: str
    expected: str
    verdict: str
    reply: str


@dataclass
class Table:
    rows: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, category: str, verdict: str) -> None:
        self.rows[category][verdict] += 1

    def total(self) -> Counter[str]:
        found: Counter[str] = Counter()
        for counts in self.rows.values():
            found.update(counts)
        return found

    def markdown(self, title: str) -> list[str]:
        lines = [f"| {title} | messages | right | declined or clarified | wrong |", "| --- | --- | --- | --- | --- |"]
        for name, counts in [*sorted(self.rows.items()), ("**all**", self.total())]:
            n = sum(counts.values())
            lines.append(f"| {name} | {n} | " + " | ".join(f"{counts[v] / n:.1%}" if n else "—"
                                                         for v in (RIGHT, HONEST, WRONG)) + " |")
        return lines


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None or value == "none":
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def load_cases(folder: Path = REALISTIC) -> list[Case]:
    cases = []
    for path in sorted(folder.glob("*.yml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            steps = tuple(Step(str(t["say"]), _tuple(t.get("expect")), _tuple(t.get("expect_all")),
                               _tuple(t.get("facts"))) for t in entry["turns"])
            cases.append(Case(str(entry["category"]), steps, entry.get("identify"), path.stem))
    return cases


def held_out_cases() -> list[Case]:
    """The held-out set's knowledge and out-of-scope questions, as single-turn cases."""
    found = []
    for text, intent in held_out_examples():
        if intent.startswith("faq/"):
            found.append(Case("held-out: faq", (Step(text, (intent.split("/", 1)[1],)),), source="held_out"))
        elif intent == "out_of_scope":
            found.append(Case("held-out: out of scope", (Step(text, ("decline",)),), source="held_out"))
    return found


def registrants() -> dict[str, dict[str, Any]]:
    path = REALISTIC / "registrants.json"
    return {r["person_id"]: r for r in json.loads(path.read_text(encoding="utf-8"))} if path.exists() else {}


def _topic_right(reply: str, topic: str, facts: tuple[str, ...], expected: dict[str, Expected]) -> bool:
    entry = expected.get(f"faq/{topic}")
    if entry is None:
        return False
    needed = facts or entry.facts
    return entry.label in cited_labels(reply) and all(f in reply for f in needed)


def judge(step: Step, reply: str, expected: dict[str, Expected]) -> str:
    has_basis = any(line.startswith(BASIS_PREFIX) for line in reply.splitlines())
    if step.expect_all:
        if all(_topic_right(reply, t, step.facts if i == 0 else (), expected) for i, t in enumerate(step.expect_all)):
            return RIGHT
        allowed = {expected[f"faq/{t}"].label for t in step.expect_all if f"faq/{t}" in expected}
        return WRONG if cited_labels(reply) - allowed else HONEST
    if step.expect and step.expect[0] in NOT_ANSWERS:
        return WRONG if has_basis else RIGHT
    if any(_topic_right(reply, topic, step.facts, expected) for topic in step.expect):
        return RIGHT
    return WRONG if has_basis else HONEST


def _texts(body: dict[str, Any]) -> str:
    parts = []
    for message in body.get("messages", []):
        parts.append(str(message.get("text") or ""))
        parts += [f"[{b.get('title')}]" for b in message.get("buttons") or []]
    return "\n".join(parts)


def converse(web_url: str, case: Case, people: dict[str, dict[str, Any]],
             expected: dict[str, Expected], legacy_sender: bool = False) -> list[Judged]:
    session = requests.Session()
    session.get(web_url + "/", timeout=30).raise_for_status()
    # Before issue 14 the page chose the conversation id itself and sent it in the body.
    body = {"sender": f"eval-{uuid.uuid4().hex}"} if legacy_sender else {}

    def post(text: str) -> str:
        reply = session.post(web_url + "/api/chat", json={**body, "message": text}, headers={"Origin": web_url},
                             timeout=60)
        return _texts(reply.json())

    if case.identify:
        person = people[case.identify]
        post(f"{person['name']} {person['id_number'][-6:]}")
    found = []
    for step in case.steps:
        reply = post(step.say)
        if not step.expect and not step.expect_all:
            continue
        shown = "+".join(step.expect_all) if step.expect_all else "|".join(step.expect)
        found.append(Judged(case.category, step.say, shown, judge(step, reply, expected), reply))
    return found


def run_cases(web_url: str, cases: list[Case], legacy_sender: bool = False) -> list[Judged]:
    people, expected = registrants(), faq_expected()
    with ThreadPoolExecutor(PARALLEL) as pool:
        results = pool.map(lambda case: converse(web_url, case, people, expected, legacy_sender), cases)
    return [judged for found in results for judged in found]


def tables(judged: list[Judged]) -> tuple[Table, Table]:
    realistic, held_out = Table(), Table()
    for item in judged:
        (held_out if item.category.startswith("held-out") else realistic).add(item.category, item.verdict)
    return realistic, held_out


def in_and_out_of_scope(judged: list[Judged]) -> Table:
    """The issue's goals: in scope (an answer expected), out of scope (a decline or clarify expected), all."""
    table = Table()
    for item in judged:
        if item.category.startswith("held-out"):
            continue
        kind = "out of scope or vague" if item.expected in NOT_ANSWERS else "in scope"
        table.add(kind, item.verdict)
    return table


def seed_registry(url: str, work: Path) -> str:
    """A registry holding tests/nlu/realistic/registrants.json, at `url`."""
    from bot.exchange.importer import import_file
    from bot.store.migrate import upgrade_to_head
    from bot.store.unit_of_work import Database

    upgrade_to_head(url)
    records = work / "registrants.jsonl"
    records.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in registrants().values()),
                       encoding="utf-8")
    database = Database(url)
    import_file(database, records, strict=True)
    database.dispose()
    return url


def start_system(work: Path) -> Any:
    from bench.system import supervised

    url = seed_registry(f"sqlite:///{work / 'realistic.db'}", work)
    system = supervised(url, TODAY, work)
    system.start()
    return system


def _doc_section(tables_text: str, judged: list[Judged]) -> str:
    sweep = RESULTS / "sweep.json"
    chosen = json.loads(sweep.read_text(encoding="utf-8"))["chosen"] if sweep.exists() else None
    wrong = [i for i in judged if i.verdict == WRONG]
    lines = ["## Real questions: right, declined or clarified, wrong (make eval)", "",
             f"{len(judged)} judged turns through the chat page's /api/chat: tests/nlu/realistic/ (written the way "
             "people type, never trained on; see its README) and the held-out set. **Wrong** is an answer with a "
             "依据 line that is not the expected one: the headline. Right, for a decline or clarify expectation, is "
             "a reply without a 依据 line. Every reply is in results/realistic/replies.jsonl, the wrong ones in "
             "results/realistic/wrong.md.", "", tables_text, "",
             "### When to answer: the trade-off", "",
             "The classifier's topic is answered only when its probability reaches a threshold and a second, "
             "independent signal agrees: the topic's words (data/understanding/topic_terms.yml), the lexical "
             "retrieval over character pairs (bot/understanding/retrieval.py), or both. Each point is one setting, "
             "run on the single-message cases by `python -m evaluation.sweep`; the rule: the least wrong answers "
             "at ≥ 90% right in scope.", "", "![trade-off](nlu-tradeoff.png)", ""]
    if chosen:
        lines.append(f"Chosen by the rule ({len(json.loads(sweep.read_text(encoding='utf-8'))['rows'])} settings "
                     f"tried): {chosen['description']}: {chosen['in_right']:.1%} right in scope, "
                     f"{chosen['all_wrong']:.1%} wrong over all single messages. data/understanding/thresholds.yml "
                     "holds the setting in use.")
    lines += ["", f"### Kinds of message that still fail ({len(wrong)} wrong)", ""]
    lines += [f"- [{i.category}] {i.say} → expected {i.expected}" for i in wrong[:40]] or ["- none"]
    return "\n".join(lines)


def report(judged: list[Judged], out: Path = RESULTS) -> str:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "replies.jsonl").open("w", encoding="utf-8") as handle:
        for item in judged:
            handle.write(json.dumps(item.__dict__, ensure_ascii=False) + "\n")
    realistic, held_out = tables(judged)
    lines = [*in_and_out_of_scope(judged).markdown("kind"), "", *realistic.markdown("category"), "",
             *held_out.markdown("held-out set")]
    text = "\n".join(lines)
    (out / "summary.md").write_text(text + "\n", encoding="utf-8")
    if out == RESULTS:
        replace_section(DOC, "realistic", _doc_section(text, judged))
    wrong = [i for i in judged if i.verdict == WRONG]
    (out / "wrong.md").write_text("\n".join(f"- [{i.category}] {i.say} → expected {i.expected}; got: "
                                            f"{i.reply.replace(chr(10), ' / ')[:160]}" for i in wrong) + "\n",
                                  encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--web", help="an already running chat page (else bot.ops.serve is started)")
    parser.add_argument("--no-held-out", action="store_true")
    parser.add_argument("--legacy-sender", action="store_true",
                        help="also send a conversation id in the body, as the page did before issue 14")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--seed-only", type=Path, help="write the evaluation registry to this SQLite file and stop")
    args = parser.parse_args(argv)
    if args.seed_only:
        print(seed_registry(f"sqlite:///{args.seed_only.resolve()}", args.seed_only.parent))
        return
    cases = load_cases() + ([] if args.no_held_out else held_out_cases())
    if args.web:
        judged = run_cases(args.web.rstrip("/"), cases, args.legacy_sender)
    else:
        with tempfile.TemporaryDirectory() as folder:
            system = start_system(Path(folder))
            try:
                judged = run_cases(system.web_url, cases)
            finally:
                system.stop()
    print(report(judged, args.out))


if __name__ == "__main__":
    main()
