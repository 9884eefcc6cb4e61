# SPDX-License-Identifier: Apache-2.0
# test_graph.py — the graph layer from Python (docs/graph.md), on every backend of the run.
import pytest

import tote


def test_graph(store):
    g = tote.Graph(store, "kg")
    g.create_node("alice", {"kind": "person"})
    g.create_node("bob", {"kind": "person"})
    g.create_node("acme", {"kind": "company"})
    e = g.create_edge("alice", "acme", "works_at", {"since": 2021})
    g.create_edge("bob", "acme", "works_at")
    with pytest.raises(tote.AlreadyExists):
        g.create_node("alice")
    with pytest.raises(tote.NotFound):
        g.create_edge("alice", "nobody", "knows")
    assert g.get_node("alice") == {"kind": "person"}
    assert g.get_node("nobody") is None
    assert g.update_node("alice", {"age": 36}) == {"kind": "person", "age": 36}
    assert g.get_edge(e) == {"id": e, "from": "alice", "to": "acme", "type": "works_at", "properties": {"since": 2021}}
    assert [n[0] for n in g.neighbors("acme", direction="in")] == ["alice", "bob"]
    nodes, edges = g.shortest_path("alice", "bob", direction="both")
    assert nodes == ["alice", "acme", "bob"] and edges[0][0] == e
    assert g.shortest_path("alice", "bob") is None
    assert [i for i, _ in g.find_nodes({"kind": "person"})] == ["alice", "bob"]
    assert g.check()["problems"] == []
    data = g.export_node_link()
    copy = tote.Graph(store, "copy")
    copy.import_node_link(data)
    assert copy.neighbors("acme", direction="in") == g.neighbors("acme", direction="in")
    assert g.remove_node("acme") is True
    assert g.neighbors("alice") == []


def test_graph_errors_are_tote_errors(store):
    g = tote.Graph(store, "kg")
    g.create_node("a")
    with pytest.raises(tote.InvalidArgument):
        g.import_node_link("not json")
    with pytest.raises(tote.InvalidArgument):
        g.create_node("b", {"x": float("inf")})
    with pytest.raises(tote.InvalidArgument):
        g.edges_of("a", "sideways")
