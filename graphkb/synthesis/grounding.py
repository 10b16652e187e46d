"""How people say values, and whether a text said a value.

People say "next Friday", "Spain", "two of us", "in euros"; calls carry `2026-12-04`, `ES`, `2`, `EUR`.
An argument is grounded when an earlier user message says it literally, or says it the way people
do and it resolves unambiguously: a date expression resolved against the dialogue's "today" (the
system message states it), a country, language or currency name or symbol for its code, a number
word for a small number. The same functions make the expressions (plan) and accept them (verify),
for anyone's data; nothing looser is accepted."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(:\d{2})?$")
_TODAY = re.compile(r"\btoday is (\d{4}-\d{2}-\d{2})\b", re.I)


def today_of(system_text: str) -> dt.date | None:
    """The dialogue's "today", as its system message states it."""
    m = _TODAY.search(system_text or "")
    return dt.date.fromisoformat(m.group(1)) if m else None


# ---- saying ----------------------------------------------------------------------------------------
def _ordinal(n: int) -> str:
    return f"{n}{'th' if 11 <= n % 100 <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def date_expressions(day: dt.date, today: dt.date) -> list[str]:
    """Unambiguous ways to say a day, relative to today (all resolve back to it)."""
    delta = (day - today).days
    month = day.strftime("%B")
    if not 0 <= delta < 300:  # a day without its year is the next one to come
        return [f"{month} {day.day}, {day.year}", f"{day.day} {month} {day.year}"]
    out = [f"{month} {day.day}", f"{month} {_ordinal(day.day)}", f"{day.day} {month}",
           f"{day.strftime('%A')}, {month} {day.day}"]
    if delta == 0:
        out.append("today")
    elif delta == 1:
        out.append("tomorrow")
    elif 2 <= delta <= 6:
        out += [f"this {day.strftime('%A')}", f"on {day.strftime('%A')}"]
    return out


def time_expressions(hour: int, minute: int) -> list[str]:
    twelve = hour % 12 or 12
    suffix = "am" if hour < 12 else "pm"
    clock = f"{twelve}:{minute:02d}" if minute else f"{twelve}"
    out = [f"{twelve}:{minute:02d} {suffix}", f"{clock}{suffix}", f"{hour:02d}:{minute:02d}"]
    if minute == 0:
        out.append(f"{twelve} {suffix}")
    if (hour, minute) == (12, 0):
        out.append("noon")
    return out


def say(value: Any, kind: str, today: dt.date, rng) -> str | None:
    """A natural way to say `value` (of a kind from fields.py), or None to say it literally."""
    if kind == "date" and isinstance(value, str) and _ISO_DATE.match(value):
        return rng.choice(date_expressions(dt.date.fromisoformat(value), today))
    if kind in ("datetime",) and isinstance(value, str) and (m := _ISO_DATETIME.match(value)):
        day = dt.date.fromisoformat(m.group(1))
        return f"{rng.choice(date_expressions(day, today))} at {rng.choice(time_expressions(int(m.group(2)), int(m.group(3)))[:2])}"
    if kind == "time" and isinstance(value, str) and (m := _TIME.match(value)):
        return rng.choice(time_expressions(int(m.group(1)), int(m.group(2)))[:2])
    if kind == "country_code" and isinstance(value, str):
        names = country_names(value)
        return names[0] if names else None
    if kind == "currency" and isinstance(value, str):
        names = currency_names(value)
        return rng.choice(names[:2]) if names else None
    if kind == "language" and isinstance(value, str):
        names = language_names(value)
        return names[0] if names else None
    if kind == "count" and isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 12:
        return number_word(value)
    return None


# ---- names of codes ----------------------------------------------------------------------------------
@lru_cache(maxsize=1024)
def country_names(code: str) -> list[str]:
    import pycountry

    c = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else pycountry.countries.get(alpha_3=code.upper())
    if c is None:
        return []
    names = [getattr(c, "common_name", None), c.name, getattr(c, "official_name", None)]
    return [n for i, n in enumerate(names) if n and n not in names[:i]]


@lru_cache(maxsize=1024)
def currency_names(code: str) -> list[str]:
    from babel.numbers import UnknownCurrencyError, get_currency_name, get_currency_symbol

    try:
        one = get_currency_name(code.upper(), count=1, locale="en")
        many = get_currency_name(code.upper(), count=2, locale="en")
        symbol = get_currency_symbol(code.upper(), locale="en")
    except (UnknownCurrencyError, ValueError, KeyError):
        return []
    if one == code.upper():
        return []
    out = [many, one]
    if symbol and symbol != code.upper():
        out.append(symbol)
    short = one.split()[-1].lower()  # "US dollar" -> "dollar", "euro" -> "euro"
    out = [o if any(ch.isupper() for ch in o[1:]) or " " in o else o.lower() for o in out]
    out += [short + "s", short]
    return list(dict.fromkeys(out))


@lru_cache(maxsize=1024)
def language_names(code: str) -> list[str]:
    import pycountry

    lang = pycountry.languages.get(alpha_2=code.lower()) if len(code) == 2 else None
    return [lang.name] if lang else []


@lru_cache(maxsize=64)
def number_word(n: int) -> str:
    from num2words import num2words

    return num2words(n)


# ---- hearing ---------------------------------------------------------------------------------------
_MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
     "December"], 1)}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _next(today: dt.date, month: int, day: int) -> dt.date | None:
    """The first month/day on or after today (what "December 4" means)."""
    for year in (today.year, today.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _plain(expression: str, today: dt.date) -> dt.date | None:
    """The few shapes of expression this module makes, read directly (dateparser reads the rest)."""
    e = re.sub(r"^(on|this)\s+", "", expression.strip().lower())
    if e == "today":
        return today
    if e == "tomorrow":
        return today + dt.timedelta(days=1)
    if e in _WEEKDAYS:
        return today + dt.timedelta(days=(_WEEKDAYS.index(e) - today.weekday() - 1) % 7 + 1)
    m = re.fullmatch(r"(?:[a-z]+,\s+)?([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?", e) or None
    if m and m.group(1) in _MONTHS:
        return _next(today, _MONTHS[m.group(1)], int(m.group(2)))
    m = re.fullmatch(r"(\d{1,2})\s+([a-z]+)", e)
    if m and m.group(2) in _MONTHS:
        return _next(today, _MONTHS[m.group(2)], int(m.group(1)))
    return None


@lru_cache(maxsize=4096)
def _resolves(expression: str, today: dt.date) -> dt.date | None:
    plain = _plain(expression, today)
    if plain is not None:
        return plain
    import dateparser

    parsed = dateparser.parse(expression, languages=["en"], settings={
        "RELATIVE_BASE": dt.datetime.combine(today, dt.time(12)), "PREFER_DATES_FROM": "future",
        "STRICT_PARSING": False})
    return parsed.date() if parsed else None


def _contains(text: str, phrase: str) -> bool:
    return re.search(r"(?<![\w])" + re.escape(phrase.lower()) + r"(?![\w])", text) is not None


def said_date(day: dt.date, text: str, today: dt.date | None) -> bool:
    if today is None:
        return False
    for expression in date_expressions(day, today):
        phrase = expression.lower().removeprefix("on ").removeprefix("this ")
        if _contains(text, phrase) and _resolves(expression, today) == day:
            return True
    return False


def said_time(hour: int, minute: int, text: str) -> bool:
    return any(_contains(text, e.lower()) for e in time_expressions(hour, minute))


def is_said(value: Any, text: str, today: dt.date | None) -> bool:
    """Whether `text` (lowercase user text so far) says `value`, literally or as people do."""
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    literal = str(value).strip().lower()
    if literal and literal in text:
        return True
    if isinstance(value, int) and 0 <= value <= 20:
        return _contains(text, number_word(value))
    if not isinstance(value, str):
        return False
    if re.fullmatch(r"[A-Za-z0-9]+([_-][A-Za-z0-9]+)+", value) and re.search(r"[A-Za-z]", value) \
            and _contains(text, re.sub(r"[_-]", " ", value.lower())):
        return True  # an enum value said in words: "not needed" for not_needed
    if _ISO_DATE.match(value):
        try:
            return said_date(dt.date.fromisoformat(value), text, today)
        except ValueError:
            return False
    if m := _ISO_DATETIME.match(value):
        try:
            day = dt.date.fromisoformat(m.group(1))
        except ValueError:
            return False
        return said_date(day, text, today) and said_time(int(m.group(2)), int(m.group(3)), text)
    if m := _TIME.match(value):
        return said_time(int(m.group(1)), int(m.group(2)), text)
    if re.fullmatch(r"[A-Z]{2}", value):
        return any(_contains(text, n.lower()) for n in country_names(value))
    if re.fullmatch(r"[a-z]{2}", value):
        return any(_contains(text, n.lower()) for n in language_names(value))
    if re.fullmatch(r"[A-Z]{3}", value):
        return any(_contains(text, n.lower()) if n.isalpha() else n in text for n in currency_names(value))
    return False
