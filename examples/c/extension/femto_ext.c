/* femto_ext: a CPython extension module in C that logs into the same
 * femtologging pipeline as the Python code that imports it: on the calling
 * thread, and on threads of its own.
 *
 *   import femtologging, femto_ext
 *   femto_ext.log("app.c", femtologging.INFO, "hello from C")
 *   femto_ext.log_from_threads("app.c", 4, 1000)   # 4 pthreads x 1000 records
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>

#include "femtologging_python.h"

static const femto_api *api;

static PyObject *raise_status(femto_status status) {
    PyErr_Format(PyExc_RuntimeError, "femtologging: %s (%s)", api->status_message(status), api->last_error());
    return NULL;
}

/* log(logger_name, level, message): one record from the calling thread. */
static PyObject *ext_log(PyObject *self, PyObject *args) {
    (void)self;
    const char *name, *message;
    Py_ssize_t name_len, message_len;
    int level;
    if (!PyArg_ParseTuple(args, "s#is#", &name, &name_len, &level, &message, &message_len)) {
        return NULL;
    }
    const femto_logger *logger = NULL;
    femto_status status = api->logger_get(name, (size_t)name_len, &logger);
    if (status != FEMTO_STATUS_OK) {
        return raise_status(status);
    }
    status = api->logger_log_at(logger, level, message, (size_t)message_len, __FILE__, sizeof(__FILE__) - 1,
                                __LINE__, __func__, sizeof(__func__) - 1);
    if (status != FEMTO_STATUS_OK && status != FEMTO_STATUS_DROPPED) {
        return raise_status(status);
    }
    Py_RETURN_NONE;
}

struct job {
    const femto_logger *logger;
    int thread;
    long count;
};

static void *produce(void *arg) {
    const struct job *job = (const struct job *)arg;
    char message[96];
    for (long i = 0; i < job->count; i++) {
        int len = snprintf(message, sizeof message, "C thread %d record %ld", job->thread, i);
        if (api->logger_is_enabled_for(job->logger, FEMTO_LEVEL_INFO)) {
            api->logger_log_at(job->logger, FEMTO_LEVEL_INFO, message, (size_t)len, __FILE__,
                               sizeof(__FILE__) - 1, __LINE__, __func__, sizeof(__func__) - 1);
        }
    }
    return NULL;
}

/* log_from_threads(logger_name, threads, count): records from pthreads the
 * extension starts itself; the GIL is released while they run. */
static PyObject *ext_log_from_threads(PyObject *self, PyObject *args) {
    (void)self;
    const char *name;
    Py_ssize_t name_len;
    int threads;
    long count;
    if (!PyArg_ParseTuple(args, "s#il", &name, &name_len, &threads, &count)) {
        return NULL;
    }
    if (threads < 1 || threads > 64) {
        PyErr_SetString(PyExc_ValueError, "threads must be between 1 and 64");
        return NULL;
    }
    const femto_logger *logger = NULL;
    femto_status status = api->logger_get(name, (size_t)name_len, &logger);
    if (status != FEMTO_STATUS_OK) {
        return raise_status(status);
    }
    pthread_t ids[64];
    struct job jobs[64];
    Py_BEGIN_ALLOW_THREADS
    for (int t = 0; t < threads; t++) {
        jobs[t] = (struct job){logger, t, count};
        pthread_create(&ids[t], NULL, produce, &jobs[t]);
    }
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
    }
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"log", ext_log, METH_VARARGS, "log(logger_name, level, message): log one record from C."},
    {"log_from_threads", ext_log_from_threads, METH_VARARGS,
     "log_from_threads(logger_name, threads, count): log from C pthreads."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "femto_ext", "Logs from C into femtologging.", -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_femto_ext(void) {
    api = femto_python_import();
    if (api == NULL) {
        return NULL;
    }
    return PyModule_Create(&module);
}
