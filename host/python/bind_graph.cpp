// SPDX-License-Identifier: Apache-2.0
// bind_graph.cpp — tote::Graph as tote._tote._Graph. Properties cross as JSON text (the package turns them into
// dicts with the json module); edges and neighbours as tuples. The GIL is released for every store call.
#include "bind.hpp"

#include <tote/graph.hpp>

#include <pybind11/stl.h>

namespace tote::python {

namespace {

Direction direction_of(const std::string& d) {
    if (d == "out") return Direction::out;
    if (d == "in") return Direction::in;
    if (d == "both") return Direction::both;
    throw tote::Error(Status::invalid_argument, "direction must be 'out', 'in' or 'both', not '" + d + "'");
}

py::tuple edge_tuple(const EdgeRef& e) { return py::make_tuple(e.id, e.from, e.to, e.type); }

// The package sends JSON it made itself; anything else is the caller's mistake, said as tote says it.
nlohmann::json parse(const std::string& text) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw tote::Error(Status::invalid_argument, std::string("not valid JSON: ") + e.what());
    }
}

}  // namespace

void bind_graph(py::module_& m) {
    using GilFree = py::call_guard<py::gil_scoped_release>;
    py::class_<Graph>(m, "_Graph")
        .def(py::init<Store, std::string>())
        .def_property_readonly("prefix", &Graph::prefix)
        .def(
            "create_node",
            [](Graph& g, const std::string& id, const std::string& properties) {
                g.create_node(id, parse(properties));
            },
            GilFree())
        .def(
            "create_node_with_new_id",
            [](Graph& g, const std::string& properties) { return g.create_node_with_new_id(parse(properties)); },
            GilFree())
        .def("get_node",
             [](const Graph& g, const std::string& id) -> py::object {
                 std::optional<GraphNode> node;
                 {
                     py::gil_scoped_release release;
                     node = g.get_node(id);
                 }
                 if (!node) return py::none();
                 return py::str(node->properties.dump());
             })
        .def("has_node", &Graph::has_node, GilFree())
        .def(
            "update_node",
            [](Graph& g, const std::string& id, const std::string& patch) {
                return g.update_node(id, parse(patch)).properties.dump();
            },
            GilFree())
        .def("remove_node", &Graph::remove_node, GilFree())
        .def(
            "create_edge",
            [](Graph& g, const std::string& from, const std::string& to, const std::string& type,
               const std::string& properties, std::optional<std::string> id) {
                return g.create_edge(from, to, type, parse(properties),
                                     id ? std::optional<std::string_view>(*id) : std::nullopt);
            },
            GilFree())
        .def("get_edge",
             [](const Graph& g, const std::string& id) -> py::object {
                 std::optional<GraphEdge> e;
                 {
                     py::gil_scoped_release release;
                     e = g.get_edge(id);
                 }
                 if (!e) return py::none();
                 return py::make_tuple(e->id, e->from, e->to, e->type, e->properties.dump());
             })
        .def(
            "update_edge",
            [](Graph& g, const std::string& id, const std::string& patch) {
                return g.update_edge(id, parse(patch)).properties.dump();
            },
            GilFree())
        .def("remove_edge", &Graph::remove_edge, GilFree())
        .def("edges_of",
             [](const Graph& g, const std::string& id, const std::string& direction, std::vector<std::string> types) {
                 std::vector<EdgeRef> edges;
                 {
                     const Direction d = direction_of(direction);
                     py::gil_scoped_release release;
                     edges = g.edges_of(id, d, types);
                 }
                 py::list out;
                 for (const EdgeRef& e : edges) out.append(edge_tuple(e));
                 return out;
             })
        .def("neighbors",
             [](const Graph& g, const std::string& id, const std::string& direction, std::vector<std::string> types,
                unsigned depth) {
                 std::vector<Neighbor> found;
                 {
                     NeighborOptions o{direction_of(direction), std::move(types), depth};
                     py::gil_scoped_release release;
                     found = g.neighbors(id, o);
                 }
                 py::list out;
                 for (const Neighbor& n : found) out.append(py::make_tuple(n.id, n.depth, edge_tuple(n.via)));
                 return out;
             })
        .def("shortest_path",
             [](const Graph& g, const std::string& from, const std::string& to, const std::string& direction,
                std::vector<std::string> types, unsigned max_depth) -> py::object {
                 std::optional<Path> path;
                 {
                     PathOptions o{direction_of(direction), std::move(types), max_depth};
                     py::gil_scoped_release release;
                     path = g.shortest_path(from, to, o);
                 }
                 if (!path) return py::none();
                 py::list edges;
                 for (const EdgeRef& e : path->edges) edges.append(edge_tuple(e));
                 return py::make_tuple(path->nodes, edges);
             })
        .def("find_nodes",
             [](const Graph& g, const std::string& filter) {
                 std::vector<GraphNode> nodes;
                 {
                     const Filter parsed = Filter::parse(filter);
                     py::gil_scoped_release release;
                     nodes = g.find_nodes(parsed);
                 }
                 py::list out;
                 for (const GraphNode& n : nodes) out.append(py::make_tuple(n.id, n.properties.dump()));
                 return out;
             })
        .def("check",
             [](Graph& g, bool repair) {
                 GraphCheckReport r;
                 {
                     py::gil_scoped_release release;
                     r = g.check(repair);
                 }
                 return py::dict(py::arg("nodes") = r.nodes, py::arg("edges") = r.edges,
                                 py::arg("adjacency_entries") = r.adjacency_entries, py::arg("problems") = r.problems,
                                 py::arg("repaired") = r.repaired);
             })
        .def("export_node_link",
             [](const Graph& g) {
                 std::string text;
                 py::gil_scoped_release release;
                 g.export_node_link([&](std::string_view piece) { text += piece; });
                 return text;
             })
        .def(
            "import_node_link", [](Graph& g, const std::string& text) { g.import_node_link(parse(text)); },
            GilFree());
}

}  // namespace tote::python
