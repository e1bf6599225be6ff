"""Which events are in force: the one definition every reader uses.

A ``void`` cancels the event it names (SPEC section 2: a mistake is corrected by a new
event that names the event it cancels; both stay in the history). A void is an event
too, so it can itself be voided, which restores what it cancelled:

* an event is **in force** unless a void that is in force names it;
* so a void of a void of ``e`` leaves ``e`` in force, a third void cancels it again.

The answer depends only on which voids exist, not on the order they were stored or
listed in a file (a file may void an event listed further down). Voids that name each
other in a loop (``v1`` cancels ``v2``, ``v2`` cancels ``v1``) have no consistent answer;
input validation refuses them (:func:`void_loops`), and should one reach this module
anyway every void on the loop cancels nothing. A void naming an id that is not among
the events cancels nothing.

Readers: the report folds (``projections.facts``), ``events``, ``void``, the contribution
limit warnings, form intake and export.
"""

from __future__ import annotations

from collections.abc import Iterable

from .events import Event, Void


def void_loops(events: Iterable[Event]) -> list[list[str]]:
    """Each loop of voids naming each other (ids, in the order the loop is followed)."""
    target = {e.id: e.target for e in events if isinstance(e, Void)}
    loops: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in target:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in target and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = target[node]
        if node is not None and state.get(node) == 1:
            loops.append(path[path.index(node) :])
        for n in path:
            state[n] = 2
    return loops


def cancelled_by(events: Iterable[Event]) -> dict[str, str]:
    """``{id of each event not in force: id of the (first listed) in-force void naming it}``.

    Events not in the result are in force; this includes voids that are in force.
    """
    events = list(events)
    voids = [e for e in events if type(e) is Void]
    if not voids:  # the common case: nothing to decide
        return {}
    ids = {e.id for e in events}
    on_loop = {v for loop in void_loops(voids) for v in loop}
    voiders: dict[str, list[str]] = {}
    for v in voids:
        if v.id not in on_loop and v.target in ids:
            voiders.setdefault(v.target, []).append(v.id)
    # in force = no voider in force; following voiders leads to later links of a finite
    # chain (loops removed), so resolve depth-first, without recursion
    memo: dict[str, str | None] = {}  # id -> the in-force void cancelling it, or None
    for start in voiders:
        stack = [start]
        while stack:
            node = stack[-1]
            pending = [v for v in voiders.get(node, ()) if v not in memo]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            memo[node] = next((v for v in voiders.get(node, ()) if memo[v] is None), None)
    return {i: v for i, v in memo.items() if v is not None}


def voided_ids(events: Iterable[Event]) -> frozenset[str]:
    """The ids of the events not in force (voided events and voided voids)."""
    return frozenset(cancelled_by(events))


def in_force(events: Iterable[Event]) -> list[Event]:
    """The events in force, voids themselves left out, in the order given."""
    events = list(events)
    out = cancelled_by(events)
    return [e for e in events if not isinstance(e, Void) and e.id not in out]
