"""bench.sizing: make bench's figures → the replica and memory table in docs/deploy.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.sizing import END, MISSING, START, SizingError, basis, main, pod_memory_mib, replicas_for, sizing_table

DOC = f"# Deploy\n\n## Sizing\n\n{START}\nold text\n{END}\n\nAfter the table.\n"


def figures(rps: float) -> dict:
    spread = {"median": rps, "min": rps * 0.9, "max": rps * 1.1}
    latency = {"median": 100.0, "min": 90.0, "max": 110.0}
    return {"p50": latency, "p95": latency, "p99": latency, "rps": spread, "requests": 300.0, "failures": 0.0,
            "all_failures": 0.0}


def fake_load(knowledge: float = 25.0, personal: float = 20.0, draft: float = 22.0) -> dict:
    """The shape bench.load_bench.main() writes (users as string keys, as JSON has them)."""
    return {"startup_seconds": 40.0, "model_load_seconds": 18.0,
            "memory_after_warmup_mib": {"rasa": 700.0, "actions": 150.0, "web": 90.0, "supervisor": 30.0},
            "memory_after_scenarios_mib": {"rasa": 760.0, "actions": 140.0, "web": 95.0, "supervisor": 30.0},
            "scenarios": {"a_parse": {"1": figures(60.0), "50": figures(90.0)},
                          "b_knowledge": {"1": figures(12.0), "10": figures(24.0), "50": figures(knowledge)},
                          "c_personal": {"1": figures(10.0), "10": figures(19.0), "50": figures(personal)},
                          "d_draft_confirm": {"1": figures(11.0), "50": figures(draft)}},
            "soak": None, "settings": {"seconds": 15, "repeat": 3, "users": [1, 10, 50]}, "records": 5000}


def rows(table: str) -> dict[str, list[str]]:
    found = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0].endswith("turns/s"):
            found[cells[0]] = cells[1:]
    return found


def run(tmp_path: Path, load: dict | None, cluster: dict | None = None) -> str:
    doc = tmp_path / "deploy.md"
    doc.write_text(DOC, encoding="utf-8")
    argv = ["--doc", str(doc), "--load", str(tmp_path / "load.json"), "--cluster", str(tmp_path / "cluster.json")]
    if load is not None:
        (tmp_path / "load.json").write_text(json.dumps(load), encoding="utf-8")
    if cluster is not None:
        (tmp_path / "cluster.json").write_text(json.dumps(cluster), encoding="utf-8")
    assert main(argv) == 0
    return doc.read_text(encoding="utf-8")


def test_replicas_are_peak_with_headroom_over_the_slowest_turn_rate(tmp_path: Path) -> None:
    text = run(tmp_path, fake_load(knowledge=25.0, personal=20.0, draft=22.0))
    table = rows(text)
    # 20 turns/s per replica (personal, the slowest): ceil(peak × 1.3 / 20), at least 2.
    assert table["10 turns/s"][:2] == ["2", "2"]      # ceil(0.65) = 1 → the minimum of 2
    assert table["50 turns/s"][:2] == ["4", "4"]      # ceil(3.25)
    assert table["100 turns/s"][:2] == ["7", "7"]     # ceil(6.5)
    assert table["200 turns/s"][:2] == ["13", "13"]   # ceil(13.0), not 14 from 13.000000000000002
    assert "20.0 turns/s per Rasa replica" in text and "c_personal" in text


def test_memory_per_pod_is_the_largest_resident_memory_plus_headroom(tmp_path: Path) -> None:
    table = rows(run(tmp_path, fake_load()))
    # rasa: max(700, 760) × 1.3 = 988 → 1024 Mi; actions: max(150, 140) × 1.3 = 195 → 256 Mi.
    assert table["200 turns/s"][2:] == ["1024 Mi", "256 Mi"]
    assert pod_memory_mib(100.0) == 192 and pod_memory_mib(640.0 / 1.3) == 640


def test_the_table_replaces_only_what_stands_between_the_markers(tmp_path: Path) -> None:
    text = run(tmp_path, fake_load())
    assert text.startswith("# Deploy\n\n## Sizing\n\n" + START + "\n| peak load |")
    assert text.endswith(END + "\n\nAfter the table.\n")
    assert "old text" not in text
    doc = tmp_path / "deploy.md"
    assert main(["--doc", str(doc), "--load", str(tmp_path / "load.json"),
                 "--cluster", str(tmp_path / "none.json")]) == 0
    assert doc.read_text(encoding="utf-8") == text  # running again changes nothing


def test_without_load_json_the_table_asks_for_make_bench(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = run(tmp_path, None)
    assert f"{START}\n{MISSING}\n{END}" in text
    assert "run make bench first" in text and "turns/s |" not in text
    assert "run make bench first" in capsys.readouterr().out


def test_cluster_json_adds_the_measured_scaling(tmp_path: Path) -> None:
    cluster = {"users": 50, "replicas": {"1": {"rps": 20.0, "p50": 900.0, "p95": 1500.0, "failures": 0},
                                         "2": {"rps": 30.0, "p50": 600.0, "p95": 1100.0, "failures": 0}}}
    text = run(tmp_path, fake_load(), cluster)
    assert "1 Rasa replica 20.0 turns/s" in text and "2 replicas 30.0 turns/s" in text and "×1.50" in text
    assert "below linear" in text
    assert rows(text)["200 turns/s"][0] == "13"  # the table stays on load.json's basis


def test_replicas_for_rounds_before_ceiling() -> None:
    assert replicas_for(200, 20) == 13
    assert replicas_for(200, 20, minimum=1) == 13
    assert replicas_for(10, 100, minimum=1) == 1
    assert replicas_for(10, 100) == 2


def test_a_load_json_without_fifty_users_is_refused() -> None:
    load = fake_load()
    for name in ("b_knowledge", "c_personal", "d_draft_confirm"):
        del load["scenarios"][name]["50"]
    with pytest.raises(SizingError, match="50 users"):
        sizing_table(load)


def test_a_document_without_markers_is_refused(tmp_path: Path) -> None:
    doc = tmp_path / "deploy.md"
    doc.write_text("# Deploy\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["--doc", str(doc), "--load", str(tmp_path / "missing.json")])
    assert exit_info.value.code == 1
    assert doc.read_text(encoding="utf-8") == "# Deploy\n"


def test_the_draft_confirmation_rate_is_not_taken_for_a_turn_rate() -> None:
    # It counts one turn in three of a draft conversation; the basis stays the slowest whole-turn scenario.
    assert basis(fake_load(knowledge=25.0, personal=20.0, draft=1.0)).scenario == "c_personal"
