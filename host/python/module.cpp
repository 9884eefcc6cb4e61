// SPDX-License-Identifier: Apache-2.0
// module.cpp — tote._tote, the compiled half of the Python package `tote` (host/python/tote/__init__.py is the
// other): libtote's C++ API bound with pybind11. Why pybind11 over cffi on the C API: the C++ API already has the
// types and semantics the package exposes, pybind11 turns exceptions, optionals and containers into Python ones
// with no glue of ours, and its call overhead is a few hundred nanoseconds (docs/performance.md, "Python").
#include "bind.hpp"

PYBIND11_MODULE(_tote, m) {
    m.doc() = "The compiled part of the tote package: use `import tote`, not this module.";
    tote::python::bind_errors(m);
    tote::python::bind_host(m);
    tote::python::bind_store(m);
    tote::python::bind_graph(m);
}
