"""What a plan takes from context rather than from the user, and schemas that contradict themselves:
credentials and tenant headers stated in the system message, protocol headers set by the client, an
end date after its start whichever side the user gave, lean objects, and spec mistakes in schemas."""

from __future__ import annotations

import asyncio
import random

import pytest

from graphkb.specs.semantics import infer_semantics
from graphkb.synthesis.dialogue import OfflineBackend, assemble
from graphkb.synthesis.plan import Planner, ToolDef, Unplannable
from graphkb.synthesis.schemas import is_valid


def tool(name: str, description: str, endpoint: str, parameters: dict, output: dict) -> ToolDef:
    op, entity = infer_semantics(name, description, endpoint, parameters, output, None)
    return ToolDef(uid=f"t:{name}", name=name, function=name, description=description, parameters=parameters,
                   output=output, op=op, entity=entity, endpoint=endpoint)


HOTELS = tool(
    "searchHotels", "Search hotels in a city for given dates.", "GET /hotels",
    {"type": "object", "required": ["api_key", "X-Tenant-Id", "Accept-Encoding", "city", "check_in", "check_out", "guest"],
     "properties": {
         "api_key": {"type": "string", "description": "Your API key."},
         "X-Tenant-Id": {"type": "string", "description": "Tenant the request runs for."},
         "Accept-Encoding": {"type": "string", "enum": ["gzip", "identity"]},
         "city": {"type": "string", "description": "City to search in."},
         "check_in": {"type": "string", "format": "date"},
         "check_out": {"type": "string", "format": "date"},
         "guest": {"type": "object", "required": ["name"],
                   "properties": {"name": {"type": "string"}, "loyalty_tier": {"type": "string"},
                                  "notes": {"type": "string"}}}}},
    {"type": "object", "properties": {"hotels": {"type": "array", "items": {
        "type": "object", "properties": {"hotel_id": {"type": "string"}, "name": {"type": "string"},
                                         "price": {"type": "number"}}}}}})


def made(n: int = 40):
    out = []
    for i in range(n):
        rng = random.Random(f"ctx:{i}")
        try:
            plan = Planner(optional_rate=1.0).plan(
                {"strategy": "chain", "shape": "chain", "tool_uids": [HOTELS.uid], "edges": []}, [HOTELS], rng)
        except Unplannable:
            continue
        text = asyncio.run(OfflineBackend().write(plan, {HOTELS.function: HOTELS}, rng))
        out.append((plan, assemble(plan, {HOTELS.function: HOTELS}, text, rng)))
    return out


@pytest.fixture(scope="module")
def dialogues():
    out = made()
    assert len(out) >= 30
    return out


def test_credentials_and_tenant_ids_come_from_the_system_message_not_the_user(dialogues):
    for plan, messages in dialogues:
        call = next(c for c in plan.calls if c.tool == "searchHotels")
        system = messages[0]["content"]
        users = " ".join(m["content"] for m in messages if m["role"] == "user")
        for name in ("api_key", "X-Tenant-Id"):
            value = str(call.args[name].value)
            assert value in system, (name, system)
            assert value not in users


def test_protocol_headers_are_set_by_the_client_from_the_schema(dialogues):
    for plan, _ in dialogues:
        arg = next(c for c in plan.calls if c.tool == "searchHotels").args["Accept-Encoding"]
        assert arg.source == "default" and arg.value == "gzip"


def test_an_end_date_comes_after_its_start(dialogues):
    for plan, _ in dialogues:
        args = next(c for c in plan.calls if c.tool == "searchHotels").args
        assert args["check_out"].value > args["check_in"].value


def test_objects_a_user_gives_hold_only_what_they_need(dialogues):
    for plan, _ in dialogues:
        guest = next(c for c in plan.calls if c.tool == "searchHotels").args["guest"]
        assert guest.source == "user" and set(guest.value) == {"name"} and guest.value["name"]


def test_schemas_that_contradict_themselves_are_read_as_meant():
    # an email pattern escaped twice by its spec: no real email would match it as written
    assert is_valid("ana@example.com", {"type": "string", "pattern": "^[^@]+@[^@]+\\\\.[a-z]+$"})
    assert not is_valid("ana-at-example", {"type": "string", "pattern": "^[^@]+@[^@]+\\\\.[a-z]+$"})
    # an ECMA-262 pattern Python cannot compile is dropped, not fatal
    assert is_valid("東京", {"type": "string", "pattern": "^\\p{Han}+$"})
    # an object whose enum lists strings: the enum is the mistake, the type still holds
    assert is_valid({"kind": "van"}, {"type": "object", "enum": ["PKW", "VAN"]})
    assert not is_valid("VAN", {"type": "object", "enum": ["PKW", "VAN"]})
    # a sound enum still binds
    assert not is_valid("bus", {"type": "string", "enum": ["car", "van"]})


TOKEN = tool("post-oauth-access_token", "Get an access token.", "POST /oauth/access_token",
             {"type": "object", "properties": {"username": {"type": "string"}, "password": {"type": "string"}}},
             {"type": "object", "properties": {"access_token": {"type": "string"}, "expires_in": {"type": "integer"}}})
CART = tool("getCart", "Get the shopping cart.", "GET /cart", {"type": "object", "properties": {}},
            {"type": "object", "properties": {"cartItems": {"type": "array", "items": {"type": "object", "properties": {
                "cartItemId": {"type": "string"}, "title": {"type": "string"},
                "price": {"type": "object", "properties": {"value": {"type": "string"},
                                                           "currency": {"type": "string"}}}}}}}})
REMOVE = tool("removeItem", "Remove an item from the cart.", "POST /cart/remove_item",
              {"type": "object", "properties": {"cartItemId": {"type": "string"}}},
              {"type": "object", "properties": {"cartItems": {"type": "array", "items": {"type": "object"}}}})


def test_signing_in_is_the_clients_job_and_a_call_gets_what_it_acts_on():
    chain = [TOKEN, CART, REMOVE]
    tools = {t.function: t for t in chain}
    seen = 0
    for i in range(20):
        rng = random.Random(f"auth:{i}")
        sample = {"strategy": "chain", "shape": "chain", "tool_uids": [t.uid for t in chain],
                  "edges": [{"source_tool": "getCart", "source_field": "cartItems[].cartItemId", "target_tool": "removeItem",
                             "target_param": "cartItemId", "score": 0.9}]}
        try:
            plan = Planner().plan(sample, chain, rng)
        except Unplannable:
            continue
        seen += 1
        assert "post-oauth-access_token" not in [c.tool for c in plan.calls]
        assert any("signing in" in n for n in plan.notes)
        remove = next(c for c in plan.calls if c.tool == "removeItem")
        # the spec marks nothing required, but a removal names what it removes
        assert remove.args["cartItemId"].source == "tool" and remove.args["cartItemId"].value
        cart = next(c for c in plan.calls if c.tool == "getCart")
        for item in cart.output["cartItems"]:  # an amount written as text is an amount
            float(item["price"]["value"])
        text = asyncio.run(OfflineBackend().write(plan, tools, rng))
        assert "access token" not in " ".join(text.user).lower()
    assert seen >= 15
