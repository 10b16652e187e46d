"""What each tool does (`op`) and to what (`entity`), inferred at ingest from every input format and
stored on the Tool nodes."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphkb.specs import load_spec
from graphkb.specs.semantics import infer_semantics, singular
from graphkb.texts import words

FIXTURES = Path(__file__).parent / "fixtures"
INGEST = Path(__file__).parent.parent / "ingest"


def _semantics(path: Path) -> dict[str, tuple[str, str]]:
    spec = load_spec(str(path), "auto", 10**8)
    prefix = spec.title if spec.format == "toolbench" else None
    return {t.name: infer_semantics(t.name, t.description, t.endpoint, t.parameters, t.output, prefix)
            for t in spec.tools}


@pytest.mark.parametrize("path, expected", [
    # OpenAPI 3: method, path and the output's shape
    (FIXTURES / "specs/petstore.yaml", {"listPets": ("search", "pet"), "createPet": ("create", "pet"),
                                        "getPet": ("read", "pet"), "get_pets_petId_owner": ("read", "owner"),
                                        "searchVets": ("search", "vet")}),
    # Swagger 2: a POST on a sub-resource creates that sub-resource
    (FIXTURES / "specs/shop_swagger2.json", {"createOrder": ("create", "order"), "getOrder": ("read", "order"),
                                             "refundOrder": ("create", "refund")}),
    # MCP: no method or path, the name's verb and the output's shape decide
    (FIXTURES / "specs/notes_mcp.json", {"create_note": ("create", "note"), "list_notebooks": ("list", "notebook")}),
    (FIXTURES / "edges/crm_mcp.json", {"getUser": ("read", "user"), "listUsers": ("list", "user"),
                                       "listOrdersOfOwner": ("search", "order"), "setVolume": ("update", "volume")}),
    # OpenAI functions
    (FIXTURES / "specs/weather_functions.json", {"geocode_city": ("action", "city"),
                                                 "get_forecast": ("read", "forecast")}),
    (FIXTURES / "edges/mail_functions.json", {"sendEmail": ("create", "email"), "createUser": ("create", "user")}),
    # ToolBench: the tool's own name is a prefix of every API name
    (FIXTURES / "specs/movies_toolbench.json", {"Movie_DB_search_movie": ("search", "movie"),
                                                "Movie_DB_movie_details": ("read", "movie")}),
    # the bundled demo specs, every operation kind
    (INGEST / "travel.yaml", {"searchFlights": ("search", "flight"), "getFlightDetails": ("read", "flight"),
                              "bookFlight": ("create", "booking"), "cancelBooking": ("cancel", "booking"),
                              "bookHotel": ("create", "reservation")}),
    (INGEST / "calendar_mcp.json", {"listCalendars": ("list", "calendar"), "findFreeSlots": ("search", "slot"),
                                    "updateEvent": ("update", "event"), "deleteEvent": ("delete", "event")}),
    (INGEST / "payments_mcp.json", {"listPaymentMethods": ("list", "payment method"),
                                    "getExchangeRate": ("read", "exchange rate"),
                                    "convertCurrency": ("action", "currency")}),
    (INGEST / "documents_mcp.json", {"shareDocument": ("update", "document")}),  # acts on an existing document
    (INGEST / "restaurants_toolbench.json", {"Dine_Out_search_restaurants": ("search", "restaurant"),
                                             "Dine_Out_book_table": ("create", "reservation")}),
])
def test_op_and_entity_from_every_format(path, expected):
    got = _semantics(path)
    assert {name: got[name] for name in expected} == expected


def test_words_that_are_nouns_and_verbs():
    # `order` is the verb of orderPizza but the entity of refundOrder and listOrdersOfOwner
    assert infer_semantics("orderPizza", "Order a pizza.")[0] == "create"
    assert infer_semantics("cancelOrder", "Cancel an order.") == ("cancel", "order")
    # an HTTP method decides when the name has no verb
    assert infer_semantics("Invoices", "", "DELETE /invoices/{id}") == ("delete", "invoice")
    assert infer_semantics("Invoices", "", "GET /invoices/{id}") == ("read", "invoice")
    assert singular("addresses") == "address" and singular("status") == "status"


def test_tool_nodes_carry_op_and_entity(demo_graph):
    with demo_graph.store.session() as s:
        rows = {r["name"]: (r["op"], r["entity"]) for r in
                s.run("MATCH (t:Tool) RETURN t.name AS name, t.op AS op, t.entity AS entity")}
    assert rows["searchFlights"] == ("search", "flight")
    assert rows["createContact"] == ("create", "contact")
    assert all(op in ("search", "list", "read", "create", "update", "delete", "cancel", "action") and entity
               for op, entity in rows.values())


def test_run_together_words_come_apart():
    assert words("getthermostatsdata") == ["get", "thermostats", "data"]  # an identifier's words
    assert words("webhooks") == ["webhooks"] and words("the devicelist") == ["the", "devicelist"]  # short; prose
    assert infer_semantics("getthermostatsdata", "", "POST /getthermostatsdata") == ("read", "thermostat")
    # a path's run-together segment takes the spacing of the name
    assert infer_semantics("productGroupsGET", "", "GET /markets/{marketId}/productgroups")[1] == "product group"
    assert infer_semantics("timeOffRequestsAll", "", "GET /hris/time-off-requests") == ("list", "time off request")


def test_discovery_style_names_end_in_their_verb():
    # `svc.resources.verb`: the path (`/v2/{name}:pause`) names nothing; the name's last two segments do
    assert infer_semantics("cloudtasks.projects.locations.queues.tasks.get", "", "GET /v2/{name}") == ("read", "task")
    assert infer_semantics("cloudtasks.projects.locations.queues.pause", "Pauses the queue.",
                           "POST /v2/{name}:pause") == ("update", "queue")
    assert infer_semantics("cloudtasks.projects.locations.queues.tasks.buffer", "",
                           "POST /v2/{queue}/tasks/{taskId}:buffer") == ("action", "task")
    assert infer_semantics("people.people.searchContacts", "", "GET /v1/people:searchContacts")[1] == "contact"
    # two segments are a namespace and a name, not this convention
    assert infer_semantics("github.create_issue", "Create an issue.")[0] == "create"
