"""The offline backend's language: user and assistant turns written from the plan's intents, the
entities and the values (never from a tool's description), the way people say them ("this Friday",
"two of us", "Spain", "under 200 dollars"), varied by persona and turn. The assistant says what it
is about to do when that is natural, summarizes results by what matters to the goal, asks one clear
question when a value is missing, and says what it can do instead when it cannot help.

It is templated language: varied, grounded and consistent with the world, but recognisably so. A chat
model (`--llm`) writes natural language from the same plan."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from typing import Any

from ..specs.semantics import VERB_OPS
from ..texts import humanize, words
from .fields import Kind, classify, parent_entity
from .plan import Call, Choice, Plan, ToolDef, Turn
from .simulate import arg_kinds, value_at

# Words of API jargon a person leaves off a noun.
TECHNICAL = {"intent", "object", "resource", "record", "entry", "info", "information", "data", "details", "session",
             "item", "list", "collection", "summary", "overview"}
# Things people call theirs ("my order"); other things are "the" thing ("the exchange rate").
HELD = {"booking", "reservation", "order", "ticket", "account", "profile", "cart", "subscription", "calendar",
        "document", "contact", "task", "reminder", "alarm", "event", "note", "flight", "trip", "payment", "invoice",
        "shipment", "parcel", "package", "appointment", "playlist", "file", "folder", "card", "method", "inbox"}
# Entities that are other people, not the user.
OTHERS = {"contact", "person", "people", "recipient", "friend", "employee", "member", "attendee", "invitee", "customer",
          "lead", "client", "user"}
# Verbs whose tool names run the words together (`checkout`): how people say them.
PARTICLE_VERBS = {"checkout": "check out", "login": "log in", "logout": "log out", "signup": "sign up",
                  "signin": "sign in", "setup": "set up", "pickup": "pick up"}
# Kinds said as a run of phrases ("from Tampa to Paris on Friday for two people").
FLOW = {"city", "iata", "date", "datetime", "time", "count", "money", "rating", "country", "country_code", "currency",
        "language", "duration", "query", "category"}
# Verbs from tool names that people use as they are ("book a flight", "send an email").
HUMAN_VERBS = {"book", "send", "add", "schedule", "reserve", "order", "place", "log", "register", "submit", "share",
               "invite", "transfer", "pay", "rent", "subscribe", "post", "upload", "request", "apply", "start",
               "cancel", "delete", "remove", "track", "convert", "translate", "calculate", "check", "find", "search",
               "refund", "confirm", "move", "rename", "archive", "complete", "approve", "reply", "buy", "record",
               "export", "download", "print", "sign", "follow", "reschedule", "geocode", "estimate", "compare",
               "pause", "resume", "restore", "enable", "disable", "activate", "deactivate", "accept", "reject",
               "verify", "publish", "unarchive", "ship", "purge"}
OP_VERBS = {"create": ("create", "set up", "make", "add", "create"), "update": ("update", "change"),
            "delete": ("delete", "remove"), "cancel": ("cancel",), "action": ("run",)}


@lru_cache(maxsize=4096)
def plural(noun: str) -> str:
    import inflection

    ws = noun.split()
    return " ".join([*ws[:-1], inflection.pluralize(ws[-1])]) if ws else noun


def article(noun: str) -> str:
    """`a flight`, `an event`, `a user`, `an hour`."""
    first = noun.lower()
    vowel = first[:1] in "aeiou" and not first.startswith(("uni", "use", "usu", "eu", "one", "ua")) \
        or first.startswith(("hour", "honest", "honor", "honour"))
    return f"{'an' if vowel else 'a'} {noun}"


def ordinal_word(n: int) -> str:
    from num2words import num2words

    return num2words(n, to="ordinal")


def tool_verb(tool: ToolDef) -> str:
    """The verb a person would use for what the tool does (`bookFlight` -> `book`)."""
    segs = tool.name.split(".")
    for w in (words(segs[-1])[:1] if len(segs) >= 3 else []) + words(tool.name)[:3]:  # `queues.pause`: last
        if w in HUMAN_VERBS:
            return w
        if w in PARTICLE_VERBS:
            return PARTICLE_VERBS[w]
    return OP_VERBS.get(tool.op, ("use",))[0]


def tool_object(tool: ToolDef) -> str:
    """What the tool's verb acts on, as a person says it (`bookFlight` -> `flight`, `Dine_Out_book_table`
    -> `table`)."""
    from ..specs.semantics import _entity_from, _name_words

    verb = tool_verb(tool)
    ws = _name_words(tool.name, None)
    if verb in ws:
        after = _entity_from(ws[ws.index(verb) + 1:])
        if after and tool.op == "create":
            return after
    return tool.entity


# ---- values as people say them --------------------------------------------------------------------------
def money(value: Any, currency: str = "USD") -> str:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    symbol = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "JPY": "¥", "INR": "₹", "BRL": "R$",
              "MXN": "MX$"}.get(currency)
    amount = f"{value:,.2f}".replace(".00", "") if isinstance(value, float) else f"{value:,}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def when(value: Any, today: dt.date | None = None) -> str:
    """A date or time as people write it: `Friday, December 4 at 9:30 am`."""
    if not isinstance(value, str):
        return str(value)
    m = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2}))?", value)
    if not m:
        t = re.match(r"^(\d{1,2}):(\d{2})", value)
        return clock(int(t.group(1)), int(t.group(2))) if t else value
    day = dt.date.fromisoformat(m.group(1))
    text = f"{day:%A}, {day:%B} {day.day}"
    if today and day.year != today.year:
        text += f", {day.year}"
    if m.group(2):
        text += f" at {clock(int(m.group(2)), int(m.group(3)))}"
    return text


def clock(hour: int, minute: int) -> str:
    return f"{hour % 12 or 12}:{minute:02d} {'am' if hour < 12 else 'pm'}"


UNITS = {"kg": "kg", "km": "km", "mi": "miles", "c": "°C", "f": "°F", "min": "minutes", "mins": "minutes",
         "minutes": "minutes", "hours": "hours", "pct": "%", "percent": "%", "mb": "MB", "gb": "GB", "kb": "KB",
         "m": "m", "cm": "cm", "lbs": "lb", "usd": "", "eur": "", "gbp": "", "kph": "km/h", "kmh": "km/h",
         "mph": "mph", "ms": "ms"}


ACRONYMS = {"aqi", "uv", "id", "url", "iata", "vat", "gps", "pin", "sku", "isbn", "utc", "eta", "pdf", "api", "sms"}


def field_label(key: str) -> str:
    """A field's name as a person says it, without its unit: `baggage_allowance_kg` -> `baggage allowance`."""
    ws = words(key.split(".")[-1])
    while len(ws) > 1 and ws[-1] in UNITS:
        ws = ws[:-1]
    return " ".join(w.upper() if w in ACRONYMS else w for w in ws)


REASON_SHARE = {"chatty": 0.2, "polite": 0.1, "terse": 0.0}


def _spoken_object(value: Any) -> str:
    """Structured details as a person lists them: each value with what it is."""
    parts: list[str] = []

    def walk(node: Any, label: str) -> None:
        if isinstance(node, dict):
            for key, inner in node.items():
                walk(inner, key)
        elif isinstance(node, list):
            for inner in node:
                walk(inner, label)
        elif node is not None and not isinstance(node, bool) and str(node).strip():
            parts.append(f"{field_label(label)} {node}" if label else str(node))

    walk(value, "")
    return ", ".join(parts)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def flag_label(key: str) -> str:
    """A yes/no field as an adjective: `is_refundable` -> `refundable`."""
    label = field_label(key)
    return re.sub(r"^(is|has|can) ", "", label)


def _type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return "number" if isinstance(value, float) else "string"


def shown(key: str, value: Any, currency: str, today: dt.date | None = None, entity: str = "") -> str:
    """An output value in prose."""
    kind = classify(key.split(".")[-1], {"type": _type(value)}, entity, entity)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind.name == "money":
        cur = "USD" if "usd" in words(key) else "EUR" if "eur" in words(key) else currency
        return money(value, cur)
    if kind.name in ("date", "datetime", "time"):
        return when(value, today)
    if kind.name == "percent":
        return f"{value}%"
    if kind.name == "temperature":
        return f"{value}°C" if "f" not in words(key) else f"{value}°F"
    if kind.name == "rating":
        return f"{value}"
    unit = next((UNITS[w] for w in reversed(words(key.split(".")[-1])) if w in UNITS and UNITS[w]), None)
    if unit and isinstance(value, (int, float)):
        return f"{value}{unit}" if unit in ("%", "°C", "°F") else f"{value} {unit}"
    if isinstance(value, list):
        if value and all(isinstance(v, str) and re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", v) for v in value):
            value = sorted(value, key=lambda v: tuple(int(x) for x in v.split(":")))  # times in the order of the day
        return ", ".join(shown(key, v, currency, today, entity) for v in value[:4])
    return str(value)


# ---- one realization of a plan ---------------------------------------------------------------------------
class Speaker:
    def __init__(self, plan: Plan, tools: dict[str, ToolDef], rng):
        self.plan, self.tools, self.rng = plan, tools, rng
        self.today = dt.date.fromisoformat(plan.today)
        self.currency = plan.world["user"]["currency"]
        self.style = plan.persona.style
        self.user_named = False  # the user said their own name
        self.calls = {c.id: c for c in plan.calls}
        self.said: set[str] = set()  # "call.param" already stated
        self.values_said: set[str] = set()  # values the user has stated (no need to repeat them)
        self._verbs: dict[str, str] = {}
        self.withheld: list[str] = []  # what the current user turn leaves out
        self.shown_now: set[str] = set()

    # ---- small helpers -----------------------------------------------------------------------------
    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    def call(self, cid: str) -> Call:
        return self.calls[cid]

    def tool(self, cid: str) -> ToolDef:
        return self.tools[self.calls[cid].tool]

    def noun(self, cid: str) -> str:
        ws = humanize(tool_object(self.tool(cid))).split()
        if len(ws) > 1 and ws[-1] in TECHNICAL:  # "payment intent" is a payment to a person
            ws = ws[:-1]
        return " ".join(ws)

    def verb(self, cid: str) -> str:
        """The verb for a call, chosen once a dialogue (`create` varies: add, set up, make)."""
        if cid not in self._verbs:
            tool = self.tool(cid)
            verb = tool_verb(tool)
            if verb == "create" or verb == "use":
                verb = self.pick(*OP_VERBS.get(tool.op, ("use",)))
            self._verbs[cid] = verb
        return self._verbs[cid]

    def kinds(self, cid: str) -> dict[str, Kind]:
        return arg_kinds(self.tool(cid).info())

    def value_text(self, cid: str, name: str, value: Any = None) -> str:
        """How the user says an argument's value (literally, or as planned: `this Friday`)."""
        arg = self.call(cid).args.get(name)
        value = (arg.value if arg else None) if value is None else value
        if arg and arg.said and value == arg.value:
            return arg.said
        kind = self.kinds(cid)[name]
        if isinstance(value, dict) or isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
            return _spoken_object(value)  # {"guest": {"firstName": "Ana"}} -> first name Ana
        if isinstance(value, list):
            return _join([str(v) for v in value])
        if isinstance(value, str) and re.fullmatch(r"[a-z0-9]+([_-][a-z0-9]+)+", value) and re.search(r"[a-z]", value) \
                and kind.name not in ("id",):
            return re.sub(r"[_-]", " ", value)  # an enum value in words
        if isinstance(value, bool):
            return "yes" if value else "no"
        if kind.name in ("money",) and isinstance(value, (int, float)):
            amount = f"{value:g}"
            code = self.currency_of(cid)
            held = any(w.startswith(f"{cid}.") and self.kinds(cid)[w.split(".", 1)[1]].name == "currency"
                       for w in self.withheld)
            if held:
                return amount  # the currency is what the assistant will ask for
            if any(self.kinds(cid)[n].name == "currency" for n in self.call(cid).args):
                return f"{amount} {_currency_word(code)}"  # says the currency argument too
            return self.pick(f"{amount} {_currency_word(code)}",
                             f"{_symbol(code)}{amount}" if _symbol(code) else f"{amount} {code}")
        return str(value)

    def phrase(self, cid: str, name: str, value: Any = None) -> str:
        """An argument as part of a request: `from Tampa`, `for two people`, `on December 4`."""
        kind = self.kinds(cid)[name]
        text = self.value_text(cid, name, value)
        k, role = kind.name, kind.role
        ws = words(name)
        label = humanize(name)
        arg = self.call(cid).args.get(name)
        raw = value if value is not None else arg.value if arg else None
        if isinstance(raw, dict) or isinstance(raw, list) and any(isinstance(v, dict) for v in raw):
            return self.pick(f"with {text}", f"({text})")  # the details speak for themselves
        if k in ("city", "iata"):
            if role == "origin":
                return self.pick(f"from {text}", f"leaving from {text}", f"out of {text}")
            if role == "destination":
                return self.pick(f"to {text}", f"going to {text}")
            return self.pick(f"in {text}", f"around {text}", f"near {text}")
        if k in ("date", "datetime"):
            text = text if not re.match(r"^(on|this) ", text) else text
            lead = "" if re.match(r"^(on|this|today|tomorrow) ", text + " ") else "on "
            if role == "start":
                return self.pick(f"from {text}", f"starting {text}", f"from {text}")
            if "due" in ws or "deadline" in ws:
                return self.pick(f"due {text}", f"for {text}")
            if role == "end":
                same_day = self._same_day_end(cid, name)
                if same_day:
                    return self.pick(f"to {same_day}", f"until {same_day}")
                return self.pick(f"until {text}", f"to {text}")
            return f"{lead}{text}" if k == "date" else f"{lead}{text}"
        if k == "time":
            return f"at {text}"
        if k == "count":
            who = kind.entity if kind.entity and kind.entity not in ("party", "size", "number", "quantity", "qty") else ""
            if who in ("passengers", "guests", "people", "persons", "travelers", "travellers", "adults", "pax", "party"):
                return self.pick(f"for {text} {'people' if who in ('party', 'pax', 'persons') else who}",
                                 f"for {text} {who}")
            if "party" in ws or "size" in ws:
                return self.pick(f"for {text} people", f"for a party of {text}")
            if who:
                return self.pick(f"{text} {who}", f"{label}: {text}")
            return self.pick(f"{label} {text}", f"{text} of them")
        if k == "money":
            if role == "max":
                return self.pick(f"under {text}", f"for no more than {text}", f"with a budget of {text}")
            if role == "min":
                return f"over {text}"
            return self.pick(f"for {text}", f"of {text}") if set(ws) & {"amount", "total", "price", "value"} \
                else self.pick(f"for {text}", f"{label} {text}")
        if k == "rating":
            return self.pick(f"rated at least {text}", f"with a rating of {text} or more") if role == "min" \
                else f"rated {text}"
        if k == "person_name":
            if self.call(cid).op == "create" and not (set(words(self.call(cid).entity)) & OTHERS):
                return self.pick(f"for {text}", f"in the name of {text}", f"under the name {text}")
            return self.pick(f"named {text}", f"for {text}", f"called {text}")
        if k == "email":
            if isinstance(self.call(cid).args.get(name) and self.call(cid).args[name].value, list) or \
                    set(ws) & {"attendees", "attendee", "invitees", "guests", "participants", "to", "cc", "recipients"}:
                return self.pick(f"inviting {text}", f"with {text}", f"for {text}")
            return self.pick(f"with the email {text}", f"(my email is {text})" if self.call(cid).op == "create"
                             else f"at {text}", f"- email {text}")
        if k == "phone":
            return self.pick(f"phone {text}", f"whose number is {text}", f"on {text}")
        if k in ("title",):
            if set(words(self.call(cid).entity)) & {"email", "message", "mail", "sms"} or "subject" in ws:
                return self.pick(f'with the subject "{text}"', f'subject "{text}"')
            return self.pick(f'called "{text}"', f'titled "{text}"', f'named "{text}"')
        if k == "label":
            return self.pick(f'"{text}"', f"named {text}") if kind.entity not in ("restaurant", "hotel") else f"at {text}"
        if k == "text":
            if role == "reason":
                return self.pick(f"because it's {text}", f"(reason: {text})") if " " not in text or len(text) < 20 \
                    else self.pick(f'because "{text}"', f'- reason: "{text}"')
            return self.pick(f'saying "{text}"', f'that says "{text}"') if role in (
                "message", "body", "content", "text") else self.pick(f'with the note "{text}"', f'({label}: "{text}")')
        if k == "query":
            return self.pick(f'about "{text}"', f'matching "{text}"', f'for "{text}"', f"with {text} in them")
        if k == "category":
            if set(ws) & {"role", "permission", "access", "level", "type"} and kind.role in ("role", "permission", "level"):
                return self.pick(f"as {article(text)}", f"as {text}")
            return self.pick(f"in the {text} category", f"({label}: {text})", f"with {label} {text}")
        if k in ("address", "street") and set(ws) & {"shipping", "delivery", "billing"}:
            return self.pick(f"shipping to {text}", f"to {text}") if "billing" not in ws else f"billed to {text}"
        if k == "currency" and role == "destination":
            return self.pick(f"to {text}", f"into {text}")
        if k == "currency" and role == "origin":
            return f"from {text}"
        if k == "country_code" or k == "country":
            return self.pick(f"in {text}", f"for {text}")
        if k == "currency":
            return self.pick(f"in {text}", f"paid in {text}")
        if k == "language":
            return f"in {text}"
        if k == "duration":
            unit = kind.role if kind.role in ("minutes", "hours", "nights", "days", "weeks") else "minutes"
            return self.pick(f"for {text} {unit}", f"{text} {unit} long")
        if k == "id":
            return self.pick(f"({label} {text})", f"- the {label} is {text}", f"number {text}")
        if isinstance(raw, bool):
            return flag_phrase(ws, text == "yes")
        return self.pick(f"with {label} {text}", f"({label}: {text})", f"{label} {text}")

    def _same_day_end(self, cid: str, name: str) -> str | None:
        """For an end on the day its start is said, just its time ("from Friday at 9:00 am to 10:30 am")."""
        kinds = self.kinds(cid)
        call = self.call(cid)
        end = call.args[name].value
        start = next((a.value for n, a in call.args.items() if kinds[n].role == "start" and kinds[n].name == "datetime"
                      and a.source == "user"), None)
        if kinds[name].name != "datetime" or not isinstance(start, str) or not isinstance(end, str) \
                or start[:10] != end[:10] or len(end) < 16:
            return None
        return clock(int(end[11:13]), int(end[14:16]))

    def phrases(self, cid: str, names: list[str], values: dict[str, Any] | None = None) -> str:
        kinds = self.kinds(cid)
        people = any(kinds[n].name == "person_name" for n in names)
        flow, details = [], []  # places, times and amounts run on; names, emails and notes are listed
        order = sorted(names, key=lambda n: (kinds[n].name not in FLOW, kinds[n].name == "email",
                                             kinds[n].name != "money" or kinds[n].role != "",
                                             {"origin": 0, "destination": 1}.get(kinds[n].role, 2),
                                             {"start": 0, "end": 1}.get(kinds[n].role, 2)))
        for n in order:
            if n not in self.call(cid).args and (values or {}).get(n) is None:
                continue
            if people and kinds[n].name == "email":
                details.append(f"({self.value_text(cid, n, (values or {}).get(n))})")
            elif kinds[n].name in FLOW:
                flow.append(self.phrase(cid, n, (values or {}).get(n)))
            else:
                details.append(self.phrase(cid, n, (values or {}).get(n)))
        parts = [" ".join(flow)] if flow else []
        if details:
            merged = []
            emails = [d for d in details if d.startswith("(")]
            for d in details:  # an email in brackets follows the name it belongs to
                if d.startswith("("):
                    continue
                merged.append(d)
                if emails and (d.startswith(("named ", "for ", "called ", "in the name of ", "under the name "))):
                    merged[-1] += f" {emails.pop(0)}"
            merged += emails
            parts.append(_join(merged) if not flow else ", " + _join(merged) if len(merged) > 1 else merged[0])
        text = " ".join(parts).replace(" , ", ", ")
        for n in names:
            self.said.add(f"{cid}.{n}")
            value = (values or {}).get(n, getattr(self.call(cid).args.get(n), "value", None))
            self.values_said.add(_key(value))
            if kinds[n].name == "money":
                self.values_said.add(_key(self.currency_of(cid)))
            if kinds[n].name == "person_name" and value == self.plan.world["user"]["name"]:
                self.user_named = True
        return text

    def user_args(self, cid: str, withheld: list[str]) -> list[str]:
        from .plan import in_context

        kinds = self.kinds(cid)
        out = [n for n, a in self.call(cid).args.items() if a.source == "user" and f"{cid}.{n}" not in withheld
               and _key(a.value) not in self.values_said and not in_context(kinds[n], n)]
        money = [n for n in out if kinds[n].name == "money"]
        # "177 US dollars" says the currency of the amount too
        return [n for n in out if not (money and kinds[n].name == "currency" and kinds[n].role != "destination")]

    def currency_of(self, cid: str) -> str:
        """The currency an amount of this call is in (not the one it converts to)."""
        call = self.call(cid)
        kinds = self.kinds(cid)
        return next((a.value for n, a in call.args.items() if kinds[n].name == "currency"
                     and kinds[n].role != "destination" and isinstance(a.value, str)), self.currency)

    # ---- user ----------------------------------------------------------------------------------------
    def opener(self, first: bool) -> str:
        if not first:
            return ""
        if self.style == "terse":
            return self.pick("", "", "", "Hi.", "Quick one.")
        if self.style == "polite":
            return self.pick("Hi,", "Hello,", "Good morning,", "Hi there,", "Hello there,", "", "Good afternoon,",
                             "Hi, hope you're well.", "Hello! I hope you can help.")
        return self.pick("Hey!", "Hi there!", "Morning!", "Hey, quick one.", "Hi!", "Hello!", "Hey there.", "",
                         "Okay, here's one for you.", "Right, so.")

    def domain(self) -> str:
        """What the first request is about, from its tools' entities: travel, food, shopping, work..."""
        first = [cid for s in self.plan.asked(self.plan.turns[0]) for cid in s] if self.plan.turns else []
        ents = {w for c in self.plan.calls if c.id in first for w in words(c.entity)}
        ents |= {w for cid in first for w in words(self.noun(cid))}
        for name, keys in (("travel", {"flight", "hotel", "stay", "trip", "airport", "booking", "fare", "room"}),
                           ("food", {"restaurant", "table", "reservation", "menu", "dish", "recipe"}),
                           ("shopping", {"product", "cart", "order", "return", "shipment", "item", "checkout"}),
                           ("calendar", {"event", "calendar", "slot", "meeting", "appointment", "reminder", "task"}),
                           ("people", {"contact", "email", "message", "call", "user", "person"}),
                           ("documents", {"document", "file", "note", "page", "folder"}),
                           ("music", {"track", "album", "artist", "playlist", "podcast", "episode", "show"}),
                           ("money", {"payment", "intent", "rate", "currency", "invoice", "refund", "method"}),
                           ("weather", {"weather", "forecast", "quality", "timezone"})):
            if ents & keys:
                return name
        return "work"  # an HR system, a device, a queue: the things people look after at work

    def context(self) -> str:
        """A sentence of situation the user volunteers, fitting what the dialogue is about."""
        w = self.plan.world
        dest = w.get("trip_destination", {}).get("city") or w["user"]["city"]
        name = w.get("friend")
        friend = self.rng.choice(["my sister", "my brother", "a friend", "my partner", "a colleague", "my mum",
                                  "my dad", "an old friend", "my boss", "a client"]) if not name or self.rng.random() < 0.4 \
            else self.rng.choice([f"my friend {name}", f"my colleague {name}", f"{name} from work", f"my neighbour {name}",
                                  f"my partner {name}", f"my flatmate {name}", f"{name}", f"my old friend {name}"])
        day = self.rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])
        when = "soon"
        window = w.get("window")
        if window:  # said as the dates are: no "this month" for a trip two months away
            days = (dt.date.fromisoformat(window[0]) - self.today).days
            when = "this week" if days < 7 else "next week" if days < 14 else "in a few weeks" if days < 40 else \
                "in a couple of months"
        options = {
            "travel": [f"I'm heading to {dest} {when}.", f"We're visiting {friend} in {dest}.",
                       f"Work is sending me to {dest} {when}.", f"I've finally got some time off to see {dest}.",
                       f"I'm going to a conference in {dest}."],
            "food": [f"I'm taking {friend} out for dinner.", f"It's {friend}'s birthday {when}.",
                     "We want to try somewhere new.", f"I'm meeting {friend} in {dest}."],
            "shopping": ["I'm doing a bit of shopping.", f"I'm getting a present for {friend}.",
                         "I've been meaning to sort this out for ages.", "I need to pick up a few things."],
            "calendar": [f"I need to find time with {friend}.", "My schedule is getting busy.",
                         f"{_cap(friend)} wants to catch up.", "I'm trying to get organised."],
            "people": ["I met someone at a conference recently.",
                       f"I need to follow up with {friend}.", "I'm catching up on my contacts."],
            "documents": [f"I'm preparing for a meeting with {friend}.", "I'm tidying up my files.",
                          f"{_cap(friend)} asked me for something."],
            "music": ["I'm putting together a playlist for a road trip.", f"{_cap(friend)} recommended someone.",
                      "I want something new to listen to."],
            "money": [f"I owe {friend} some money.", "I'm sorting out some payments.", "I'm checking my budget."],
            "weather": [f"I'm planning a day out in {dest}.", "I want to know what to pack."],
            "work": [f"I'm getting ready for a review with {friend} on {day}.", f"{_cap(friend)} asked me to look into this.",
                     f"I'm covering for {friend} this week.", f"We have a deadline on {day}.",
                     "I'm cleaning up our setup before the end of the month.", f"I promised {friend} an update by {day}.",
                     "I'm new to this account and still finding my way around."],
        }.get(self.domain(), [])
        if not options:
            return ""
        return self.pick(*options)

    def closer(self) -> str:
        if self.style == "polite":
            return self.pick("", "", "Thanks!", "Thank you.", "Thanks in advance.", "Much appreciated.")
        if self.style == "chatty":
            return self.pick("", "", "", "Thanks!", "Cheers.", "That would be great.")
        return ""

    def request(self, cids: list[str], withheld: list[str], first: bool, kind: str) -> str:
        """What the user asks for: the first call's intent with its values, then what follows."""
        parts = []
        for n, cid in enumerate(cids):
            names = self.user_args(cid, withheld)
            values = {}
            failure = self.call(cid).failure
            if failure and failure.kind in ("not_found", "empty") and failure.param:
                # the user says what the failing attempt used (the wrong reference, the filter)
                values[failure.param] = failure.args.get(failure.param)
                if failure.param not in names:
                    names.append(failure.param)
            parts.append(self.ask(cid, names, values, n > 0))
        text = " ".join(p for p in parts if p)
        lead = self.opener(first)
        share = {"chatty": 0.7, "polite": 0.35, "terse": 0.05}[self.style]
        if first and self.rng.random() < share:
            context = self.context()
            if lead.endswith(",") and context:
                lead = lead[:-1] + "!"
            lead = f"{lead} {context}".strip()
        if lead.endswith(",") and text:
            text = text[0].lower() + text[1:] if not text.startswith("I ") and not text.startswith("I'") else text
        return _sentence(f"{lead} {text} {self.closer()}".strip())

    def ask(self, cid: str, names: list[str], values: dict, then: bool) -> str:
        """One call's intent as a request."""
        call, tool = self.call(cid), self.tool(cid)
        op = call.op
        noun = self.noun(cid)
        kinds = self.kinds(cid)
        ids = [n for n in names if kinds[n].name == "id"]
        rest = [n for n in names if n not in ids[:1]]  # one id says which thing; any other is a detail (a tracking number)
        describing = [n for n in rest if kinds[n].name == "category" and kinds[n].role in (
            "cuisine", "genre", "type", "kind", "style", "category", "cabin", "room", "brand", "categories", "genres")]
        if describing and op in ("search", "list", "create"):  # "Spanish restaurants", "jazz albums"
            name = describing[0]
            adjective = self.value_text(cid, name, values.get(name))
            if " " not in adjective.strip() and not adjective.isdigit():
                noun = f"{adjective} {noun}"
                rest.remove(name)
                self.said.add(f"{cid}.{name}")
                self.values_said.add(_key(values.get(name, call.args[name].value if name in call.args else None)))
        mods = self.phrases(cid, rest, values)
        ref = self.reference(cid, ids, values)
        verb = self.verb(cid)
        lead = self.pick("Then ", "After that, ", "And ", "Also, ", "Once that's done, ", "Oh, and ",
                         "While you're at it, ") if then else ""
        polite = self.style == "polite"
        found = [n for n, a in call.args.items() if a.source == "tool" and kinds[n].name == "id"]
        if op in ("search", "list") and found and not rest:  # the tracks of the album just found
            core = self.pick(f"what {plural(noun)} does it have?", f"can you list its {plural(noun)}?",
                             f"show me the {plural(noun)} on it", f"which {plural(noun)} are there?")
        elif op == "search":
            many, one = plural(noun), article(noun)
            core = self.pick(f"I'm looking for {many} {mods}", f"can you find {many} {mods}?",
                             f"could you look up {many} {mods}?", f"are there any {many} {mods}?",
                             f"I need {one} {mods}", f"please search for {many} {mods}",
                             f"what {many} are there {mods}?", f"find me {one} {mods}", f"show me {many} {mods}",
                             f"any {many} {mods}?", f"is there {one} {mods}?", f"help me find {one} {mods}",
                             f"what are my options for {many} {mods}?", f"I'd love to find {one} {mods}",
                             f"could you check for {many} {mods}?",
                             f"{mods}, are there any {many}?" if mods else f"I want to browse {many}")
        elif op == "list":
            many = plural(noun)
            core = self.pick(f"what {many} do I have {mods}?", f"can you list my {many} {mods}?",
                             f"show me my {many} {mods}", f"which {many} are there {mods}?",
                             f"pull up my {many} {mods}", f"give me a rundown of my {many} {mods}",
                             f"which {many} have I got {mods}?", f"let me see all my {many} {mods}",
                             f"can I get a list of my {many} {mods}?", f"what's on my list of {many} {mods}?",
                             f"remind me which {many} I have {mods}", f"could you go through my {many} {mods}?",
                             f"I'd like an overview of my {many} {mods}", f"what {many} are set up {mods}?",
                             f"run me through my {many} {mods}")
        elif op == "read":
            if ref == "it":
                core = self.pick(f"can you pull it up {mods}?", f"what are its details {mods}?",
                                 f"can you check it for me {mods}?", f"tell me more about it {mods}",
                                 f"what does it look like {mods}?", f"can I see the full details {mods}?",
                                 f"open that one up {mods}", f"what else is there to know about it {mods}?",
                                 f"could you dig into that one {mods}?", f"give me the specifics {mods}",
                                 f"show me more on that {mods}")
            elif not ids and any(a.source == "tool" for a in call.args.values()) and ref != "it" \
                    and not any(a.source == "tool" and kinds[n].name == "id" for n, a in call.args.items()):
                core = self.pick(f"what's the {noun} there {mods}?", f"can you check the {noun} for it {mods}?",
                                 f"how about the {noun} there {mods}?")
            else:
                core = self.pick(f"can you pull up {ref} {mods}?", f"can you check {ref} for me {mods}?",
                                 f"I'd like to see {ref} {mods}", f"what's {ref} {mods}?") if ref.startswith("the ") \
                    and " for " in ref else \
                    self.pick(f"can you pull up {ref} {mods}?", f"what are the details of {ref} {mods}?",
                              f"can you check {ref} for me {mods}?", f"I'd like to see {ref} {mods}",
                              f"tell me more about {ref} {mods}", f"what does {ref} look like {mods}?",
                              f"could you look up {ref} {mods}?", f"what have you got on {ref} {mods}?",
                              f"can I see {ref} {mods}?", f"open {ref} for me {mods}",
                              f"what's the story with {ref} {mods}?", f"I want a closer look at {ref} {mods}",
                              f"any info on {ref} {mods}?", f"show me {ref} {mods}")
        elif op == "create":
            back = [n for n, a in call.args.items() if a.source == "tool" and kinds[n].name == "id"
                    and kinds[n].entity == noun.split()[-1]]
            obj = ref if ids else self.pick("it", f"that {noun}", f"the {noun}") if back else f"{article(noun)}"
            if any(a.source == "tool" and kinds[n].name in ("email", "phone", "username") for n, a in call.args.items()):
                obj += self.pick(" to them", " to that person")
            core = self.pick(f"{verb} {obj} {mods}", f"please {verb} {obj} {mods}", f"I'd like to {verb} {obj} {mods}",
                             f"can you {verb} {obj} {mods}?", f"could you {verb} {obj} for me {mods}?",
                             f"I want to {verb} {obj} {mods}", f"I need to {verb} {obj} {mods}",
                             f"go ahead and {verb} {obj} {mods}", f"let's {verb} {obj} {mods}",
                             f"would you {verb} {obj} {mods}?", f"could you help me {verb} {obj} {mods}?",
                             f"I'm hoping to {verb} {obj} {mods}", f"can we {verb} {obj} {mods}?")
        elif op == "update" and verb in PARTICLE_VERBS.values():
            core = self.pick(f"let's {verb} {mods}", f"can you {verb} {mods}?", f"I'm ready to {verb} {mods}")
        elif op == "update" and verb in ("add", "attach", "assign", "invite", "move", "share", "transfer"):
            counts = [n for n in rest if kinds[n].name == "count"]
            what = self.phrases(cid, counts, values).replace("for ", "") if counts else "it"
            others = self.phrases(cid, [n for n in rest if n not in counts], values)
            prep = "with" if verb in ("share",) else "to"
            ref = f"the {noun}" if ref == "it" else ref
            core = self.pick(f"please {verb} {what} {prep} {ref} {others}", f"can you {verb} {what} {prep} {ref} {others}?")
        elif op == "update" and verb not in CHANGE_VERBS and verb in VERB_OPS and VERB_OPS[verb] == "update":
            named = next((n for n in rest if kinds[n].name in ("label", "title")), None) if not ids else None
            if named:  # `pause the queue billing-queue`: the name says which one, it is no change
                ref = f"the {noun} {self.value_text(cid, named, values.get(named))}"
                self.said.add(f"{cid}.{named}")
                self.values_said.add(_key(values.get(named, call.args[named].value)))
            others = [n for n in rest if n != named]
            extra = f", and {self.changes(cid, others, values)}" if others else ""
            core = self.pick(f"please {verb} {ref}{extra}", f"can you {verb} {ref}{extra}?",
                             f"I'd like to {verb} {ref}{extra}", f"could you {verb} {ref} for me{extra}?")
        elif op == "update" and not rest:  # what changes comes when the assistant asks
            core = self.pick(f"I'd like to change {ref}", f"can you update {ref}?", f"I need to make a change to {ref}")
        elif op == "update":
            change = self.changes(cid, rest, values)
            core = self.pick(f"can you update {ref}: {change}?", f"please change {ref}: {change}",
                             f"for {ref}, {change}, please", f"I'd like to update {ref}: {change}")
        elif op == "delete":
            core = self.pick(f"please delete {ref} {mods}", f"can you remove {ref} {mods}?",
                             f"I want to get rid of {ref} {mods}", f"delete {ref} {mods}",
                             f"could you take {ref} off {mods}?", f"I don't need {ref} anymore, please delete it")
        elif op == "cancel":
            core = self.pick(f"I need to cancel {ref} {mods}", f"please cancel {ref} {mods}",
                             f"can you cancel {ref} {mods}?", f"I have to cancel {ref} {mods}",
                             f"plans changed, so please cancel {ref} {mods}", f"could you call off {ref} {mods}?")
        else:
            found = [a for a in call.args.values() if a.source == "tool"]
            obj = ref if ids else ("that" if found and not rest else "" if rest else noun)
            core = self.pick(f"can you {verb} {obj} {mods}?", f"please {verb} {obj} {mods}",
                             f"I need to {verb} {obj} {mods}", f"could you {verb} {obj} {mods} for me?")
        if polite and not core.endswith("?") and not core.startswith(("please", "I", "let's")):
            core = f"please {core}"
        why = self.reason(op) if not then and self.rng.random() < REASON_SHARE[self.style] else ""
        return (f"{why} " if why else "") + _sentence(lead + _tidy(core))

    def reason(self, op: str) -> str:
        """Why the user asks, now and then, as people say it."""
        return self.pick(*{
            "read": ["I want to be sure before I decide.", "I want to double-check something.",
                     "I need the details for a note.", "I can't remember the details.", "I haven't decided yet."],
            "list": ["I've lost track a bit.", "I could use a quick overview.", "I'm tidying things up.",
                     "I can't remember what's there.", "It's been a while since I looked."],
            "search": ["I'm comparing options.", "Nothing fancy.", "I'd like to see what's out there."],
            "delete": ["I don't need it anymore.", "It's a duplicate.", "It's out of date.", "It's no longer relevant."],
            "update": ["Something changed.", "The details were off.", "Plans shifted a little."],
            "create": ["I've been meaning to do this.", "It's been on my list for a while.",
                       "I'd like this sorted today."],
        }.get(op, ["It's been on my mind.", "I'd like this sorted today."]))

    def changes(self, cid: str, names: list[str], values: dict) -> str:
        """What an update changes: `set the location to Oslo and the title to "Offsite"`."""
        parts = []
        for n in names:
            value = self.value_text(cid, n, values.get(n))
            parts.append(self.pick(f"set the {humanize(n)} to {value}", f"make the {humanize(n)} {value}",
                                   f"the {humanize(n)} should be {value}"))
            self.said.add(f"{cid}.{n}")
            self.values_said.add(_key(values.get(n, getattr(self.call(cid).args.get(n), "value", None))))
        return _join(parts)

    def reference(self, cid: str, ids: list[str], values: dict) -> str:
        """`the booking MVV6Y7`, `my order ord_123`, or `it` when the id came from a result."""
        noun = self.noun(cid)
        call = self.call(cid)
        if ids:
            name = ids[0]
            value = values.get(name, call.args[name].value)
            return self.pick(f"my {noun} {value}", f"the {noun} {value}", f"{noun} {value}",
                             f"my {noun} (reference {value})")
        kinds = self.kinds(cid)
        own = [n for n, a in call.args.items() if a.source == "tool" and kinds[n].name == "id"
               and kinds[n].entity == noun.split()[-1]]
        if own:
            label = self.chosen_label(call.args[own[0]].call)
            if label and self.rng.random() < 0.5:  # people name what they picked: "can you pull up Hotel Pinto?"
                return self.pick(label, f"the {noun} {label}", label)
            return self.pick("it", "it", f"that {noun}")
        other = [n for n, a in call.args.items() if a.source == "tool" and kinds[n].name == "id"]
        if other:
            thing = humanize(kinds[other[0]].entity or noun)
            return self.pick(f"that {thing}", f"the {thing}") if call.op == "read" else \
                self.pick(f"the {noun} for it", f"the {noun} for that one")
        from_tool = [a for a in call.args.values() if a.source == "tool"]
        if from_tool:
            return self.pick(f"the {noun} there", f"the {noun} for it")
        if noun.split()[-1] in HELD:
            return self.pick(f"my {noun}", f"the {noun}")
        return f"the {noun}"

    def chosen_label(self, cid: str | None) -> str | None:
        """The name of the result picked from call `cid`, when it was picked by something else than its
        name (so that naming it now says something new)."""
        for turn in self.plan.turns:
            for c in turn.choices:
                if c.call == cid and c.reason != "named":
                    label = _label_of(c.item)
                    return label if isinstance(label, str) and len(label) < 40 else None
        return None

    def choose(self, choices: list[Choice]) -> str:
        """What the user picks, and why: "The cheapest one works for me." / "The 9:30 slot and Hotel Pinto."""
        picks = [c for c in choices if c.by == "user"]
        if not picks:
            return ""
        if len(picks) == 1:
            return self._choose_one(picks[0], self.list_noun(picks[0]), alone=True)
        return _sentence(_join([self._choose_one(c, self.list_noun(c), alone=False) for c in picks]))

    def list_noun(self, choice: Choice) -> str:
        """What the chosen list holds: `order.items` -> `item`, `flights` -> `flight`."""
        from ..specs.semantics import singular
        from ..texts import CONTAINERS

        last = words(choice.path.split(".")[-1]) if choice.path else []
        if last and last[-1] not in CONTAINERS:
            return humanize(singular(last[-1]))
        return self.noun(choice.call)

    def _choose_one(self, choice: Choice, noun: str, alone: bool) -> str:
        item = choice.item
        name = _label_of(item)
        price = next((shown(k, v, _currency_field(item) or self.currency) for k, v in item.items()
                      if classify(k, {"type": "number"}).name == "money" and isinstance(v, (int, float))), None)
        time = next((when(v).split(" at ")[-1] for k, v in item.items() if isinstance(v, str)
                     and classify(k, {"type": "string"}).name in ("datetime", "time") and ":" in v), None)
        ordinal = ordinal_word(choice.index + 1)
        if not alone:
            return {"cheapest": f"the cheapest {noun}", "earliest": f"the earliest {noun}",
                    "latest": f"the latest {noun}", "best_rated": f"the best-rated {noun}",
                    "named": name or f"the {ordinal} {noun}", "only": f"that {noun}"}.get(choice.reason,
                                                                                       f"the {ordinal} {noun}")
        if choice.reason == "cheapest":
            return self.pick("The cheapest one works for me.", f"Let's go with the cheapest, {price}." if price else
                             "Let's go with the cheapest.", "I'll take the cheapest option.",
                             f"The {price} one, please." if price else "The cheapest, please.",
                             "I'm on a budget, so the cheapest.", f"{price} sounds fine." if price else "Cheapest is fine.")
        if choice.reason == "earliest":
            return self.pick("The earliest one, please.", f"The {time} one works best." if time else
                             "The earliest works best.", "Let's do the earlier one.",
                             f"I'd rather go early, so {time}." if time else "I'd rather go early.",
                             f"{time} suits me." if time else "The first in the day suits me.")
        if choice.reason == "latest":
            return self.pick("The later one suits me better.", f"I'd prefer the {time} one." if time else
                             f"I'd prefer the last {noun}.")
        if choice.reason == "best_rated":
            return self.pick("The best-rated one, please.", "Let's go with the one with the best reviews.",
                             f"I'll take the highest-rated {noun}.", "Reviews matter to me, so the top-rated one.")
        if choice.reason == "named" and name:
            return self.pick(f"{name} sounds good.", f"Let's go with {name}.", f"I like {name}.",
                             f"{name}, please.", f"I'll take {name}.", f"{name} looks nice.", f"Ooh, {name}.")
        if choice.reason == "only":
            return self.pick("That works.", "Sounds good.", "Great, that's the one.")
        trait = self.trait(choice)
        if trait and self.rng.random() < 0.6:  # "the one from March 13", as people point at a result
            return self.pick(f"The one {trait} looks good.", f"Let's take the one {trait}.",
                             f"I'll go with the {noun} {trait}.", f"Hmm, the one {trait}, I think.",
                             f"The {noun} {trait}, please.", f"That one {trait} is what I'm after.")
        return self.pick(f"The {ordinal} one looks good.", f"Let's take the {ordinal} one.",
                         f"I'll go with the {ordinal} {noun}.",
                         f"The {ordinal} {noun} sounds right.", f"Hmm, the {ordinal} one, I think.",
                         f"Option {choice.index + 1} works for me.", f"Number {choice.index + 1}, please.",
                         f"Go with the {ordinal}.", f"I'd say the {ordinal} of those.")

    def trait(self, choice: Choice) -> str:
        """What sets the chosen result apart from the others: `from Friday, March 13`, `in Leeds`."""
        items = value_at(self.call(choice.call).output, choice.path) if choice.path else self.call(choice.call).output
        if not isinstance(items, list) or len(items) < 2 or not isinstance(items[choice.index], dict):
            return ""
        mine = _flat(items[choice.index])
        others = [_flat(x) for x in items if x is not items[choice.index] and isinstance(x, dict)]
        for k, v in mine.items():
            if not _speakable(k, v) or isinstance(v, (bool, list, dict)) or any(o.get(k) == v for o in others):
                continue
            kind = classify(k.split(".")[-1], {"type": _type(v)})
            if kind.name in ("date", "datetime"):
                return f"from {when(v, self.today)}" if kind.name == "date" else f"on {when(v, self.today)}"
            if kind.name in ("city",):
                return f"in {v}"
            if kind.name == "money":
                return f"for {shown(k, v, _currency_field(mine) or self.currency)}"
            if kind.name == "status" and isinstance(v, str) and len(v) < 20:
                return f"that's {humanize(v)}"
        return ""

    def follow(self, cids: list[str], withheld: list[str], choices: list[Choice], kind: str) -> str:
        """A turn that builds on what the assistant found."""
        head = ""
        if kind == "choose" and choices:
            head = self.choose(choices)
        elif kind == "follow_up":
            head = self.pick("", "", "Great.", "Perfect.", "Thanks.", "Okay.", "Nice.", "Good.", "That looks good.",
                             "Alright.", "Cool.", "Sounds good.", "Got it.", "Lovely.", "Excellent.", "Brilliant.",
                             "Right.", "Thanks, that helps.")
        elif kind == "topic_shift":
            head = self.pick("Also, something else:", "One more thing.", "Separately,", "While I have you,", "Oh, and",
                             "Different question:", "Another thing:")
        asks = [self.ask(cid, self.user_args(cid, withheld), {}, n > 0) for n, cid in enumerate(cids)]
        if head and not head.endswith((".", "!", "?")) and asks and not asks[0].startswith(("I ", "I'")):
            asks[0] = asks[0][:1].lower() + asks[0][1:]
        return _sentence(" ".join(x for x in [head, *asks] if x))

    def criteria(self, turn: Turn) -> str:
        """What the user asks the assistant to pick by, when it picks in the same turn."""
        parts = []
        for c in turn.choices:
            if c.by != "assistant" or c.reason not in ("cheapest", "earliest", "latest", "best_rated"):
                continue
            crit = {"cheapest": "cheapest", "earliest": "earliest", "latest": "latest", "best_rated": "best-rated"}[c.reason]
            noun = self.list_noun(c)
            parts.append(self.pick(f"Just take the {crit} {noun}.", f"The {crit} {noun} is fine.",
                                   f"Pick the {crit} one for me.", f"Go with whichever {noun} is {crit}."))
        return " ".join(parts)

    def afterthought(self) -> str:
        """Now and then, what the user will do with what was done: " I'll let Ana know." """
        if self.rng.random() < 0.75:
            return ""
        done = [c for c in self.plan.calls if c.op in ("create", "update", "delete", "cancel") and not c.failure]
        friend = self.plan.world.get("friend") or "everyone"
        noun = self.noun(done[-1].id) if done else ""
        options = [f" I'll let {friend} know.", " That saves me a lot of time.", " Really helpful.",
                   f" I'll tell {friend} it's sorted."]
        if done and done[-1].op == "create":
            options += [f" Good to have that {noun} in place.", f" Glad the {noun} is set up."]
        elif done:
            options += [f" Glad that {noun} is sorted.", f" One less thing to worry about."]
        else:
            options += [" That's what I needed to know.", " That gives me a clear picture.", " Very useful."]
        return self.pick(*options)

    def user(self, turn: Turn, first: bool, withheld: list[str]) -> str:
        self.withheld = list(withheld)
        cids = [cid for step in turn.steps for cid in step]
        if turn.kind == "chitchat":
            thanks = self.pick("Thanks", "Thank you", "Great, thanks", "Perfect, thank you", "Brilliant, thanks",
                               "Cheers", "Lovely, thanks", "Thanks a lot", "Awesome, thank you", "Many thanks")
            rest = self.pick("", "", "", "", " - that's all I needed", ", that sorts it", ", I'm all set",
                             ", that's everything for now", " for your help", ", you've been a big help",
                             ", that's exactly what I wanted", ", nothing else for now")
            tail = self.pick("", "", "", "", "", " Have a good one.", " Bye!", " Talk soon.", " Have a nice day.")
            return f"{thanks}{rest}{self.pick('!', '.')}{self.afterthought()}{tail}"
        if turn.kind == "unserved":
            return self.pick(f"Can you also {turn.intent}?", f"One more thing: could you {turn.intent}?",
                             f"Oh, and could you {turn.intent}?", f"Any chance you could {turn.intent}?")
        if turn.kind == "question":
            field = (turn.asks or "").split(".")[-1].replace("[]", "")
            label = humanize(field)
            return self.pick(f"What's the {label}?", f"And the {label}?", f"Quick question, what is the {label}?",
                             f"Can you tell me the {label}?", f"What {label} does it have?", f"How about the {label}?",
                             f"Does it say the {label}?", f"Hang on, what's its {label}?", f"{label}?".capitalize())
        if turn.kind == "clarify":
            return self.answer(turn.gives)
        if turn.kind == "retry":
            if turn.gives:
                cid, name = turn.gives[0].split(".", 1)
                value = self.value_text(cid, name)
                return self.pick(f"Sorry, my mistake. It's {value}.", f"Oops, it should be {value}.",
                                 f"Let me check... it's {value}.", f"Ah, I mixed it up: {value}.")
            return self.pick("Yes, please do.", "Sure, go ahead without it.", "Okay, try that.", "Yes please.")
        if turn.kind == "correct":
            cid, name = turn.gives[0].split(".", 1)
            text = self.phrase(cid, name)
            return self.pick(f"Sorry, I meant {text}.", f"Actually, can you make that {text}?",
                             f"Oh wait, it should be {text}, not what I said.", f"Hmm, let's try {text} instead.")
        cids = [cid for step in self.plan.asked(turn) for cid in step]
        if not cids:
            return self.pick("Can you help me with something?", "I need a hand with something.")
        if turn.kind in ("request",):
            text = self.request(cids, turn.withheld, first, turn.kind)
        else:
            text = self.follow(cids, turn.withheld, turn.choices, turn.kind)
        crit = self.criteria(turn)
        return f"{text} {crit}".strip() if crit else text

    def answer(self, gives: list[str]) -> str:
        cid, name = gives[0].split(".", 1)
        kind = self.kinds(cid)[name]
        text = self.value_text(cid, name)
        self.said.add(gives[0])
        if kind.name == "person_name" and self.call(cid).args[name].value == self.plan.world["user"]["name"]:
            self.user_named = True
            return self.pick(f"It's for me, {text}.", f"{text}, that's me.", f"Put it under {text}.")
        if kind.name in ("date", "datetime"):
            return self.pick(f"{text[:1].upper()}{text[1:]}.", f"Let's say {text}.", f"{text[:1].upper()}{text[1:]} works.")
        return self.pick(f"{text}.", f"It's {text}.", f"Oh right, {text}.", f"Let's say {text}.", f"Sorry, {text}.",
                         f"{text}, please.")

    # ---- assistant -------------------------------------------------------------------------------------
    def preface(self, cids: list[str], retry: bool = False) -> str | None:
        """What the assistant says as it calls a tool (often nothing)."""
        if retry or self.rng.random() < 0.8:  # people who help mostly just do it
            return None
        cid = cids[0]
        op = self.call(cid).op
        noun = self.noun(cid)
        if op in ("search", "list"):
            return self.pick(f"Let me look for {plural(noun)}.", "Let me check.", f"Searching {plural(noun)} now.",
                             "One moment.", "Sure, checking now.")
        if op == "read":
            return self.pick(f"Let me pull up the {noun}.", "Checking the details.", "One moment.")
        if op in ("create", "update"):
            return self.pick(f"Sure, I'll {self.verb(cid)} that now.", "On it.", "Okay, doing that now.",
                             "Give me a second.", "Right away.")
        if op in ("cancel", "delete"):
            return self.pick(f"Okay, I'll {op} it.", "Sure.")
        return self.pick("Sure.", "One moment.", "Okay.")

    def retry_note(self, cid: str) -> str:
        failure = self.call(cid).failure
        if failure.kind == "transient":
            return self.pick("That didn't go through; the service was briefly unavailable. Trying again.",
                             "The service is temporarily unavailable, so I'm trying once more.",
                             "A temporary error on their side; one more try.")
        value = self.call(cid).args[failure.param].value
        label = " ".join(w for w in humanize(failure.param).split() if w not in ("from", "to"))
        return self.pick(f"It needs the {label} as {value}; retrying with that.",
                         f"That format was rejected, so I'm sending {value} instead.",
                         f"Retrying with {value}, the format the service expects.")

    def after_failure(self, cid: str) -> str:
        """The assistant's message when a call found nothing or did not find what the user named."""
        failure = self.call(cid).failure
        noun = self.noun(cid)
        if failure.kind == "not_found":
            wrong = failure.args.get(failure.param)
            return self.pick(f"I couldn't find {article(noun)} with {humanize(failure.param)} {wrong}. "
                             "Could you double-check it?",
                             f"There's no {noun} under {wrong}. Is there a typo in it?")
        value = failure.args.get(failure.param)
        filt = self.phrase(cid, failure.param, value) if value is not None else ""
        return self.pick(f"I didn't find any {plural(noun)} {filt}. Should I search again without that filter?",
                         f"Nothing came up {filt}. Want me to drop the {humanize(failure.param)} and look again?")

    def assistant(self, turn: Turn, next_turn: Turn | None) -> str:
        if turn.kind == "chitchat":
            name = ""  # only a name the user said is theirs could be used here; they rarely say so
            return self.pick(f"You're welcome{name}!", f"Glad I could help{name}.", "Any time.", "No problem!",
                             "Glad that's sorted.", "You're welcome. Have a good day!", "Happy to help.")
        if turn.kind == "unserved":
            offers = _join([self.offer(self.tools[fn]) for fn in self.plan.tools[:2] if fn in self.tools])
            what = _yours(turn.intent)
            return self.pick(f"I'm afraid I can't {what}: that needs someone there in person. "
                             f"I can {offers}, though.",
                             f"Sorry, I can't {what} from here. What I can do is {offers}.",
                             f"That one's outside what I can do, I'm afraid. I can {offers} if that helps.")
        if turn.kind == "question":
            call = self.call(turn.about)
            value = value_at(call.output, turn.asks or "")
            field = (turn.asks or "").split(".")[-1]
            return self.pick(f"The {humanize(field)} is {shown(field, value, self.currency, self.today, call.entity)}.",
                             f"It's {shown(field, value, self.currency, self.today, call.entity)}.")
        if turn.withheld and not turn.steps:
            return self.question(turn.withheld[0])
        self.shown_now = set()  # facts told in this reply, not told twice
        parts = []
        for step in turn.steps:
            for cid in step:
                parts.append(self.summary(cid, turn))
        for choice in turn.choices:
            if choice.by == "assistant" and choice.count > 1 and not any(choice.call in s for s in turn.steps):
                parts.insert(0, self._picked(choice, self.call(choice.call).entity))
        if turn.fails:
            parts.append(self.after_failure(turn.fails))
        text = " ".join(p for p in parts if p)
        shown_here = {cid for step in turn.steps for cid in step}
        if next_turn is not None and next_turn.kind == "choose" and not turn.fails and \
                any(c.by == "user" and c.call in shown_here for c in next_turn.choices):
            text += " " + self.pick("Which one would you like?", "Which one should I go with?", "Which sounds best?",
                                    "Any of these catch your eye?", "Want one of these?", "",
                                    "Do any of these work for you?", "Let me know which you prefer.")
        return text.strip() or "Done."

    def offer(self, tool: ToolDef) -> str:
        noun = humanize(tool_object(tool))
        if tool.op == "search":
            return f"search for {plural(noun)}"
        if tool.op == "list":
            return f"list your {plural(noun)}"
        if tool.op == "read":
            return f"look up {noun} details"
        if tool.op in ("create", "action"):
            return f"{tool_verb(tool)} {article(noun) if tool.op == 'create' else noun}"
        return f"{tool.op} {plural(noun)}"

    def question(self, withheld: str) -> str:
        cid, name = withheld.split(".", 1)
        kind = self.kinds(cid)[name]
        label = " ".join(w for w in humanize(name).split() if w not in ("from", "to", "the", "of"))
        if kind.name == "person_name":
            return self.pick("Sure. What name should I put it under?", "Happy to. Who is it for? I need a full name.")
        if kind.name == "email":
            return self.pick("Sure. Which email address should I use?", "What email should it go to?")
        if kind.name in ("date", "datetime"):
            return self.pick(f"Sure. Which day?", f"What date should I use for the {label}?")
        if kind.name == "time":
            return self.pick("What time?", "At what time?")
        if kind.name == "count":
            if kind.entity in ("quantity", "qty", "number", "count", "total", "units", "items", ""):
                return self.pick("How many would you like?", "Sure. How many?")
            if kind.entity in ("party", "people", "persons", "guests", "adults", "travelers", "travellers", "size"):
                return self.pick("How many people?", "Sure. How many of you will there be?", "For how many people?")
            return self.pick(f"How many {kind.entity}?", f"Sure. How many {kind.entity} should I put down?")
        if kind.name == "iata":
            return self.pick("Which airport are you flying from?" if kind.role == "origin" else
                             "Which airport are you flying into?", "Do you have the airport code?")
        if kind.name in ("city", "iata"):
            return self.pick(f"Which city?" if kind.role != "origin" else "Where are you leaving from?",
                             "Where to?" if kind.role == "destination" else "Which city is that for?")
        if kind.name == "query":
            return self.pick("Sure. What are you looking for?", "What should I search for?",
                             "Happy to. Any particular name or keyword?")
        if kind.name == "currency":
            return self.pick("Which currency should I convert to?" if kind.role == "destination" else
                             "Which currency is that in?", "In which currency?")
        return self.pick(f"Sure. What {label} should I use?", f"I can do that. What's the {label}?",
                         f"Happy to. I just need the {label}.")

    def summary(self, cid: str, turn: Turn) -> str:
        """A call's result in prose, and the items the user picks from next when it is no search."""
        return " ".join(p for p in (self._summary(cid, turn), self._listing(cid)) if p)

    def _listing(self, cid: str) -> str:
        """The items of a read the user chooses from next (an order's items): what there is to choose."""
        call = self.call(cid)
        choice = next((c for t in self.plan.turns for c in t.choices if c.call == cid and c.by == "user"
                       and c.count > 1), None)
        if choice is None or call.op in ("search", "list"):
            return ""
        items = value_at(call.output, choice.path) if choice.path else call.output
        if not isinstance(items, list) or not items:
            return ""
        noun = parent_entity(choice.path.split(".")[-1], call.entity) if choice.path else call.entity
        shown_items = [self._item(x, noun) for x in items[:5]]
        many = plural(humanize(noun))
        return self.pick(f"It has {len(items)} {many}: {_join(shown_items)}.",
                         f"There are {len(items)} {many} on it: {_join(shown_items)}.")

    def _summary(self, cid: str, turn: Turn) -> str:
        call = self.call(cid)
        out = call.output
        noun = self.noun(cid)
        op = call.op
        ent = call.entity
        if op in ("search", "list"):
            items = _items(out)
            if items is None:
                return self._fields(out, ent, lead=f"Here's what I found for the {noun}:")
            if not items:
                return f"I didn't find any {plural(noun)}."
            choice = next((c for c in turn.choices if c.call == cid), None)
            day = _common_day(items)
            shown_items = [self._item(x, ent, skip_day=day is not None, own_args=call.values()) for x in items[:5]]
            on = f" on {when(day, self.today)}" if day else ""
            many = plural(noun) if len(items) != 1 else noun
            head = self.pick(f"I found {len(items)} {many}{on}:", f"There {'are' if len(items) != 1 else 'is'} "
                             f"{len(items)} {many}{on}:", f"Here is what I found{on}:",
                             f"{len(items)} {many} came up{on}:")
            more = f", and {len(items) - 5} more" if len(items) > 5 else ""
            text = f"{head} {_join(shown_items)}{more}."
            if choice and choice.by == "assistant":
                text += " " + self._picked(choice, ent)
            return text
        if op == "read":
            return self.describe(out, ent, noun)
        if op == "create":
            verb = self.verb(cid)
            past = _past(verb)
            ident = _ident(out)
            lead = self.pick(f"Done, the {noun} is {past}.", f"All set: your {noun} is {past}.",
                             f"Your {noun} is {past}.", f"I've {past} the {noun}.")
            tail = self._fields(out, ent, skip_ids=True, limit=3)
            ref = self.pick(f"The reference is {ident}.", f"Your reference number is {ident}.",
                            f"Confirmation: {ident}.") if ident and _human_id(ident) else ""
            return f"{lead} {ref} {tail}".replace("  ", " ").strip()
        if op == "update" and tool_verb(self.tool(cid)) in ("add", "attach", "assign", "invite", "move", "share"):
            verb = tool_verb(self.tool(cid))
            return f"{self.pick(f'{_past(verb).capitalize()} to the {noun}.', f'Done, {_past(verb)}.')} " \
                   f"{self._fields(out, ent, skip_ids=True, limit=3)}".strip()
        if op == "update":
            verb = tool_verb(self.tool(cid))
            done = self.pick("Updated.", "Done, it is updated.", "Changed.") if verb in ("update", "change") \
                else self.pick(f"Done, {_past(verb)}.", f"All {_past(verb)}.") if verb in PARTICLE_VERBS.values() \
                else self.pick(f"Done, the {noun} is {_past(verb)}.", f"I've {_past(verb)} the {noun}.")
            ident = _ident(out)
            ref = f"Your reference is {ident}." if ident and _human_id(ident) else ""
            return f"{done} {ref} {self._fields(out, ent, skip_ids=True, limit=3)}".replace("  ", " ").strip()
        if op in ("cancel", "delete"):
            refund = next((f" {money(v, self.currency)} will be refunded." for k, v in _flat(out).items()
                           if classify(k, {"type": "number"}).name == "money" and isinstance(v, (int, float))), "")
            return self.pick(f"Your {noun} is {'cancelled' if op == 'cancel' else 'deleted'}.{refund}",
                             f"Done, I've {'cancelled' if op == 'cancel' else 'deleted'} the {noun}.{refund}")
        return self._fields(out, ent, lead=self.pick("", "", "Done."))

    def describe(self, out: Any, entity: str, noun: str) -> str:
        """One thing in a sentence: "iPhone 13 costs €89 and is rated 4.6, with 2 left in stock." """
        flat = _flat(out)
        asked = {t.asks for t in self.plan.turns if t.kind == "question" and t.asks}
        fields = {k: v for k, v in flat.items() if _speakable(k, v) and k not in asked
                  and _key(v) not in self.shown_now}
        self.shown_now |= {_key(v) for v in fields.values()}
        said = {json.dumps(a.value, default=str) for c in self.plan.calls for a in c.args.values() if a.source == "user"}
        fields = {k: v for k, v in fields.items() if json.dumps(v, default=str) not in said}
        currency = _currency_field(flat) or self.currency
        key = _label_key(fields)
        subject = str(fields.pop(key)) if key else (self.pick(f"The {noun}", f"Your {noun}")
                                                    if noun.split()[-1] in HELD else f"The {noun}")
        main, rest, texts = [], [], []
        span = _span(fields)
        if span:
            main.append(f"runs from {_span_text(flat[span[0]], flat[span[1]], self.today, False)}")
            fields.pop(span[0], None)
            fields.pop(span[1], None)
        order = sorted(fields.items(), key=lambda kv: {"money": 0, "rating": 1, "status": 2, "temperature": 3}.get(
            classify(kv[0].split(".")[-1], {"type": _type(kv[1])}).name, 4))
        priced = False
        for k, v in order:
            leaf = k.split(".")[-1]
            kind = classify(leaf, {"type": _type(v)})
            label = field_label(k)
            if kind.name in ("currency", "id"):
                continue
            if kind.name == "text" and isinstance(v, str):
                texts.append(v)
            elif isinstance(v, bool):
                main.append(f"is {flag_label(k)}" if v else f"is not {flag_label(k)}")
            elif kind.name == "money" and not priced and not set(words(leaf)) & {"refund", "balance", "total", "fee",
                                                                                 "tax"}:
                priced = True  # one price is "costs"; any other says which price it is
                main.append(self.pick(f"costs {shown(leaf, v, currency)}", f"is {shown(leaf, v, currency)}"))
            elif kind.name == "rating":
                main.append(f"is rated {v}")
            elif kind.name == "status":
                main.append(f"is {humanize(str(v))}")
            elif kind.name in ("address", "street"):
                main.append(f"is at {v}")
            elif kind.name == "temperature" and len(main) < 2:
                main.append(f"is {shown(leaf, v, currency, self.today, entity)}")
            elif kind.name == "count" and isinstance(v, int):
                rest.append(f"{v} {label}" if v != 1 else f"{v} {_singular_phrase(label)}")
            elif isinstance(v, list) and v and all(isinstance(x, str) and re.fullmatch(r"\d{1,2}:\d{2}", x) for x in v):
                rest.append(_join([clock(int(x[:2]), int(x[3:5])) for x in v[:5]]))  # times, not "times 09:30"
            elif isinstance(v, list):
                rest.append(f"{label} {_join([str(x) for x in v[:4]])}")
            else:
                rest.append(f"{label} {shown(leaf, v, currency, self.today, entity)}")
        main, rest = main[:3], rest[:3]
        if not main and not rest and not texts:
            return self.pick(f"I found the {noun}, but it doesn't say much more.", f"That's the {noun}; nothing else of note.")
        if main:
            text = f"{subject} {_join(main)}" + (f", with {_join(rest)}" if rest else "") + "."
        elif rest:
            text = f"{subject}: {', '.join(rest)}."
        else:
            text = f"Here's {subject[:1].lower() + subject[1:]}."
        if texts:
            text += self.pick(f' It says: "{texts[0]}"', f' The note reads: "{texts[0]}"')
        return text

    def _picked(self, choice: Choice, entity: str) -> str:
        label = _label_of(choice.item) or "it"
        why = {"cheapest": "the cheapest", "earliest": "the earliest", "latest": "the latest",
               "best_rated": "the best rated", "only": "the only one"}.get(choice.reason, "the one you asked for")
        return self.pick(f"{label} is {why}, so I went with that.", f"I picked {label}, {why}.")

    def _item(self, item: Any, entity: str, skip_day: bool = False, limit: int = 3, own_args: dict | None = None) -> str:
        """One result in a few words: its name, its times, its price, its rating."""
        if not isinstance(item, dict):
            return shown("value", item, self.currency, self.today, entity)
        fields = _flat(item)
        currency = _currency_field(fields) or self.currency
        label_key = _label_key(fields)
        parts: list[str] = []
        span = _span(fields)
        if span:
            parts.append(_span_text(fields[span[0]], fields[span[1]], self.today, skip_day))
        used = {label_key, *(span or ())}
        said = {json.dumps(v, default=str) for v in (own_args or {}).values()}

        def rank(kv):  # what people compare first: price, rating, then the rest
            kind = classify(kv[0].split(".")[-1], {"type": _type(kv[1])}).name
            return {"money": 0, "rating": 1, "datetime": 2, "date": 2, "time": 2}.get(kind, 3)

        priced = False
        for k, v in sorted(fields.items(), key=rank):
            if k in used or not _speakable(k, v) or len(parts) >= limit or json.dumps(v, default=str) in said:
                continue
            kind = classify(k.split(".")[-1], {"type": _type(v)})
            if kind.name in ("currency", "id"):
                continue
            if words(k.split(".")[-1])[-1:] in (["last4"], ["four"]) or k.split(".")[-1].lower() in ("last4", "last_4"):
                parts.append(f"ending in {v}")
                continue
            if kind.name == "money":
                parts.append(f"{field_label(k)} {shown(k, v, currency)}" if priced else shown(k, v, currency))
                priced = True
            elif kind.name in ("datetime", "date", "time"):
                label = field_label(k)
                parts.append(when(v, self.today) if label_key or not set(words(label)) - {"date", "time", "at", "on"}
                             else f"{label} {when(v, self.today)}")  # nothing else tells which: say which date
            elif kind.name == "rating":
                parts.append(f"rated {v}")
            elif isinstance(v, bool):
                parts.append(flag_label(k) if v else f"not {flag_label(k)}")
            else:
                parts.append(f"{field_label(k)} {shown(k, v, currency, self.today, entity)}")
        name = fields.get(label_key) if label_key else None
        if not name and parts:  # "one posted March 13 (4 comments)"
            return f"one {parts[0]}" + (f" ({', '.join(parts[1:])})" if parts[1:] else "")
        details = ", ".join(parts)
        return f"{name} ({details})" if name and details else str(name or details)

    def _fields(self, out: Any, entity: str, lead: str = "", skip_ids: bool = False, limit: int = 4) -> str:
        """A result in a sentence or two: its status first, then what matters most."""
        said = {json.dumps(a.value, default=str) for c in self.plan.calls for a in c.args.values() if a.source == "user"}
        asked = {t.asks for t in self.plan.turns if t.kind == "question" and t.asks}
        fields = {k: v for k, v in _flat(out).items() if json.dumps(v, default=str) not in said and k not in asked
                  and _key(v) not in self.shown_now}
        self.shown_now |= {_key(v) for v in fields.values()}
        currency = _currency_field(fields) or self.currency
        fields = {k: v for k, v in fields.items() if classify(k.split(".")[-1], {"type": "string"}).name != "currency"
                  and _speakable(k, v) and not (skip_ids and classify(k.split(".")[-1], {"type": "string"}).name == "id")}
        status = next((k for k in fields if classify(k.split(".")[-1], {"type": "string"}).name == "status"
                       and isinstance(fields[k], str)), None)
        order = sorted((k for k in fields if k != status), key=lambda k: {"money": 0, "rating": 1, "datetime": 2,
                        "date": 2, "time": 2}.get(classify(k.split(".")[-1], {"type": _type(fields[k])}).name, 3))
        parts = []
        point = [v for k, v in _flat(out).items() if isinstance(v, (int, float)) and not isinstance(v, bool)
                 and classify(k.split(".")[-1], {"type": "number"}).name in ("latitude", "longitude")
                 and json.dumps(v) not in said]
        if len(point) == 2:  # a place found: where it is, the one thing a geocode is for
            parts.append(self.pick(f"the coordinates are {point[0]}, {point[1]}", f"it's at {point[0]}, {point[1]}"))
            limit -= 1
        for i, k in enumerate(order[: limit - (1 if status else 0)]):
            value = shown(k.split(".")[-1], fields[k], currency, self.today, entity)
            if isinstance(fields[k], str) and re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+", fields[k]):
                value = humanize(fields[k]).lower()  # USER_CONTACT_GROUP: an enum, said as words
            if isinstance(fields[k], bool):
                parts.append(flag_label(k) if fields[k] else f"not {flag_label(k)}")
            elif i == 0 and not status:
                verb = "are" if isinstance(fields[k], list) and len(fields[k]) > 1 else "is"
                parts.append(self.pick(f"the {field_label(k)} {verb} {value}", f"{field_label(k)}: {value}"))
            else:
                parts.append(f"{field_label(k)} {value}")
        text = ""
        if status:
            state = humanize(str(fields[status]))
            text = self.pick(f"It's {state}", f"Status: {state}") if not state.endswith(("succeeded", "failed")) \
                else f"Status: {state}"
            if parts:
                text += ", with " + _join(parts)
        elif parts:
            body = _join(parts)
            text = body[:1].upper() + body[1:]
        if not text:
            return lead or ""
        return f"{lead} {text}.".strip()


# ---- helpers --------------------------------------------------------------------------------------
def _join(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _singular_phrase(label: str) -> str:
    from ..specs.semantics import singular

    ws = label.split()
    return " ".join(singular(w) if w.endswith("s") else w for w in ws)


def _currency_field(fields: dict) -> str | None:
    for k, v in fields.items():
        if isinstance(v, str) and classify(k.split(".")[-1], {"type": "string"}).name == "currency" and len(v) == 3:
            return v
    return None


def _span(fields: dict) -> tuple[str, str] | None:
    starts = [k for k, v in fields.items() if isinstance(v, str) and classify(k.split(".")[-1], {"type": "string"}).role
              == "start" and re.match(r"\d{4}-\d{2}-\d{2}", v)]
    ends = [k for k, v in fields.items() if isinstance(v, str) and classify(k.split(".")[-1], {"type": "string"}).role
            == "end" and re.match(r"\d{4}-\d{2}-\d{2}", v)]
    return (starts[0], ends[0]) if starts and ends else None


def _span_text(start: str, end: str, today: dt.date, skip_day: bool) -> str:
    if "T" in start and start[:10] == end[:10]:
        s, e = when(start, today).split(" at ")[-1], when(end, today).split(" at ")[-1]
        return f"{s} to {e}" if skip_day else f"{when(start[:10], today)}, {s} to {e}"
    return f"{when(start, today)} to {when(end, today)}"


def _common_day(items: list) -> str | None:
    """The day every item is on, when they share one (a day's flights, a day's free slots)."""
    days = set()
    for x in items:
        fields = _flat(x) if isinstance(x, dict) else {}
        span = _span(fields)
        if not span or "T" not in fields[span[0]]:
            return None
        days.add(fields[span[0]][:10])
    return days.pop() if len(days) == 1 and len(items) > 1 else None


def _join_mods(parts: list[str]) -> str:
    """Modifiers of one request: places and dates run on, details join with commas."""
    parts = [p for p in parts if p]
    if len(parts) <= 2:
        return " ".join(parts)
    return " ".join(parts[:2]) + ", " + _join(parts[2:])


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r" ([?.,!])", r"\1", text)
    return text


def _sentence(text: str) -> str:
    text = _tidy(text)
    if not text:
        return text
    text = text[0].upper() + text[1:]
    if text[-1] == '"' and len(text) > 1 and text[-2] not in ".?!":
        text += "."
    elif text[-1] not in ".?!\"":
        text += "."
    return re.sub(r"([.?!])\s+([a-z])", lambda m: f"{m.group(1)} {m.group(2).upper()}", text)


def _currency_word(code: str) -> str:
    """`US dollars`, `euros`: a plural currency name that grounds the code."""
    from babel.numbers import UnknownCurrencyError, get_currency_name

    try:
        name = get_currency_name(code, count=2, locale="en")
    except (UnknownCurrencyError, ValueError):
        return code
    return name if name != code else code


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _yours(text: str) -> str:
    """The user's words from the assistant's side: `my plants` -> `your plants`."""
    swaps = {"my": "your", "me": "you", "i'm": "you're", "i": "you", "mine": "yours"}
    return re.sub(r"\b(my|me|I'm|I|mine)\b", lambda m: swaps[m.group(1).lower()], text)


def _symbol(code: str) -> str | None:
    return {"USD": "$", "EUR": "€", "GBP": "£"}.get(code)


def _past(verb: str) -> str:
    irregular = {"send": "sent", "pay": "paid", "make": "made", "set up": "set up", "buy": "bought", "run": "done",
                 "check out": "checked out", "log in": "logged in", "log out": "logged out", "sign up": "signed up",
                 "sign in": "signed in", "pick up": "picked up",
                 "add": "added", "log": "logged", "book": "booked", "place": "placed", "create": "created",
                 "share": "shared", "schedule": "scheduled", "submit": "submitted", "plan": "planned"}
    if verb in irregular:
        return irregular[verb]
    return verb + ("d" if verb.endswith("e") else "ed")


def _items(out: Any) -> list | None:
    if isinstance(out, list):
        return out
    if isinstance(out, dict):
        lists = [v for v in out.values() if isinstance(v, list)]
        if len(lists) == 1:
            return lists[0]
        for v in out.values():
            if isinstance(v, dict):
                inner = _items(v)
                if inner is not None:
                    return inner
    return None


def _flat(node: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, dict):
                out.update(_flat(v, f"{prefix}{k}."))
            elif isinstance(v, list):
                if v and not isinstance(v[0], (dict, list)):
                    out[f"{prefix}{k}"] = v
            elif v is not None:
                out[f"{prefix}{k}"] = v
    return out


def flag_phrase(ws: list[str], on: bool) -> str:
    """A yes/no option as people put it: `include_details` -> `including details`, `is_public` ->
    `public ones`, `nonstop` -> `nonstop only`."""
    head, rest = (ws[0], " ".join(ws[1:])) if len(ws) > 1 else ("", " ".join(ws))
    if head in ("include", "with", "show", "return", "fetch", "expand"):
        return f"including {rest}" if on else f"without {rest}"
    if head in ("exclude", "hide", "skip", "without", "no"):
        return f"without {rest}" if on else f"including {rest}"
    if head == "only":
        return f"only {rest}" if on else f"not just {rest}"
    if head in ("is", "has", "allow", "enable", "enabled"):
        return f"{'with ' if head == 'has' else ''}{rest} ones" if on else f"not {rest}"
    return f"{rest} only" if on else f"not {rest}"


# Verbs that change fields; any other update verb (pause, archive, approve) is said as itself.
CHANGE_VERBS = {"update", "edit", "modify", "change", "set", "patch", "put", "replace", "upsert", "adjust", "rename"}


def _speakable(key: str, value: Any) -> bool:
    leaf = key.split(".")[-1]
    if isinstance(value, bool) and set(words(leaf)) & {"updated", "deleted", "success", "ok", "done", "created",
                                                       "cancelled", "canceled", "removed", "saved", "sent"}:
        return False  # "updated: true" after an update says nothing
    if isinstance(value, bool) and len([w for w in words(leaf) if w not in ("is", "has", "can")]) != 1:
        return False  # "is refundable" says something; "is not user has liked" does not
    kind = classify(leaf, {"type": _type(value)})
    if kind.name == "count" and kind.entity == "total":
        return False  # how many results there are, said already
    if isinstance(value, int) and 100 <= value <= 599 and set(words(leaf)) & {"status", "http", "code"}:
        return False  # an HTTP status code: the call worked
    if kind.name == "id":
        return _human_id(value) and not isinstance(value, bool)
    if set(words(leaf)) & {"copyright", "modified", "num", "etag", "href", "uri", "self", "links", "meta", "results",
                           "next", "previous", "prev", "page", "cursor", "offset", "limit", "pagination"}:
        return False  # what the API says about itself (its paging), not about the thing
    if isinstance(value, str) and value.endswith(("_UNSPECIFIED", "_UNKNOWN")):
        return False  # an enum's way of saying nothing
    if kind.name == "word" and isinstance(value, str):
        return False  # a field whose meaning is unknown says nothing to a person
    if kind.role == "past" and set(words(leaf)) & {"sent", "created", "updated", "modified", "at"}:
        return False  # when something just done was done: now
    return kind.name not in ("url", "image_url", "token", "paging", "password", "latitude", "longitude",
                             "timezone", "copyright", "code") and not (isinstance(value, str) and len(value) > 90)


def _label_key(fields: dict) -> str | None:
    """The field that names a thing: its own name or title before a person's name nested in it (the
    author of a photo names the author, not the photo)."""
    best: tuple[int, str] | None = None
    for k, v in fields.items():
        if not isinstance(v, str):
            continue
        kind = classify(k.split(".")[-1], {"type": "string"})
        rank = {"label": 0, "title": 1, "person_name": 1, "company": 2}.get(kind.name)
        if rank is None or "job" in words(k.split(".")[-1]):
            continue
        rank += k.count(".") * 3  # a top-level name first
        if best is None or rank < best[0]:
            best = (rank, k)
    return best[1] if best else None


def _label_of(fields: dict) -> str | None:
    key = _label_key(_flat(fields) if any(isinstance(v, dict) for v in fields.values()) else fields)
    return (fields.get(key) if key in fields else _flat(fields).get(key)) if key else None


def _human_id(ident: Any) -> bool:
    """A reference a person would be given (`NXV806`, `ORD-123456`), not an internal key."""
    text = str(ident)
    return len(text) <= 18 and not re.search(r"[a-z]", text)


def _ident(out: Any) -> Any:
    for k, v in _flat(out).items():
        if classify(k.split(".")[-1], {"type": "string"}).name == "id" and isinstance(v, (str, int)) and "." not in k:
            return v
    return None
