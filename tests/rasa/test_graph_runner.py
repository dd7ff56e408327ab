"""The graph run in order gives what dask gives, dependencies first, and keeps Rasa's error for a failing run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import dask
import pytest
from rasa.engine.exceptions import GraphRunError

from bot.rasa.graph_runner import execution_order, run_in_order


@dataclass
class Node:
    needs: dict[str, str]


@dataclass
class Schema:
    nodes: dict[str, Node]
    target_names: list[str]


@dataclass
class Step:
    """Called as dask calls a GraphNode: with the (name, output) pairs it needs; returns its own pair."""

    name: str
    calls: list[str] = field(default_factory=list)
    fail: bool = False

    def __call__(self, *inputs: tuple[str, Any]) -> tuple[str, Any]:
        self.calls.append(self.name)
        if self.fail:
            raise RuntimeError("boom")
        return self.name, "+".join([self.name, *(str(value) for _, value in inputs)])


@dataclass
class Runner:
    _graph_schema: Schema
    _instantiated_nodes: dict[str, Step]


# nlu_message_converter ← tokenizer ← featurizer ← classifier; policy needs the tracker input and the classifier.
SCHEMA = Schema({"converter": Node({"messages": "__message__"}), "tokenizer": Node({"messages": "converter"}),
                 "featurizer": Node({"messages": "tokenizer"}), "classifier": Node({"messages": "featurizer"}),
                 "policy": Node({"tracker": "__tracker__", "parsed": "classifier"}),
                 "unused": Node({"messages": "converter"})},
                ["classifier", "policy"])


def runner(fail: str | None = None) -> Runner:
    calls: list[str] = []
    return Runner(SCHEMA, {name: Step(name, calls, fail=name == fail) for name in SCHEMA.nodes})


def test_every_node_runs_after_what_it_needs_and_only_what_the_targets_need() -> None:
    order = [name for name, _ in execution_order(SCHEMA, ("policy",))]
    assert order == ["converter", "tokenizer", "featurizer", "classifier", "policy"]


def test_the_results_are_those_dask_gives() -> None:
    inputs = {"__message__": "你好", "__tracker__": "t"}
    ours = run_in_order(runner(), inputs, ["policy", "classifier"])
    built = runner()
    graph: dict[str, Any] = {name: (built._instantiated_nodes[name], *node.needs.values())
                             for name, node in SCHEMA.nodes.items()}
    graph.update({name: (name, value) for name, value in inputs.items()})
    assert ours == dict(dask.get(graph, ["policy", "classifier"]))


def test_each_node_runs_once_and_unused_nodes_not_at_all() -> None:
    used = runner()
    run_in_order(used, {"__message__": "m", "__tracker__": "t"})
    assert used._instantiated_nodes["converter"].calls == ["converter", "tokenizer", "featurizer", "classifier",
                                                           "policy"]


def test_a_failing_node_is_reported_as_rasa_reports_it() -> None:
    with pytest.raises(GraphRunError):
        run_in_order(runner(fail="featurizer"), {"__message__": "m", "__tracker__": "t"})
