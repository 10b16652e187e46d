"""Grounding when people speak naturally: "this Friday", "Spain", "two of us", "in euros" ground
2026-12-04, ES, 2 and EUR, against the dialogue's today; nothing looser does."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from graphkb.synthesis.grounding import date_expressions, is_said, say, today_of
from graphkb.synthesis.verify import check_record

TODAY = dt.date(2026, 11, 30)  # a Monday


@pytest.mark.parametrize("text, value", [
    ("i'd like to leave this friday", "2026-12-04"),
    ("on friday, december 4 please", "2026-12-04"),
    ("tomorrow works", "2026-12-01"),
    ("the 4 december flight", "2026-12-04"),
    ("january 15 at 9:30 am", "2027-01-15T09:30:00+01:00"),
    ("at 7:30 pm", "19:30"),
    ("i live in spain", "ES"),
    ("pay in euros", "EUR"),
    ("in french please", "fr"),
    ("for two people", 2),
    ("because it's not needed", "not_needed"),
])
def test_what_people_say_grounds_the_value(text, value):
    assert is_said(value, text, TODAY)


@pytest.mark.parametrize("text, value", [
    ("i'd like to leave on friday", "2026-12-05"),  # friday is the 4th
    ("december 4 at 9:30 am", "2026-12-04T21:30:00"),  # morning, not evening
    ("i live in spain", "PT"),
    ("for twenty people", 2),
    ("maybe next month", "2026-12-04"),
])
def test_nothing_looser_grounds(text, value):
    assert not is_said(value, text, TODAY)


def test_every_expression_the_planner_makes_resolves_back():
    rng = random.Random(1)
    for k in range(-30, 500, 7):
        day = TODAY + dt.timedelta(days=k)
        for expression in date_expressions(day, TODAY):
            assert is_said(day.isoformat(), f"on {expression.lower()}.", TODAY), expression
        said = say(day.isoformat(), "date", TODAY, rng)
        assert is_said(day.isoformat(), said.lower(), TODAY)


def test_validate_reads_today_from_the_system_message():
    tools = [{"type": "function", "function": {"name": "book", "description": "Book", "parameters": {
        "type": "object", "properties": {"day": {"type": "string", "format": "date"}, "country": {"type": "string"}}}}}]

    def record(user: str, args: dict) -> dict:
        return {"id": "x", "tools": tools, "messages": [
            {"role": "system", "content": "You help. Today is 2026-11-30."},
            {"role": "user", "content": user},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "1", "type": "function", "function": {"name": "book", "arguments": json.dumps(args)}}]},
            {"role": "tool", "tool_call_id": "1", "content": "{}"},
            {"role": "assistant", "content": "Booked."}]}

    assert today_of("You help. Today is 2026-11-30.") == TODAY
    assert check_record(record("Book me in Spain this Friday.", {"day": "2026-12-04", "country": "ES"})) == []
    problems = check_record(record("Book me in Spain this Friday.", {"day": "2026-12-05", "country": "ES"}))
    assert len(problems) == 1 and problems[0].startswith("grounding:")


def test_a_rejected_call_need_not_fit_the_schema_but_must_be_grounded():
    tools = [{"type": "function", "function": {"name": "book", "description": "Book", "parameters": {
        "type": "object", "properties": {"day": {"type": "string", "format": "date"}}}}}]
    messages = [
        {"role": "system", "content": "Today is 2026-11-30."},
        {"role": "user", "content": "Book it for this Friday."},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "1", "type": "function", "function": {"name": "book", "arguments": '{"day": "this Friday"}'}}]},
        {"role": "tool", "tool_call_id": "1", "content": '{"error": {"code": 400, "message": "day: expected YYYY-MM-DD"}}'},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "2", "type": "function", "function": {"name": "book", "arguments": '{"day": "2026-12-04"}'}}]},
        {"role": "tool", "tool_call_id": "2", "content": "{}"},
        {"role": "assistant", "content": "Booked for Friday."}]
    assert check_record({"id": "v", "tools": tools, "messages": messages}) == []
    # the same invalid value answered with success is a schema problem
    ok = json.loads(json.dumps(messages))
    ok[3]["content"] = "{}"
    assert any(p.startswith("schema:") for p in check_record({"id": "w", "tools": tools, "messages": ok}))
