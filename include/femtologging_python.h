/*
 * femtologging_python.h: for CPython extension modules written in C or C++.
 *
 * Include it after <Python.h>. femto_python_import() returns the function
 * table of the libfemtologging.so that the `femtologging` package loaded, so
 * the extension logs into the same loggers, handlers and worker threads as
 * the Python code around it. No link flags are needed: every call goes
 * through the table (api->logger_get, api->logger_log_at, ...).
 *
 * Call it in your module's init function and keep the pointer; it is
 * immutable and valid for the life of the process (thread-safe).
 */
#ifndef FEMTOLOGGING_PYTHON_H
#define FEMTOLOGGING_PYTHON_H

#ifndef Py_PYTHON_H
#error "include <Python.h> before femtologging_python.h"
#endif

#include <dlfcn.h>

#include "femtologging.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Checks a table against the header this extension was compiled with. */
static inline const femto_api *femto_python_check_(const femto_api *api) {
    if (api->abi_version != FEMTO_ABI_VERSION || api->size < sizeof(femto_api)) {
        PyErr_Format(PyExc_ImportError,
                     "libfemtologging ABI %u (table of %zu bytes) does not match this extension "
                     "(ABI %u, %zu bytes); rebuild it against the installed femtologging",
                     (unsigned)api->abi_version, api->size, (unsigned)FEMTO_ABI_VERSION, sizeof(femto_api));
        return NULL;
    }
    return api;
}

/**
 * The engine's function table, from the capsule
 * `femtologging._femtologging._C_API`; if the native extension cannot load,
 * from the library bundled with the package (the one the cffi backend uses).
 * Returns NULL with a Python exception set on failure. Needs the GIL.
 */
static inline const femto_api *femto_python_import(void) {
    void *table = PyCapsule_Import("femtologging._femtologging._C_API", 0);
    if (table != NULL) {
        return femto_python_check_((const femto_api *)table);
    }
    PyErr_Clear();
    PyObject *package = PyImport_ImportModule("femtologging");
    if (package == NULL) {
        return NULL;
    }
    PyObject *dir = PyObject_CallMethod(package, "get_library_dir", NULL);
    Py_DECREF(package);
    if (dir == NULL) {
        return NULL;
    }
    PyObject *path = PyUnicode_FromFormat("%U/libfemtologging.so", dir);
    Py_DECREF(dir);
    if (path == NULL) {
        return NULL;
    }
    void *library = dlopen(PyUnicode_AsUTF8(path), RTLD_NOW | RTLD_GLOBAL);
    Py_DECREF(path);
    void *symbol = library ? dlsym(library, "femto_api_get") : NULL;
    if (symbol == NULL) {
        PyErr_Format(PyExc_ImportError, "cannot load libfemtologging: %s", dlerror());
        return NULL;
    }
    const femto_api *(*get)(void) = NULL;
    memcpy(&get, &symbol, sizeof get); /* object pointer to function pointer, portably */
    return femto_python_check_(get());
}

#ifdef __cplusplus
}
#endif

#endif /* FEMTOLOGGING_PYTHON_H */
