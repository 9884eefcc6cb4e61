// SPDX-License-Identifier: Apache-2.0
// cmd_graph.cpp — `tote graph STORE GRAPH COMMAND`: a property graph kept under the prefix GRAPH of a store
// (tote/graph.hpp; the key layout and the commands in docs/graph.md).
#include "cli_context.hpp"
#include "cli_output.hpp"

#include <tote/graph.hpp>

#include <algorithm>
#include <fstream>
#include <optional>

namespace tote::cli {

namespace {

struct GraphArgs {
    std::string store, graph;
    // Arguments of the commands (each uses some).
    std::string id, from, to, type, properties = "{}", file = "-", where = "{}", direction = "out", format = "node-link";
    std::vector<std::string> types;
    unsigned depth = 1, max_depth = 0;
    bool repair = false, json = false;
    std::optional<std::string> edge_id;  // add-edge --id (given, possibly "")
};

Direction direction_of(const std::string& text) {
    return text == "in" ? Direction::in : text == "both" ? Direction::both : Direction::out;
}

// JSON text, or why it is not: nlohmann's message without its "[json.exception.parse_error.101] " tag.
nlohmann::json parse_json(const std::string& text, const std::string& what) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        std::string why = e.what();
        if (why.size() > 0 && why[0] == '[' && why.find("] ") != std::string::npos) why.erase(0, why.find("] ") + 2);
        throw CliError{exit_usage, what + " is not valid JSON: " + why};
    }
}

// Properties from the command line: JSON text ("{}" unless given), or "-" for stdin.
nlohmann::json properties_of(const std::string& text, const std::string& what) {
    const std::string source = text == "-" ? "the properties of " + what + " (read from stdin)"
                                           : "the properties of " + what + " ('" + text + "')";
    nlohmann::json value = parse_json(text == "-" ? read_input("-") : text, source);
    if (!value.is_object())
        throw CliError{exit_usage, source + " must be a JSON object, like '{\"name\": \"Ada\"}', not " +
                                       value.type_name()};
    return value;
}

Graph open_graph(Context& ctx, const GraphArgs& a, bool write) {
    return Graph(ctx.open(a.store, write, !write), a.graph);
}

[[noreturn]] void not_found(const std::string& what, const GraphArgs& a) {
    throw CliError{exit_not_found, what + " is not in graph '" + a.graph + "'"};
}

std::string edge_line(const EdgeRef& e) { return e.id + "\t" + e.from + "\t" + e.type + "\t" + e.to + "\n"; }

nlohmann::json edge_json(const GraphEdge& e) {
    return {{"id", e.id}, {"from", e.from}, {"to", e.to}, {"type", e.type}, {"properties", e.properties}};
}

int run(Context& ctx, const GraphArgs& a, const std::string& command) {
    if (command == "add-node") {
        open_graph(ctx, a, true).create_node(a.id, properties_of(a.properties, "node '" + a.id + "'"));
    } else if (command == "update-node") {
        GraphNode node = open_graph(ctx, a, true).update_node(a.id, properties_of(a.properties, "node '" + a.id + "'"));
        write_stdout(node.properties.dump() + "\n");
    } else if (command == "add-edge") {
        Graph g = open_graph(ctx, a, true);
        write_stdout(g.create_edge(a.from, a.to, a.type,
                                   properties_of(a.properties, "the edge from '" + a.from + "' to '" + a.to + "'"),
                                   a.edge_id ? std::optional<std::string_view>(*a.edge_id) : std::nullopt) +
                     "\n");
    } else if (command == "update-edge") {
        GraphEdge edge = open_graph(ctx, a, true).update_edge(a.id, properties_of(a.properties, "edge '" + a.id + "'"));
        write_stdout(edge.properties.dump() + "\n");
    } else if (command == "get-node") {
        std::optional<GraphNode> node = open_graph(ctx, a, false).get_node(a.id);
        if (!node) not_found("node '" + a.id + "'", a);
        write_stdout(node->properties.dump() + "\n");
    } else if (command == "get-edge") {
        std::optional<GraphEdge> edge = open_graph(ctx, a, false).get_edge(a.id);
        if (!edge) not_found("edge '" + a.id + "'", a);
        write_stdout(edge_json(*edge).dump() + "\n");
    } else if (command == "rm-node") {
        if (!open_graph(ctx, a, true).remove_node(a.id)) not_found("node '" + a.id + "'", a);
    } else if (command == "rm-edge") {
        if (!open_graph(ctx, a, true).remove_edge(a.id)) not_found("edge '" + a.id + "'", a);
    } else if (command == "edges") {
        Graph g = open_graph(ctx, a, false);
        if (!g.has_node(a.id)) not_found("node '" + a.id + "'", a);
        g.edges_of(a.id, direction_of(a.direction), a.types, [&](const EdgeRef& e) {
            write_stdout(a.json ? nlohmann::json{{"id", e.id}, {"from", e.from}, {"to", e.to}, {"type", e.type}}.dump() + "\n"
                                : edge_line(e));
            return true;
        });
    } else if (command == "neighbors") {
        NeighborOptions options;
        options.direction = direction_of(a.direction);
        options.types = a.types;
        options.depth = a.depth;
        std::vector<Neighbor> found = open_graph(ctx, a, false).neighbors(a.id, options);
        // std::string compares as bytes: the order the docs promise
        std::sort(found.begin(), found.end(), [](const Neighbor& x, const Neighbor& y) { return x.id < y.id; });
        for (const Neighbor& n : found)
            write_stdout(a.json ? nlohmann::json{{"id", n.id}, {"depth", n.depth}, {"edge", n.via.id}}.dump() + "\n"
                                : n.id + "\n");
    } else if (command == "path") {
        PathOptions options;
        options.direction = direction_of(a.direction);
        options.types = a.types;
        options.max_depth = a.max_depth;
        std::optional<Path> path = open_graph(ctx, a, false).shortest_path(a.from, a.to, options);
        if (!path)
            throw CliError{exit_not_found, "no path from '" + a.from + "' to '" + a.to + "' in graph '" + a.graph + "'" +
                                               (a.max_depth ? " within " + std::to_string(a.max_depth) + " edges" : "")};
        if (a.json) {
            nlohmann::json edges = nlohmann::json::array();
            for (const EdgeRef& e : path->edges)
                edges.push_back({{"id", e.id}, {"from", e.from}, {"to", e.to}, {"type", e.type}});
            write_stdout(nlohmann::json{{"nodes", path->nodes}, {"edges", edges}}.dump() + "\n");
        } else {
            for (const std::string& id : path->nodes) write_stdout(id + "\n");
        }
    } else if (command == "find") {
        const Filter filter = Filter::parse(a.where);
        open_graph(ctx, a, false).nodes(filter, [&](const GraphNode& n) {
            write_stdout(a.json ? nlohmann::json{{"id", n.id}, {"properties", n.properties}}.dump() + "\n" : n.id + "\n");
            return true;
        });
    } else if (command == "check") {
        Graph g = open_graph(ctx, a, a.repair);
        const GraphCheckReport report = g.check(a.repair);
        for (const std::string& p : report.problems) write_stdout(p + "\n");
        const uint64_t left = report.problems.size() - report.repaired;
        write_stdout(std::to_string(report.nodes) + " nodes, " + std::to_string(report.edges) + " edges, " +
                     std::to_string(report.adjacency_entries) + " adjacency entries: " +
                     (report.ok() ? std::string("ok")
                                  : std::to_string(report.problems.size()) + " problems, " +
                                        std::to_string(report.repaired) + " repaired" +
                                        (left && !a.repair ? " (run with --repair to mend them)" : "")) +
                     "\n");
        flush_stdout();
        return left ? exit_failure : exit_ok;
    } else if (command == "export") {
        // Whole before it is printed: a failure midway (a damaged document) prints nothing rather than half a file.
        std::string text;
        open_graph(ctx, a, false).export_node_link([&](std::string_view piece) { text += piece; });
        write_stdout(text);
    } else if (command == "import") {
        const nlohmann::json data = parse_json(read_input(a.file), a.file == "-" ? std::string("stdin") : a.file);
        open_graph(ctx, a, true).import_node_link(data);
    }
    flush_stdout();
    return exit_ok;
}

}  // namespace

void add_graph_command(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<GraphArgs>();
    auto* graph = app.add_subcommand("graph", "a property graph under the prefix GRAPH of a store: nodes, typed edges, "
                                              "neighbours, shortest paths (docs/graph.md)");
    graph->add_option("STORE", a->store, kStoreHelp)->required();
    graph->add_option("GRAPH", a->graph, "the graph's prefix in the store, e.g. kg or memory/kg")->required();
    graph->require_subcommand(1);

    auto command = [&ctx, a](CLI::App* parent, const std::string& name, const std::string& help) {
        CLI::App* cmd = parent->add_subcommand(name, help);
        cmd->callback([&ctx, a, name] { ctx.action = [&ctx, a, name] { return run(ctx, *a, name); }; });
        return cmd;
    };
    auto direction = [a](CLI::App* cmd, const char* help) {
        cmd->add_option("--direction", a->direction, help)->check(CLI::IsMember({"out", "in", "both"}));
        cmd->add_option("--type", a->types, "only edges of this type (repeatable: --type a --type b)")
            ->type_name("TYPE")
            ->allow_extra_args(false);
    };
    const char* props = "the properties, a JSON object ('-': read from stdin; default {})";

    CLI::App* c = command(graph, "add-node", "add a node (exit 4 if the id is taken)");
    c->add_option("ID", a->id, "the node's id: any string")->required();
    c->add_option("JSON", a->properties, props);

    c = command(graph, "update-node", "merge properties into a node's (a null member removes one); prints the result");
    c->add_option("ID", a->id, "the node's id")->required();
    c->add_option("JSON", a->properties, "the properties to merge, a JSON object ('-': from stdin)")->required();

    c = command(graph, "add-edge", "add an edge FROM -> TO of a TYPE (both nodes must exist); prints its id");
    c->add_option("FROM", a->from, "the source node")->required();
    c->add_option("TO", a->to, "the target node")->required();
    c->add_option("TYPE", a->type, "the edge's type, e.g. works_at")->required();
    c->add_option("JSON", a->properties, props);
    c->add_option_function<std::string>(
        "--id", [a](const std::string& id) { a->edge_id = id; }, "the edge's id, any string (default: generated; exit 4 if taken)");

    c = command(graph, "update-edge", "merge properties into an edge's (a null member removes one); prints the result");
    c->add_option("EDGE_ID", a->id, "the edge's id")->required();
    c->add_option("JSON", a->properties, "the properties to merge, a JSON object ('-': from stdin)")->required();

    c = command(graph, "get-node", "print a node's properties (exit 3 if there is no such node)");
    c->add_option("ID", a->id, "the node's id")->required();
    c = command(graph, "get-edge", "print an edge: {\"id\", \"from\", \"to\", \"type\", \"properties\"}");
    c->add_option("EDGE_ID", a->id, "the edge's id")->required();
    c = command(graph, "rm-node", "remove a node and every edge to or from it (exit 3 if there is no such node)");
    c->add_option("ID", a->id, "the node's id")->required();
    c = command(graph, "rm-edge", "remove an edge (exit 3 if there is no such edge)");
    c->add_option("EDGE_ID", a->id, "the edge's id")->required();

    c = command(graph, "edges", "the edges of a node, one per line: EDGE_ID<tab>FROM<tab>TYPE<tab>TO");
    c->add_option("ID", a->id, "the node's id")->required();
    a->direction = "out";
    direction(c, "out: edges leaving the node, in: arriving, both (default: out)");
    c->add_flag("--json", a->json, "one line per edge: {\"id\", \"from\", \"to\", \"type\"}");

    c = command(graph, "neighbors", "the ids of the nodes 1 to K hops away, one per line, sorted by bytes");
    c->add_option("ID", a->id, "the node's id (not listed itself)")->required();
    direction(c, "follow edges out of nodes (default), into them, or both ways");
    c->add_option("--depth", a->depth, "hops, at least 1 (default 1)")->check(CLI::Range(1u, 1000000u));
    c->add_flag("--json", a->json, "one line per node: {\"id\": ..., \"depth\": hops, \"edge\": the edge it was reached by}");

    c = command(graph, "path", "the node ids of one shortest path FROM -> TO, one per line (exit 3 if there is none)");
    c->add_option("FROM", a->from, "the start node")->required();
    c->add_option("TO", a->to, "the end node")->required();
    direction(c, "follow edges in their direction (default: out), against it (in), or both ways");
    c->add_option("--max-depth", a->max_depth, "at most this many edges (default, or 0: no limit)")
        ->check(CLI::Range(0u, 1000000u));
    c->add_flag("--json", a->json, "print {\"nodes\": [...], \"edges\": [{\"id\", \"from\", \"to\", \"type\"}, ...]}");

    c = command(graph, "find", "the ids of the nodes whose properties match a filter (docs/queries.md)");
    c->add_option("-w,--where", a->where, "the filter, a JSON object, e.g. '{\"kind\": \"person\"}' (default {}: all)");
    c->add_flag("--json", a->json, "one line per node: {\"id\": ..., \"properties\": {...}}");

    c = command(graph, "check", "examine every node, edge and adjacency entry; exit 1 if problems remain");
    c->add_flag("--repair", a->repair, "mend what a crash or an old writer left: missing or dangling entries, edges "
                                       "to removed nodes");

    c = command(graph, "export", "write the graph to stdout as NetworkX node-link JSON");
    c->add_option("--format", a->format, "node-link (the only format)")->check(CLI::IsMember({"node-link"}));

    c = command(graph, "import", "add the nodes and edges of a node-link JSON file (created or replaced)");
    c->add_option("FILE", a->file, "the file ('-' or nothing: stdin)");
}

}  // namespace tote::cli
