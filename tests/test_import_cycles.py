"""No two modules of staffsim, tools, benchmarks or scripts import each other, directly or
round a longer circle.

Every import counts: at the top of a module, deferred into a function, and under
``if TYPE_CHECKING:`` (grimp, the import-graph library behind import-linter, reads them all).
A circle is broken by moving what both sides need into a lower module, or by a Protocol in a
lower module that one side implements.
"""

from __future__ import annotations

import sys
import textwrap

import grimp
import pytest

PACKAGES = ("staffsim", "tools", "benchmarks", "scripts")
"""The top-level packages whose modules are checked (benchmarks and scripts have no
``__init__.py``; grimp reads them as namespace packages)."""


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The modules of ``graph`` that import each other round a circle, one sorted list per
    circle (a strongly connected component of two or more modules), sorted."""
    cycles: list[list[str]] = []
    seen: set[str] = set()
    for module in sorted(graph.modules):
        if module in seen:
            continue
        component = graph.find_downstream_modules(module) & graph.find_upstream_modules(module)
        if component:
            component |= {module}
            seen |= component
            cycles.append(sorted(component))
    return sorted(cycles)


@pytest.fixture(scope="module")
def project_cycles() -> list[list[str]]:
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    return import_cycles(graph)


def _in_model(cycle: list[str]) -> bool:
    return all(module.startswith("staffsim.model.") for module in cycle)


def test_no_import_cycles_outside_the_model(project_cycles) -> None:
    assert [cycle for cycle in project_cycles if not _in_model(cycle)] == []


def test_no_import_cycles_in_the_model(project_cycles) -> None:
    assert [cycle for cycle in project_cycles if _in_model(cycle)] == []


def test_deferred_and_type_checking_imports_count(tmp_path, monkeypatch) -> None:
    """The check sees a circle closed by an import inside a function or under
    ``TYPE_CHECKING``, and none when the modules only import downwards."""
    package = tmp_path / "circles"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text("X = 1\n")
    (package / "a.py").write_text("from circles import low\nfrom circles.b import B\n")
    (package / "b.py").write_text(
        textwrap.dedent(
            """
            from typing import TYPE_CHECKING
            from circles import low
            if TYPE_CHECKING:
                from circles.c import C
            B = 1
            """
        )
    )
    (package / "c.py").write_text("def f():\n    from circles.a import A\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("circles", cache_dir=None)
    assert import_cycles(graph) == [["circles.a", "circles.b", "circles.c"]]
    graph.remove_import(importer="circles.c", imported="circles.a")
    assert import_cycles(graph) == []
    sys.modules.pop("circles", None)
