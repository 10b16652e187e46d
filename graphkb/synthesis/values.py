"""Values of every kind (fields.py), drawn from the dialogue's world so that they fit their context:
the user's own name and email, airports near the cities, prices at the level of the thing priced,
small counts, dates inside the goal's window, titles and messages about the entity. Deterministic
for the world's random generator. Schema constraints (enum, pattern, range, length, format) win."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import string
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import rstr

from ..texts import words
from .fields import Kind, classify, example_of
from .schemas import unescaped
from .world import Person, World, ascii_slug, common_words

# Price levels (low, high) in the user's currency, by what is priced.
PRICE_LEVELS = {"flight": (60, 900), "fare": (60, 900), "ticket": (15, 250), "hotel": (70, 420), "room": (70, 420),
                "rate": (70, 420), "stay": (140, 1800), "reservation": (80, 900), "booking": (90, 1500),
                "rental": (35, 160), "car": (35, 160), "product": (8, 400), "item": (5, 250), "cart": (20, 600),
                "order": (15, 600), "subscription": (5, 30), "plan": (5, 60), "invoice": (80, 4000),
                "payment": (10, 800), "refund": (10, 300), "transfer": (20, 2000), "tour": (25, 180),
                "course": (20, 300), "meal": (9, 60), "menu": (9, 60), "dish": (7, 35), "share": (10, 900),
                "stock": (10, 900), "quote": (10, 900), "fee": (1, 40), "tip": (2, 30), "salary": (2500, 9000)}
GENRES = ("jazz", "rock", "pop", "classical", "hip hop", "folk", "comedy", "drama", "thriller", "documentary",
          "science fiction", "history", "romance", "mystery")
POSITIVE_STATUS = ("confirmed", "active", "scheduled", "open", "pending", "created", "booked", "succeeded",
                   "success", "completed", "paid", "processing", "enabled", "available", "ok")


@dataclass
class Scope:
    """The object being filled: its entity, its people and places, and its fields so far."""

    entity: str = ""
    place_role: str = ""
    persons: dict[str, Person] = field(default_factory=dict)  # by name prefix (`passenger`, ``)
    fields: dict[str, Any] = field(default_factory=dict)
    self_person: bool = False  # unprefixed person fields are the user's own


# Things whose names and titles are what `label` makes for them.
NAMED_LIKE_PLACES = {"company", "organization", "business", "merchant", "vendor", "brand", "bank", "shop", "store",
                     "hotel", "property", "lodging", "accommodation", "hostel", "inn", "restaurant", "venue", "bar",
                     "cafe", "airport", "airline", "carrier", "city", "country"}


# Things people name like identifiers (`billing-queue`, `team-design`), not like titles.
TECHNICAL = {"queue", "bucket", "topic", "channel", "repository", "repo", "workspace", "cluster", "instance",
             "database", "table", "index", "key", "webhook", "app", "application", "service", "environment", "policy",
             "role", "pipeline", "job", "function", "deployment", "namespace", "branch", "subscription", "stream",
             "dataset", "model", "project", "registry", "secret", "vault", "connection", "integration", "endpoint"}


class Values:
    def __init__(self, world: World):
        self.w = world
        self.rng = world.rng
        self.duration_hint: dt.timedelta | None = None  # set per call by the simulator
        self.imperial = False  # the call asked for imperial units

    # ---- entry points ----------------------------------------------------------------------------
    def for_schema(self, schema: dict | None, name: str = "", scope: Scope | None = None, parent: str = "",
                   lean: bool = False) -> Any:
        """A value for a schema. `lean`: what a person states, an object with its required properties only
        and one item of a list of objects."""
        schema = schema if isinstance(schema, dict) else {}
        scope = scope or Scope()
        t = schema.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), "string")
        if t == "object" or t is None and "properties" in schema:
            return self.object(schema, name, scope, parent, lean=lean)
        if t == "array" or "items" in schema and t is None:
            items = schema.get("items") if isinstance(schema.get("items"), dict) else {"type": "string"}
            lo = max(1, int(schema.get("minItems", 1) or 1))
            hi = max(lo, min(int(schema.get("maxItems", 3) or 3), 3))
            if lean and (items.get("type") == "object" or "properties" in items):
                hi = lo
            n = self.rng.randint(lo, hi)
            out = []
            from ..specs.semantics import singular

            one = singular(name) if name.isalpha() else name  # `times` holds times
            for i in range(n * 3):
                value = self.for_schema(items, one, Scope(entity=scope.entity, place_role=scope.place_role)
                                        if kind_is_person(items, name) else scope, parent, lean=lean)
                if value not in out:
                    out.append(value)
                if len(out) == n:
                    break
            return out
        return self.scalar(classify(name, schema, parent, scope.entity), schema, name, scope)

    def object(self, schema: dict, name: str, scope: Scope, parent: str = "", depth: int = 0,
               lean: bool = False) -> dict:
        """An object for a schema: its required properties, and some of the rest while shallow (`lean`:
        the required ones only, or the first few when none is required)."""
        from .fields import parent_entity

        props = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        entity = parent_entity(name, scope.entity) if name else scope.entity
        inner = Scope(entity=entity, place_role=scope.place_role, self_person=scope.self_person)
        out = {}
        for i, (key, sub) in enumerate(props.items()):
            wanted = key in required or (i < 2 and not required if lean else
                                         depth < 2 and len(props) <= 12 and self.rng.random() < 0.5)
            if wanted:
                sub = sub if isinstance(sub, dict) else {}
                st = sub.get("type")
                if (st == "object" or "properties" in sub) and depth < 4:
                    out[key] = self.object(sub, key, inner, entity, depth + 1, lean=lean)
                elif st == "object" or "properties" in sub:
                    out[key] = {}
                else:
                    out[key] = self.for_schema(sub, key, inner, entity, lean=lean) \
                        if depth < 4 or key in required else None
        return {k: v for k, v in out.items() if v is not None}

    def scalar(self, kind: Kind, schema: dict, name: str, scope: Scope) -> Any:
        if "const" in schema:
            return schema["const"]
        enum = [e for e in schema.get("enum") or [] if e is not None]
        if enum:
            return self._enum(enum, kind)
        t = schema.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), None)
        example = example_of(schema)
        value = self._by_kind(kind, schema, name, scope, t)
        if value is None and example is not None and not isinstance(example, (dict, list)):
            value = reshape(example, self.rng)
        if value is None:
            value = self._fallback(kind, t, name, scope)
        return self._fit(value, schema, t)

    # ---- kinds -----------------------------------------------------------------------------------
    def _by_kind(self, kind: Kind, schema: dict, name: str, scope: Scope, t: str | None) -> Any:
        k, w, rng = kind.name, self.w, self.rng
        numeric = t in ("integer", "number")
        if k == "id":
            return self.new_id(kind.entity, schema, t)
        if k in ("person_name", "first_name", "last_name", "email", "phone", "username"):
            person = self.person_for(name, scope)
            return {"person_name": person.name, "first_name": person.first_name, "last_name": person.last_name,
                    "email": person.email, "phone": person.phone, "username": person.username}[k]
        if k == "company":
            person = scope.persons.get("")
            return person.company if person and person.company else self.company_like(kind.entity)
        if k == "iata":
            place = w.place(kind.role or scope.place_role)
            index = scope.fields.get("_index", 0)
            if index and scope.entity in ("airport", "location", "place"):  # a search for airports finds several
                from .world import airports_near

                near = airports_near(place.lat, place.lng)
                return near[index % len(near)][0]
            return place.airport[0]
        if k == "city":
            return w.place(kind.role or scope.place_role).city
        if k == "country":
            return w.place(scope.place_role).country
        if k == "country_code":
            return w.place(scope.place_role).country_code
        if k == "latitude":
            return round(w.place(scope.place_role).lat + rng.uniform(-0.02, 0.02), 4)
        if k == "longitude":
            return round(w.place(scope.place_role).lng + rng.uniform(-0.02, 0.02), 4)
        if k == "timezone":
            return w.tz(scope.place_role)
        if k == "state":
            return w.fake.state() if hasattr(w.fake, "state") else w.place(scope.place_role).city
        if k == "postcode":
            return w.postcode if scope.self_person else w.fake.postcode()
        if k == "street":
            return w.street if scope.self_person else w.local_fake(scope.place_role).street_address().replace("\n", ", ")
        if k == "address":
            place = w.place(scope.place_role)
            street = w.street if scope.self_person and place == w.home else \
                w.local_fake(scope.place_role).street_address().replace("\n", ", ")
            return f"{street}, {place.city}"
        if k == "currency":
            if "usd" in words(name) or "eur" in words(name):
                return "USD" if "usd" in words(name) else "EUR"
            if set(words(name)) & {"to", "target", "destination", "quote", "into"}:  # the other side of a conversion
                from .world import currency_of

                other = currency_of(w.away.country_code)
                return other if other != w.currency else ("EUR" if w.currency != "EUR" else "USD")
            return w.currency
        if k == "language":
            return w.language if len(str(example_of(schema) or "en")) <= 3 else "English"
        if k in ("date", "datetime", "time", "timestamp"):
            return self.when(kind, scope, t)
        if k == "year":
            return w.today.year - (rng.randint(0, 20) if kind.role == "past" else 0)
        if k == "month":
            return w.today.month if numeric else w.today.strftime("%B")
        if k == "duration":
            return {"minutes": rng.choice([15, 30, 45, 60, 90]), "hours": rng.randint(1, 4),
                    "nights": rng.randint(1, 6), "days": rng.randint(1, 7), "weeks": rng.randint(1, 3)}.get(kind.role, 30)
        if k == "money":
            return self.money(scope.entity or kind.entity, name, schema, t)
        if k == "rating":
            hi = schema.get("maximum", 5)
            return round(rng.uniform(max(1.0, hi * 0.6), hi), 1) if t != "integer" else rng.randint(max(1, int(hi * 0.6)), int(hi))
        if k == "percent":
            return rng.randint(0, 100) if t == "integer" else round(rng.uniform(0, 100), 1)
        if k == "temperature":  # one climate per dialogue, a day's spread around it
            base = scope.fields.setdefault("_climate", self.climate())
            spread = {"high": rng.uniform(2, 6), "low": -rng.uniform(2, 6)}.get(kind.role, rng.uniform(-2, 2))
            celsius = base + spread
            fahrenheit = "f" in words(name) or "fahrenheit" in words(name) or self.imperial and "c" not in words(name)
            return round(celsius * 9 / 5 + 32 if fahrenheit else celsius, 1)
        if k == "count":
            return rng.choices([1, 2, 3, 4, 5, 6], weights=[4, 6, 3, 3, 1, 1])[0]
        if k == "age":
            return rng.randint(18, 75)
        if k in ("distance", "weight", "speed"):
            return round(rng.uniform(1, 40) * (0.62 if self.imperial and k != "weight" else 1), 1)
        if k == "number" and kind.role == "measure":
            return rng.choice([64, 160, 300, 320, 640]) if not set(words(name)) & {"ms", "bytes"} else rng.randint(30000, 400000)
        if k == "paging":
            return {"page": 1, "offset": 0}.get(kind.role, 10)
        if k == "version":
            return f"{rng.randint(1, 4)}.{rng.randint(0, 12)}.{rng.randint(0, 9)}"
        if k == "url":
            return f"https://{self.domain_for(scope)}/{'/'.join(words(scope.entity or 'item')[-1:])}/{rng.randint(1000, 99999)}"
        if k == "image_url":
            return f"https://{self.domain_for(scope)}/images/{rng.randint(1000, 99999)}.jpg"
        if k == "domain":
            return self.domain_for(scope)
        if k == "ip":
            return w.fake.ipv4_public()
        if k == "boolean":
            return rng.random() < 0.7
        if k == "query":
            return self.search_term(kind.entity or scope.entity)
        if k == "title":
            return self.title(kind.entity or scope.entity, scope)
        if k == "label":
            return self.label(kind.entity or scope.entity, scope)
        if k == "text":
            return self.text(kind.entity or scope.entity, kind.role, scope)
        if k == "status":
            return rng.choice(POSITIVE_STATUS[:4])
        if k == "color":
            return w.fake.color_name()
        if k == "gender":
            return rng.choice(["female", "male"])
        if k == "file_name":
            return f"{'-'.join(self.title(scope.entity, scope).lower().split()[:3])}.{rng.choice(['pdf', 'docx', 'xlsx', 'png'])}"
        if k == "mime":
            return rng.choice(["application/pdf", "image/png", "text/plain"])
        if k == "password":
            return w.fake.password(length=12)
        if k == "token":
            return "".join(rng.choices(string.ascii_letters + string.digits, k=24))
        if k == "code":
            return self.code(kind.role)
        if k == "category":
            return self.category(kind.role, scope)
        if k == "copyright":
            return f"© {w.today.year} {self.company_like('publisher')}"
        return None

    def _fallback(self, kind: Kind, t: str | None, name: str, scope: Scope) -> Any:
        if t == "integer":
            return self.rng.randint(1, 50)
        if t == "number":
            return round(self.rng.uniform(1, 100), 2)
        nouns, adjectives = common_words()
        return self.rng.choice(nouns)

    def _enum(self, enum: list, kind: Kind) -> Any:
        if kind.name == "currency" and self.w.currency in enum:
            return self.w.currency
        # the first values of an enum are usually the common ones
        return self.rng.choices(enum, weights=[1 / (i + 1) for i in range(len(enum))])[0]

    # ---- helpers ---------------------------------------------------------------------------------
    def person_for(self, name: str, scope: Scope) -> Person:
        ws = words(name)
        prefix = " ".join(w for w in ws[:-1] if w not in ("first", "last", "full", "display", "given", "family",
                                                          "e", "user", "contact", "primary"))
        others = {"to", "recipient", "recipients", "cc", "bcc", "invitee", "invitees", "attendee", "attendees",
                  "friend", "assignee"}
        if prefix not in scope.persons:
            own = (prefix in SELF_ROLES or not prefix and scope.self_person) and not set(ws) & others
            if own:
                scope.persons[prefix] = self.w.user
            elif scope.entity in ("contact", "user", "person", "people", "member", "employee", "customer"):
                index = scope.fields.get("_index", len(scope.persons))
                person = self.w.someone(index=index)
                surname = scope.fields.get("_surname")
                if surname and surname not in person.name:  # a search by name finds people of that name
                    from .world import Person, ascii_slug

                    person = Person(person.first_name, surname, f"{ascii_slug(person.first_name)}.{ascii_slug(surname)}@"
                                    f"{person.email.split('@', 1)[1]}", person.phone, person.username, person.company)
                scope.persons[prefix] = person
            else:
                scope.persons[prefix] = self.w.someone()
        return scope.persons[prefix]

    def new_id(self, entity: str, schema: dict, t: str | None) -> Any:
        rng = self.rng
        if t in ("integer", "number"):  # a numeric id is a whole number
            return rng.randint(10_000, 9_999_999)
        example = example_of(schema)
        if example is not None and not isinstance(example, (dict, list, bool)):
            return reshape(example, rng)
        if schema.get("format") == "uuid":
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))
        ws = words(entity)
        if ws and ws[-1] in ("reference", "confirmation", "booking", "reservation", "ticket", "voucher", "pnr"):
            return "".join(rng.choices(string.ascii_uppercase + string.digits, k=6))
        if ws and ws[-1] in ("order", "invoice", "receipt", "case", "claim", "policy", "membership"):
            return f"{ws[-1][:3].upper()}-{rng.randint(100000, 999999)}"
        if ws and ws[-1] in ("tracking", "shipment", "parcel"):
            return "1Z" + "".join(rng.choices(string.ascii_uppercase + string.digits, k=14))
        # each kind of thing has its own style of id, as in real APIs: numbers, hex, short codes, prefixed keys
        style = int(hashlib.sha1(entity.encode()).hexdigest(), 16) % 4
        if style == 0:
            return str(rng.randint(100000, 99999999))
        if style == 1:
            return "".join(rng.choices("0123456789abcdef", k=rng.choice([12, 16, 24])))
        if style == 2:
            return "".join(rng.choices(string.ascii_uppercase + string.digits, k=8))
        prefix = "".join(x[:3] for x in ws[-1:])[:4] or "id"
        return f"{prefix}_{''.join(rng.choices(string.ascii_letters + string.digits, k=14))}"

    def money(self, entity: str, name: str, schema: dict, t: str | None) -> Any:
        desc = set(words(str(schema.get("description") or "")))
        lo, hi = PRICE_LEVELS["room"] if (desc | set(words(name))) & {"night", "nightly"} else \
            next((PRICE_LEVELS[w] for w in reversed(words(entity) + words(name)) if w in PRICE_LEVELS), (5, 300))
        value = self.rng.uniform(lo, hi)
        value = round(value) - self.rng.choice([0, 0, 0.01, 0.05, 0.5]) if value > 20 else round(value, 2)
        cents = "cents" in words(name) or "smallest currency unit" in str(schema.get("description") or "").lower() \
            or "cents" in str(schema.get("description") or "").lower()
        if t == "integer":
            return int(round(value * 100)) if cents else int(round(value))
        if t == "string":  # an amount in a text field: a plain whole number
            return str(int(round(value)))
        return round(value, 2)

    def when(self, kind: Kind, scope: Scope, t: str | None) -> Any:
        w, rng = self.w, self.rng
        if kind.role == "past" and scope.fields.get("_now"):  # what a create just did happened today
            return self.at(w.today, kind, scope, t, hour=rng.randint(8, 20))
        if kind.role == "past":
            day = w.past_day()
        elif kind.role == "end" and kind.stem in scope.fields:
            start = scope.fields[kind.stem]
            return self.end_of(start, kind, scope, t)
        else:
            day = w.in_window()
        return self.at(day, kind, scope, t)

    def at(self, day: dt.date, kind: Kind, scope: Scope, t: str | None, hour: int | None = None) -> Any:
        rng = self.rng
        hour = hour if hour is not None else rng.choice([7, 8, 9, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20])
        minute = rng.choice([0, 0, 15, 30, 30, 45])
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(self.w.tz(self._zone(kind, scope))))
        if kind.role == "start":
            scope.fields[kind.stem] = moment
        if kind.name == "date":
            return day.isoformat()
        if kind.name == "time":
            return f"{hour:02d}:{minute:02d}"
        if kind.name == "timestamp" or t in ("integer", "number"):
            return int(moment.timestamp())
        return moment.isoformat()

    def _zone(self, kind: Kind, scope: Scope) -> str:
        """Where a time is told: a departure where it leaves (home), an arrival where it lands."""
        if self.w._away is not None and set(words(scope.entity)) & {"flight", "fare", "segment", "leg", "journey",
                                                                    "itinerary", "train"}:
            return "destination" if kind.role == "end" else ""
        return scope.place_role

    def end_of(self, start: dt.datetime, kind: Kind, scope: Scope, t: str | None) -> Any:
        """The end of a span that started at `start`: after it, by a duration that fits the entity."""
        ws = set(words(scope.entity)) | set(kind.stem.split("_"))
        rng = self.rng
        if self.duration_hint is not None:
            delta = self.duration_hint
        elif kind.name == "date" or ws & {"hotel", "stay", "reservation", "rental", "booking", "trip", "room", "lodging"}:
            delta = dt.timedelta(days=rng.randint(1, 6))
        elif ws & {"flight", "fare", "journey", "trip", "route", "leg", "segment", "itinerary"}:
            from .world import distance_km

            hours = distance_km(self.w.home, self.w.away) / 780 + 0.6  # cruising speed, plus taxi and climb
            delta = dt.timedelta(minutes=int(hours * 60 * rng.uniform(0.95, 1.15)) // 5 * 5)
        elif ws & {"train", "bus", "ride"}:
            delta = dt.timedelta(minutes=rng.randrange(35, 6 * 60, 5))
        else:
            delta = dt.timedelta(minutes=rng.choice([30, 30, 45, 60, 60, 90, 120]))
        end = start + delta
        zone = self._zone(kind, scope)
        if kind.name == "datetime" and zone != scope.place_role or self._zone(Kind("", role="start"), scope) != zone:
            end = end.astimezone(ZoneInfo(self.w.tz(zone)))  # landing time in the local time where it lands
        if kind.name == "date":
            return end.date().isoformat()
        if kind.name == "time":
            return end.strftime("%H:%M")
        if kind.name == "timestamp" or t in ("integer", "number"):
            return int(end.timestamp())
        return end.isoformat()

    def climate(self) -> float:
        """A plausible mean temperature (Celsius) for the place and month: warmer near the equator and in
        the local summer."""
        import math

        place = self.w.place()
        day = (self.w.window or (self.w.today,))[0]
        summer = math.cos((day.timetuple().tm_yday - (196 if place.lat >= 0 else 15)) / 365 * 2 * math.pi)
        return round(27 - abs(place.lat) * 0.45 + summer * min(abs(place.lat), 50) * 0.25 + self.rng.uniform(-2, 2), 1)

    def domain_for(self, scope: Scope) -> str:
        person = scope.persons.get("")
        if person and person.company:
            return person.email.split("@", 1)[1]
        return self.w.fake.domain_name()

    def company_like(self, entity: str) -> str:
        if entity in ("airline", "carrier"):
            return f"{self.w.place(self.rng.choice(['', 'destination'])).city} {self.rng.choice(['Air', 'Airways', 'Airlines'])}"
        if entity in ("bank",):
            return f"{self.w.fake.last_name()} {self.rng.choice(['Bank', 'Savings', 'Credit Union'])}"
        return self.w.company()

    def search_term(self, entity: str) -> str:
        """What a person types to search for this kind of thing."""
        ws = set(words(entity))
        if ws & {"city", "place", "location", "airport", "hotel", "address", "geocode", "region", "area"}:
            return self.w.place(self.rng.choice(["", "destination"])).city
        if ws & {"restaurant", "recipe", "dish", "food", "meal", "menu"}:
            return mimesis_provider("Food", self.rng).dish().lower()
        if ws & {"user", "contact", "person", "people", "member", "customer", "employee", "account"}:
            return self.w.someone(0).last_name
        if ws & {"company", "organization", "business", "merchant", "vendor"}:
            return self.w.company().split()[0].strip(",")
        if ws & {"product", "item", "device", "phone", "gadget", "listing", "catalog", "catalogue"}:
            return mimesis_provider("Hardware", self.rng).phone_model().split()[0]  # a brand people search for
        nouns, adjectives = common_words()
        return self.rng.choice(nouns)

    def title(self, entity: str, scope: Scope) -> str:
        """A title or name for a thing of `entity`, as its owner would give it."""
        rng, w = self.rng, self.w
        nouns, adjectives = common_words()
        noun, adj = rng.choice(nouns), rng.choice(adjectives)
        ws = set(words(entity))
        if ws & NAMED_LIKE_PLACES:  # a company's display name is a company name, a hotel's title a hotel's name
            return self.label(entity, scope)
        friend = w.someone(0)
        if ws & {"event", "meeting", "appointment", "call", "slot", "booking", "session", "calendar"}:
            return rng.choice([f"Lunch with {friend.first_name}", f"{noun.capitalize()} review", f"Call with {friend.first_name}",
                               f"Team {noun} sync", f"Dentist appointment", f"{noun.capitalize()} planning",
                               f"Coffee with {friend.first_name}", f"Weekly {noun} check-in"])
        if ws & {"email", "message", "mail", "thread", "conversation", "inbox", "sms", "chat"}:
            return rng.choice([f"Quick question about the {noun}", f"{noun.capitalize()} update", f"Re: {noun} for {w.in_window():%B}",
                               f"Plans for {w.in_window():%A}", f"The {noun} draft", f"Following up on the {noun}"])
        if ws & {"task", "todo", "reminder", "issue", "ticket", "job", "item", "card"}:
            return rng.choice([f"Call {friend.first_name} about the {noun}", f"Send the {noun} report", f"Renew the {noun}",
                               f"Book the {noun} for {w.in_window():%B}", f"Pick up the {noun}", f"Review {friend.first_name}'s {noun}"])
        if ws & {"document", "doc", "note", "file", "page", "report", "sheet", "folder", "notebook", "post", "wiki"}:
            return rng.choice([f"{noun.capitalize()} plan {w.today.year + 1}", f"Notes from the {noun} meeting",
                               f"{adj.capitalize()} {noun} proposal", f"{noun.capitalize()} budget",
                               f"Trip to {w.away.city}", f"{noun.capitalize()} checklist"])
        head = entity.split()[-1] if entity and entity.split()[-1] not in ("item", "response", "result") else ""
        if ws & TECHNICAL:  # a queue, bucket or channel is named like an identifier
            return rng.choice([f"{noun}-{head}" if head else f"{noun}-{adj}", f"{adj}-{noun}", f"{noun}-{w.today.year}",
                               f"team-{noun}", f"{noun}-prod", f"{ascii_slug(friend.first_name)}-{noun}"])
        if head:  # a thing of its kind named for its topic: "Garden group", "Spring campaign"
            return rng.choice([f"{noun.capitalize()} {head}", f"{noun.capitalize()} {head}", f"{friend.first_name}'s {head}",
                               f"{w.in_window():%B} {head}"])
        return rng.choice([f"{noun.capitalize()} notes", f"{noun.capitalize()} list", f"{adj.capitalize()} {noun}"])

    def label(self, entity: str, scope: Scope) -> str:
        """The name of a thing that is not a person: a hotel, a product, a calendar."""
        rng, w = self.rng, self.w
        ws = set(words(entity))
        nouns, adjectives = common_words()
        last = w.fake.last_name()
        place = w.place(scope.place_role)
        if ws & {"hotel", "property", "lodging", "accommodation", "hostel", "inn"}:
            return rng.choice([f"Hotel {last}", f"{place.city} Grand Hotel", f"The {last} Inn", f"{last} Suites",
                               f"Hotel {place.city} Central", f"{place.city} Plaza Hotel", f"{last} House",
                               f"The {place.city} {rng.choice(['Marriott', 'Hilton', 'Novotel', 'Ibis', 'Radisson'])}"])
        if ws & {"restaurant", "venue", "bar", "cafe"}:
            cuisine = scope.fields.get("_cuisine")
            if cuisine:
                return rng.choice([f"{cuisine} Kitchen {last}", f"{last}'s {cuisine} Table", f"Little {cuisine} House",
                                   f"{place.city} {cuisine} Grill"])
            return rng.choice([f"{last}'s Bistro", f"The {rng.choice(nouns).capitalize()} Kitchen",
                               f"{last} Grill", f"Café {last}", f"{last} & Co. Eatery"])
        if ws & {"airport"}:
            index = scope.fields.get("_index", 0)
            if index:
                from .world import airports_near

                near = airports_near(place.lat, place.lng)
                return near[index % len(near)][1]
            return place.airport[1]
        if ws & {"airline", "carrier"}:
            return self.company_like("airline")
        if ws & {"city", "region", "destination", "town"}:
            return place.city
        if ws & {"place", "location", "poi", "point", "interest", "attraction", "landmark", "square", "venue", "spot",
                 "activity", "tour", "sight"}:
            return rng.choice([f"{place.city} {rng.choice(['Museum', 'Castle', 'Market', 'Gardens', 'Cathedral', 'Old Town', 'Harbour', 'Opera House'])}",
                               f"{self.w.fake.last_name()} Park", f"The {place.city} Food Hall",
                               f"{self.w.fake.last_name()} Gallery"])
        if ws & {"country"}:
            return place.country
        if ws & {"product", "item", "device", "phone", "model", "gadget"}:
            return mimesis_provider("Hardware", self.rng).phone_model()
        if ws & {"dish", "meal", "recipe", "food", "menu"}:
            return mimesis_provider("Food", self.rng).dish()
        if ws & {"calendar", "list", "notebook", "folder", "board", "label", "group", "category", "team", "channel",
                 "project", "workspace", "space", "playlist", "album", "collection"}:
            return rng.choice(["Work", "Personal", "Family", f"{rng.choice(nouns).capitalize()} project",
                               f"{w.home.city} team", f"{rng.choice(adjectives).capitalize()} {rng.choice(nouns)}s"])
        if ws & {"company", "organization", "business", "merchant", "vendor", "brand", "bank", "shop", "store"}:
            return self.company_like(entity)
        if ws & {"payment", "card", "method", "account"}:
            return rng.choice(["Visa", "Mastercard", "Amex"]) + f" ending {rng.randint(1000, 9999)}"
        return self.title(entity, scope)

    def text(self, entity: str, role: str, scope: Scope) -> str:
        rng, w = self.rng, self.w
        nouns, _ = common_words()
        noun = rng.choice(nouns)
        friend = w.someone(0)
        day = w.in_window()
        if role in ("message", "body", "content", "text", "memo") or set(words(entity)) & {"email", "message", "sms"}:
            return rng.choice([f"Hi {friend.first_name}, are we still on for {day:%A}? Let me know if the {noun} works for you.",
                               f"Hi {friend.first_name}, just a reminder about the {noun} on {day:%B} {day.day}.",
                               f"Thanks for sending the {noun}. I'll have a look and get back to you by {day:%A}.",
                               f"Hello {friend.first_name}, could you share the {noun} details before {day:%A}?"])
        if set(words(entity)) & {"product", "item", "device", "listing"}:
            return rng.choice(["Comes with a two-year warranty.", "Free returns within 30 days.",
                               f"Popular choice, usually ships within {rng.randint(1, 3)} days.",
                               "Lightweight, with a long battery life."])
        if set(words(entity)) & {"hotel", "property", "room", "lodging"}:
            return rng.choice(["Close to the old town, breakfast included.", "Quiet rooms and a rooftop bar.",
                               "Ten minutes from the central station."])
        if role in ("reason",):
            return rng.choice(["Changed my plans", "Ordered the wrong size", "Arrived damaged", "No longer needed",
                               "Found a better option"])
        if role in ("question", "prompt"):
            return f"What is the best way to handle the {noun} before {day:%A}?"
        return rng.choice([f"Talked about the {noun} and next steps for {day:%B}.",
                           f"Bring the {noun} and arrive ten minutes early.",
                           f"Follow up with {friend.first_name} about the {noun} on {day:%A}.",
                           f"Window seat if possible, and a quiet room.",
                           f"Covers the {noun} for the {w.away.city} trip."])

    def code(self, role: str) -> str:
        rng = self.rng
        if role in ("iban",):
            return self.w.fake.iban()
        if role in ("swift", "bic"):
            return self.w.fake.swift8()
        if role in ("isbn",):
            return self.w.fake.isbn13()
        if role in ("ean", "upc", "barcode"):
            return self.w.fake.ean13()
        if role in ("plate",):
            return self.w.fake.license_plate()
        if role in ("promo", "coupon", "discount", "voucher"):
            return "".join(rng.choices(string.ascii_uppercase, k=5)) + str(rng.randint(10, 30))
        return "".join(rng.choices(string.ascii_uppercase + string.digits, k=rng.choice([5, 6, 8])))

    def category(self, role: str, scope: Scope) -> str:
        rng = self.rng
        if role in ("genre", "genres"):
            return rng.choice(GENRES)
        if role == "cuisine":
            return mimesis_provider("Person", self.rng).nationality()
        if role in ("priority",):
            return rng.choice(["low", "normal", "high"])
        if role in ("size",):
            return rng.choice(["S", "M", "L", "XL"])
        if role in ("cabin",):
            return rng.choice(["economy", "economy", "premium economy", "business"])
        if role in ("room",):
            return rng.choice(["double", "twin", "single", "suite"])
        if role in ("visibility",):
            return rng.choice(["private", "public"])
        if role in ("frequency",):
            return rng.choice(["daily", "weekly", "monthly"])
        nouns, _ = common_words()
        return rng.choice(nouns)

    def _matching(self, pattern: str, value: str, schema: dict) -> str:
        """A value that matches a spec's pattern: the value reshaped, a number, else one built from the pattern."""
        lo, hi = schema.get("minLength") or 0, schema.get("maxLength") or 10**6
        candidates = [_from_pattern(pattern, value, self.rng), f"{self.rng.randint(5, 300)}",
                      f"{self.rng.randint(5, 300)}.{self.rng.randint(0, 99):02d}", value.upper(), value.lower(),
                      value.replace(" ", "_").upper(), "".join(self.rng.choices(string.ascii_uppercase + string.digits,
                                                                                  k=max(lo, 8)))]
        for candidate in candidates:
            if _matches(pattern, candidate, strict=True) and lo <= len(candidate) <= hi:
                return candidate
        try:
            made = rstr.Rstr(self.rng).xeger(pattern)
            return made if _matches(pattern, made, strict=True) else value
        except Exception:  # a pattern rstr cannot read (\p{...}): keep the value
            return value

    def _fit(self, value: Any, schema: dict, t: str | None) -> Any:
        """Make a value obey its schema's type and bounds (a count stays a whole number)."""
        if t == "integer":
            if not isinstance(value, int) or isinstance(value, bool):
                try:
                    value = int(float(value))
                except (TypeError, ValueError):
                    value = self.rng.randint(1, 50)
        elif t == "number":
            if isinstance(value, int) and not isinstance(value, bool):
                pass
            elif not isinstance(value, (int, float)) or isinstance(value, bool):
                try:
                    value = float(value)
                except (TypeError, ValueError):
                    value = round(self.rng.uniform(1, 100), 2)
        elif t == "string" and not isinstance(value, str):
            value = str(value)
        elif t == "boolean" and not isinstance(value, bool):
            value = bool(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            lo = schema.get("minimum", schema.get("exclusiveMinimum"))
            hi = schema.get("maximum", schema.get("exclusiveMaximum"))
            if isinstance(lo, (int, float)) and value < lo or isinstance(hi, (int, float)) and value > hi:
                lo = lo if isinstance(lo, (int, float)) else (hi - 10 if isinstance(hi, (int, float)) else 0)
                hi = hi if isinstance(hi, (int, float)) else lo + 10
                value = self.rng.randint(int(lo), int(hi)) if t == "integer" else round(self.rng.uniform(lo, hi), 2)
            if "exclusiveMinimum" in schema and isinstance(schema["exclusiveMinimum"], (int, float)) \
                    and value <= schema["exclusiveMinimum"]:
                value = schema["exclusiveMinimum"] + 1
        if isinstance(value, str):
            value = re.sub(r"\s+([,.])", r"\1", re.sub(r"\s+", " ", value)).strip()
            pattern = unescaped(schema["pattern"]) if isinstance(schema.get("pattern"), str) else None
            if isinstance(pattern, str) and not _matches(pattern, value):
                value = self._matching(pattern, value, schema)
            lo, hi = schema.get("minLength"), schema.get("maxLength")
            if isinstance(hi, int) and len(value) > hi:
                value = value[:hi]
            if isinstance(lo, int) and len(value) < lo:
                value = value + "".join(self.rng.choices(string.ascii_lowercase, k=lo - len(value)))
        return value


@lru_cache(maxsize=8)
def _mimesis(name: str):
    import mimesis

    return getattr(mimesis, name)()


def mimesis_provider(name: str, rng):
    """A mimesis provider (loaded once: its data sets are large), reseeded from the dialogue's generator."""
    provider = _mimesis(name)
    provider.reseed(rng.randrange(2**31))
    return provider


SELF_ROLES = {"passenger", "guest", "traveler", "traveller", "customer", "user", "billing", "holder", "cardholder",
              "payer", "buyer", "driver", "primary", "lead", "account", "my", "owner", "applicant", "patient",
              "student", "booker", "sender", "from", "organizer", "requester"}


def kind_is_person(schema: dict, name: str) -> bool:
    return classify(name, schema).name in ("person_name", "email", "phone", "username", "first_name", "last_name")


def reshape(example: Any, rng) -> Any:
    """A value of the same shape as a spec's example: digits for digits, letters for letters."""
    if isinstance(example, bool) or not isinstance(example, (str, int, float)):
        return example
    if isinstance(example, (int, float)):
        return example
    if len(example) > 40 or " " in example.strip():
        return example
    if re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", example):
        made = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        return made.upper() if example.isupper() else made
    hexed = re.fullmatch(r"[0-9a-f]+", example) is not None and re.search(r"[a-f]", example) is not None
    out = []
    for ch in example:
        if ch.isdigit():
            out.append(rng.choice(string.digits))
        elif ch.isupper() and ch.isascii():
            out.append(rng.choice(string.ascii_uppercase))
        elif ch.islower() and ch.isascii():
            out.append(rng.choice("abcdef" if hexed else string.ascii_lowercase))
        else:
            out.append(ch)
    return "".join(out)


def _matches(pattern: str, value: str, strict: bool = False) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return not strict


def _from_pattern(pattern: str, value: str, rng) -> str:
    """The common simple patterns (`^[A-Z]{3}$`, `^[0-9]{4}$`): a value that matches; else the value."""
    m = re.fullmatch(r"\^?\[([A-Za-z0-9\-]+)\]\{(\d+)(?:,(\d+))?\}\$?", pattern)
    if not m:
        return value
    chars = "".join(string.ascii_uppercase if r == "A-Z" else string.ascii_lowercase if r == "a-z" else string.digits
                    if r == "0-9" else "" for r in re.findall(r"A-Z|a-z|0-9", m.group(1))) or string.ascii_uppercase
    n = int(m.group(2))
    upper = "".join(ch for ch in value.upper() if ch in chars)
    return upper[:n] if len(upper) >= n else "".join(rng.choice(chars) for _ in range(n))
