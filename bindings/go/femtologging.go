// Package femtologging logs from Go into femtologging's engine
// (libfemtologging.so): the same registry of loggers and the same handler
// threads as the C, C++, Python and Rust code of the process.
//
// cgo compiles this package against the C header itself (found through
// pkg-config, as `make install` leaves it), so every declaration used here
// comes from the header: a change of the C ABI fails the Go build instead of
// leaving the binding behind.
//
// Loggers live as long as the process. A Handler holds one reference to an
// engine handler: Free releases it (a finalizer does it too, as a safety
// net); loggers it is attached to keep their own. Errors are *Error values
// carrying the C status and femto_last_error(). Logging never fails loudly:
// Log returns nothing, and a handler's Stats count what was dropped.
package femtologging

/*
#cgo pkg-config: femtologging
#include <femtologging.h>
#include <stdlib.h>
#include <string.h>

// femto_last_error is per thread and valid until that thread's next call:
// copy it on the thread that failed, inside the same cgo call (Go moves
// goroutines between threads, and another goroutine may call the engine on
// this thread before Go reads it). The Go side frees the copy.
static char *go_error(femto_status s) {
    return s >= FEMTO_STATUS_NULL_ARGUMENT ? strdup(femto_last_error()) : NULL;
}
static femto_status go_file_handler_new(const char *path, size_t len, const femto_handler_options *o,
                                        femto_handler **out, char **err) {
    femto_status s = femto_file_handler_new(path, len, false, o, out);
    *err = go_error(s);
    return s;
}
static femto_status go_stream_handler_new(femto_stream stream, const femto_handler_options *o,
                                          femto_handler **out, char **err) {
    femto_status s = femto_stream_handler_new(stream, o, out);
    *err = go_error(s);
    return s;
}
static femto_status go_handler_new(const char *d, size_t len, const femto_handler_options *o,
                                   femto_handler **out, char **err) {
    femto_status s = femto_handler_new(d, len, o, out);
    *err = go_error(s);
    return s;
}
static femto_status go_formatter_new(const char *f, size_t len, femto_formatter **out, char **err) {
    femto_status s = femto_formatter_new(FEMTO_FORMAT_STYLE_PERCENT, f, len, NULL, 0, out);
    *err = go_error(s);
    return s;
}
static femto_status go_logger_get(const char *name, size_t len, const femto_logger **out, char **err) {
    femto_status s = femto_logger_get(name, len, out);
    *err = go_error(s);
    return s;
}
static femto_status go_configure_toml(const char *text, size_t len, char **err) {
    femto_status s = femto_configure_toml(text, len);
    *err = go_error(s);
    return s;
}
static femto_handler_options go_handler_options(int32_t level, const femto_formatter *formatter,
                                                uint32_t capacity, femto_overflow overflow) {
    femto_handler_options o = FEMTO_HANDLER_OPTIONS_INIT;
    o.level = level;
    o.formatter = formatter;
    o.capacity = capacity;
    o.overflow = overflow;
    return o;
}
static femto_handler_stats go_stats_init(void) {
    femto_handler_stats s = FEMTO_HANDLER_STATS_INIT;
    return s;
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"
)

// Level is a level number on Python's scale; any other number is a custom level.
type Level int32

// The standard levels.
const (
	LevelNotSet   Level = C.FEMTO_LEVEL_NOTSET
	LevelTrace    Level = C.FEMTO_LEVEL_TRACE
	LevelDebug    Level = C.FEMTO_LEVEL_DEBUG
	LevelInfo     Level = C.FEMTO_LEVEL_INFO
	LevelWarning  Level = C.FEMTO_LEVEL_WARNING
	LevelError    Level = C.FEMTO_LEVEL_ERROR
	LevelCritical Level = C.FEMTO_LEVEL_CRITICAL
)

// The error statuses of the C API (Error.Status).
const (
	StatusInvalidArgument = int32(C.FEMTO_STATUS_INVALID_ARGUMENT)
	StatusIO              = int32(C.FEMTO_STATUS_IO)
	StatusInvalidState    = int32(C.FEMTO_STATUS_INVALID_STATE)
)

// Error is a failed C call: its status and the engine's explanation.
type Error struct {
	Call    string
	Status  int32
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Call, e.Message) }

func failed(status C.femto_status) bool { return status >= C.FEMTO_STATUS_NULL_ARGUMENT }

func check(call string, status C.femto_status, message *C.char) error {
	if message != nil {
		defer C.free(unsafe.Pointer(message))
	}
	if !failed(status) {
		return nil
	}
	text := C.GoString(message)
	if text == "" {
		text = C.GoString(C.femto_status_message(status))
	}
	return &Error{Call: call, Status: int32(status), Message: text}
}

// checkPlain is for calls whose only errors are misuse the wrapper rules
// out; the message is the status's own.
func checkPlain(call string, status C.femto_status) error {
	if !failed(status) {
		return nil
	}
	return &Error{Call: call, Status: int32(status), Message: C.GoString(C.femto_status_message(status))}
}

// emptyC stands for an empty string (NULL with length 0 means "absent").
var emptyC = C.CString("")

// cstr borrows a Go string's bytes for one C call: the C API takes
// lengths and copies what it keeps, so no NUL and no copy are needed, and
// the bytes hold no Go pointers (cgo's passing rules).
func cstr(s string) (*C.char, C.size_t) {
	if len(s) == 0 {
		return emptyC, 0
	}
	return *(**C.char)(unsafe.Pointer(&s)), C.size_t(len(s))
}

// cstrOrAbsent is cstr with "" passed as absent.
func cstrOrAbsent(s string) (*C.char, C.size_t) {
	if len(s) == 0 {
		return nil, 0
	}
	return cstr(s)
}

// ABICompatible reports whether the loaded library speaks the ABI this
// package was compiled against.
func ABICompatible() bool { return C.femto_abi_version() == C.FEMTO_ABI_VERSION }

// Formatter is a compiled %-style format ("%(levelname)s %(message)s").
type Formatter struct{ raw *C.femto_formatter }

// NewFormatter compiles a Python-style %-format.
func NewFormatter(format string) (*Formatter, error) {
	var out *C.femto_formatter
	var message *C.char
	ptr, n := cstr(format)
	if err := check("femto_formatter_new", C.go_formatter_new(ptr, n, &out, &message), message); err != nil {
		return nil, err
	}
	f := &Formatter{raw: out}
	runtime.SetFinalizer(f, (*Formatter).Free)
	return f, nil
}

// Free releases the formatter (handlers using it keep their own reference).
func (f *Formatter) Free() {
	if f != nil && f.raw != nil {
		C.femto_formatter_free(f.raw)
		f.raw = nil
		runtime.SetFinalizer(f, nil)
	}
}

// Overflow is what a full handler queue does with the next record.
type Overflow int32

// The overflow policies.
const (
	Block Overflow = C.FEMTO_OVERFLOW_BLOCK // wait for room: nothing is lost
	Drop  Overflow = C.FEMTO_OVERFLOW_DROP  // drop the record and count it
)

// HandlerOptions are the options every handler kind shares; the zero
// value means the defaults.
type HandlerOptions struct {
	Level     Level
	Formatter *Formatter
	Capacity  uint32 // queue records; 0 means 16384
	Overflow  Overflow
}

func (o *HandlerOptions) toC() C.femto_handler_options {
	if o == nil {
		o = &HandlerOptions{}
	}
	var formatter *C.femto_formatter
	if o.Formatter != nil {
		formatter = o.Formatter.raw
	}
	return C.go_handler_options(C.int32_t(o.Level), formatter, C.uint32_t(o.Capacity), C.femto_overflow(o.Overflow))
}

// Handler is a queue and a worker thread that formats and writes records.
type Handler struct{ raw *C.femto_handler }

func newHandler(raw *C.femto_handler) *Handler {
	h := &Handler{raw: raw}
	runtime.SetFinalizer(h, (*Handler).Free)
	return h
}

// buildHandler runs one of the C constructors (named `call` in errors)
// with the options converted, and wraps the handler it made.
func buildHandler(call string, options *HandlerOptions,
	construct func(o *C.femto_handler_options, out **C.femto_handler, message **C.char) C.femto_status) (*Handler, error) {
	var out *C.femto_handler
	var message *C.char
	o := options.toC()
	if err := check(call, construct(&o, &out, &message), message); err != nil {
		return nil, err
	}
	return newHandler(out), nil
}

// NewFileHandler appends to the file at path.
func NewFileHandler(path string, options *HandlerOptions) (*Handler, error) {
	ptr, n := cstr(path)
	return buildHandler("femto_file_handler_new", options,
		func(o *C.femto_handler_options, out **C.femto_handler, message **C.char) C.femto_status {
			return C.go_file_handler_new(ptr, n, o, out, message)
		})
}

// NewStderrHandler writes to standard error.
func NewStderrHandler(options *HandlerOptions) (*Handler, error) {
	return buildHandler("femto_stream_handler_new", options,
		func(o *C.femto_handler_options, out **C.femto_handler, message **C.char) C.femto_status {
			return C.go_stream_handler_new(C.FEMTO_STREAM_STDERR, o, out, message)
		})
}

// NewHandler makes a handler of any kind the configuration format knows,
// described in JSON: {"class": "rotating_file", "path": "app.log",
// "max_bytes": 1048576, "backup_count": 3} (docs/configuration.md).
func NewHandler(description string, options *HandlerOptions) (*Handler, error) {
	ptr, n := cstr(description)
	return buildHandler("femto_handler_new", options,
		func(o *C.femto_handler_options, out **C.femto_handler, message **C.char) C.femto_status {
			return C.go_handler_new(ptr, n, o, out, message)
		})
}

// Flush returns once every record handed to the handler before the call is
// written, or an error when the timeout ran out first.
func (h *Handler) Flush(timeout time.Duration) error {
	status := C.femto_handler_flush(h.raw, C.uint64_t(timeout.Milliseconds()))
	runtime.KeepAlive(h) // the finalizer must not free it during the call
	if status == C.FEMTO_STATUS_TIMEOUT {
		return &Error{Call: "femto_handler_flush", Status: int32(status), Message: "timed out"}
	}
	return checkPlain("femto_handler_flush", status)
}

// Stats are a handler's counters.
type Stats struct{ Written, Dropped, Errors uint64 }

// Stats returns the records written, dropped and failed so far.
func (h *Handler) Stats() Stats {
	out := C.go_stats_init()
	C.femto_handler_stats_get(h.raw, &out)
	runtime.KeepAlive(h)
	return Stats{Written: uint64(out.written), Dropped: uint64(out.dropped), Errors: uint64(out.errors)}
}

// Free releases this reference; loggers it is attached to keep theirs.
func (h *Handler) Free() {
	if h != nil && h.raw != nil {
		C.femto_handler_free(h.raw)
		h.raw = nil
		runtime.SetFinalizer(h, nil)
	}
}

// Logger is a logger of the process-wide registry. Loggers live as long
// as the process; a *Logger may be shared by any number of goroutines.
type Logger struct{ raw *C.femto_logger }

// GetLogger returns the logger named name (dotted: "app.db"; "" is the root).
func GetLogger(name string) (*Logger, error) {
	if !ABICompatible() {
		return nil, &Error{Call: "femto_abi_version", Status: StatusInvalidState,
			Message: "libfemtologging speaks another ABI than this package was built for"}
	}
	var out *C.femto_logger
	var message *C.char
	ptr, n := cstr(name)
	if err := check("femto_logger_get", C.go_logger_get(ptr, n, &out, &message), message); err != nil {
		return nil, err
	}
	return &Logger{raw: out}, nil
}

// Name is the logger's name ("root" for the root logger).
func (l *Logger) Name() string { return C.GoString(C.femto_logger_name(l.raw)) }

// SetLevel sets the logger's own level (LevelNotSet: inherit).
func (l *Logger) SetLevel(level Level) error {
	return checkPlain("femto_logger_set_level", C.femto_logger_set_level(l.raw, C.int32_t(level)))
}

// SetPropagate says whether records also reach the ancestors' handlers.
func (l *Logger) SetPropagate(propagate bool) error {
	return checkPlain("femto_logger_set_propagate", C.femto_logger_set_propagate(l.raw, C.bool(propagate)))
}

// AddHandler attaches h; the logger keeps its own reference.
func (l *Logger) AddHandler(h *Handler) error {
	status := C.femto_logger_add_handler(l.raw, h.raw)
	runtime.KeepAlive(h)
	return checkPlain("femto_logger_add_handler", status)
}

// ClearHandlers detaches every handler of this logger.
func (l *Logger) ClearHandlers() error {
	return checkPlain("femto_logger_clear_handlers", C.femto_logger_clear_handlers(l.raw))
}

// Enabled reports whether a record at level would be made. It reads the
// documented head of every femto_logger, its threshold (the effective level
// folded with femto_disable and the disabled flag, an atomic 32-bit integer
// the engine keeps current), so a disabled call makes no cgo call.
func (l *Logger) Enabled(level Level) bool {
	return level >= 0 && uint32(level) >= atomic.LoadUint32((*uint32)(unsafe.Pointer(l.raw)))
}

// Log logs message at level with the caller's file, line and function.
func (l *Logger) Log(level Level, message string) { l.log(level, message, 2) }

// Logf formats with fmt.Sprintf only when level is enabled.
func (l *Logger) Logf(level Level, format string, args ...any) {
	if l.Enabled(level) {
		l.log(level, fmt.Sprintf(format, args...), 2)
	}
}

func (l *Logger) log(level Level, message string, skip int) {
	if !l.Enabled(level) {
		return
	}
	file, function, line := "", "", 0
	if pc, f, n, ok := runtime.Caller(skip); ok {
		file, line = f, n
		if fn := runtime.FuncForPC(pc); fn != nil {
			function = fn.Name() // "example.com/app/db.Open": keep "db.Open"
			if slash := strings.LastIndexByte(function, '/'); slash >= 0 {
				function = function[slash+1:]
			}
		}
	}
	mPtr, mLen := cstr(message)
	fPtr, fLen := cstrOrAbsent(file)
	fnPtr, fnLen := cstrOrAbsent(function)
	C.femto_logger_log_at(l.raw, C.int32_t(level), mPtr, mLen, fPtr, fLen, C.uint32_t(line), fnPtr, fnLen)
}

// Debug, Info, Warning, Error and Critical log a ready message.
func (l *Logger) Debug(message string)    { l.log(LevelDebug, message, 2) }
func (l *Logger) Info(message string)     { l.log(LevelInfo, message, 2) }
func (l *Logger) Warning(message string)  { l.log(LevelWarning, message, 2) }
func (l *Logger) Error(message string)    { l.log(LevelError, message, 2) }
func (l *Logger) Critical(message string) { l.log(LevelCritical, message, 2) }

// Infof and the others format only when the level is enabled.
func (l *Logger) Debugf(format string, args ...any) { l.logf(LevelDebug, format, args) }
func (l *Logger) Infof(format string, args ...any)  { l.logf(LevelInfo, format, args) }
func (l *Logger) Warningf(format string, args ...any) {
	l.logf(LevelWarning, format, args)
}
func (l *Logger) Errorf(format string, args ...any) { l.logf(LevelError, format, args) }

func (l *Logger) logf(level Level, format string, args []any) {
	if l.Enabled(level) {
		l.log(level, fmt.Sprintf(format, args...), 3)
	}
}

// ConfigureTOML configures the whole process from TOML text
// (docs/configuration.md); the handlers it replaces are drained and closed.
func ConfigureTOML(text string) error {
	var message *C.char
	ptr, n := cstr(text)
	return check("femto_configure_toml", C.go_configure_toml(ptr, n, &message), message)
}

// FlushAll returns once every record logged before the call is written by
// every handler, or an error when the timeout ran out first.
func FlushAll(timeout time.Duration) error {
	status := C.femto_flush_all(C.uint64_t(timeout.Milliseconds()))
	if status == C.FEMTO_STATUS_TIMEOUT {
		return &Error{Call: "femto_flush_all", Status: int32(status), Message: "timed out"}
	}
	return checkPlain("femto_flush_all", status)
}
