// SPDX-License-Identifier: Apache-2.0
// bind_errors.cpp — tote::Error becomes the Python exception of its status (tote.NotFound, tote.Busy, …), whose
// classes the Python package defines (tote/__init__.py) and hands over at import; and the bytes-like views.
#include "bind.hpp"

#include <tote/error.hpp>

#include <tote/tote_plugin.h>

#include <map>

namespace tote::python {

namespace {

// status id ("not_found") -> the exception class; filled by _set_error_classes() when the package is imported.
py::dict& error_classes() {
    static py::dict* classes = new py::dict();  // never destroyed: outlives the interpreter's teardown order
    return *classes;
}

}  // namespace

BytesView::BytesView(const py::handle& value, const char* what) {
    if (PyBytes_Check(value.ptr())) {  // the common case, without the buffer protocol's bookkeeping
        view_ = std::string_view(PyBytes_AS_STRING(value.ptr()), static_cast<size_t>(PyBytes_GET_SIZE(value.ptr())));
        return;
    }
    if (PyUnicode_Check(value.ptr()) || PyObject_GetBuffer(value.ptr(), &buffer_, PyBUF_SIMPLE) != 0) {
        PyErr_Clear();
        throw py::type_error(std::string(what) + " must be bytes-like (bytes, bytearray, memoryview), not " +
                             std::string(py::str(value.get_type().attr("__name__"))));
    }
    released_ = false;
    view_ = std::string_view(static_cast<const char*>(buffer_.buf), static_cast<size_t>(buffer_.len));
}

BytesView::~BytesView() {
    if (!released_) PyBuffer_Release(&buffer_);
}

void bind_errors(py::module_& m) {
    m.def("_set_error_classes", [](py::dict classes) { error_classes() = std::move(classes); });
    m.def("_status_ids", [] {
        py::dict ids;  // id -> (code, text), for the package to build its classes from the one list
#define TOTE_PY_STATUS_(NAME, name, value, minor, text) ids[#name] = py::make_tuple(value, text);
        TOTE_STATUS_LIST(TOTE_PY_STATUS_)
#undef TOTE_PY_STATUS_
        return ids;
    });
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const tote::Error& e) {
            py::gil_scoped_acquire gil;
            const char* id = tote::status_id(e.status());
            py::object cls = error_classes().contains(id) ? error_classes()[id] : py::object();
            if (!cls) {  // imported without the package (tote._tote alone): a RuntimeError still says everything
                PyErr_SetString(PyExc_RuntimeError, e.what());
                return;
            }
            PyErr_SetObject(cls.ptr(), py::make_tuple(e.what(), id).ptr());
        }
    });
}

}  // namespace tote::python
