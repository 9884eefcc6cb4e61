// SPDX-License-Identifier: Apache-2.0
// bind_host.cpp — tote::Host as tote._tote._Host: plugin discovery and the config, opening stores, describing the
// plugins found (as plain dicts, so the package shows them as `tote plugins --json` does).
#include "bind.hpp"

#include <tote/tote.hpp>

#include <pybind11/stl.h>

#include <optional>

namespace tote::python {

namespace {

py::dict describe(const PluginInfo& p) {
    py::list options;
    for (const OptionInfo& o : p.options)
        options.append(py::dict(py::arg("name") = o.name, py::arg("type") = option_type_name(o.type),
                                py::arg("default") = o.default_value, py::arg("description") = o.description));
    const uint32_t abi = p.abi_version;
    return py::dict(py::arg("name") = p.name, py::arg("version") = p.version,
                    py::arg("description") = p.description, py::arg("path") = p.path.string(),
                    py::arg("abi") = std::to_string(TOTE_ABI_VERSION_MAJOR(abi)) + "." +
                                     std::to_string(TOTE_ABI_VERSION_MINOR(abi)),
                    py::arg("schemes") = p.schemes, py::arg("capabilities") = capability_names(p.capabilities),
                    py::arg("extensions") = p.extensions, py::arg("options") = options);
}

}  // namespace

void bind_host(py::module_& m) {
    m.def("_version", [] { return std::string(tote::version()); });
    py::class_<Host>(m, "_Host")
        .def(py::init([](std::optional<std::string> config, std::vector<std::string> plugin_dirs, bool use_environment,
                         bool builtin_plugins) {
                 HostOptions o;
                 if (config) o.config_file = *config;
                 for (const std::string& d : plugin_dirs) o.plugin_dirs.emplace_back(d);
                 o.use_environment = use_environment;
                 o.builtin_plugins = builtin_plugins;
                 py::gil_scoped_release release;  // discovery may probe plugin files in a helper process
                 return std::make_unique<Host>(o);
             }),
             py::arg("config"), py::arg("plugin_dirs"), py::arg("use_environment"), py::arg("builtin_plugins"))
        .def(
            "open",
            [](const Host& h, const std::string& store, bool create, bool read_only,
               std::map<std::string, std::string> options,
               std::vector<std::pair<std::string, std::map<std::string, std::string>>> layers) {
                OpenOptions o;
                o.create = create;
                o.read_only = read_only;
                o.options = std::move(options);
                o.layers = std::move(layers);
                py::gil_scoped_release release;
                return h.open(store, o);
            },
            py::arg("store"), py::arg("create"), py::arg("read_only"), py::arg("options"), py::arg("layers"))
        .def("plugins",
             [](const Host& h) {
                 py::list out;
                 for (const PluginInfo& p : h.plugins()) out.append(describe(p));
                 return out;
             })
        .def("refused",
             [](const Host& h) {
                 py::list out;
                 for (const Refusal& r : h.refused())
                     out.append(py::dict(py::arg("path") = r.path.string(), py::arg("reason") = r.reason));
                 return out;
             })
        .def("plugin_dirs", [](const Host& h) {
            std::vector<std::string> out;
            for (const auto& d : h.plugin_dirs()) out.push_back(d.string());
            return out;
        });
}

}  // namespace tote::python
