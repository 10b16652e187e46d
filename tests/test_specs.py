"""Parsing every supported format into the normalized model (no graph needed)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from graphkb.specs import SpecError, detect_format, load_spec
from graphkb.specs.files import expand_inputs

SPECS = Path(__file__).parent / "fixtures" / "specs"
BAD = Path(__file__).parent / "fixtures" / "bad"


def _tools(name: str, **kw):
    return {t.name: t for t in load_spec(str(SPECS / name), **kw).tools}


def _params(tool):
    return {p.name: p for p in tool.params}


def _paths(tool):
    return [f.path for f in tool.fields]


def test_openapi3_yaml_operations_parameters_and_outputs():
    tools = _tools("petstore.yaml")
    assert set(tools) == {"listPets", "createPet", "getPet", "get_pets_petId_owner", "getCategory", "searchVets"}
    pets = tools["listPets"]
    assert pets.endpoint == "GET /pets" and pets.category == "ecommerce" and pets.tags == ["pets"]
    limit = _params(pets)["limit"]  # from a $ref'd component parameter
    assert (limit.type, limit.location, limit.required) == ("integer", "query", False)
    assert _params(pets)["species"].enum == ["dog", "cat", "bird"]
    assert "items[].id" in _paths(pets) and "items[].owner_id" in _paths(pets) and "next_cursor" in _paths(pets)
    get_pet = _params(tools["getPet"])
    assert {n: p.location for n, p in get_pet.items()} == {"petId": "path", "X-Request-Id": "header", "session": "cookie"}
    assert get_pet["petId"].required and get_pet["petId"].description == "The id of the pet"  # path-level parameter


def test_request_body_and_allof_become_parameters_and_fields():
    tools = _tools("petstore.yaml")
    create = _params(tools["createPet"])
    assert {n: (p.location, p.required) for n, p in create.items()} == {
        "name": ("body", True), "species": ("body", True), "birth_date": ("body", False)}
    assert create["birth_date"].format == "date"
    # Pet = allOf(NewPet, {id, owner_id, category}): all properties, merged
    assert {"id", "name", "owner_id", "category.name"} <= set(_paths(tools["createPet"]))
    assert tools["createPet"].parameters["required"] == ["name", "species"]
    # oneOf of objects: the union of their properties
    assert set(_params(tools["searchVets"])) == {"name", "city"}
    assert "[].email" in _paths(tools["searchVets"])


def test_ref_cycle_is_bounded():
    category = _tools("petstore.yaml")["getCategory"]
    paths = _paths(category)
    assert "parent.parent.name" in paths
    assert max(p.count(".") for p in paths) <= 4
    assert len(json.dumps(category.output)) < 20_000


def test_external_refs_are_never_read(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a $ref must never be fetched")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    spec = load_spec(str(SPECS / "petstore.yaml"))
    assert "SECRET_MARKER_NEVER_READ" not in json.dumps([t.model_dump() for t in spec.tools])
    assert any("shared/owner.yaml" in w and "not read" in w for w in spec.warnings)
    assert any("https://schemas.example.invalid/vet.json" in w for w in spec.warnings)
    owner = {t.name: t for t in spec.tools}["get_pets_petId_owner"]
    assert owner.fields == []  # an opaque output has nothing to flatten


def test_swagger2_body_and_form_parameters():
    tools = _tools("shop_swagger2.json")
    create = _params(tools["createOrder"])
    assert {n: p.location for n, p in create.items()} == {
        "product_id": "body", "quantity": "body", "ship_to": "body", "dry_run": "query"}
    assert create["product_id"].required and create["quantity"].required and not create["dry_run"].required
    assert tools["createOrder"].parameters["properties"]["ship_to"]["properties"]["city"]["type"] == "string"
    refund = _params(tools["refundOrder"])
    assert refund["amount"].type == "number" and refund["tags"].item_type == "string"
    assert "lines[].product_id" in _paths(tools["getOrder"])


def test_mcp_functions_and_toolbench():
    notes = _tools("notes_mcp.json")
    assert _params(notes["create_note"])["notebook_id"].required
    assert "notebooks[].notebook_id" in _paths(notes["list_notebooks"])
    assert {f.path: f.format for f in notes["create_note"].fields}["created_at"] == "date-time"

    weather = _tools("weather_functions.json")  # one wrapped with `returns`, one bare with `response`
    assert _paths(weather["geocode_city"]) == ["latitude", "longitude"]
    assert _paths(weather["get_forecast"]) == ["summary", "high_c"]
    assert set(weather["get_forecast"].parameters["required"]) == {"latitude", "longitude"}

    movies = _tools("movies_toolbench.json")
    search = movies["Movie_DB_search_movie"]
    assert _params(search)["query"].required and not _params(search)["year"].required
    assert _params(search)["year"].type == "number" and search.category == "Entertainment"


@pytest.mark.parametrize("name,fmt", [("petstore.yaml", "openapi"), ("shop_swagger2.json", "openapi"),
                                      ("notes_mcp.json", "mcp"), ("weather_functions.json", "functions"),
                                      ("movies_toolbench.json", "toolbench")])
def test_format_detection(name, fmt):
    assert load_spec(str(SPECS / name)).format == fmt


def test_forced_wrong_format_is_an_error():
    with pytest.raises(SpecError, match="api_list"):
        load_spec(str(SPECS / "notes_mcp.json"), fmt="toolbench")


@pytest.mark.parametrize("name,message", [
    ("broken.json", "invalid JSON at line 1"),
    ("bomb.yaml", "alias bomb"),
    ("deep.json", "nested more than"),
    ("unknown.json", "cannot tell the format"),
])
def test_bad_documents_are_refused_with_a_reason(name, message):
    with pytest.raises(SpecError, match=message):
        load_spec(str(BAD / name))


def test_size_cap():
    with pytest.raises(SpecError, match="over the"):
        load_spec(str(SPECS / "petstore.yaml"), max_bytes=100)


def test_detect_rejects_unknown_shapes():
    with pytest.raises(SpecError):
        detect_format({"title": "not a spec"})


def test_folders_expand_recursively(tmp_path):
    sources, problems = expand_inputs([str(SPECS), str(tmp_path / "missing.json")])
    names = {Path(s).name for s in sources}
    assert {"petstore.yaml", "shop_swagger2.json", "owner.yaml"} <= names
    assert problems == [(str(tmp_path / "missing.json"), "no such file or folder")]


def test_read_only_body_properties_are_not_parameters(tmp_path):
    spec = {"openapi": "3.0.0", "info": {"title": "HR", "version": "1"}, "paths": {"/employees": {"post": {
        "operationId": "employeesAdd",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Employee"}}}},
        "responses": {"201": {"description": "made", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Employee"}}}}}}}},
        "components": {"schemas": {"Employee": {"type": "object", "required": ["id", "name"], "properties": {
            "id": {"type": "string", "readOnly": True}, "name": {"type": "string"}}}}}}
    (tmp_path / "hr.json").write_text(json.dumps(spec))
    add = load_spec(str(tmp_path / "hr.json")).tools[0]
    assert set(_params(add)) == {"name"} and add.parameters["required"] == ["name"]  # the server sets the id
    assert "id" in _paths(add)  # and returns it
