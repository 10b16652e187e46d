"""The store API on each server kind: schema, batched writes, reads."""

from __future__ import annotations

import uuid


def _index_names(store) -> set[str]:
    with store.session() as s:
        return {r["name"] for r in s.run("SHOW INDEXES").data()}


def test_schema_is_idempotent(store):
    before = _index_names(store)
    store.apply_schema()
    store.apply_schema()
    assert _index_names(store) == before
    # uniqueness on our own key, and the vector index under the dialect's name
    assert store.dialect.vector_index in before
    assert any("uid" in name for name in before)


def test_write_batches_then_read_round_trip(store):
    tag = uuid.uuid4().hex
    rows = [{"uid": f"{tag}-{i}", "props": {"name": f"rt-{tag}", "description": f"tool {i}"}} for i in range(2500)]
    batches = []
    assert store.write_batches("graph/upsert_tools", rows, batch_size=1000, on_batch=batches.append) == 2500
    assert batches == [1000, 1000, 500]
    got = store.read("graph/tools_by_name", name=f"rt-{tag}")
    assert len(got) == 2500
    assert {r["description"] for r in got} == {f"tool {i}" for i in range(2500)}
    # MERGE on the key: writing again updates, never duplicates
    store.write_batches("graph/upsert_tools", [{"uid": f"{tag}-0", "props": {"description": "changed"}}])
    got = store.read("graph/tools_by_name", name=f"rt-{tag}")
    assert len(got) == 2500 and [r["description"] for r in got if r["uid"] == f"{tag}-0"] == ["changed"]
    with store.session() as s:
        s.run("MATCH (t:Tool {name: $n}) DETACH DELETE t", n=f"rt-{tag}").consume()


def test_unique_key_refuses_duplicates(store):
    import neo4j

    uid = f"dup-{uuid.uuid4().hex}"
    with store.session() as s:
        s.run("CREATE (:Tool {uid: $u})", u=uid).consume()
        try:
            s.run("CREATE (:Tool {uid: $u})", u=uid).consume()
            raised = False
        except neo4j.exceptions.ClientError:
            raised = True
        count = s.run("MATCH (t:Tool {uid: $u}) RETURN count(t) AS c", u=uid).single()["c"]
        s.run("MATCH (t:Tool {uid: $u}) DETACH DELETE t", u=uid).consume()
    assert raised and count == 1


def test_counts(store):
    counts = store.counts()
    assert set(counts) == {"nodes", "relationships"}
    tag = uuid.uuid4().hex
    store.write_batches("graph/upsert_tools", [{"uid": f"{tag}-{i}", "props": {"name": tag}} for i in range(3)])
    assert store.counts()["nodes"] == counts["nodes"] + 3
    with store.session() as s:
        s.run("MATCH (t:Tool {name: $n}) DETACH DELETE t", n=tag).consume()
