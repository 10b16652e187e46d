"""Realistic values for schemas: names, cities, dates, emails, ids... from faker, the schema's formats,
enums and ranges, and the field's name. Deterministic for a given random generator."""

from __future__ import annotations

import datetime as dt
import random
import string
from functools import lru_cache
from typing import Any

from faker import Faker

from ..texts import words

_BASE_DAY = dt.date(2026, 12, 1)


@lru_cache(maxsize=1)
def _faker() -> Faker:
    return Faker("en_US")


class ValueMaker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.fake = _faker()
        self.fake.seed_instance(rng.randrange(2**31))

    # ---- public ------------------------------------------------------------------------
    def for_schema(self, schema: dict | None, name: str = "", depth: int = 0) -> Any:
        schema = schema if isinstance(schema, dict) else {}
        if "const" in schema:
            return schema["const"]
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            return self.rng.choice(enum)
        t = schema.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), "string")
        if t is None:
            t = "object" if "properties" in schema else "array" if "items" in schema else "string"
        if t == "object":
            if depth > 6:
                return {}
            props = schema.get("properties") or {}
            required = set(schema.get("required") or [])
            out = {}
            for key, sub in props.items():
                if key in required or self.rng.random() < 0.9:
                    out[key] = self.for_schema(sub, key, depth + 1)
            return out
        if t == "array":
            lo = max(1, int(schema.get("minItems", 1)))
            hi = max(lo, min(int(schema.get("maxItems", 3)), 3))
            items = schema.get("items") if isinstance(schema.get("items"), dict) else {"type": "string"}
            return [self.for_schema(items, name, depth + 1) for _ in range(self.rng.randint(lo, hi))]
        if t == "boolean":
            return self.rng.random() < 0.5
        if t in ("integer", "number"):
            return self._number(schema, name, t == "integer")
        return self._string(schema, name)

    # ---- scalars -----------------------------------------------------------------------
    def _number(self, schema: dict, name: str, integer: bool) -> int | float:
        w = set(words(name))
        lo = schema.get("minimum", schema.get("exclusiveMinimum"))
        hi = schema.get("maximum", schema.get("exclusiveMaximum"))
        if lo is None and hi is None:
            if w & {"latitude", "lat"}:
                lo, hi = -60, 70
            elif w & {"longitude", "lng", "lon"}:
                lo, hi = -150, 150
            elif w & {"year"}:
                lo, hi = 1990, 2026
            elif w & {"price", "amount", "total", "cost", "usd", "balance"}:
                lo, hi = 5, 900
            elif w & {"quantity", "count", "size", "passengers", "guests", "party", "days", "nights"}:
                lo, hi = 1, 6
            elif w & {"rating", "stars"}:
                lo, hi = 1, 5
            elif w & {"percent", "percentage", "humidity", "chance"}:
                lo, hi = 0, 100
            else:
                lo, hi = 1, 500
        lo = 0 if lo is None else lo
        hi = lo + 1000 if hi is None else hi
        if integer:
            return self.rng.randint(int(lo), max(int(lo), int(hi)))
        value = round(self.rng.uniform(float(lo), float(hi)), 2)
        return min(max(value, float(lo)), float(hi))

    def _string(self, schema: dict, name: str) -> str:
        fmt = schema.get("format")
        w = words(name)
        hints = set(words(str(schema.get("description") or ""))) | set(w)
        last = w[-1] if w else ""
        if fmt == "date" or last in ("date", "day") or name.endswith(("_date", "Date")) or last in ("in", "out") and "check" in w:
            return (_BASE_DAY + dt.timedelta(days=self.rng.randint(0, 90))).isoformat()
        if fmt == "date-time" or last in ("time", "at") and ("start" in w or "end" in w or "created" in w or last == "at"):
            day = _BASE_DAY + dt.timedelta(days=self.rng.randint(0, 60))
            return f"{day.isoformat()}T{self.rng.randint(7, 20):02d}:{self.rng.choice(['00', '15', '30', '45'])}:00Z"
        if fmt == "email" or "email" in w:
            return self.fake.email()
        if fmt in ("uri", "url") or last in ("url", "link", "uri", "href"):
            return f"https://{self.fake.domain_name()}/{self.fake.uri_path()}"
        if fmt == "uuid":
            return str(self.fake.uuid4())
        pattern = schema.get("pattern")
        if pattern == "^[A-Z]{3}$" or ("iata" in w):
            return self.rng.choice(["JFK", "LHR", "CDG", "FRA", "MAD", "AMS", "SFO", "NRT", "BCN", "LIS"])
        if pattern == "^[A-Z]{2}$" or ("country" in w and "code" in w):
            return self.rng.choice(["US", "GB", "FR", "DE", "ES", "NL", "JP", "PT", "IT", "CA"])
        if pattern == "^[0-9]{4}$" or last == "last4":
            return f"{self.rng.randint(0, 9999):04d}"
        if last in ("id", "identifier", "key", "token", "number", "ref", "code") or fmt == "id":
            prefix = "".join(x[0] for x in w[:-1])[:3] or "id"
            return f"{prefix}_{''.join(self.rng.choices(string.ascii_lowercase + string.digits, k=8))}"
        if "city" in w or last in ("location", "destination", "origin"):
            return self.fake.city()
        if "country" in w:
            return self.fake.country()
        if "address" in w:
            return self.fake.address().replace("\n", ", ")
        if "phone" in w:
            return self.fake.numerify("+1-###-###-####")
        if "company" in w or "organization" in w:
            return self.fake.company()
        if last == "name" and hints & {"product", "item", "hotel", "restaurant", "airport", "document", "company"}:
            if hints & {"hotel"}:
                return f"Hotel {self.fake.last_name()}"
            if hints & {"restaurant"}:
                return f"{self.fake.last_name()}'s {self.rng.choice(['Bistro', 'Kitchen', 'Trattoria', 'Grill'])}"
            if hints & {"airport"}:
                return f"{self.fake.city()} International Airport"
            if hints & {"company"}:
                return self.fake.company()
            return self.fake.catch_phrase()
        if last in ("name", "username") or "passenger" in w or "guest" in w or "person" in w or "author" in w:
            return self.fake.name() if last != "username" else self.fake.user_name()
        if last in ("title", "subject"):
            return self.fake.sentence(nb_words=4).rstrip(".")
        if last in ("currency",):
            return self.rng.choice(["USD", "EUR", "GBP"])
        if last in ("timezone",):
            return self.rng.choice(["Europe/Paris", "America/New_York", "Asia/Tokyo", "Europe/London"])
        if last in ("query", "q", "search", "keyword", "keywords", "term"):
            return self.fake.word()
        if last in ("description", "body", "content", "notes", "message", "text", "comment", "summary"):
            return self.fake.sentence(nb_words=10)
        if last in ("color", "colour"):
            return self.fake.color_name()
        if last == "time":
            return f"{self.rng.randint(11, 21):02d}:{self.rng.choice(['00', '30'])}"
        value = self.fake.word()
        lo, hi = schema.get("minLength"), schema.get("maxLength")
        if isinstance(lo, int) and len(value) < lo:
            value = value + "x" * (lo - len(value))
        if isinstance(hi, int) and len(value) > hi:
            value = value[:hi]
        return value
