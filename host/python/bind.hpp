// SPDX-License-Identifier: Apache-2.0
// bind.hpp — what the binding's files share: the registration functions, and the conversions between Python
// values and tote's (keys are str, values bytes-like, JSON crosses as text and is parsed on the Python side).
#ifndef TOTE_PYTHON_BIND_HPP
#define TOTE_PYTHON_BIND_HPP

#include <pybind11/pybind11.h>

#include <string_view>

namespace tote::python {

namespace py = pybind11;

void bind_errors(py::module_& m);
void bind_host(py::module_& m);
void bind_store(py::module_& m);
void bind_graph(py::module_& m);

// A view of a bytes-like value (bytes, bytearray, memoryview, …) without copying; TypeError for anything else
// (a str in particular: values are bytes, and which encoding a str should get is the caller's to say).
class BytesView {
public:
    BytesView(const py::handle& value, const char* what);
    ~BytesView();
    BytesView(const BytesView&) = delete;
    BytesView& operator=(const BytesView&) = delete;
    std::string_view view() const { return view_; }

private:
    Py_buffer buffer_{};
    bool released_ = true;
    std::string_view view_;
};

}  // namespace tote::python

#endif  // TOTE_PYTHON_BIND_HPP
