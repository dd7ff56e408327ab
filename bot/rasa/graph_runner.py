"""Rasa runs its model graph (the NLU pipeline on each message, the policies on each prediction) through dask,
rebuilding the minimal schema and the dask graph on every call. At serving time the graph is small and runs in one
thread anyway, and that bookkeeping alone was 9% of a knowledge turn in the Rasa server, more than our classifier
(py-spy; docs/profiling-turn.md).

The same run, in the same order dask would choose (dependencies first), with the order worked out once per set of
targets. Nodes are called exactly as dask calls them: each with the `(name, output)` pairs of what it needs.
"""

from __future__ import annotations

from typing import Any

_installed = False


def execution_order(schema: Any, targets: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    """Each node the targets depend on, after everything it needs, with the names it needs in order."""
    order: list[tuple[str, tuple[str, ...]]] = []
    placed: set[str] = set()

    def place(name: str) -> None:
        if name in placed or name not in schema.nodes:
            return
        placed.add(name)
        needs = tuple(schema.nodes[name].needs.values())
        for dependency in needs:
            place(dependency)
        order.append((name, needs))

    for target in targets:
        place(target)
    return order


def run_in_order(runner: Any, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
                 ) -> dict[str, Any]:
    from rasa.engine.exceptions import GraphRunError

    run_targets = tuple(targets if targets else runner._graph_schema.target_names)
    orders = runner.__dict__.setdefault("_orders_by_targets", {})
    if run_targets not in orders:
        orders[run_targets] = execution_order(runner._graph_schema, run_targets)
    results: dict[str, Any] = {name: (name, value) for name, value in (inputs or {}).items()}
    try:
        for name, needs in orders[run_targets]:
            results[name] = runner._instantiated_nodes[name](*(results[need] for need in needs))
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(results[target] for target in run_targets)


def install() -> None:
    global _installed
    if not _installed:
        from rasa.engine.runner.dask import DaskGraphRunner

        DaskGraphRunner.run = run_in_order  # type: ignore[method-assign]
        _installed = True
