"""What a value is, from a parameter's or output field's name, schema and context: a person's email,
a city, a departure time, a price, the id of a flight... The world (world.py) then draws a value of
that kind that fits the dialogue, and the language (language.py) says it the way people do.

One classification serves every spec: it reads names the way API designers write them (`checkIn`,
`pickup_date`, `price_usd`, `origin_iata_code`), the JSON type and format, and the entity the field
belongs to. Results are cached by (name, type, format, context)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..specs.semantics import singular
from ..texts import CONTAINERS, words

# Pairs of words that open and close a span (`check_in`/`check_out`); the first of a pair is a start.
STARTS = {"start", "begin", "from", "departure", "depart", "checkin", "pickup", "open", "opens", "since", "valid",
          "earliest", "min", "arrive_from", "outbound"}
ENDS = {"end", "finish", "to", "arrival", "arrive", "checkout", "dropoff", "return", "close", "closes", "until",
        "till", "expiry", "expires", "latest", "max", "inbound", "due"}
PAST = {"created", "updated", "modified", "registered", "joined", "ordered", "placed", "paid", "sent", "received",
        "published", "released", "last", "birth", "born", "issued", "posted", "completed", "deleted", "cancelled",
        "canceled", "submitted", "uploaded", "signed", "processed", "refunded", "founded", "opened", "shipped",
        "delivered", "logged", "recorded", "occurred", "happened", "first", "previous", "since"}
TEMPORAL = {"date", "day", "time", "datetime", "at", "on", "timestamp", "when", "dt", "ts"}


@dataclass(frozen=True)
class Kind:
    """A value's kind: `name` (see `classify`), plus what refines it."""

    name: str
    entity: str = ""  # for `id`: the entity the id names; for labels: what the label names
    role: str = ""  # start / end for spans; origin / destination for places; past for past dates
    stem: str = ""  # words shared by the two ends of a span (`check`, `departure`...)


def _join(ws: list[str]) -> str:
    return "_".join(ws)


def _fold(ws: list[str]) -> list[str]:
    """`check in` -> `checkin`, `pick up` -> `pickup`, `drop off` -> `dropoff`, `e mail` -> `email`."""
    out: list[str] = []
    for w in ws:
        if out and (out[-1], w) in (("check", "in"), ("check", "out"), ("pick", "up"), ("drop", "off"),
                                    ("e", "mail"), ("zip", "code"), ("post", "code"), ("time", "zone"),
                                    ("user", "name"), ("first", "name"), ("last", "name"), ("sur", "name"),
                                    ("log", "in"), ("sign", "in")):
            out[-1] = out[-1] + w
        else:
            out.append(w)
    return out


MONEY_OBJECTS = {"price", "subtotal", "total", "cost", "fee", "fare", "balance", "tax", "charge", "refund", "payment",
                 "amount", "bid", "discount", "shipping", "money"}


@lru_cache(maxsize=65536)
def _classify(name: str, type_: str | None, fmt: str | None, has_enum: bool, parent: str, entity: str,
              desc: str) -> Kind:
    ws = _fold(words(name))
    if not ws:
        return Kind("word")
    last = ws[-1]
    wset = set(ws)
    dwords = set(words(desc))
    owner = parent if parent and parent not in CONTAINERS else entity  # what this field belongs to
    numeric = type_ in ("integer", "number")

    if type_ == "boolean":
        return Kind("boolean")
    if last in ("rank", "position", "index", "ordinal") and not wset & {"id"}:
        return Kind("count", entity=last)
    # identifiers: `id`, `flight_id`, `flightId`, `uuid`, `booking_reference`, `tracking_number`
    if last in ("id", "ids", "uuid", "guid") or fmt == "uuid" or (last in ("reference", "ref", "confirmation")
                                                                  and not numeric):
        stem = [w for w in ws[:-1] if w not in ("the", "external", "internal", "unique")]
        named = singular(stem[-1]) if stem else owner
        return Kind("id", entity=named or "item")
    if last in ("number", "no", "code", "key") and len(ws) >= 2 and ws[-2] in (
            "tracking", "booking", "order", "confirmation", "reservation", "invoice", "account", "ticket", "reference",
            "flight", "confirmation", "voucher", "coupon", "promo", "discount", "gift", "serial", "case", "policy"):
        return Kind("id", entity=ws[-2])
    if "iata" in wset or last == "airport" and not numeric or (last == "code" and "airport" in wset):
        return Kind("iata", role=_place_role(ws))
    # people
    if "email" in wset or fmt == "email" or last in ("from", "to", "cc", "bcc", "sender", "recipient",
                                                      "recipients") and "email" in dwords:
        return Kind("email")
    if last in ("phone", "mobile", "tel", "telephone", "fax") or "phone" in wset and not numeric:
        return Kind("phone")
    if last in ("username", "login", "handle", "nickname", "screen"):
        return Kind("username")
    if last == "firstname" or ws[-2:] == ["given", "name"]:
        return Kind("first_name")
    if last in ("lastname", "surname") or ws[-2:] == ["family", "name"]:
        return Kind("last_name")
    if last in ("north", "south") and (numeric or type_ is None):
        return Kind("latitude")
    if last in ("east", "west") and (numeric or type_ is None):
        return Kind("longitude")
    if last in ("image", "photo", "picture", "avatar", "thumbnail", "logo", "icon", "cover", "artwork") and not numeric \
            and type_ in ("string", None):
        return Kind("image_url")
    if last in ("cursor", "after", "before", "next", "previous", "prev") and not numeric and not wset & TEMPORAL:
        return Kind("token")
    if last in ("total", "count") and type_ == "integer" and not wset & {"price", "amount", "cost", "usd", "eur"}:
        return Kind("count", entity="total")
    if fmt in ("uri", "url", "iri") or last in ("url", "uri", "link", "href", "website", "homepage"):
        return Kind("image_url" if wset & {"image", "photo", "picture", "avatar", "thumbnail", "logo", "icon"}
                    else "url")
    if last in ("domain", "hostname", "host"):
        return Kind("domain")
    if last in ("ip", "ipv4", "ipaddress") or fmt in ("ipv4", "ipv6"):
        return Kind("ip")
    # time
    if fmt in ("date", "date-time", "time") or wset & TEMPORAL or wset & _span_words() or last in (
            "birthday", "dob", "expiration", "eta") or last in PAST and last not in ("first", "previous", "last") \
            or (dwords & {"hh", "yyyy"} or {"iso", "8601"} <= dwords) and not numeric:
        role = "start" if wset & STARTS else "end" if wset & ENDS else "past" if wset & PAST else ""
        stem = _join([w for w in ws if w not in STARTS | ENDS | TEMPORAL]) or "span"
        if numeric:
            if "year" in wset:
                return Kind("year")
            if wset & {"timestamp", "ts", "epoch"} or last in ("at", "time", "date"):
                return Kind("timestamp", role=role, stem=stem)
        else:
            if fmt in ("date", "date-time", "time"):
                kind = {"date": "date", "date-time": "datetime", "time": "time"}[fmt]
            elif last == "time" and "date" not in wset and not wset & (STARTS | ENDS | PAST) \
                    and not dwords & {"date", "iso", "8601", "datetime"} or "hh" in dwords and "yyyy" not in dwords:
                kind = "time"
            elif last in ("at", "datetime", "timestamp", "ts", "dt", "time", "when"):
                kind = "datetime"
            else:
                kind = "date"
            return Kind(kind, role=role, stem=stem)
    if last in ("year",):
        return Kind("year")
    if last in ("month",):
        return Kind("month")
    if numeric and (wset & {"duration", "minutes", "mins", "hours", "nights", "days", "weeks", "length"}):
        unit = next((u for u in ("minutes", "mins", "hours", "nights", "days", "weeks") if u in wset), "minutes")
        return Kind("duration", role={"mins": "minutes"}.get(unit, unit))
    # places
    if last in ("latitude", "lat"):
        return Kind("latitude")
    if last in ("longitude", "lng", "lon", "long"):
        return Kind("longitude")
    if last in ("timezone", "tz", "tzid") or ws[-2:] == ["time", "zone"]:
        return Kind("timezone")
    if "country" in wset:
        return Kind("country_code" if last in ("code", "iso", "iso2", "alpha2", "cc") or fmt == "iso-3166"
                    or dwords & {"iso", "alpha", "3166", "two", "letter"} else "country")
    if last in ("city", "town", "municipality", "locality") or ws[-2:] in (["city", "name"],):
        return Kind("city", role=_place_role(ws))
    if last in ("origin", "destination", "from", "to", "where", "location", "place", "near", "region", "area",
                "venue", "near_by") and not numeric:
        return Kind("city", role=_place_role(ws))
    if last in ("state", "province", "county") and not has_enum:
        return Kind("state")
    if last in ("zip", "zipcode", "postcode", "postal", "postalcode") or ws[-2:] == ["postal", "code"]:
        return Kind("postcode")
    if last in ("street", "line1", "line2", "address1", "address2") or "street" in wset:
        return Kind("street")
    if last == "address" or "address" in wset and not wset & {"email", "ip", "mac", "wallet"}:
        return Kind("address")
    # money and measures
    if last in ("currency", "currencies") or wset & {"currency"} and last in ("code", "iso"):
        return Kind("currency", role="destination" if wset & {"to", "target", "destination", "quote", "into"}
                    else "origin" if wset & {"from", "base", "source"} else "")
    if not numeric and type_ == "string" and last in ("price", "amount", "cost", "fee", "fare", "total") and \
            not fmt and not has_enum:
        return Kind("money", role="max" if wset & {"max", "maximum"} else "min" if wset & {"min", "minimum"} else "")
    if type_ == "string" and last in ("value", "amount") and not fmt and not has_enum and \
            set(words(parent)[-1:]) & MONEY_OBJECTS:
        return Kind("money")  # {"price": {"value": "12.50", "currency": "USD"}}: an amount written as text
    if numeric or type_ is None:
        if wset & {"price", "amount", "total", "cost", "fee", "fare", "balance", "subtotal", "tax", "tip", "salary",
                   "budget", "usd", "eur", "gbp", "refund", "payment", "paid", "revenue", "spend", "charge", "value"} \
                and not wset & {"count", "number", "percent", "rate"}:
            return Kind("money", role="max" if wset & {"max", "maximum", "under", "below"} else
                        "min" if wset & {"min", "minimum", "above"} else "")
        if wset & {"rating", "stars", "score", "rank", "review"} and not wset & {"count", "number"}:
            return Kind("rating", role="min" if wset & {"min", "minimum"} else "")
        if wset & {"percent", "percentage", "pct", "humidity", "probability", "chance", "discount", "progress"}:
            return Kind("percent")
        if wset & {"temperature", "temp", "celsius", "fahrenheit", "high", "low", "feels"} and not wset & {"price"}:
            return Kind("temperature", role="high" if "high" in wset or "max" in wset else
                        "low" if "low" in wset or "min" in wset else "")
        if wset & {"quantity", "qty", "count", "passengers", "guests", "adults", "children", "kids", "infants",
                   "people", "persons", "party", "seats", "rooms", "tickets", "travelers", "travellers", "beds",
                   "bedrooms", "bathrooms", "pax", "attendees", "participants", "occupancy", "units", "items",
                   "number", "num", "total", "size", "capacity", "copies", "players", "members", "stock"} \
                and not wset & {"page", "limit", "offset", "per", "max", "file", "bytes"}:
            return Kind("count", entity=next((w for w in ws if w not in ("number", "num", "of", "total", "count",
                                                                              "max", "min", "size")), ""))
        if wset & {"age"}:
            return Kind("age")
        if wset & {"height", "width", "length", "depth", "pixels", "px", "bytes", "ms", "bitrate", "size"} and \
                not wset & {"page", "limit"}:
            return Kind("number", role="measure")
        if wset & {"distance", "radius", "km", "miles", "meters", "kilometers"}:
            return Kind("distance")
        if wset & {"weight", "kg", "kilograms", "lbs", "grams"}:
            return Kind("weight")
        if wset & {"speed", "wind", "kph", "mph"}:
            return Kind("speed")
        if wset & {"page", "offset", "limit", "per", "size", "skip", "top"}:
            return Kind("paging", role=last)
        if wset & {"version"}:
            return Kind("version")
        if numeric:
            return Kind("number")
    if last in ("language", "lang", "locale", "languages"):
        return Kind("language")
    # texts
    if last in ("q", "query", "search", "keyword", "keywords", "term", "terms", "phrase", "text") and (
            len(ws) == 1 or ws[0] in ("search", "query", "q", "keyword", "free")):
        return Kind("query", entity=entity)
    if last in ("title", "subject", "headline", "caption", "topic", "heading", "summary_title"):
        return Kind("title", entity=owner)
    if last in ("description", "body", "content", "notes", "note", "message", "comment", "comments", "summary",
                "bio", "details", "reason", "instructions", "remarks", "feedback", "review", "text", "memo",
                "question", "answer", "prompt", "snippet", "excerpt", "abstract", "purpose", "agenda"):
        return Kind("text", entity=owner, role=last)
    if last == "name" or last == "fullname" or ws[-2:] == ["display", "name"]:
        person = wset & {"passenger", "guest", "customer", "contact", "person", "user", "author", "owner", "driver",
                         "traveler", "traveller", "recipient", "sender", "holder", "cardholder", "attendee",
                         "member", "employee", "patient", "student", "full", "buyer", "seller", "client",
                         "account", "billing", "assignee", "organizer", "host", "speaker", "applicant", "payer"} \
            or owner in ("user", "person", "contact", "customer", "passenger", "guest", "author", "member",
                         "employee", "attendee", "traveler", "owner", "driver", "patient", "people", "account",
                         "recipient", "sender", "speaker", "organizer", "host", "participant")
        if person:
            return Kind("person_name")
        named = _join(ws[:-1]) or owner
        if named in ("company", "organization", "organisation", "business", "merchant", "vendor", "employer",
                     "brand", "publisher", "airline", "carrier", "manufacturer", "supplier", "agency", "bank"):
            return Kind("company", entity=named)
        return Kind("label", entity=named or "item")
    if last in ("company", "organization", "organisation", "employer", "business", "merchant", "vendor", "brand",
                "airline", "carrier", "publisher", "manufacturer", "supplier", "agency", "bank", "provider"):
        return Kind("company", entity=last)
    if last == "copyright" or wset & {"copyright"} and last in ("text", "notice", "line"):
        return Kind("copyright")
    if last in ("author", "artist", "owner", "driver", "passenger", "guest", "customer", "contact", "recipient",
                "contributor", "narrator", "illustrator", "translator", "publisher_name",
                "sender", "assignee", "organizer", "attendee", "speaker", "host", "creator", "director",
                "actor", "singer", "composer", "writer", "editor", "reviewer", "participant") and not numeric:
        return Kind("person_name")
    if last in ("status", "state"):
        return Kind("status", entity=owner)
    if last in ("color", "colour"):
        return Kind("color")
    if last in ("gender", "sex"):
        return Kind("gender")
    if last in ("filename", "file", "path", "filepath") or ws[-2:] == ["file", "name"]:
        return Kind("file_name")
    if last in ("mimetype", "mime", "contenttype") or ws[-2:] in (["mime", "type"], ["content", "type"]):
        return Kind("mime")
    if last in ("password", "secret", "pin", "passcode", "otp"):
        return Kind("password")
    if last in ("token", "apikey", "key", "cursor", "signature", "hash", "etag", "nonce", "session"):
        return Kind("token")
    if last in ("sku", "isbn", "ean", "upc", "barcode", "serial", "vin", "iban", "swift", "bic", "plate"):
        return Kind("code", role=last)
    if last in ("code",):
        return Kind("code", role=_join(ws[:-1]))
    if last in ("type", "kind", "category", "categories", "genre", "genres", "class", "cuisine", "tag", "tags",
                "topic", "style", "mode", "level", "tier", "plan", "size", "unit", "method", "channel", "format",
                "cabin", "room", "brand", "model", "make", "breed", "species", "industry", "department", "role",
                "priority", "visibility", "frequency", "sport", "team", "league", "group", "audience", "segment",
                "label", "tier", "variant", "edition", "platform", "network", "source", "medium"):
        return Kind("category", entity=owner, role=last)
    return Kind("word", entity=owner)


@lru_cache(maxsize=1)
def _span_words() -> frozenset[str]:
    return frozenset({"departure", "arrival", "checkin", "checkout", "pickup", "dropoff", "start", "end", "begin",
                      "finish", "until", "since", "expires", "expiry", "due", "deadline", "scheduled", "return"})


def _place_role(ws: list[str]) -> str:
    wset = set(ws)
    if wset & {"origin", "from", "departure", "depart", "source", "pickup", "start", "home", "outbound"}:
        return "origin"
    if wset & {"destination", "to", "arrival", "arrive", "dest", "dropoff", "where", "target", "end"}:
        return "destination"
    return ""


def classify(name: str, schema: dict | None = None, parent: str = "", entity: str = "") -> Kind:
    """The kind of the value called `name`, of JSON schema `schema`, inside an object that is (or
    belongs to) `parent`, in the output of a tool about `entity`."""
    schema = schema if isinstance(schema, dict) else {}
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    if t == "array":
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        t = items.get("type") if isinstance(items.get("type"), str) else None
        schema = {**items, "description": schema.get("description") or items.get("description")}
        name = singular(name) if name.isalpha() else name
    desc = str(schema.get("description") or "")[:200]
    return _classify(name, t if isinstance(t, str) else None, schema.get("format"), "enum" in schema,
                     parent, entity, desc)


PROTOCOL_HEADERS = {"accept", "accept-encoding", "accept-language", "content-type", "content-encoding", "user-agent",
                    "x-http-method-override", "if-match", "if-none-match", "cache-control", "x-request-id",
                    "prefer", "x-correlation-id", "x-api-version", "api-version"}


def protocol_header(name: str) -> bool:
    """An HTTP header the client sets for itself (`Accept-Encoding`), never something a person says."""
    return name.lower() in PROTOCOL_HEADERS


def parent_entity(key: str, entity: str) -> str:
    """The entity an object under `key` is: `flights` -> `flight`, `cartItems` -> `cart item`; a
    container (`data`, `items`) keeps the surrounding entity."""
    ws = words(key)
    if len(ws) >= 2 and ws[-1] in ("items", "item", "entries", "entry", "records", "record") \
            and ws[-2] not in CONTAINERS | {"search", "query", "all", "my", "top", "related", "other", "new"}:
        return f"{ws[-2]} {singular(ws[-1])}"  # `cartItems`: cart items, not the cart
    if not ws or ws[-1] in CONTAINERS:
        return entity
    return singular(ws[-1])


_EXAMPLE = re.compile(r"(?:\be\.?\s?g\.?|\bfor example|\bfor instance|\bsuch as|\bexample)[,:]?\s*"
                      r"[\"'`(\[]*([^\s\"'`,;()\[\]]{1,40}(?:[ -][^\s\"'`,;()\[\]]{1,20}){0,2}?)[\"'`)\].]*"
                      r"(?=[\s,;)\].]|$)", re.I)


def example_of(schema: dict) -> Any:
    """A spec's own example value, when it gives one: `example`, `examples`, or "e.g. 4537" in its
    description."""
    if "example" in schema and schema["example"] not in (None, "", [], {}):
        return schema["example"]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    m = _EXAMPLE.search(str(schema.get("description") or ""))
    if m and m.group(1).lower() not in ("the", "a", "an", "if", "when", "to", "in", "of") \
            and re.search(r"[A-Za-z0-9]{2}", m.group(1)) and not re.search(r"[{}<>:]", m.group(1)):
        text = m.group(1).strip().rstrip(".")
        t = schema.get("type")
        if t in ("integer", "number"):
            try:
                return int(text) if t == "integer" else float(text)
            except ValueError:
                return None
        return text
    return None


# Kinds that only a value of the same kind can stand for.
_EXACT = {"latitude", "longitude", "email", "phone", "iata", "country_code", "currency", "language", "timezone",
          "url", "image_url", "domain", "ip", "password", "token", "boolean", "first_name", "last_name", "username",
          "person_name", "city", "country", "postcode", "street", "address", "state", "mime", "file_name", "color",
          "gender"}
_GROUPS = {"date": "time", "datetime": "time", "time": "time", "timestamp": "time", "year": "time", "month": "time",
           "money": "money", "count": "amount", "number": "amount", "rating": "rating", "percent": "amount",
           "temperature": "measure", "duration": "amount", "distance": "measure", "weight": "measure",
           "speed": "measure", "age": "amount", "paging": "amount", "version": "version",
           "label": "text", "title": "text", "query": "text", "word": "any", "category": "text", "text": "text",
           "company": "text", "code": "code", "status": "status", "id": "id"}


def compatible(source: Kind, target: Kind) -> bool:
    """Whether a value of kind `source` can be what a parameter of kind `target` wants: a contact's name
    is no calendar's name, a latitude no longitude, an email no city."""
    if source.name == target.name == "id":  # a track's id is no category's
        generic = {"", "item", "id", "object", "resource", "entity", "owner", "user", "author", "creator", "parent",
                   "customer", "member", "account", "profile", "target", "source", "related", "reference"}
        return source.entity == target.entity or source.entity in generic or target.entity in generic
    if source.name == target.name:
        return True
    if target.name == "query" and source.name in ("person_name", "company", "city", "label", "title", "category",
                                                  "word", "country"):
        return True  # a search for a name or a place
    if source.name in _EXACT or target.name in _EXACT:
        return False
    a, b = _GROUPS.get(source.name, "any"), _GROUPS.get(target.name, "any")
    if "any" in (a, b) or a == b:
        return True
    return {a, b} in ({"id", "code"}, {"text", "code"}, {"text", "status"})


def schema_at(schema: Any, path: str) -> dict:
    """The schema of the value at a dotted output path (`items[].id`)."""
    node = schema if isinstance(schema, dict) else {}
    for part in [p for p in path.replace("[]", ".[]").split(".") if p and p != "$"]:
        if part == "[]":
            node = node.get("items") if isinstance(node.get("items"), dict) else {}
        else:
            node = (node.get("properties") or {}).get(part) if isinstance(node.get("properties"), dict) else {}
            node = node if isinstance(node, dict) else {}
    return node
