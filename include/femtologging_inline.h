/*
 * femtologging: initialisers and logging macros over femtologging.h.
 * Included at the end of femtologging.h; not for inclusion on its own.
 * Header-only: nothing here is in the function table.
 */
#ifndef FEMTOLOGGING_INLINE_H
#define FEMTOLOGGING_INLINE_H

#ifndef FEMTOLOGGING_H
#error "include <femtologging.h>, which includes this file"
#endif


/** Initialiser for `femto_handler_options`: every option at its default. */
#define FEMTO_HANDLER_OPTIONS_INIT \
    { sizeof(femto_handler_options), 0, FEMTO_OVERFLOW_BLOCK, 0, 0, NULL, { NULL, 0 }, false, false, 0 }

/** Initialiser for `femto_formatter_options`: no escaping, local time. */
#define FEMTO_FORMATTER_OPTIONS_INIT { sizeof(femto_formatter_options), false, false }

/** Initialiser for `femto_handler_stats` before `femto_handler_stats_get`. */
#define FEMTO_HANDLER_STATS_INIT { sizeof(femto_handler_stats), 0, 0, 0 }

/** Initialiser for `femto_file_options`: append, open at once, no watching. */
#define FEMTO_FILE_OPTIONS_INIT { sizeof(femto_file_options), false, false, false }

/** Initialiser for `femto_rotation_options`: never rotate, no backups, append. */
#define FEMTO_ROTATION_OPTIONS_INIT { sizeof(femto_rotation_options), 0, 0, false, false }

/** Initialiser for `femto_timed_rotation_options`: hourly, local time, keep every backup. */
#define FEMTO_TIMED_ROTATION_OPTIONS_INIT \
    { sizeof(femto_timed_rotation_options), { NULL, 0 }, 0, false, false, 0, 0, 0, 0, false, NULL, NULL, NULL, NULL }

/** Initialiser for `femto_socket_options`: no transport yet, every other option at its default. */
#define FEMTO_SOCKET_OPTIONS_INIT \
    { sizeof(femto_socket_options), { NULL, 0 }, 0, { NULL, 0 }, false, { NULL, 0 }, { NULL, 0 }, \
      { NULL, 0 }, { NULL, 0 }, false, 0, 0, 0, 0, 0, 0, 0, 0 }

/** Initialiser for `femto_receiver_stats` before `femto_receiver_stats_get`. */
#define FEMTO_RECEIVER_STATS_INIT { sizeof(femto_receiver_stats), 0, 0, 0 }

/** Initialiser for `femto_log_args`: level NOTSET, every field absent. */
#define FEMTO_LOG_ARGS_INIT \
    { sizeof(femto_log_args), 0, { NULL, 0 }, { NULL, 0 }, 0, { NULL, 0 }, { NULL, 0 }, \
      NULL, 0, { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, 0, 0, false }

/** A `femto_str` initialiser for a string literal. */
#define FEMTO_STR(literal) { (literal), sizeof(literal) - 1 }

/** A `femto_str` viewing a NUL-terminated string (NULL gives `{NULL, 0}`). */
static inline femto_str femto_str_from_cstr(const char *text) {
    femto_str result;
    result.ptr = text;
    result.len = text ? strlen(text) : 0;
    return result;
}

#if defined(__GNUC__) || defined(__clang__)
#define FEMTO_PRINTF_LIKE(format_index, first_arg) \
    __attribute__((format(printf, format_index, first_arg), nonnull(format_index)))
#else
#define FEMTO_PRINTF_LIKE(format_index, first_arg)
#endif

/**
 * Formats with printf rules and logs with a source location (`file` and
 * `function` with their byte lengths, as every string of the C API). The
 * FEMTO_* macros call this after checking the level; prefer them. Messages
 * up to 511 bytes are formatted on the stack, longer ones on the heap.
 */
static inline femto_status femto_logf_at(const femto_logger *logger, int32_t level, const char *file,
                                         size_t file_len, uint32_t line, const char *function,
                                         size_t function_len, const char *format, ...)
    FEMTO_PRINTF_LIKE(8, 9);

/* Writes the decimal digits of `magnitude`, with a '-' when `negative`,
 * ending at `end`; returns where they start. Two digits a division. */
static inline char *femto_digits_(char *end, unsigned long long magnitude, bool negative) {
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    while (magnitude >= 100) {
        const char *pair = pairs + 2 * (magnitude % 100);
        magnitude /= 100;
        *--end = pair[1];
        *--end = pair[0];
    }
    if (magnitude >= 10) {
        const char *pair = pairs + 2 * magnitude;
        *--end = pair[1];
        *--end = pair[0];
    } else {
        *--end = (char)('0' + (int)magnitude);
    }
    if (negative) {
        *--end = '-';
    }
    return end;
}

/* Reads and writes eight bytes at a time where the byte order allows
 * finding the first '%' in a word with one count of trailing zeros. */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FEMTO_WORD_SCAN_ 1
#endif

/**
 * printf for the conversions log messages use most, without the C
 * library's stream machinery (several times faster than vsnprintf): `%d`,
 * `%i`, `%u`, `%x`, `%X`, `%s`, `%c` and `%%`, with the length modifiers
 * `hh`, `h`, `l`, `ll`, `z`, `j` and `t`. Writes the text and a NUL into
 * `out` (`capacity` bytes) and returns its length, exactly as vsnprintf
 * would (the bytes after the NUL, within `capacity`, may change); returns
 * -1, for the caller to use vsnprintf, on anything else (flags, width,
 * precision, `%f`, `%p`, a NULL `%s`) or when the text does not fit.
 * Consumes `args` either way.
 *
 * Literal text moves eight bytes at a time while both the format and the
 * room left allow a whole word (a byte at a time cost half the call), and
 * a number's digits with one fixed-size copy.
 */
static inline int femto_format_simple_(char *out, size_t capacity, const char *format, va_list args) {
    if (capacity == 0) {
        return -1;
    }
    const char *p = format;
    const char *const format_end = format + strlen(format);
    char *to = out;
    char *const last = out + capacity - 1; /* where the NUL goes at the latest */
    for (;;) {
        /* Literal text up to the next '%' or the end of the format. */
#ifdef FEMTO_WORD_SCAN_
        while (format_end - p >= 8 && last - to >= 8) {
            uint64_t word;
            memcpy(&word, p, 8);
            /* Stored whole: bytes after a '%' are written over by what
             * follows, or lie past the final NUL (within `capacity`). */
            memcpy(to, &word, 8);
            uint64_t x = word ^ 0x2525252525252525ULL;
            uint64_t percent = (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
            if (percent != 0) {
                /* The lowest flagged byte is the first '%' (a borrow only
                 * flags bytes above a real match). */
                size_t before = (size_t)__builtin_ctzll(percent) >> 3;
                p += before;
                to += before;
                break;
            }
            p += 8;
            to += 8;
        }
#endif
        while (p < format_end && *p != '%') {
            if (to == last) {
                return -1;
            }
            *to++ = *p++;
        }
        if (p == format_end) {
            break;
        }
        p++;
        int size = 0; /* -2 hh, -1 h, 0 int, 1 l, 2 ll, 3 size_t, 4 intmax_t, 5 ptrdiff_t */
        if (p[0] == 'h' && p[1] == 'h') { size = -2; p += 2; }
        else if (p[0] == 'h') { size = -1; p++; }
        else if (p[0] == 'l' && p[1] == 'l') { size = 2; p += 2; }
        else if (p[0] == 'l') { size = 1; p++; }
        else if (p[0] == 'z') { size = 3; p++; }
        else if (p[0] == 'j') { size = 4; p++; }
        else if (p[0] == 't') { size = 5; p++; }
        char conversion = *p++;
        /* Digits end at digits + 24 (a 64-bit number and its sign take at
         * most 21); the 24 bytes after let a fixed-size copy read past them. */
        char digits[48];
        char *const digits_end = digits + 24;
        const char *piece;
        size_t length;
        if (conversion == 'd' || conversion == 'i') {
            long long value;
            switch (size) {
            case -2: value = (signed char)va_arg(args, int); break;
            case -1: value = (short)va_arg(args, int); break;
            case 1: value = va_arg(args, long); break;
            case 2: value = va_arg(args, long long); break;
            case 3: value = (long long)(ptrdiff_t)va_arg(args, size_t); break;
            case 4: value = (long long)va_arg(args, intmax_t); break;
            case 5: value = (long long)va_arg(args, ptrdiff_t); break;
            default: value = va_arg(args, int); break;
            }
            unsigned long long magnitude = value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
            piece = femto_digits_(digits_end, magnitude, value < 0);
        } else if (conversion == 'u' || conversion == 'x' || conversion == 'X') {
            unsigned long long value;
            switch (size) {
            case -2: value = (unsigned char)va_arg(args, unsigned int); break;
            case -1: value = (unsigned short)va_arg(args, unsigned int); break;
            case 1: value = va_arg(args, unsigned long); break;
            case 2: value = va_arg(args, unsigned long long); break;
            case 3: value = va_arg(args, size_t); break;
            case 4: value = (unsigned long long)va_arg(args, uintmax_t); break;
            case 5: value = (unsigned long long)(size_t)va_arg(args, ptrdiff_t); break;
            default: value = va_arg(args, unsigned int); break;
            }
            if (conversion == 'u') {
                piece = femto_digits_(digits_end, value, false);
            } else {
                const char *hex = conversion == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";
                char *at = digits_end;
                do {
                    *--at = hex[value & 15];
                    value >>= 4;
                } while (value != 0);
                piece = at;
            }
        } else if (conversion == 's' && size == 0) {
            piece = va_arg(args, const char *);
            if (piece == NULL) {
                return -1;
            }
            length = strlen(piece);
            if (length > (size_t)(last - to)) {
                return -1;
            }
            memcpy(to, piece, length);
            to += length;
            continue;
        } else if ((conversion == 'c' || conversion == '%') && size == 0) {
            if (to == last) {
                return -1;
            }
            *to++ = conversion == 'c' ? (char)va_arg(args, int) : '%';
            continue;
        } else {
            return -1;
        }
        length = (size_t)(digits_end - piece);
        if (last - to >= 24) {
            memcpy(to, piece, 24);
        } else if (length <= (size_t)(last - to)) {
            memcpy(to, piece, length);
        } else {
            return -1;
        }
        to += length;
    }
    *to = '\0';
    return (int)(to - out);
}

static inline femto_status femto_logf_at(const femto_logger *logger, int32_t level, const char *file,
                                         size_t file_len, uint32_t line, const char *function,
                                         size_t function_len, const char *format, ...) {
    char stack_buffer[512];
    va_list args;
    va_start(args, format);
    int simple = femto_format_simple_(stack_buffer, sizeof stack_buffer, format, args);
    va_end(args);
    if (simple >= 0) {
        return femto_logger_log_at(logger, level, stack_buffer, (size_t)simple, file, file_len, line,
                                   function, function_len);
    }
    va_start(args, format);
    int needed = vsnprintf(stack_buffer, sizeof stack_buffer, format, args);
    va_end(args);
    if (needed < 0) {
        return femto_logger_log_at(logger, level, format, strlen(format), file, file_len, line,
                                   function, function_len);
    }
    if ((size_t)needed < sizeof stack_buffer) {
        return femto_logger_log_at(logger, level, stack_buffer, (size_t)needed, file, file_len, line,
                                   function, function_len);
    }
    char *heap_buffer = (char *)malloc((size_t)needed + 1);
    if (heap_buffer == NULL) {
        return femto_logger_log_at(logger, level, stack_buffer, sizeof stack_buffer - 1, file, file_len, line,
                                   function, function_len);
    }
    va_start(args, format);
    vsnprintf(heap_buffer, (size_t)needed + 1, format, args);
    va_end(args);
    femto_status status = femto_logger_log_at(logger, level, heap_buffer, (size_t)needed, file, file_len, line,
                                              function, function_len);
    free(heap_buffer);
    return status;
}

/**
 * Calls below this level compile to nothing: `-DFEMTO_MIN_LEVEL=20` removes
 * FEMTO_TRACE and FEMTO_DEBUG, arguments included.
 */
#ifndef FEMTO_MIN_LEVEL
#define FEMTO_MIN_LEVEL 0
#endif

/**
 * The documented head of every `femto_logger` (part of the ABI): its first
 * four bytes are its threshold, the effective level folded with
 * `femto_disable` and the disabled flag, an atomic 32-bit unsigned integer
 * the engine keeps current. `femto_logger_enabled_` reads it with a relaxed
 * atomic load (C11 <stdatomic.h>, or C++ <atomic>), so the macros' disabled
 * call formats nothing and calls nothing. Thread-safe.
 */
#if defined(__cplusplus) && __cplusplus >= 201703L
#include <atomic>
static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) && std::atomic<uint32_t>::is_always_lock_free,
              "femto_logger_enabled_ reads the threshold as a lock-free std::atomic<uint32_t>");
static inline bool femto_logger_enabled_(const femto_logger *logger, int32_t level) {
    return logger != NULL && level >= 0 &&
           (uint32_t)level >= reinterpret_cast<const std::atomic<uint32_t> *>(logger)->load(std::memory_order_relaxed);
}
#elif !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L && \
    !defined(__STDC_NO_ATOMICS__)
#include <stdatomic.h>
static inline bool femto_logger_enabled_(const femto_logger *logger, int32_t level) {
    return logger != NULL && level >= 0 &&
           (uint32_t)level >= atomic_load_explicit((_Atomic uint32_t *)(uintptr_t)logger, memory_order_relaxed);
}
#else
/* Older C and C++: the same answer through a call. */
static inline bool femto_logger_enabled_(const femto_logger *logger, int32_t level) {
    return femto_logger_is_enabled_for(logger, level);
}
#endif

/**
 * Logs a printf-style message at `level` through `logger`, capturing
 * __FILE__, __LINE__ and __func__. The level is checked first: a disabled
 * call evaluates no message argument and formats nothing. `logger` and
 * `level` are evaluated exactly once.
 */
#define FEMTO_LOG(logger, level, ...)                                                         \
    do {                                                                                      \
        const femto_logger *femto_log_logger_ = (logger);                                     \
        int32_t femto_log_level_ = (level);                                                   \
        if (femto_logger_enabled_(femto_log_logger_, femto_log_level_)) {                     \
            (void)femto_logf_at(femto_log_logger_, femto_log_level_, __FILE__,                \
                                sizeof(__FILE__) - 1, (uint32_t)__LINE__, __func__,           \
                                sizeof(__func__) - 1, __VA_ARGS__);                           \
        }                                                                                     \
    } while (0)

#define FEMTO_LOG_DISABLED_(logger) \
    do {                            \
        (void)(logger);             \
    } while (0)

#if FEMTO_MIN_LEVEL <= FEMTO_LEVEL_TRACE
#define FEMTO_TRACE(logger, ...) FEMTO_LOG(logger, FEMTO_LEVEL_TRACE, __VA_ARGS__)
#else
#define FEMTO_TRACE(logger, ...) FEMTO_LOG_DISABLED_(logger)
#endif
#if FEMTO_MIN_LEVEL <= FEMTO_LEVEL_DEBUG
#define FEMTO_DEBUG(logger, ...) FEMTO_LOG(logger, FEMTO_LEVEL_DEBUG, __VA_ARGS__)
#else
#define FEMTO_DEBUG(logger, ...) FEMTO_LOG_DISABLED_(logger)
#endif
#if FEMTO_MIN_LEVEL <= FEMTO_LEVEL_INFO
#define FEMTO_INFO(logger, ...) FEMTO_LOG(logger, FEMTO_LEVEL_INFO, __VA_ARGS__)
#else
#define FEMTO_INFO(logger, ...) FEMTO_LOG_DISABLED_(logger)
#endif
#if FEMTO_MIN_LEVEL <= FEMTO_LEVEL_WARNING
#define FEMTO_WARNING(logger, ...) FEMTO_LOG(logger, FEMTO_LEVEL_WARNING, __VA_ARGS__)
#else
#define FEMTO_WARNING(logger, ...) FEMTO_LOG_DISABLED_(logger)
#endif
#if FEMTO_MIN_LEVEL <= FEMTO_LEVEL_ERROR
#define FEMTO_ERROR(logger, ...) FEMTO_LOG(logger, FEMTO_LEVEL_ERROR, __VA_ARGS__)
#else
#define FEMTO_ERROR(logger, ...) FEMTO_LOG_DISABLED_(logger)
#endif
#if FEMTO_MIN_LEVEL <= FEMTO_LEVEL_CRITICAL
#define FEMTO_CRITICAL(logger, ...) FEMTO_LOG(logger, FEMTO_LEVEL_CRITICAL, __VA_ARGS__)
#else
#define FEMTO_CRITICAL(logger, ...) FEMTO_LOG_DISABLED_(logger)
#endif

#endif /* FEMTOLOGGING_INLINE_H */
