"""Plans that make sense: a goal first, reads before writes, no create undone at once, updates that
change something, ids found through lookups, users who choose among results, errors recovered from,
and at least two user turns. On the bundled demo specs, without a graph (the edges are given)."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from graphkb.specs import load_spec
from graphkb.specs.semantics import infer_semantics
from graphkb.synthesis.plan import Planner, ToolDef, Unplannable

INGEST = Path(__file__).parent.parent / "ingest"


@pytest.fixture(scope="module")
def tools() -> dict[str, ToolDef]:
    out = {}
    for path in sorted(INGEST.iterdir()):
        spec = load_spec(str(path), "auto", 10**8)
        prefix = spec.title if spec.format == "toolbench" else None
        for t in spec.tools:
            op, entity = infer_semantics(t.name, t.description, t.endpoint, t.parameters, t.output, prefix)
            out[t.name] = ToolDef(uid=t.uid, name=t.name, function=t.name, description=t.description,
                                  parameters=t.parameters, output=t.output, op=op, entity=entity, endpoint=t.endpoint)
    return out


def sample(tools, names, edges, strategy="chain"):
    return {"strategy": strategy, "tool_uids": [tools[n].uid for n in names], "shape": strategy,
            "edges": [{"source_tool": a, "source_field": f, "target_tool": b, "target_param": p, "score": 0.9}
                      for a, f, b, p in edges]}


FLIGHTS = (["searchFlights", "getFlightDetails", "bookFlight"],
           [("searchFlights", "flights[].flight_id", "getFlightDetails", "flight_id"),
            ("getFlightDetails", "flight_id", "bookFlight", "flight_id")])


def plans(tools, names, edges, n=60, planner=None, **kw):
    planner = planner or Planner(**kw)
    chain = [tools[x] for x in names]
    out = []
    for i in range(n):
        try:
            out.append(planner.plan(sample(tools, names, edges), chain, random.Random(f"p:{i}")))
        except Unplannable:
            continue
    return out


def test_a_create_is_not_undone_at_once(tools):
    made = plans(tools, ["bookFlight", "cancelBooking"], [("bookFlight", "booking_id", "cancelBooking", "booking_id")],
                 n=80)
    kept = sum(any(c.tool == "cancelBooking" for c in p.calls) for p in made)
    assert kept <= 8  # a changed mind, now and then
    assert all(any("undo" in note for note in p.notes) for p in made if not any(c.tool == "cancelBooking" for c in p.calls))


def test_an_update_changes_something_besides_the_id(tools):
    for p in plans(tools, ["createEvent", "updateEvent"], [("createEvent", "event_id", "updateEvent", "event_id")]):
        update = next(c for c in p.calls if c.tool == "updateEvent")
        assert [n for n in update.args if n != "event_id"]


def test_ids_the_user_would_not_know_are_looked_up_or_the_combination_is_skipped(tools):
    with pytest.raises(Unplannable):
        Planner().plan(sample(tools, ["getEvent"], []), [tools["getEvent"]], random.Random(1))
    lookups = {f"{tools['bookFlight'].uid}.flight_id": [(tools["searchFlights"], "flights[].flight_id")]}
    p = Planner().plan(sample(tools, ["bookFlight"], []), [tools["bookFlight"]], random.Random(2), lookups=lookups)
    assert [c.tool for c in p.calls] == ["searchFlights", "bookFlight"]
    assert p.calls[1].args["flight_id"].source == "tool"


def test_users_choose_among_results_for_a_reason_and_choices_spread(tools):
    made = plans(tools, *FLIGHTS, n=120)
    reasons, positions, by = Counter(), Counter(), Counter()
    for p in made:
        for t in p.turns:
            for ch in t.choices:
                reasons[ch.reason] += 1
                positions[ch.index] += 1
                by[ch.by] += 1
                assert ch.item  # what the user saw of the chosen item
    assert {"cheapest", "earliest", "named", "position"} <= set(reasons)
    assert positions[0] / sum(positions.values()) <= 0.6 and len(positions) >= 3
    assert by["user"] and by["assistant"]
    for p in made:  # the value read comes from the chosen item
        details = next(c for c in p.calls if c.tool == "getFlightDetails")
        arg = details.args["flight_id"]
        search = next(c for c in p.calls if c.id == arg.call)
        assert arg.value == search.output["flights"][arg.picks[0]]["flight_id"]


def test_every_dialogue_has_two_user_turns_and_reads_come_before_writes(tools):
    for p in plans(tools, *FLIGHTS):
        assert sum(t.kind != "unserved" for t in p.turns) >= 2
        ops = [c.op for c in p.calls if not c.corrects]
        if "create" in ops:
            assert all(op in ("search", "read", "list") for op in ops[:ops.index("create")])
        assert p.goal and not any(tools[c.tool].description.lower() in p.goal.lower() for c in p.calls)


def test_errors_of_four_kinds_each_with_its_recovery(tools):
    planner = Planner(failure_rates={"transient": 0.25, "validation": 0.25, "not_found": 0.25, "empty": 0.25})
    seen = Counter()
    cases = [FLIGHTS, (["searchProducts", "getProduct"], [("searchProducts", "products[].product_id", "getProduct",
                                                          "product_id")]),
             (["getOrder", "requestReturn"], [("getOrder", "order_id", "requestReturn", "order_id")])]
    for names, edges in cases:
        for p in plans(tools, names, edges, n=80, planner=planner):
            for c in p.calls:
                if c.failure is None:
                    continue
                seen[c.failure.kind] += 1
                if c.failure.kind in ("not_found", "empty"):  # the user answers, then the call is made again
                    i = next(i for i, t in enumerate(p.turns) if t.fails == c.id)
                    assert p.turns[i + 1].kind == "retry" and [c.id] in p.turns[i + 1].steps
                if c.failure.kind == "validation":  # the first try passed the user's words, the retry the value
                    assert c.failure.args[c.failure.param] == c.args[c.failure.param].said
                if c.failure.kind == "empty":
                    assert c.failure.param not in c.args  # the search is made again without the filter
    assert set(seen) == {"transient", "validation", "not_found", "empty"}
