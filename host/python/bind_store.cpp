// SPDX-License-Identifier: Apache-2.0
// bind_store.cpp — tote::Store as tote._tote._Store, and its Stat and Lock. Every call into the store releases the
// GIL, so threads overlap their I/O; listings and queries come a block at a time (the package's iterators page
// through them), so no listing ever holds the whole store in memory.
#include "bind.hpp"

#include <tote/tote.hpp>

#include <pybind11/stl.h>

#include <chrono>
#include <optional>

namespace tote::python {

namespace {

py::dict lock_dict(const LockInfo& i) {
    return py::dict(py::arg("name") = i.name, py::arg("owner") = i.owner, py::arg("host") = i.host,
                    py::arg("pid") = i.pid, py::arg("started_ns") = i.started_ns,
                    py::arg("expires_ns") = i.expires_ns, py::arg("stale") = i.stale,
                    py::arg("stale_reason") = i.stale_reason);
}

}  // namespace

void bind_store(py::module_& m) {
    py::class_<Stat>(m, "Stat", "What stat() reports about a key (or a prefix: size, mtime_ns and version 0).")
        .def_property_readonly("kind", [](const Stat& s) { return s.kind == Kind::key ? "key" : "prefix"; })
        .def_readonly("size", &Stat::size)
        .def_readonly("mtime_ns", &Stat::mtime_ns, "nanoseconds since the Unix epoch; 0 if the backend does not know")
        .def_readonly("version", &Stat::version, "opaque: the same version, the same value")
        .def_readonly("expires_ns", &Stat::expires_ns, "when the value expires; 0: never")
        .def("__repr__", [](const Stat& s) {
            return "Stat(kind='" + std::string(s.kind == Kind::key ? "key" : "prefix") + "', size=" +
                   std::to_string(s.size) + ", mtime_ns=" + std::to_string(s.mtime_ns) + ", version=" +
                   std::to_string(s.version) + ", expires_ns=" + std::to_string(s.expires_ns) + ")";
        });

    py::class_<Lock>(m, "_Lock")
        .def_property_readonly("held", &Lock::held)
        .def_property_readonly("info", [](const Lock& l) { return lock_dict(l.info()); })
        .def("release", &Lock::release, py::call_guard<py::gil_scoped_release>());

    using GilFree = py::call_guard<py::gil_scoped_release>;
    py::class_<Store>(m, "_Store")
        .def_property_readonly("url", &Store::url)
        .def_property_readonly("read_only", &Store::read_only)
        .def_property_readonly("plugin", [](const Store& s) { return s.plugin().name; })
        .def_property_readonly("layers", [](const Store& s) { return s.layers(); })
        .def_property_readonly("capabilities", [](const Store& s) { return capability_names(s.capabilities()); })
        .def_property_readonly("batch_is_atomic", &Store::batch_is_atomic)
        .def("read",
             [](const Store& s, const std::string& key) {
                 std::string value;
                 {
                     py::gil_scoped_release release;
                     value = s.read(key);
                 }
                 return py::bytes(value);
             },
             py::arg("key"))
        .def("try_read",
             [](const Store& s, const std::string& key) -> py::object {
                 std::optional<std::string> value;
                 {
                     py::gil_scoped_release release;
                     value = s.try_read(key);
                 }
                 if (!value) return py::none();
                 return py::bytes(*value);
             },
             py::arg("key"))
        .def("read_range",
             [](const Store& s, const std::string& key, uint64_t offset, uint64_t length) {
                 std::string value;
                 {
                     py::gil_scoped_release release;
                     value = s.read_range(key, offset, length);
                 }
                 return py::bytes(value);
             },
             py::arg("key"), py::arg("offset"), py::arg("length"))
        .def(
            "write",
            [](Store& s, const std::string& key, py::handle value, bool create_only, std::optional<uint64_t> if_version,
               int64_t expires_ns) {
                const BytesView bytes(value, "value");
                WriteOptions o;
                o.create_only = create_only;
                o.if_version = if_version;
                o.expires_ns = expires_ns;
                py::gil_scoped_release release;
                return s.write(key, bytes.view(), o);
            },
            py::arg("key"), py::arg("value"), py::arg("create_only") = false, py::arg("if_version") = py::none(),
            py::arg("expires_ns") = 0)
        .def(
            "append",
            [](Store& s, const std::string& key, py::handle data, std::optional<uint64_t> if_size) {
                const BytesView bytes(data, "data");
                AppendOptions o;
                o.if_size = if_size;
                AppendResult r;
                {
                    py::gil_scoped_release release;
                    r = s.append(key, bytes.view(), o);
                }
                return py::make_tuple(r.offset, r.version);
            },
            py::arg("key"), py::arg("data"), py::arg("if_size") = py::none())
        .def("stat", &Store::stat, py::arg("key"), GilFree())
        .def("exists", &Store::exists, py::arg("key"), GilFree())
        .def("remove", &Store::remove, py::arg("key"), py::arg("recursive") = false, GilFree())
        .def("rename", &Store::rename, py::arg("src"), py::arg("dst"), py::arg("replace") = true, GilFree())
        .def("write_batch",
             [](Store& s, py::iterable items) {
                 std::vector<BatchWrite> writes;
                 for (py::handle item : items) {
                     py::tuple pair = py::reinterpret_borrow<py::object>(item);
                     if (pair.size() != 2) throw py::value_error("write_batch takes (key, value) pairs");
                     const BytesView bytes(pair[1], "a batch value");
                     writes.push_back({pair[0].cast<std::string>(), std::string(bytes.view()), {}});
                 }
                 py::gil_scoped_release release;
                 s.write_batch(writes);
             },
             py::arg("items"))
        .def("remove_batch", &Store::remove_batch, py::arg("keys"), GilFree())
        .def("info", &Store::info, GilFree())
        .def(
            "_list_block",
            [](const Store& s, const std::string& prefix, bool recursive, const std::string& start_after, size_t limit) {
                std::vector<Entry> entries;
                {
                    py::gil_scoped_release release;
                    ListOptions o;
                    o.recursive = recursive;
                    o.start_after = start_after;
                    s.list(prefix, o, [&](const Entry& e) {
                        entries.push_back(e);
                        return entries.size() < limit;
                    });
                }
                py::list out(entries.size());
                for (size_t i = 0; i < entries.size(); ++i) out[i] = py::str(entries[i].key);
                return out;
            })
        .def("_count",
             [](const Store& s, const std::string& prefix) {
                 uint64_t n = 0;
                 py::gil_scoped_release release;
                 s.list(prefix, ListOptions{true, ""}, [&](const Entry&) { return ++n, true; });
                 return n;
             })
        .def("_find_block",
             [](const Store& s, const std::string& prefix, const std::string& filter, bool recursive,
                const std::string& start_after, uint64_t limit) {
                 const Filter parsed = Filter::parse(filter);
                 std::vector<std::pair<std::string, std::string>> matches;
                 {
                     py::gil_scoped_release release;
                     FindOptions o;
                     o.recursive = recursive;
                     o.start_after = start_after;
                     o.limit = limit;
                     s.find(prefix, parsed, o, [&](std::string_view key, std::string_view value) {
                         matches.emplace_back(key, value);
                         return true;
                     });
                 }
                 py::list out(matches.size());
                 for (size_t i = 0; i < matches.size(); ++i)
                     out[i] = py::make_tuple(py::str(matches[i].first), py::bytes(matches[i].second));
                 return out;
             })
        .def(
            "lock",
            [](Store& s, const std::string& name, const std::string& owner, int64_t lease_ms, bool take_stale) {
                LockOptions o;
                o.owner = owner;
                o.lease = std::chrono::milliseconds(lease_ms);
                o.take_stale = take_stale;
                py::gil_scoped_release release;
                return s.lock(name, o);
            },
            py::arg("name"), py::arg("owner") = "", py::arg("lease_ms") = 0, py::arg("take_stale") = true)
        .def("is_locked", &Store::is_locked, py::arg("name"), GilFree())
        .def("lock_info",
             [](const Store& s, const std::string& name) -> py::object {
                 std::optional<LockInfo> info;
                 {
                     py::gil_scoped_release release;
                     info = s.lock_info(name);
                 }
                 if (!info) return py::none();
                 return lock_dict(*info);
             },
             py::arg("name"))
        .def("locks",
             [](const Store& s) {
                 std::vector<LockInfo> infos;
                 {
                     py::gil_scoped_release release;
                     infos = s.locks();
                 }
                 py::list out;
                 for (const LockInfo& i : infos) out.append(lock_dict(i));
                 return out;
             })
        .def("break_lock", &Store::break_lock, py::arg("name"), GilFree());
}

}  // namespace tote::python
