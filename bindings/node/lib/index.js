'use strict';
// femtologging for Node.js: logs into femtologging's engine
// (libfemtologging.so) through koffi, so JavaScript, worker threads and any
// native addon or C library in the process share one registry of loggers and
// one set of handler threads. Handlers write on the engine's native threads:
// a logging call never waits on the disk. See docs/node.md.
//
// The library is found through FEMTOLOGGING_LIBRARY (a path to
// libfemtologging.so), else the system's library search path. Every C
// declaration comes from declarations.generated.js, generated from the
// committed header by tools/gen_node_decls.py and checked fresh by
// `make test`.

const util = require('node:util');
const koffi = require('koffi');
const declarations = require('./declarations.generated.js');

const C = declarations.constants;
// koffi's type names are per process: a second copy of this package sharing
// the same koffi finds them registered already.
try {
  koffi.resolve('femto_api');
} catch {
  declarations.declare(koffi);
}
const library = koffi.load(process.env.FEMTOLOGGING_LIBRARY || 'libfemtologging.so');
const native = {};
for (const prototype of declarations.functions) {
  const fn = library.func(prototype);
  native[fn.info.name] = fn;
}
if (native.femto_abi_version() !== C.FEMTO_ABI_VERSION) {
  throw new Error(
    `femtologging: the library speaks ABI ${native.femto_abi_version()}, this package ${C.FEMTO_ABI_VERSION}`,
  );
}

/** The standard levels (Python's numbers); any other number is a custom level. */
const Level = Object.freeze({
  NOTSET: C.FEMTO_LEVEL_NOTSET,
  TRACE: C.FEMTO_LEVEL_TRACE,
  DEBUG: C.FEMTO_LEVEL_DEBUG,
  INFO: C.FEMTO_LEVEL_INFO,
  WARNING: C.FEMTO_LEVEL_WARNING,
  ERROR: C.FEMTO_LEVEL_ERROR,
  CRITICAL: C.FEMTO_LEVEL_CRITICAL,
});

/** The error statuses of the C API (`FemtoError.status`). */
const Status = Object.freeze({
  NULL_ARGUMENT: C.FEMTO_STATUS_NULL_ARGUMENT,
  INVALID_ARGUMENT: C.FEMTO_STATUS_INVALID_ARGUMENT,
  INVALID_STATE: C.FEMTO_STATUS_INVALID_STATE,
  IO: C.FEMTO_STATUS_IO,
  TIMEOUT: C.FEMTO_STATUS_TIMEOUT,
});

/** A failed C call: its name, its status and the engine's explanation. */
class FemtoError extends Error {
  constructor(call, status, message) {
    super(`${call}: ${message}`);
    this.name = 'FemtoError';
    this.call = call;
    this.status = status;
  }
}

function check(call, status) {
  if (status >= C.FEMTO_STATUS_NULL_ARGUMENT) {
    throw new FemtoError(call, status, native.femto_last_error() || native.femto_status_message(status));
  }
  return status;
}

const byteLength = (text) => Buffer.byteLength(text, 'utf8');

// Releases engine references of objects collected without free().
const releases = new FinalizationRegistry(({ free, raw }) => free(raw));

/** Owns one engine reference; free() releases it (so does collection). */
class Owned {
  constructor(raw, free) {
    this.raw = raw;
    this.freeFn = free;
    releases.register(this, { free, raw }, this);
  }

  free() {
    if (this.raw !== null) {
      releases.unregister(this);
      this.freeFn(this.raw);
      this.raw = null;
    }
  }

  live(call) {
    if (this.raw === null) {
      throw new FemtoError(call, Status.INVALID_STATE, 'used after free()');
    }
    return this.raw;
  }
}

/** A compiled %-style format: `'%(asctime)s %(levelname)s %(message)s'`. */
class Formatter extends Owned {
  constructor(format, datefmt = '') {
    const out = [null];
    check(
      'femto_formatter_new',
      native.femto_formatter_new(
        C.FEMTO_FORMAT_STYLE_PERCENT, format, byteLength(format), datefmt || null, byteLength(datefmt), out,
      ),
    );
    super(out[0], native.femto_formatter_free);
  }
}

function handlerOptions({ level = 0, formatter = null, capacity = 0, overflow = 'block', timeoutMs = 0 } = {}) {
  const policies = { block: C.FEMTO_OVERFLOW_BLOCK, drop: C.FEMTO_OVERFLOW_DROP, timeout: C.FEMTO_OVERFLOW_TIMEOUT };
  if (!(overflow in policies)) {
    throw new TypeError(`overflow must be 'block', 'drop' or 'timeout', not ${util.inspect(overflow)}`);
  }
  return {
    size: koffi.sizeof('femto_handler_options'),
    capacity,
    overflow: policies[overflow],
    timeout_ms: timeoutMs,
    level,
    formatter: formatter ? formatter.live('femto_handler_options') : null,
    name: { ptr: null, len: 0 },
    text_only: false,
    caller_side: false,
    flush_delay_us: 0,
  };
}

/** A handler: a queue and a native worker thread that formats and writes. */
class Handler extends Owned {
  /** Appends to the file at `path`. */
  static file(path, options) {
    const out = [null];
    check('femto_file_handler_new', native.femto_file_handler_new(path, byteLength(path), false, handlerOptions(options), out));
    return new Handler(out[0]);
  }

  /** Writes to standard error. */
  static stderr(options) {
    const out = [null];
    check('femto_stream_handler_new', native.femto_stream_handler_new(C.FEMTO_STREAM_STDERR, handlerOptions(options), out));
    return new Handler(out[0]);
  }

  /**
   * Any kind the configuration format knows, described as an object or its
   * JSON: `{class: 'rotating_file', path: 'app.log', max_bytes: 1048576,
   * backup_count: 3}` (docs/configuration.md).
   */
  static fromDescription(description, options) {
    const json = typeof description === 'string' ? description : JSON.stringify(description);
    const out = [null];
    check('femto_handler_new', native.femto_handler_new(json, byteLength(json), handlerOptions(options), out));
    return new Handler(out[0]);
  }

  constructor(raw) {
    super(raw, native.femto_handler_free);
  }

  /** Returns true once every record handed to the handler is written; false on timeout. */
  flush(timeoutMs = 5000) {
    return check('femto_handler_flush', native.femto_handler_flush(this.live('flush'), timeoutMs)) !== Status.TIMEOUT;
  }

  /** Records written, dropped and failed so far. */
  stats() {
    const out = { size: koffi.sizeof('femto_handler_stats'), written: 0, dropped: 0, errors: 0 };
    check('femto_handler_stats_get', native.femto_handler_stats_get(this.live('stats'), out));
    return out;
  }
}

/** A logger of the process-wide registry; loggers live as long as the process. */
class Logger {
  constructor(raw) {
    this.raw = raw;
    this.name = native.femto_logger_name(raw);
    // The documented head of every femto_logger: its threshold (the
    // effective level folded with femto_disable and the disabled flag), a
    // 32-bit integer the engine keeps current. Reading it here makes a
    // disabled call cost no FFI call; loggers live as long as the process,
    // so the view never dangles.
    this.threshold = new Uint32Array(koffi.view(raw, 4));
  }

  setLevel(level) {
    check('femto_logger_set_level', native.femto_logger_set_level(this.raw, level));
  }

  setPropagate(propagate) {
    check('femto_logger_set_propagate', native.femto_logger_set_propagate(this.raw, propagate));
  }

  /** Attaches `handler`; the logger keeps its own reference. */
  addHandler(handler) {
    check('femto_logger_add_handler', native.femto_logger_add_handler(this.raw, handler.live('addHandler')));
  }

  clearHandlers() {
    check('femto_logger_clear_handlers', native.femto_logger_clear_handlers(this.raw));
  }

  isEnabledFor(level) {
    return level >= 0 && level >= this.threshold[0];
  }

  /**
   * Logs at `level`: `message` with `args` applied by util.format (`%s`,
   * `%d`, `%j`, `%o`), only when the level is enabled. Never throws for a
   * record a full queue dropped (a handler's stats() count it).
   */
  log(level, message, ...args) {
    if (!(level >= 0 && level >= this.threshold[0])) {
      return;
    }
    const text = args.length === 0 && typeof message === 'string' ? message : util.format(message, ...args);
    native.femto_logger_log(this.raw, level, text, byteLength(text));
  }

  debug(message, ...args) {
    this.log(Level.DEBUG, message, ...args);
  }

  info(message, ...args) {
    this.log(Level.INFO, message, ...args);
  }

  warning(message, ...args) {
    this.log(Level.WARNING, message, ...args);
  }

  error(message, ...args) {
    this.log(Level.ERROR, message, ...args);
  }

  critical(message, ...args) {
    this.log(Level.CRITICAL, message, ...args);
  }
}

/** The logger named `name` (dotted: 'app.db'; '' or omitted: the root). */
function getLogger(name = '') {
  const out = [null];
  check('femto_logger_get', native.femto_logger_get(name, byteLength(name), out));
  return new Logger(out[0]);
}

/** Configures the whole process from TOML text (docs/configuration.md). */
function configureToml(text) {
  check('femto_configure_toml', native.femto_configure_toml(text, byteLength(text)));
}

/** Returns true once every record logged before the call is written; false on timeout. */
function flushAll(timeoutMs = 5000) {
  return check('femto_flush_all', native.femto_flush_all(timeoutMs)) !== Status.TIMEOUT;
}

module.exports = {
  Level,
  Status,
  FemtoError,
  Formatter,
  Handler,
  Logger,
  getLogger,
  configureToml,
  flushAll,
  abiVersion: native.femto_abi_version(),
};
