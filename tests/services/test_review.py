"""Staff review of a message: the turn marked and audited, and the reviewed-examples file Rasa trains on."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data

from bot.config import PROJECT_ROOT
from bot.services.review import (
    ReviewFiles,
    count_examples,
    example_text,
    known_texts,
    review_files,
    reviewed_examples,
    reviewed_yaml,
    save_review,
)
from bot.store.unit_of_work import Database

NOW = dt.datetime(2025, 12, 1, 9)
REVIEWED = PROJECT_ROOT / "data" / "nlu" / "reviewed.yml"


@pytest.fixture(autouse=True)
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never the repository's own file."""
    monkeypatch.setenv("REVIEWED_EXAMPLES_FILE", str(tmp_path / "default-reviewed.yml"))


def add_turn(database: Database, text: str, kind: str = "decline", topic: str | None = None) -> int:
    with database.unit_of_work() as uow:
        turn_id = uow.turns.add("key", NOW, NOW.date(), "贵阳市", text, kind, "out_of_scope", 0.4, topic, None)
        uow.commit()
    return turn_id


def test_examples_are_one_line_each_deduplicated_and_never_a_known_or_redacted_text() -> None:
    reviewed = [("延续 注册\n要 提前几天", "renewal"), ("延续 注册 要 提前几天", "renewal"),
                ("王建国 ****** 什么时候到期", "renewal"), ("5201**********1235 到期", "renewal"),
                ("/human_handoff", "renewal"), ("   ", "renewal"), ("一建考试报名", "out_of_scope"),
                ("二建延续什么时候申请", "renewal"), ("[公司](employer)改名", "change_details"),
                ("换单位要注销吗", "renewal"), ("换单位要注销吗", "change_employer")]
    found = reviewed_examples(reviewed, {"二建延续什么时候申请"})
    assert found == {"faq/change_details": ["［公司］(employer)改名"],
                     "faq/change_employer": ["换单位要注销吗"],  # the latest review of a text wins
                     "faq/renewal": ["延续 注册 要 提前几天"],
                     "out_of_scope": ["一建考试报名"]}
    assert example_text("a\u2028b\x00c") == "a b c"


def test_the_file_is_rasa_nlu_yaml_that_rasa_reads(tmp_path: Path) -> None:
    path = tmp_path / "reviewed.yml"
    path.write_text(reviewed_yaml({"faq/renewal": ["延续要提前几天: 急", "“引号” #不是注释"],
                                   "out_of_scope": ["一建考试报名"]}), encoding="utf-8")
    data = load_data(str(path))
    assert sorted((m.get("text"), m.get("intent")) for m in data.intent_examples) == [
        ("“引号” #不是注释", "faq"), ("一建考试报名", "out_of_scope"), ("延续要提前几天: 急", "faq")]
    assert {m.get("intent_response_key") for m in data.intent_examples} == {"faq/renewal", None}
    assert count_examples(path) == 3
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["version"] == "3.1"


def test_the_committed_file_exists_and_is_the_empty_one() -> None:
    assert REVIEWED.read_text(encoding="utf-8") == reviewed_yaml({})
    assert load_data(str(REVIEWED)).intent_examples == [] and count_examples(REVIEWED) == 0


def test_known_texts_are_the_training_and_held_out_examples(tmp_path: Path) -> None:
    files = review_files()
    assert files.target == tmp_path / "default-reviewed.yml"
    assert REVIEWED in files.known and PROJECT_ROOT / "data" / "nlu" / "faq_procedure.yml" in files.known
    assert any(path.name.startswith("held_out_") for path in files.known)
    known = known_texts(files.known)
    assert len(known) > 500 and "" not in known


def test_saving_a_review_marks_the_turn_audits_it_and_writes_the_file(database: Database, tmp_path: Path) -> None:
    files = ReviewFiles(tmp_path / "reviewed.yml", (PROJECT_ROOT / "data" / "nlu" / "faq_procedure.yml",))
    first = add_turn(database, "一建在贵州怎么延续")
    second = add_turn(database, "公司破产了证书怎么办", kind="answer", topic="renewal")
    with database.unit_of_work() as uow:
        assert save_review(uow, first, "out_of_scope", "kefu", NOW, files) == 1
    with database.unit_of_work() as uow:
        assert save_review(uow, second, "cancellation_grounds", "kefu2", NOW + dt.timedelta(minutes=1), files) == 2
    with database.unit_of_work() as uow:
        assert save_review(uow, 999, "renewal", "kefu", NOW, files) is None
        row = uow.turns.turn_by_id(second)
        assert row is not None and (row["reviewed_topic"], row["reviewed_by"]) == ("cancellation_grounds", "kefu2")
        events = [(e["action"], json.loads(e["details"])) for e in uow.audit.latest()]
    assert events[0] == ("review_turn", {"turn": second, "before": None, "after": "cancellation_grounds",
                                         "assistant_topic": "renewal", "kind": "answer"})
    assert load_data(str(files.target)).intent_examples[0].get("text") in {"一建在贵州怎么延续", "公司破产了证书怎么办"}
    assert files.target.read_text(encoding="utf-8").endswith(
        "nlu:\n- intent: faq/cancellation_grounds\n  examples: |\n    - 公司破产了证书怎么办\n"
        "- intent: out_of_scope\n  examples: |\n    - 一建在贵州怎么延续\n")
    with pytest.raises(ValueError), database.unit_of_work() as uow:
        save_review(uow, first, "faq/renewal", "kefu", NOW, files)
