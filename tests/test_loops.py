"""One list says which effects form which feedback loop; ``--explain`` and the causal loop
diagram both read it, and they agree about the model's causal structure."""

from __future__ import annotations

import inspect

import pytest

from staffsim.experiment import explain as explain_module
from staffsim.scenario.loops import LOOPS, loop_of_effect
from staffsim.scenario.schema import Effects
from tools.loop_diagram import CIRCUITS, EDGES, NODES, circuit_loops


def _reachable(start: str) -> set[str]:
    """Every node of the diagram reachable from ``start`` along its links."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        for edge in EDGES:
            if edge.source == node and edge.target not in seen:
                seen.add(edge.target)
                todo.append(edge.target)
    return seen


def test_explain_switches_off_the_loops_of_the_one_list() -> None:
    """``--explain`` uses the list itself, not a copy of it."""
    assert explain_module.LOOPS is LOOPS
    assert inspect.signature(explain_module.explain).parameters["loops"].default is LOOPS


def test_every_effect_is_in_exactly_one_loop() -> None:
    listed = [effect for effects in LOOPS.values() for effect in effects]
    assert sorted(listed) == sorted(Effects.model_fields)
    for loop, effects in LOOPS.items():
        for effect in effects:
            assert loop_of_effect(effect) == loop
    with pytest.raises(KeyError, match="no_such_effect"):
        loop_of_effect("no_such_effect")


def test_the_diagram_draws_exactly_the_effects_of_the_loops() -> None:
    """Every effect the loops list labels a link of the diagram, and every effect on a link
    is in a loop."""
    drawn = {name for edge in EDGES for name in edge.effects}
    assert drawn == {effect for effects in LOOPS.values() for effect in effects}


@pytest.mark.parametrize("loop", list(LOOPS))
def test_each_loop_feeds_back_in_the_diagram_unless_it_is_a_policy_lever(loop: str) -> None:
    """A loop is a loop: at least one of its effects sits on a link whose target leads back
    to its source in the diagram. Only a group whose effects all leave a policy lever (a
    node the scenario sets, such as pay) may be open."""
    links = [edge for edge in EDGES if set(edge.effects) & set(LOOPS[loop])]
    closes = [edge for edge in links if edge.source in _reachable(edge.target)]
    from_levers = all(NODES[edge.source].exogenous for edge in links)
    assert closes or from_levers, f"{loop!r} closes no circuit of the diagram"


def test_each_circuit_names_the_loops_that_break_it() -> None:
    """A circuit's ``--explain`` loops are exactly those with an effect on its links; only
    circuits made of bookkeeping alone have none."""
    for circuit in CIRCUITS:
        path = circuit.path
        steps = [(node, path[(i + 1) % len(path)]) for i, node in enumerate(path)]
        on_links = {
            name for edge in EDGES if (edge.source, edge.target) in steps for name in edge.effects
        }
        expected = {loop_of_effect(name) for name in on_links}
        assert set(circuit_loops(circuit)) == expected, circuit.name
    names = {c.name: circuit_loops(c) for c in CIRCUITS}
    # spot checks against docs/model.md: R1 is the pressure loop, B1 has no switch
    assert names["R1"] == ("pressure drives leaving",)
    assert names["B1"] == ()
    assert "culture and blame" in names["B3"]
