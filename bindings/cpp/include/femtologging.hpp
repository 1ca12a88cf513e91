// femtologging for C++17: a header-only wrapper over the C API in
// <femtologging.h>, logging into the same engine (one registry, one set of
// handler threads) as the C, Python and Rust code of the process.
//
// - Handles are RAII types with move semantics: `femto::handler` and
//   `femto::formatter` own one reference and release it in their destructor;
//   `femto::logger` is a plain value (loggers live as long as the process).
// - Errors: setting up (making handlers and formatters, configuring, getting
//   a logger) throws `femto::error`, a `std::system_error` whose code is in
//   `femto::category()` and whose `what()` carries `femto_last_error()`.
//   Each such call also has a non-throwing overload taking `std::error_code&`.
//   Logging itself never throws: a record a full queue dropped is counted by
//   the handler's statistics, as in C.
// - Logging: `FEMTO_CXX_INFO(log) << "user " << id;` streams into a record
//   only when the level is enabled; below it, nothing to the right of the
//   macro is evaluated. `log.info("text")` logs a ready string with the
//   caller's source location.
//
// Quick start (docs/cpp.md):
//
//     #include <femtologging.hpp>
//     int main() {
//         femto::handler file = femto::handler::file("app.log");
//         femto::logger log("app");
//         log.set_level(femto::level::info);
//         log.add_handler(file);
//         FEMTO_CXX_INFO(log) << "started with " << 4 << " workers";
//         femto::flush_all();
//     }
#ifndef FEMTOLOGGING_HPP
#define FEMTOLOGGING_HPP

#include <femtologging.h>

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#if !defined(__cplusplus) || __cplusplus < 201703L
#error "femtologging.hpp needs C++17 or newer"
#endif

namespace femto {

/// The standard levels (any other number is a custom level).
enum class level : std::int32_t {
    notset = FEMTO_LEVEL_NOTSET,
    trace = FEMTO_LEVEL_TRACE,
    debug = FEMTO_LEVEL_DEBUG,
    info = FEMTO_LEVEL_INFO,
    warning = FEMTO_LEVEL_WARNING,
    error = FEMTO_LEVEL_ERROR,
    critical = FEMTO_LEVEL_CRITICAL,
};

/// The error statuses of the C API, as a `std::error_code` enum.
enum class errc : std::int32_t {
    null_argument = FEMTO_STATUS_NULL_ARGUMENT,
    invalid_argument = FEMTO_STATUS_INVALID_ARGUMENT,
    invalid_state = FEMTO_STATUS_INVALID_STATE,
    io = FEMTO_STATUS_IO,
    panic = FEMTO_STATUS_PANIC,
    struct_too_small = FEMTO_STATUS_STRUCT_TOO_SMALL,
    buffer_too_small = FEMTO_STATUS_BUFFER_TOO_SMALL,
};

namespace detail {
class status_category final : public std::error_category {
  public:
    const char *name() const noexcept override { return "femtologging"; }
    std::string message(int status) const override { return femto_status_message(status); }
};
}  // namespace detail

/// The category of femtologging's error codes (the C API's status numbers).
inline const std::error_category &category() noexcept {
    static const detail::status_category instance;
    return instance;
}

inline std::error_code make_error_code(errc code) noexcept {
    return {static_cast<int>(code), category()};
}

}  // namespace femto

namespace std {
template <>
struct is_error_code_enum<femto::errc> : true_type {};
}  // namespace std

namespace femto {

/// What setting up throws: the status as its `code()`, and the engine's
/// explanation (`femto_last_error()`) in `what()`.
class error : public std::system_error {
  public:
    error(std::error_code code, const std::string &what) : std::system_error(code, what) {}
};

namespace detail {

/// Whether the status is an error (statuses below 7000 are successes).
inline bool failed(femto_status status) noexcept { return status >= FEMTO_STATUS_NULL_ARGUMENT; }

/// The status as a `std::error_code` (empty for a success).
inline std::error_code to_error_code(femto_status status) noexcept {
    return failed(status) ? std::error_code(status, category()) : std::error_code();
}

/// Throws `femto::error` for an error status; `call` names the C function.
inline void check(femto_status status, const char *call) {
    if (failed(status)) {
        throw error(to_error_code(status), std::string(call) + ": " + femto_last_error());
    }
}

/// The library must speak the ABI this header was compiled against.
inline femto_status check_abi() noexcept {
    static const bool compatible = femto_abi_version() == FEMTO_ABI_VERSION;
    return compatible ? FEMTO_STATUS_OK : FEMTO_STATUS_INVALID_STATE;
}

/// Runs `make` (a C call), storing its status in `ec` instead of throwing.
template <typename Make>
inline void into(std::error_code &ec, Make make) noexcept {
    femto_status status = check_abi();
    if (!failed(status)) {
        status = make();
    }
    ec = to_error_code(status);
}

inline femto_str str(std::string_view text) noexcept { return {text.data(), text.size()}; }

/// Owns one engine reference to a `T`, released with `Free`: move-only,
/// empty once moved from.
template <typename T, void (*Free)(T *)>
class owned {
  public:
    owned(owned &&other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
    owned &operator=(owned &&other) noexcept {
        if (this != &other) {
            Free(std::exchange(raw_, std::exchange(other.raw_, nullptr)));
        }
        return *this;
    }
    owned(const owned &) = delete;
    owned &operator=(const owned &) = delete;
    ~owned() { Free(raw_); }

    /// The C handle (still owned by this object); NULL once moved from.
    const T *get() const noexcept { return raw_; }
    explicit operator bool() const noexcept { return raw_ != nullptr; }

  protected:
    explicit owned(T *raw) noexcept : raw_(raw) {}
    T *raw_;
};

}  // namespace detail

/// A formatter: a stdlib-style format string or JSON. Move-only; shareable
/// among handlers (each takes its own reference).
class formatter : public detail::owned<femto_formatter, femto_formatter_free> {
  public:
    enum class style : std::int32_t {
        percent = FEMTO_FORMAT_STYLE_PERCENT,  ///< `%(levelname)s %(message)s`
        brace = FEMTO_FORMAT_STYLE_BRACE,      ///< `{levelname} {message}`
        dollar = FEMTO_FORMAT_STYLE_DOLLAR,    ///< `${levelname} ${message}`
    };

    /// A format in `style`; `datefmt` is a strftime pattern for `asctime`
    /// (empty: `YYYY-MM-DD HH:MM:SS,mmm`).
    static formatter make(std::string_view format, style format_style = style::percent,
                          std::string_view datefmt = {}) {
        std::error_code ec;
        formatter result = make(format, format_style, datefmt, ec);
        detail::check(ec.value(), "femto_formatter_new");
        return result;
    }

    static formatter make(std::string_view format, style format_style, std::string_view datefmt,
                          std::error_code &ec) noexcept {
        femto_formatter *out = nullptr;
        detail::into(ec, [&] {
            return femto_formatter_new(static_cast<femto_format_style>(format_style), format.data(), format.size(),
                                       datefmt.empty() ? nullptr : datefmt.data(), datefmt.size(), &out);
        });
        return formatter(out);
    }

    /// One JSON object per record: the stdlib attribute names, then the
    /// record's key-values.
    static formatter json(std::string_view datefmt = {}) {
        femto_formatter *out = nullptr;
        detail::check(detail::check_abi(), "femto_abi_version");
        detail::check(femto_formatter_new_json(datefmt.empty() ? nullptr : datefmt.data(), datefmt.size(), &out),
                      "femto_formatter_new_json");
        return formatter(out);
    }

  private:
    explicit formatter(femto_formatter *raw) noexcept : owned(raw) {}
};

/// What a full handler queue does with the next record.
enum class overflow : std::int32_t {
    block = FEMTO_OVERFLOW_BLOCK,      ///< wait for room (nothing is lost)
    drop = FEMTO_OVERFLOW_DROP,        ///< drop the record and count it
    timeout = FEMTO_OVERFLOW_TIMEOUT,  ///< wait up to `timeout_ms`, then drop
};

/// The options every handler kind shares; zero values mean the defaults.
struct handler_options {
    level threshold = level::notset;          ///< minimum level passed on
    const formatter *format = nullptr;        ///< NULL: `%(message)s`
    std::uint32_t capacity = 0;               ///< queue records (0: 16384)
    femto::overflow on_full = overflow::block;
    std::uint32_t timeout_ms = 0;             ///< for `overflow::timeout`
    std::string_view name = {};               ///< for messages and the thread

    femto_handler_options to_c() const noexcept {
        femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
        options.capacity = capacity;
        options.overflow = static_cast<femto_overflow>(on_full);
        options.timeout_ms = timeout_ms;
        options.level = static_cast<std::int32_t>(threshold);
        options.formatter = format != nullptr ? format->get() : nullptr;
        options.name = detail::str(name);
        return options;
    }
};

/// Where a stream handler writes.
enum class stream : std::int32_t {
    out = FEMTO_STREAM_STDOUT,
    err = FEMTO_STREAM_STDERR,
};

/// A handler: a queue and a worker thread that formats and writes.
/// Move-only; loggers it is attached to keep their own reference, so the
/// object may go out of scope while records still flow to it.
class handler : public detail::owned<femto_handler, femto_handler_free> {
  public:
    /// Appends to the file at `path` (created if missing).
    static handler file(std::string_view path, const handler_options &options = {}) {
        std::error_code ec;
        handler result = file(path, options, ec);
        detail::check(ec.value(), "femto_file_handler_new");
        return result;
    }
    static handler file(std::string_view path, const handler_options &options, std::error_code &ec) noexcept {
        femto_handler_options c_options = options.to_c();
        return made(ec, [&](femto_handler **out) {
            return femto_file_handler_new(path.data(), path.size(), false, &c_options, out);
        });
    }

    /// Writes to standard output or standard error.
    static handler to_stream(stream target, const handler_options &options = {}) {
        std::error_code ec;
        femto_handler_options c_options = options.to_c();
        handler result = made(ec, [&](femto_handler **out) {
            return femto_stream_handler_new(static_cast<femto_stream>(target), &c_options, out);
        });
        detail::check(ec.value(), "femto_stream_handler_new");
        return result;
    }

    /// Discards every record (a placeholder, or to silence a logger).
    static handler null() {
        std::error_code ec;
        handler result = made(ec, [](femto_handler **out) { return femto_null_handler_new(out); });
        detail::check(ec.value(), "femto_null_handler_new");
        return result;
    }

    /// Any kind the configuration format knows, described in JSON as a
    /// file's `[handlers.<id>]` table: `{"class": "rotating_file", "path":
    /// "app.log", "max_bytes": 1048576, "backup_count": 3}`
    /// (docs/configuration.md lists the classes and their keys).
    static handler from_json(std::string_view description, const handler_options &options = {}) {
        std::error_code ec;
        handler result = from_json(description, options, ec);
        detail::check(ec.value(), "femto_handler_new");
        return result;
    }
    static handler from_json(std::string_view description, const handler_options &options,
                             std::error_code &ec) noexcept {
        femto_handler_options c_options = options.to_c();
        return made(ec, [&](femto_handler **out) {
            return femto_handler_new(description.data(), description.size(), &c_options, out);
        });
    }

    /// Returns once every record handed to this handler before the call is
    /// written; `false` if `timeout_ms` ran out first.
    bool flush(std::uint64_t timeout_ms = 5000) const {
        femto_status status = femto_handler_flush(raw_, timeout_ms);
        detail::check(status, "femto_handler_flush");
        return status != FEMTO_STATUS_TIMEOUT;
    }

    void set_level(level threshold) const {
        detail::check(femto_handler_set_level(raw_, static_cast<std::int32_t>(threshold)), "femto_handler_set_level");
    }

    void set_formatter(const formatter &format) const {
        detail::check(femto_handler_set_formatter(raw_, format.get()), "femto_handler_set_formatter");
    }

    /// Records written, dropped and failed so far.
    femto_handler_stats stats() const {
        femto_handler_stats out = FEMTO_HANDLER_STATS_INIT;
        detail::check(femto_handler_stats_get(raw_, &out), "femto_handler_stats_get");
        return out;
    }

  private:
    explicit handler(femto_handler *raw) noexcept : owned(raw) {}

    template <typename Make>
    static handler made(std::error_code &ec, Make make) noexcept {
        femto_handler *out = nullptr;
        detail::into(ec, [&] { return make(&out); });
        return handler(out);
    }

};

/// A source location, taken where a logging method is called.
struct location {
    const char *file;
    std::uint32_t line;
    const char *function;

#if defined(__GNUC__) || defined(__clang__)
    static constexpr location here(const char *file = __builtin_FILE(), std::uint32_t line = __builtin_LINE(),
                                   const char *function = __builtin_FUNCTION()) noexcept {
        return {file, line, function};
    }
#else
    static constexpr location here() noexcept { return {nullptr, 0, nullptr}; }
#endif
};

/// A logger of the process-wide registry (the one C and Python use). A
/// cheap value to copy: loggers live as long as the process.
class logger {
  public:
    /// The logger named `name` (dotted: `"app.db"`), made on first use.
    explicit logger(std::string_view name) : raw_(nullptr) {
        detail::check(detail::check_abi(), "femto_abi_version");
        detail::check(femto_logger_get(name.data(), name.size(), &raw_), "femto_logger_get");
    }
    logger(std::string_view name, std::error_code &ec) noexcept : raw_(nullptr) {
        detail::into(ec, [&] { return femto_logger_get(name.data(), name.size(), &raw_); });
    }

    /// The root logger.
    static logger root() { return logger(std::string_view()); }

    /// Wraps a logger the C API gave out.
    explicit logger(const femto_logger *raw) noexcept : raw_(raw) {}

    /// Whether a record at `at` would be made (one relaxed atomic load).
    bool enabled(level at) const noexcept { return femto_logger_enabled_(raw_, static_cast<std::int32_t>(at)); }

    void set_level(level threshold) const {
        detail::check(femto_logger_set_level(raw_, static_cast<std::int32_t>(threshold)), "femto_logger_set_level");
    }
    void set_propagate(bool propagate) const {
        detail::check(femto_logger_set_propagate(raw_, propagate), "femto_logger_set_propagate");
    }
    /// Attaches `target` (the logger takes its own reference; twice is once).
    void add_handler(const handler &target) const {
        detail::check(femto_logger_add_handler(raw_, target.get()), "femto_logger_add_handler");
    }
    void remove_handler(const handler &target) const {
        detail::check(femto_logger_remove_handler(raw_, target.get()), "femto_logger_remove_handler");
    }
    void clear_handlers() const { detail::check(femto_logger_clear_handlers(raw_), "femto_logger_clear_handlers"); }

    /// The logger's name ("root" for the root logger).
    std::string_view name() const noexcept { return femto_logger_name(raw_); }

    /// Logs a ready message at `at`. Never throws; returns the C status
    /// (`FEMTO_STATUS_DROPPED` when a handler's full queue dropped it).
    femto_status log(level at, std::string_view message, location where = location::here()) const noexcept {
        return log_at(static_cast<std::int32_t>(at), message, where);
    }
    femto_status log_at(std::int32_t at, std::string_view message, location where) const noexcept {
        if (!femto_logger_enabled_(raw_, at)) {
            return FEMTO_STATUS_OK;
        }
        const char *file = where.file != nullptr ? where.file : "";
        const char *function = where.function != nullptr ? where.function : "";
        return femto_logger_log_at(raw_, at, message.data(), message.size(), file, std::char_traits<char>::length(file),
                                   where.line, function, std::char_traits<char>::length(function));
    }

    femto_status trace(std::string_view m, location w = location::here()) const noexcept { return log(level::trace, m, w); }
    femto_status debug(std::string_view m, location w = location::here()) const noexcept { return log(level::debug, m, w); }
    femto_status info(std::string_view m, location w = location::here()) const noexcept { return log(level::info, m, w); }
    femto_status warning(std::string_view m, location w = location::here()) const noexcept {
        return log(level::warning, m, w);
    }
    femto_status error(std::string_view m, location w = location::here()) const noexcept { return log(level::error, m, w); }
    femto_status critical(std::string_view m, location w = location::here()) const noexcept {
        return log(level::critical, m, w);
    }

    /// The C handle (never to be freed).
    const femto_logger *get() const noexcept { return raw_; }

  private:
    const femto_logger *raw_;
};

namespace detail {

/// The `FEMTO_CXX_*` macros' level check: evaluates the logger and level
/// once, and is open (once) only when the level is enabled.
class gate {
  public:
    gate(const logger &target, level at) noexcept : target_(target), level_(at), open_(target.enabled(at)) {}
    bool open() const noexcept { return open_; }
    void close() noexcept { open_ = false; }
    const logger &target() const noexcept { return target_; }
    level at() const noexcept { return level_; }

  private:
    logger target_;
    level level_;
    bool open_;
};

/// A stream buffer appending to a string that keeps its capacity.
class text_buffer : public std::streambuf {
  public:
    std::string text;

  private:
    int_type overflow(int_type c) override {
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            text.push_back(traits_type::to_char_type(c));
        }
        return traits_type::not_eof(c);
    }
    std::streamsize xsputn(const char *data, std::streamsize count) override {
        text.append(data, static_cast<std::size_t>(count));
        return count;
    }
};

/// A stream into a `text_buffer`, made once and reused record after record.
struct text_stream {
    text_buffer buffer;
    std::ostream stream{&buffer};

    /// Empties the text and restores the default format state (a record's
    /// `std::hex` or `std::setprecision` does not reach the next record).
    void reset() {
        buffer.text.clear();
        stream.clear();
        stream.flags(std::ios_base::dec | std::ios_base::skipws);
        stream.precision(6);
        stream.width(0);
        stream.fill(' ');
    }
};

/// The calling thread's reusable stream, and whether a record is using it.
struct thread_stream {
    text_stream stream;
    bool busy = false;
};

inline thread_stream &this_thread_stream() {
    thread_local thread_stream instance;
    return instance;
}

/// One streamed record, made only behind an open `gate`: a temporary that
/// logs its text when the macro's full expression ends. It writes into the
/// thread's reusable stream, so a record allocates nothing once the
/// stream's string is large enough; a record streamed while another is
/// being made on the same thread (an `operator<<` that logs) gets its own.
class line {
  public:
    line(const gate &through, location where) : through_(through), where_(where) {
        thread_stream &shared = this_thread_stream();
        if (!shared.busy) {
            shared.busy = true;
            shared_ = &shared;
            stream_ = &shared.stream;
        } else {
            own_.reset(new text_stream());
            stream_ = own_.get();
        }
        stream_->reset();
    }
    line(const line &) = delete;
    line &operator=(const line &) = delete;
    ~line() {
        through_.target().log_at(static_cast<std::int32_t>(through_.at()), stream_->buffer.text, where_);
        if (shared_ != nullptr) {
            shared_->busy = false;
        }
    }
    std::ostream &stream() noexcept { return stream_->stream; }

  private:
    const gate &through_;
    location where_;
    thread_stream *shared_ = nullptr;
    std::unique_ptr<text_stream> own_;
    text_stream *stream_;
};

}  // namespace detail

/// Configures the whole process from TOML text (docs/configuration.md);
/// the handlers it replaces are flushed and retired.
inline void configure_toml(std::string_view text) {
    detail::check(detail::check_abi(), "femto_abi_version");
    detail::check(femto_configure_toml(text.data(), text.size()), "femto_configure_toml");
}
inline void configure_toml(std::string_view text, std::error_code &ec) noexcept {
    detail::into(ec, [&] { return femto_configure_toml(text.data(), text.size()); });
}

/// Configures the whole process from a TOML or JSON file (by extension).
inline void configure_file(std::string_view path) {
    detail::check(detail::check_abi(), "femto_abi_version");
    detail::check(femto_configure_file(path.data(), path.size()), "femto_configure_file");
}
inline void configure_file(std::string_view path, std::error_code &ec) noexcept {
    detail::into(ec, [&] { return femto_configure_file(path.data(), path.size()); });
}

/// Returns once every record logged before the call is written by every
/// handler; `false` if `timeout_ms` ran out first.
inline bool flush_all(std::uint64_t timeout_ms = 5000) {
    femto_status status = femto_flush_all(timeout_ms);
    detail::check(status, "femto_flush_all");
    return status != FEMTO_STATUS_TIMEOUT;
}

}  // namespace femto

/// Streams one record at `level` into `logger` (a `femto::logger`), with the
/// source location: `FEMTO_CXX_LOG(log, femto::level::info) << "n=" << n;`.
/// Below the logger's level, nothing after the macro is evaluated. The
/// `for` makes it one statement (safe under `if`/`else`) whose body runs at
/// most once; the record is logged when that statement ends.
#define FEMTO_CXX_LOG(logger, level)                                                               \
    for (::femto::detail::gate femto_cxx_gate_((logger), (level)); femto_cxx_gate_.open();         \
         femto_cxx_gate_.close())                                                                  \
    ::femto::detail::line(femto_cxx_gate_, ::femto::location{__FILE__, __LINE__, __func__}).stream()

#define FEMTO_CXX_TRACE(logger) FEMTO_CXX_LOG(logger, ::femto::level::trace)
#define FEMTO_CXX_DEBUG(logger) FEMTO_CXX_LOG(logger, ::femto::level::debug)
#define FEMTO_CXX_INFO(logger) FEMTO_CXX_LOG(logger, ::femto::level::info)
#define FEMTO_CXX_WARNING(logger) FEMTO_CXX_LOG(logger, ::femto::level::warning)
#define FEMTO_CXX_ERROR(logger) FEMTO_CXX_LOG(logger, ::femto::level::error)
#define FEMTO_CXX_CRITICAL(logger) FEMTO_CXX_LOG(logger, ::femto::level::critical)

#endif  // FEMTOLOGGING_HPP
