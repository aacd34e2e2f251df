"""The model's causal loop diagram and its table of effects, for ``docs/model.md``.

:func:`causal_loop_diagram` draws the feedback structure of the model: each node is a
quantity the model tracks, each arrow a causal link marked ``+`` (the target moves the same
way as the source) or ``-`` (the opposite way), labelled with the scenario effect that makes
it (see :class:`staffsim.scenario.schema.Effects`) or, for a link built into the model's
bookkeeping, with a few words in italics. Reinforcing loops are marked R1, R2, ... and
balancing loops B1, B2, ...; :data:`CIRCUITS` lists them, and the sign of each follows from
its arrows (reinforcing when it has an even number of ``-`` links). Which effects form which
feedback loop is not written here: the legend reads it from :data:`staffsim.scenario.loops.LOOPS`
(the loops ``staffsim run --explain`` switches off), naming for each circuit the loops whose
effects label its links.

:func:`effects_table` lists every effect from the scenario schema itself, so that the table
in ``docs/model.md`` is generated, never copied by hand.

matplotlib is an optional dependency (``staffsim[plot]``) and is imported only inside the
functions that draw.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from staffsim.charts.style import OKABE_ITO
from staffsim.scenario.effects import Effect
from staffsim.scenario.loops import LOOPS
from staffsim.scenario.schema import Effects, Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "CIRCUITS",
    "EDGES",
    "EFFECTS_TABLE_END",
    "EFFECTS_TABLE_START",
    "INPUT_UNITS",
    "NODES",
    "Circuit",
    "Edge",
    "Node",
    "causal_loop_diagram",
    "circuit_loops",
    "effects_table",
    "effects_table_markdown",
    "loop_polarity",
    "with_effects_table",
]


@dataclass(frozen=True)
class Node:
    """A quantity in the diagram, drawn as a box centred at (x, y) in diagram units (the
    diagram spans 0-20 across and 0-14 up)."""

    label: str
    x: float
    y: float
    exogenous: bool = False  # a policy lever, set by the scenario rather than by the loops

    @property
    def width(self) -> float:
        """Box width, wide enough for the longest line of the label at 10 points."""
        return max(1.6, 0.115 * max(len(line) for line in self.label.split("\n")) + 0.5)

    @property
    def height(self) -> float:
        """Box height for the label's lines."""
        return 0.36 * (self.label.count("\n") + 1) + 0.34


@dataclass(frozen=True)
class Edge:
    """A causal link ``source -> target``.

    ``sign`` is ``"+"``, ``"-"`` or ``"±"`` (the direction depends on where on its curve the
    input lies); ``effects`` names the scenario effects that make the link (empty for a link
    built into the model's bookkeeping, described by ``note``). Drawing: ``bend`` curves the
    arrow (matplotlib ``arc3`` radius) to keep arrows apart; ``label_at`` is where along it
    the label sits (0 source, 1 target), moved by ``label_offset``; ``route`` lists corner
    points for an arrow drawn round the diagram instead; a link from a node to itself is a
    small loop on the box's ``side`` (``"top"`` or ``"bottom"``).
    """

    source: str
    target: str
    sign: str
    effects: tuple[str, ...] = ()
    note: str = ""
    bend: float = 0.0
    label_at: float = 0.5
    route: tuple[tuple[float, float], ...] = ()
    side: str = "top"
    label_offset: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class Circuit:
    """A marked feedback circuit of the diagram: ``path`` lists its nodes in order (the last
    links back to the first).

    ``kind`` is ``"R"`` (reinforcing: a change comes back amplified) or ``"B"`` (balancing: a
    change comes back opposed); the marker is drawn at (x, y).
    """

    name: str
    kind: str
    title: str
    path: tuple[str, ...]
    x: float
    y: float


NODES: dict[str, Node] = {
    "pay": Node("pay\n(policy)", 1.6, 13.3, exogenous=True),
    "recruitment": Node("recruitment\n(applicants)", 6.0, 11.6),
    "vacancies": Node("vacancies", 11.0, 11.6),
    "agency": Node("agency use", 16.0, 11.6),
    "price_cap": Node("agency price cap\n(policy)", 18.6, 13.5, exogenous=True),
    "reputation": Node("reputation", 1.9, 8.0),
    "leavers": Node("leavers\n(attrition)", 8.3, 8.5),
    "pressure": Node("caseload and\npressure", 13.6, 8.5),
    "continuity": Node("changes of\nsocial worker", 18.4, 7.3),
    "supervision": Node("supervision", 9.9, 5.9),
    "culture": Node("just culture", 5.2, 3.3),
    "admin": Node("admin share\n(bureaucracy)", 12.0, 3.7),
    "quality": Node("practice\nquality", 16.2, 3.6),
    "incidents": Node("serious\nincidents", 9.0, 1.3),
    "rating": Node("inspection\nrating", 2.6, 1.3),
}
"""The diagram's nodes by key. 'inspection rating' and 'just culture' grow as they improve
(towards outstanding, towards a just culture); every other node grows as its quantity does."""

EDGES: tuple[Edge, ...] = (
    # staffing: vacancies, recruitment, agency cover
    Edge("leavers", "vacancies", "+", note="posts left empty", bend=-0.1),
    Edge("vacancies", "recruitment", "+", note="campaigns open", bend=-0.2),
    Edge("recruitment", "vacancies", "-", note="hires fill posts", bend=-0.2),
    Edge("vacancies", "agency", "+", note="agency cover"),
    Edge("vacancies", "pressure", "+", note="fewer case holders", bend=-0.1),
    Edge("agency", "pressure", "-", note="agency staff hold cases", bend=0.1, label_at=0.45),
    Edge("pay", "recruitment", "+", ("pay_on_applicants",), bend=-0.15, label_offset=(0.3, 0.3)),
    Edge(
        "pay",
        "leavers",
        "-",
        ("pay_on_resignation",),
        bend=-0.05,
        label_at=0.2,
        label_offset=(0.0, -0.3),
    ),
    Edge(
        "price_cap",
        "agency",
        "+",
        ("price_cap_on_agency_availability",),
        bend=0.2,
        label_offset=(1.0, -0.1),
    ),
    # attrition
    Edge("pressure", "leavers", "+", ("pressure_on_resignation",), bend=-0.12, label_at=0.3),
    Edge(
        "leavers",
        "leavers",
        "+",
        ("tenure_on_resignation",),
        note="newcomers leave sooner",
        label_offset=(-2.0, -0.45),
    ),
    Edge(
        "supervision",
        "leavers",
        "-",
        ("supervision_on_resignation",),
        bend=-0.2,
        label_at=0.3,
        label_offset=(0.9, 0.0),
    ),
    Edge("vacancies", "supervision", "-", note="manager posts vacant", label_at=0.45),
    Edge("reputation", "leavers", "-", ("reputation_on_resignation",), bend=-0.1),
    Edge("culture", "leavers", "-", ("culture_on_resignation",), bend=-0.12, label_at=0.45),
    Edge(
        "incidents",
        "leavers",
        "+",
        ("blame_on_resignation", "blame_on_team_resignation"),
        note="in a blaming culture",
        bend=0.08,
        label_at=0.45,
    ),
    # practice quality
    Edge(
        "pressure",
        "quality",
        "-",
        ("pressure_on_quality", "unallocated_on_quality"),
        bend=-0.1,
        label_at=0.42,
    ),
    Edge(
        "leavers",
        "continuity",
        "+",
        note="cases reallocated",
        bend=0.1,
        label_at=0.72,
        label_offset=(0.3, -0.35),
    ),
    Edge("agency", "continuity", "+", note="assignments end", bend=-0.1),
    Edge("continuity", "quality", "-", ("continuity_on_quality",), bend=-0.1),
    Edge(
        "leavers",
        "quality",
        "-",
        ("experience_on_quality",),
        note="novices replace leavers",
        bend=0.05,
        label_at=0.5,
    ),
    Edge(
        "supervision",
        "quality",
        "+",
        ("supervision_on_quality",),
        bend=0.05,
        label_at=0.62,
    ),
    Edge("admin", "pressure", "+", note="less direct-work time", bend=0.1, label_at=0.12),
    # incidents and culture
    Edge("quality", "incidents", "-", ("quality_on_incidents",), bend=-0.05, label_at=0.6),
    Edge(
        "incidents",
        "incidents",
        "-",
        ("learning_on_incidents",),
        note="reviews in a just culture",
        side="bottom",
        label_offset=(-2.2, 0.3),
    ),
    Edge(
        "incidents",
        "admin",
        "+",
        ("defensive_on_admin",),
        note="in a blaming culture",
        bend=0.15,
        label_at=0.55,
    ),
    Edge("culture", "admin", "-", note="less blame", bend=-0.05, label_at=0.55),
    Edge("culture", "incidents", "-", note="more learning", bend=0.1),
    # inspection and reputation
    Edge("quality", "rating", "+", note="inspection score", bend=-0.5, label_at=0.3),
    Edge("incidents", "rating", "-", note="incident penalty"),
    Edge("rating", "reputation", "+", note="target of the judgement", bend=-0.1),
    Edge("incidents", "reputation", "-", note="press coverage", bend=-0.1, label_at=0.62),
    Edge("reputation", "recruitment", "+", ("reputation_on_applicants",), bend=-0.15, label_at=0.3),
    Edge(
        "reputation",
        "agency",
        "±",
        ("reputation_on_agency_availability", "reputation_on_agency_price"),
        note="availability; price",
        route=((0.3, 8.0), (0.3, 14.6), (15.6, 14.6)),
        label_at=0.5,
    ),
)
"""Every causal link drawn; each effect of the schema labels at least one of them."""

CIRCUITS: tuple[Circuit, ...] = (
    Circuit(
        "R1",
        "R",
        "caseloads: vacancies raise caseloads, which drive more staff out",
        ("vacancies", "pressure", "leavers"),
        11.9,
        9.7,
    ),
    Circuit(
        "R2",
        "R",
        "supervision: leavers leave manager posts empty and teams unsupervised",
        ("leavers", "vacancies", "supervision"),
        9.3,
        7.3,
    ),
    Circuit(
        "R3",
        "R",
        "churn: changes of social worker worsen practice; incidents blame staff out",
        ("leavers", "continuity", "quality", "incidents"),
        14.2,
        5.6,
    ),
    Circuit(
        "R4",
        "R",
        "defensive practice: blamed incidents add paperwork, pressure and worse practice",
        ("incidents", "admin", "pressure", "quality"),
        13.9,
        3.3,
    ),
    Circuit(
        "R5",
        "R",
        "reputation: poor practice, poor judgements, fewer applicants, more vacancies",
        ("vacancies", "pressure", "quality", "rating", "reputation", "recruitment"),
        4.7,
        10.2,
    ),
    Circuit(
        "R6",
        "R",
        "a poor name drives staff out as well as keeping applicants away",
        ("reputation", "leavers", "vacancies", "pressure", "quality", "rating"),
        3.6,
        5.9,
    ),
    Circuit(
        "R7",
        "R",
        "newcomers: turnover replaces settled staff with new ones, who leave sooner",
        ("leavers",),
        8.3,
        10.1,
    ),
    Circuit(
        "B1",
        "B",
        "recruitment: vacancies open campaigns and hires fill them",
        ("vacancies", "recruitment"),
        8.5,
        12.75,
    ),
    Circuit(
        "B2",
        "B",
        "agency cover: agency staff take cases, relieving pressure and so resignations",
        ("vacancies", "agency", "pressure", "leavers"),
        13.9,
        10.9,
    ),
    Circuit(
        "B3",
        "B",
        "learning: in a just culture each review lowers later incident rates",
        ("incidents",),
        10.4,
        0.45,
    ),
)
"""The marked feedback circuits of the diagram."""


def loop_polarity(loop: Circuit) -> str:
    """``"R"`` if the loop's links have an even number of ``-`` signs, ``"B"`` if odd.

    Raises ``KeyError`` if a step of the loop has no link, ``ValueError`` if one is ``±``.
    """
    signs = {(e.source, e.target): e.sign for e in EDGES}
    path = loop.path
    negatives = 0
    for i, node in enumerate(path):
        sign = signs[(node, path[(i + 1) % len(path)])]
        if sign == "±":
            raise ValueError(f"loop {loop.name} runs through a link of either sign")
        negatives += sign == "-"
    return "R" if negatives % 2 == 0 else "B"


def circuit_loops(circuit: Circuit) -> tuple[str, ...]:
    """The feedback loops of :data:`staffsim.scenario.loops.LOOPS` whose effects label a link
    of ``circuit`` (switching any of them off breaks the circuit), in that list's order; empty
    for a circuit made only of the model's bookkeeping, which no switch breaks."""
    path = circuit.path
    steps = {(node, path[(i + 1) % len(path)]) for i, node in enumerate(path)}
    effects = {name for e in EDGES if (e.source, e.target) in steps for name in e.effects}
    return tuple(loop for loop, members in LOOPS.items() if effects.intersection(members))


# ------------------------------------------------------------------------ drawing
_SIGN_COLOUR = {
    "+": OKABE_ITO["blue"],
    "-": OKABE_ITO["vermillion"],
    "±": OKABE_ITO["reddish_purple"],
}
_SIGN_TEXT = {"+": "+", "-": "\u2212", "±": "±"}  # a true minus sign reads better than "-"
_LOOP_COLOUR = {"R": OKABE_ITO["vermillion"], "B": OKABE_ITO["bluish_green"]}
_ARROW = "-|>,head_length=7,head_width=3.5"


def _box_edge_point(node: Node, toward: tuple[float, float]) -> tuple[float, float]:
    """Where the line from the centre of ``node`` towards ``toward`` leaves its box."""
    dx, dy = toward[0] - node.x, toward[1] - node.y
    if dx == 0 and dy == 0:
        return node.x, node.y
    sx = (node.width / 2) / abs(dx) if dx else float("inf")
    sy = (node.height / 2) / abs(dy) if dy else float("inf")
    s = min(sx, sy)
    return node.x + dx * s, node.y + dy * s


def _arc_point(
    a: tuple[float, float], b: tuple[float, float], rad: float, t: float
) -> tuple[float, float]:
    """A point at fraction ``t`` along matplotlib's ``arc3`` curve from ``a`` to ``b``
    (a quadratic Bezier whose control point is offset by ``rad`` x the chord length)."""
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    dx, dy = b[0] - a[0], b[1] - a[1]
    cx, cy = mx + rad * dy, my - rad * dx
    u = 1 - t
    return (
        u * u * a[0] + 2 * u * t * cx + t * t * b[0],
        u * u * a[1] + 2 * u * t * cy + t * t * b[1],
    )


def _route_point(points: list[tuple[float, float]], t: float) -> tuple[float, float]:
    """The point at fraction ``t`` of the length of a polyline."""
    segments = list(itertools.pairwise(points))
    lengths = [math.dist(a, b) for a, b in segments]
    goal = t * sum(lengths)
    for (a, b), length in zip(segments, lengths, strict=True):
        if goal <= length and length > 0:
            f = goal / length
            return a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])
        goal -= length
    return points[-1]


def causal_loop_diagram(ax: Axes | None = None) -> Axes:
    """Draw the model's causal loop diagram on ``ax`` (a new 16 x 16 inch figure if None).

    Nodes are boxes (policy levers dashed), links are arrows coloured by sign with the sign
    by the arrowhead and the effect names (or, in italics, the bookkeeping) on the arrow;
    loop markers R1.. and B1.. sit inside their loops, and a legend below lists the loops.
    Returns the axes; never shows the figure.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(16, 16))
    _set_up_canvas(ax)
    _draw_nodes(ax)
    _draw_links(ax)
    _draw_circuit_markers(ax)
    _draw_legend(ax)
    return ax


def _set_up_canvas(ax: Axes) -> None:
    """Diagram units on equal axes, with room below for the legend; no frame or ticks."""
    ax.set_xlim(-0.2, 20.2)
    ax.set_ylim(-5.9, 15.0)
    ax.set_aspect("equal")
    ax.axis("off")


def _draw_nodes(ax: Axes) -> None:
    """Each node as a rounded box with its label; policy levers grey and dashed."""
    from matplotlib.patches import FancyBboxPatch

    for node in NODES.values():
        ax.add_patch(
            FancyBboxPatch(
                (node.x - node.width / 2, node.y - node.height / 2),
                node.width,
                node.height,
                boxstyle="round,pad=0.02,rounding_size=0.2",
                facecolor="#eeeeee" if node.exogenous else "#fdf6e3",
                edgecolor="#555555",
                linestyle="--" if node.exogenous else "-",
                linewidth=1.3,
                zorder=3,
            )
        )
        ax.text(
            node.x,
            node.y,
            node.label,
            ha="center",
            va="center",
            fontsize=10,
            fontweight="bold",
            zorder=4,
        )


def _draw_links(ax: Axes) -> None:
    """Each link as an arrow coloured by its sign, with the sign and its label."""
    for edge in EDGES:
        colour = _SIGN_COLOUR[edge.sign]
        src, dst = NODES[edge.source], NODES[edge.target]
        if edge.source == edge.target:
            _self_loop(ax, src, edge, colour)
            continue
        if edge.route:
            sign_at, label_at = _routed_arrow(ax, src, dst, edge, colour)
        else:
            sign_at, label_at = _curved_arrow(ax, src, dst, edge, colour)
        _sign(ax, sign_at, edge.sign, colour)
        dx, dy = edge.label_offset
        _label(ax, (label_at[0] + dx, label_at[1] + dy), edge)


def _routed_arrow(
    ax: Axes, src: Node, dst: Node, edge: Edge, colour: str
) -> tuple[tuple[float, float], tuple[float, float]]:
    """An arrow along ``edge.route``; returns where its sign and its label go."""
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path

    first = _box_edge_point(src, edge.route[0])
    last = _box_edge_point(dst, edge.route[-1])
    points = [first, *edge.route, last]
    codes = [Path.MOVETO] + [Path.LINETO] * (len(points) - 1)
    arrow = FancyArrowPatch(
        path=Path(points, codes), arrowstyle=_ARROW, color=colour, linewidth=1.3, zorder=2
    )
    ax.add_patch(arrow)
    return _route_point(points, 0.97), _route_point(points, edge.label_at)


def _curved_arrow(
    ax: Axes, src: Node, dst: Node, edge: Edge, colour: str
) -> tuple[tuple[float, float], tuple[float, float]]:
    """An arrow from box to box, bent by ``edge.bend``; returns where its sign and label go."""
    from matplotlib.patches import FancyArrowPatch

    a = _box_edge_point(src, (dst.x, dst.y))
    b = _box_edge_point(dst, (src.x, src.y))
    ax.add_patch(
        FancyArrowPatch(
            a,
            b,
            connectionstyle=f"arc3,rad={edge.bend}",
            arrowstyle=_ARROW,
            color=colour,
            linewidth=1.3,
            shrinkA=1,
            shrinkB=1,
            zorder=2,
        )
    )
    return _arc_point(a, b, edge.bend, 0.84), _arc_point(a, b, edge.bend, edge.label_at)


def _draw_circuit_markers(ax: Axes) -> None:
    """The R1.. and B1.. markers inside their circuits."""
    for loop in CIRCUITS:
        ax.text(
            loop.x,
            loop.y,
            f"\u21bb {loop.name}",
            color=_LOOP_COLOUR[loop.kind],
            fontsize=12,
            fontweight="bold",
            ha="center",
            va="center",
            zorder=6,
        )


def _draw_legend(ax: Axes) -> None:
    """The circuits in two columns below the diagram, then the key to signs and labels."""
    legend = [_legend_entry(circuit) for circuit in CIRCUITS]
    half = (len(legend) + 1) // 2
    for column, lines in enumerate((legend[:half], legend[half:])):
        ax.text(
            0.1 + 10.1 * column,
            -0.9,
            "\n".join(lines),
            fontsize=9,
            ha="left",
            va="top",
            linespacing=1.6,
        )
    ax.text(
        0.1,
        -5.0,
        "+ the target moves with the source, \u2212 against it, ± either way along the "
        "effect's curve.  Plain names: scenario effects (switchable curves).  Italic: the "
        "model's bookkeeping.  R: reinforcing loop; B: balancing loop.\n--explain loops: "
        "the loops of staffsim run --explain that switch off an effect on the circuit.",
        fontsize=9,
        ha="left",
        va="top",
        style="italic",
        color="#444444",
    )


def _legend_entry(circuit: Circuit) -> str:
    """Two lines: the circuit's marker and title, then the ``--explain`` loops that break it."""
    loops = circuit_loops(circuit)
    switched = ", ".join(loops) if loops else "none (the model's bookkeeping)"
    return f"{circuit.name}  {circuit.title}\n        --explain loops: {switched}"


def _sign(ax: Axes, at: tuple[float, float], sign: str, colour: str) -> None:
    """The sign of a link, by its arrowhead."""
    ax.text(
        at[0],
        at[1],
        _SIGN_TEXT[sign],
        color=colour,
        fontsize=12,
        fontweight="bold",
        ha="center",
        va="center",
        zorder=5,
        bbox={"boxstyle": "circle,pad=0.1", "fc": "white", "ec": colour, "lw": 0.8},
    )


def _label(ax: Axes, at: tuple[float, float], edge: Edge) -> None:
    """The effect names of ``edge`` (with any note in brackets), or its note in italics."""
    names = "\n".join(edge.effects)
    note = f"({edge.note})" if names and edge.note else edge.note
    text = "\n".join(part for part in (names, note) if part)
    ax.text(
        at[0],
        at[1],
        text,
        fontsize=7.5,
        ha="center",
        va="center",
        color="#111111" if names else "#555555",
        style="normal" if names else "italic",
        zorder=5,
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9},
    )


def _self_loop(ax: Axes, node: Node, edge: Edge, colour: str) -> None:
    """A link from ``node`` back to itself: a small loop on the box's top or bottom side."""
    from matplotlib.patches import FancyArrowPatch

    up = 1.0 if edge.side == "top" else -1.0
    y = node.y + up * node.height / 2
    x = node.x - 0.4  # left of centre, clear of the links that leave the box's middle
    a, b = (x - 0.3, y), (x + 0.3, y)
    ax.add_patch(
        FancyArrowPatch(
            a,
            b,
            connectionstyle=f"arc3,rad={-1.6 * up}",
            arrowstyle=_ARROW,
            color=colour,
            linewidth=1.3,
            zorder=2,
        )
    )
    _sign(ax, (x + 0.62, y + up * 0.4), edge.sign, colour)
    dx, dy = edge.label_offset
    _label(ax, (x + dx, y + up * 0.6 + dy), edge)


# ---------------------------------------------------------------------- the table
INPUT_UNITS: dict[str, str] = {
    "pressure_on_resignation": "ratio, 1 = hours needed equal hours available",
    "tenure_on_resignation": "years",
    "pay_on_resignation": "ratio to the market salary",
    "pay_on_applicants": "ratio to the market salary",
    "supervision_on_resignation": "share of the standard, 0-1",
    "culture_on_resignation": "index 0-1",
    "blame_on_resignation": "index 0-1",
    "blame_on_team_resignation": "index 0-1",
    "defensive_on_admin": "blame-weighted incidents",
    "learning_on_incidents": "culture-weighted reviews",
    "quality_on_incidents": "index 0-1",
    "pressure_on_quality": "ratio, 1 = hours needed equal hours available",
    "experience_on_quality": "share of FTE, 0-1",
    "continuity_on_quality": "changes per case a year",
    "supervision_on_quality": "share of the standard, 0-1",
    "unallocated_on_quality": "share of open cases, 0-1",
    "reputation_on_applicants": "index 0-1, 0.5 average",
    "reputation_on_resignation": "index 0-1, 0.5 average",
    "reputation_on_agency_availability": "index 0-1, 0.5 average",
    "reputation_on_agency_price": "index 0-1, 0.5 average",
    "price_cap_on_agency_availability": "ratio to the market day rate",
}
"""Unit of each effect's input, where the schema's field does not give one itself (as
``json_schema_extra={"input_unit": ...}``)."""


def _input_unit(name: str, field: Any) -> str:
    extra = field.json_schema_extra
    if isinstance(extra, dict) and "input_unit" in extra:
        return str(extra["input_unit"])
    return INPUT_UNITS.get(name, "")


def _split_description(description: str) -> tuple[str, str]:
    """(input, output) of an effect's description ``"input -> multiplier on output."``."""
    if "->" not in description:
        return description.strip(), ""
    left, right = description.split("->", 1)
    right = right.strip().rstrip(".")
    for prefix in ("multiplier on the ", "multiplier on "):
        if right.startswith(prefix):
            right = right[len(prefix) :]
            break
    return left.strip(), right


def _fmt(x: float) -> str:
    return f"{x:g}"


def effects_table(scenario: Scenario | None = None) -> list[dict[str, Any]]:
    """One row per effect of the scenario schema, in the schema's order.

    Each row has ``name``; ``input`` and ``output`` (the effect's description, split at its
    arrow: what drives the multiplier and what the multiplier scales); ``input_unit``;
    ``points`` (the ``[input, multiplier]`` pairs of ``scenario``, or the defaults if None);
    ``input_range`` (the inputs the points span; the multiplier is flat outside them);
    ``multiplier_range`` (the smallest and largest multiplier the curve can give, which is
    the plausible range the model can reach with these points); ``enabled``; ``source``.
    """
    effects = Effects() if scenario is None else scenario.effects
    rows = []
    for name, field in type(effects).model_fields.items():
        effect: Effect = getattr(effects, name)
        inp, out = _split_description(field.description or "")
        xs = [x for x, _ in effect.points]
        ys = [y for _, y in effect.points]
        rows.append(
            {
                "name": name,
                "input": inp,
                "input_unit": _input_unit(name, field),
                "output": out,
                "points": [tuple(p) for p in effect.points],
                "input_range": (min(xs), max(xs)),
                "multiplier_range": (min(ys), max(ys)),
                "enabled": effect.enabled,
                "source": effect.source,
            }
        )
    return rows


def effects_table_markdown(scenario: Scenario | None = None) -> str:
    """:func:`effects_table` as a Markdown table (the one in ``docs/model.md``)."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "| effect | input | unit of input | multiplies | default points [input, multiplier] "
        "| input span | multiplier range | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in effects_table(scenario):
        points = ", ".join(f"[{_fmt(x)}, {_fmt(y)}]" for x, y in row["points"])
        lo, hi = row["input_range"]
        mlo, mhi = row["multiplier_range"]
        name = f"`{row['name']}`" + ("" if row["enabled"] else " (off)")
        lines.append(
            "| "
            + " | ".join(
                cell(c)
                for c in (
                    name,
                    row["input"],
                    row["input_unit"],
                    row["output"],
                    points,
                    f"{_fmt(lo)} to {_fmt(hi)}",
                    f"{_fmt(mlo)} to {_fmt(mhi)}",
                    row["source"],
                )
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


EFFECTS_TABLE_START = "<!-- effects-table:start -->"
EFFECTS_TABLE_END = "<!-- effects-table:end -->"
"""Markers around the generated effects table in a Markdown document."""


def with_effects_table(document: str, scenario: Scenario | None = None) -> str:
    """``document`` (Markdown) with the text between the effects-table markers replaced by
    :func:`effects_table_markdown`; raises ``ValueError`` if the markers are missing."""
    start = document.find(EFFECTS_TABLE_START)
    end = document.find(EFFECTS_TABLE_END)
    if start < 0 or end < start:
        raise ValueError(f"the document has no {EFFECTS_TABLE_START} ... {EFFECTS_TABLE_END} block")
    head = document[: start + len(EFFECTS_TABLE_START)]
    return head + "\n" + effects_table_markdown(scenario) + document[end:]
