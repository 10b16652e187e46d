"""The realism checks of `graphkb report`: from the messages alone, on hand-made dialogues with known
contradictions, and on generated data."""

from __future__ import annotations

import json

from graphkb.realism import (
    copies_description,
    diversity_at_size,
    end_before_start,
    entity_changed,
    list_reads,
    measure,
    output_contradicts_call,
)

TOOLS = [{"type": "function", "function": {"name": n, "description": d, "parameters": {"type": "object"}}}
         for n, d in (("searchFlights", "Search flights between two airports on a day"),
                      ("getFlight", "Details of one flight"), ("updateFlight", "Change a flight"),
                      ("bookFlight", "Book a seat on a flight"))]


def dialogue(*calls: tuple[str, dict, object], user: str = "Find me a flight.") -> dict:
    messages = [{"role": "user", "content": user}]
    for i, (name, args, output) in enumerate(calls):
        messages.append({"role": "assistant", "content": None, "tool_calls": [
            {"id": f"c{i}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}]})
        messages.append({"role": "tool", "tool_call_id": f"c{i}", "content": json.dumps(output)})
    messages.append({"role": "assistant", "content": "Done."})
    return {"id": "d", "tools": TOOLS, "messages": messages}


SEARCH = ("searchFlights", {"origin": "LIS", "date": "2026-12-04"},
          {"flights": [{"flight_id": "FL-1001", "airline": "TAP", "price": 120, "origin": "LIS",
                        "departure_time": "2026-12-04T09:05:00", "arrival_time": "2026-12-04T12:40:00"},
                       {"flight_id": "FL-1002", "airline": "KLM", "price": 95, "origin": "LIS",
                        "departure_time": "2026-12-04T13:00:00", "arrival_time": "2026-12-04T16:10:00"}]})


def test_an_entity_that_changes_between_reads_is_caught_unless_a_write_came_between():
    changed = dialogue(SEARCH, ("getFlight", {"flight_id": "FL-1002"}, {"flight_id": "FL-1002", "airline": "Iberia", "price": 95}))
    assert entity_changed(changed) and "airline" in entity_changed(changed)[0]
    same = dialogue(SEARCH, ("getFlight", {"flight_id": "FL-1002"}, {"flight_id": "FL-1002", "airline": "KLM", "price": 95}))
    assert entity_changed(same) == []
    updated = dialogue(SEARCH, ("updateFlight", {"flight_id": "FL-1002", "price": 80}, {"ok": True}),
                       ("getFlight", {"flight_id": "FL-1002"}, {"flight_id": "FL-1002", "airline": "KLM", "price": 80}))
    assert entity_changed(updated) == []


def test_an_end_before_its_start_is_caught():
    bad = dialogue(("getFlight", {"flight_id": "FL-1001"}, {"flight_id": "FL-1001", "departure_time": "2026-12-04T09:05:00",
                                                       "arrival_time": "2026-12-04T08:00:00"}))
    assert end_before_start(bad)
    stay = dialogue(("bookFlight", {"check_in": "2026-12-09", "check_out": "2026-12-04"}, {"ok": True}))
    assert end_before_start(stay)
    assert end_before_start(dialogue(SEARCH)) == []


def test_an_output_that_contradicts_its_call_is_caught():
    assert output_contradicts_call(dialogue(SEARCH)) == []  # same origin, a time on the requested day
    wrong = dialogue(("bookFlight", {"flight_id": "FL-1002", "adults": 5}, {"booking_id": "B1", "flight_id": "FL-1002", "adults": 3}))
    assert output_contradicts_call(wrong) and "adults" in output_contradicts_call(wrong)[0]
    where = dialogue(("searchFlights", {"where_to": "computer"}, {"items": [{"where_to": "week"}]}))
    assert output_contradicts_call(where)


def test_list_reads_record_the_position_chosen():
    second = dialogue(SEARCH, ("bookFlight", {"flight_id": "FL-1002"}, {"booking_id": "B1"}))
    assert list_reads(second) == [(1, 2)]
    first = dialogue(SEARCH, ("bookFlight", {"flight_id": "FL-1001"}, {"booking_id": "B1"}))
    assert list_reads(first) == [(0, 2)]


def test_language_measures():
    copied = dialogue(SEARCH, user="Search flights between two airports on a day, from Lisbon please.")
    assert copies_description(copied) == 1
    assert copies_description(dialogue(SEARCH, user="Any flights out of Lisbon on Friday?")) == 0
    same = [dialogue(SEARCH, user="Find me a cheap flight to Paris on Friday please.")] * 400
    varied = [dialogue(SEARCH, user=f"Could you look up flight number {i} leaving from gate {i * 7} tomorrow?")
              for i in range(400)]
    a, b = diversity_at_size(same), diversity_at_size(varied)
    assert a["user_words"] == b["user_words"] == 3000
    assert a["user_gzip_ratio"] > b["user_gzip_ratio"] and a["user_distinct3"] < b["user_distinct3"]
    m = measure([copied, second_turn()])
    assert m["single_user_turn"] == 0.5 and m["description_copy"] == 1 / 3


def second_turn() -> dict:
    d = dialogue(SEARCH, user="Flights from Lisbon?")
    d["messages"] += [{"role": "user", "content": "Thanks!"}, {"role": "assistant", "content": "You're welcome."}]
    return d


def test_parts_of_a_result_and_new_ids_are_no_contradiction():
    # a booking's passenger document has a `type` of its own; the booking made has an id of its own
    booked = ("bookFlight", {"id": "FL-1001", "type": "economy"},
              {"id": "BK-77", "type": "economy", "passenger": {"document": {"type": "passport"}}})
    assert output_contradicts_call(dialogue(booked)) == []
    # but the thing itself may not contradict the call, nor may a specific field anywhere in it
    wrong = ("bookFlight", {"id": "FL-1001", "type": "economy", "seat_class": "economy"},
             {"id": "BK-77", "type": "business", "passenger": {"seat_class": "first"}})
    problems = output_contradicts_call(dialogue(wrong))
    assert any("type='business'" in p for p in problems) and any("seat_class='first'" in p for p in problems)
    # a read's own id is the one asked for
    read = ("getFlight", {"id": "FL-1001"}, {"id": "FL-2002", "airline": "TAP"})
    assert output_contradicts_call(dialogue(read))
