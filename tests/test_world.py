"""The world of a dialogue and what tools return in it: coherent values, state across calls, outputs
that agree with their calls and with time, deep schemas filled so later calls find their paths."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from graphkb.specs import load_spec
from graphkb.specs.semantics import infer_semantics
from graphkb.synthesis.fields import classify
from graphkb.synthesis.simulate import CallContext, Simulator, ToolInfo, value_at
from graphkb.synthesis.values import Values
from graphkb.synthesis.world import World, ascii_slug, nearest_airport

FIXTURES = Path(__file__).parent / "fixtures"
INGEST = Path(__file__).parent.parent / "ingest"


def _tools(*paths: Path) -> dict[str, ToolInfo]:
    out = {}
    for path in paths:
        spec = load_spec(str(path), "auto", 10**8)
        prefix = spec.title if spec.format == "toolbench" else None
        for t in spec.tools:
            op, entity = infer_semantics(t.name, t.description, t.endpoint, t.parameters, t.output, prefix)
            out[t.name] = ToolInfo(t.name, op, entity, t.parameters, t.output, t.description, endpoint=t.endpoint)
    return out


@pytest.fixture(scope="module")
def tools():
    return _tools(INGEST / "travel.yaml", INGEST / "calendar_mcp.json", INGEST / "crm_functions.json",
                  INGEST / "geo_weather.yaml", FIXTURES / "realism/stays_toolbench.json",
                  FIXTURES / "realism/music_openapi.yaml")


def _world(seed: int):
    world = World.create(random.Random(seed))
    world.plan_window((5, 40), (2, 6))
    values = Values(world)
    return world, values, Simulator(world, values)


@pytest.mark.parametrize("seed", range(12))
def test_the_user_is_one_coherent_person(seed):
    world, _, _ = _world(seed)
    user = world.user
    local = user.email.split("@")[0]
    assert ascii_slug(user.last_name)[:3] in local or ascii_slug(user.first_name)[:3] in local
    assert len(world.currency) == 3 and world.home.country_code and world.home.timezone
    # the airport that serves the home city is near it (real coordinates, real airports)
    iata, name = world.home.airport
    assert len(iata) == 3 and "Airport" in name
    assert world.away.city != world.home.city
    start, end = world.window
    assert world.today <= start <= end


def test_nearest_airport_is_the_real_one():
    assert nearest_airport(51.5072, -0.1276, "London")[0] in ("LHR", "LCY", "LGW")
    assert nearest_airport(48.8566, 2.3522, "Paris")[0] in ("CDG", "ORY")
    assert nearest_airport(40.4168, -3.7038, "Madrid")[0] == "MAD"


def test_a_search_returns_items_that_satisfy_it_and_a_read_returns_the_same_entity(tools):
    world, values, sim = _world(3)
    day = world.in_window().isoformat()
    search = sim.run(CallContext(tools["searchFlights"], {"origin_iata_code": world.home.airport[0],
                                                        "destination_iata_code": world.away.airport[0],
                                                        "departure_date": day}, needed=["flights[].flight_id"], items=4))
    flights = search["flights"]
    assert len(flights) == 4 and len({f["flight_id"] for f in flights}) == 4
    for f in flights:
        assert f["departure_time"].startswith(day)  # on the requested day
        assert f["arrival_time"] > f["departure_time"]  # nothing ends before it starts
    chosen = flights[2]
    details = sim.run(CallContext(tools["getFlightDetails"], {"flight_id": chosen["flight_id"]}))
    for key in ("airline", "price_usd", "departure_time", "arrival_time"):
        assert details[key] == chosen[key]  # the same flight comes back the same


def test_create_echoes_and_later_reads_see_it_then_cancel_changes_state(tools):
    world, values, sim = _world(4)
    created = sim.run(CallContext(tools["createContact"], {"name": "Ana Lopez", "email": "ana@lopez.example",
                                                          "company": "Lopez & Co"}))
    read = sim.run(CallContext(tools["getContact"], {"contact_id": created["contact_id"]}))
    assert (read["name"], read["email"], read["company"]) == ("Ana Lopez", "ana@lopez.example", "Lopez & Co")
    booking = sim.run(CallContext(tools["Stays_Finder_book_stay"], {
        "hotel_id": "ho_1", "checkin_date": "2026-12-04", "checkout_date": "2026-12-07", "adults": 2,
        "guest_name": world.user.name, "guest_email": world.user.email}))["booking"]
    assert (booking["hotel_id"], booking["adults"], booking["checkin_date"]) == ("ho_1", 2, "2026-12-04")
    assert booking["status"] == "confirmed"
    cancelled = sim.run(CallContext(tools["Stays_Finder_cancel_booking"], {"booking_id": booking["booking_id"]}))
    assert cancelled["status"] == "cancelled"


def test_update_changes_exactly_what_it_was_given(tools):
    world, values, sim = _world(5)
    event = sim.run(CallContext(tools["createEvent"], {"calendar_id": "ca_1", "title": "Budget review",
                                                      "start_time": "2026-12-04T09:00:00+01:00",
                                                      "end_time": "2026-12-04T10:00:00+01:00"}))
    sim.run(CallContext(tools["updateEvent"], {"event_id": event["event_id"], "location": "Lyon"}))
    after = sim.run(CallContext(tools["getEvent"], {"event_id": event["event_id"]}))
    assert after["location"] == "Lyon" and after["title"] == "Budget review"
    assert after["start_time"] == "2026-12-04T09:00:00+01:00"


def test_search_filters_and_requested_lengths_hold(tools):
    world, values, sim = _world(6)
    out = sim.run(CallContext(tools["Stays_Finder_search_stays"], {
        "where_to": world.away.city, "checkin_date": "2026-12-04", "checkout_date": "2026-12-08", "max_price": 120},
        items=5))
    for hotel in out["data"]["hotels"]:
        assert hotel["where_to"] == world.away.city and hotel["price"]["amount"] <= 120
        assert hotel["address"]["city"] == world.away.city  # its address is in the city searched
    slots = sim.run(CallContext(tools["findFreeSlots"], {"calendar_id": "ca_1", "date": "2026-12-04",
                                                        "duration_minutes": 45}, items=4))["slots"]
    spans = [(dt.datetime.fromisoformat(s["start_time"]), dt.datetime.fromisoformat(s["end_time"])) for s in slots]
    assert all(e - s == dt.timedelta(minutes=45) and s.date() == dt.date(2026, 12, 4) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # free slots do not overlap


def test_deep_outputs_conform_to_their_schema_and_have_every_needed_path(tools):
    world, values, sim = _world(7)
    for name, needed in (("Stays_Finder_search_stays", ["data.hotels[].rooms[].room_id"]),
                         ("searchArtists", ["artists.items[].id"]), ("getArtistAlbums", ["items[].artists[].id"])):
        tool = tools[name]
        args = {p: values.for_schema(s, p) for p, s in tool.parameters["properties"].items()}
        out = sim.run(CallContext(tool, args, needed=needed))
        assert not list(Draft202012Validator(tool.output).iter_errors(out)), name
        assert all(value_at(out, path) is not None for path in needed), name


def test_values_fit_their_context():
    world, values, _ = _world(8)
    assert classify("passenger_email", {"type": "string"}).name == "email"
    assert values.for_schema({"type": "integer"}, "party_size") in range(1, 7)
    price = values.for_schema({"type": "number"}, "price_per_night_usd")
    assert 20 <= price <= 1000
    lat = values.for_schema({"type": "number"}, "latitude")
    assert abs(lat - world.home.lat) < 0.1  # coordinates of the place, not the open ocean
    assert values.for_schema({"type": "string", "format": "email"}, "email").count("@") == 1
    assert values.for_schema({"type": "string", "pattern": "^[A-Z]{3}$"}, "code").isupper()


def test_same_seed_same_world():
    a = World.create(random.Random("x:1"))
    b = World.create(random.Random("x:1"))
    assert json.dumps(a.facts()) == json.dumps(b.facts())
