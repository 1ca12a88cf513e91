/* The C API end to end through a collecting callback handler: macros
 * (level checked before formatting, source location, long messages,
 * FEMTO_MIN_LEVEL), log_ex fields, formatters, filters, propagation, the
 * error hook. Built twice: as is, and with -DFEMTO_MIN_LEVEL=30. */
#include "check.h"

#include <time.h>

enum { MAX_LINES = 64 };

struct collector {
    char *lines[MAX_LINES];
    int count;
    uint32_t last_line;
    char last_function[64];
    char last_kv[64];
};

static int32_t collect(void *user_data, const femto_record *record, const char *text, size_t len) {
    struct collector *c = (struct collector *)user_data;
    CHECK(c->count < MAX_LINES);
    char *copy = (char *)malloc(len + 1);
    CHECK(copy != NULL);
    memcpy(copy, text, len);
    copy[len] = '\0';
    c->lines[c->count++] = copy;
    c->last_line = record->line;
    snprintf(c->last_function, sizeof c->last_function, "%.*s", (int)record->function.len,
             record->function.ptr ? record->function.ptr : "");
    c->last_kv[0] = '\0';
    if (record->key_value_count > 0) {
        snprintf(c->last_kv, sizeof c->last_kv, "%.*s=%.*s", (int)record->key_values[0].key.len,
                 record->key_values[0].key.ptr, (int)record->key_values[0].value.len, record->key_values[0].value.ptr);
    }
    return strstr(copy, "FAIL-ME") ? 5 : 0;
}

static void reset(struct collector *c) {
    for (int i = 0; i < c->count; i++) {
        free(c->lines[i]);
    }
    c->count = 0;
}

/* A collecting handler; takes over the caller's reference to `formatter`. */
static femto_handler *collecting_handler(struct collector *c, femto_formatter *formatter) {
    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    options.formatter = formatter;
    femto_handler *handler = NULL;
    CHECK_OK(femto_callback_handler_new(collect, NULL, c, NULL, &options, &handler));
    femto_formatter_free(formatter);
    return handler;
}

static int evaluations;
static int counted(int value) {
    evaluations++;
    return value;
}

static int logger_evaluations, level_evaluations;
static const femto_logger *counted_logger(const femto_logger *logger) {
    logger_evaluations++;
    return logger;
}
static int32_t counted_level(int32_t level) {
    level_evaluations++;
    return level;
}

static bool reject_secret(void *user_data, const femto_record *record) {
    (void)user_data;
    return !(record->message.len >= 6 && memcmp(record->message.ptr, "secret", 6) == 0);
}

struct hook_seen {
    int calls;
    int kind;
};

static void on_error(void *user_data, const char *handler, size_t handler_len, int32_t kind, const char *message,
                     size_t message_len) {
    (void)handler, (void)handler_len, (void)message;
    struct hook_seen *seen = (struct hook_seen *)user_data;
    seen->calls++;
    seen->kind = kind;
    CHECK(message_len > 0);
}

/* A host-rendered format; "skip" makes it fail (the record is skipped). */
static int32_t bracket(void *user_data, const femto_record *record, femto_text *out) {
    (void)user_data;
    if (record->message.len == 4 && memcmp(record->message.ptr, "skip", 4) == 0) {
        return 5;
    }
    CHECK_OK(femto_text_append(out, "<", 1));
    CHECK_OK(femto_text_append(out, record->message.ptr, record->message.len));
    CHECK(femto_text_append(out, "\xff", 1) == FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK(femto_text_append(NULL, "x", 1) == FEMTO_STATUS_NULL_ARGUMENT);
    CHECK_OK(femto_text_append(out, ">", 1));
    return 0;
}

/* Wait hooks: count the waits of logging threads on a full queue. */
static int waits_begun, waits_ended;
static void *wait_begin(void *user_data) {
    (void)user_data;
    waits_begun++;
    return &waits_ended;
}
static void wait_end(void *user_data, void *token) {
    (void)user_data;
    CHECK(token == &waits_ended);
    waits_ended++;
}
static int32_t slow_write(void *user_data, const femto_record *record, const char *text, size_t len) {
    (void)user_data, (void)record, (void)text, (void)len;
    struct timespec pause = {0, 200000};
    nanosleep(&pause, NULL);
    return 0;
}

static void count_destroy(void *user_data) {
    (*(int *)user_data)++;
}

int main(void) {
    struct collector c;
    memset(&c, 0, sizeof c);
    const femto_logger *logger = get_logger("feat.macros");
    femto_handler *handler = collecting_handler(&c, percent_formatter("%(levelname)s %(name)s %(funcName)s %(message)s"));
    CHECK_OK(femto_logger_add_handler(logger, handler));
    CHECK_OK(femto_logger_set_level(logger, FEMTO_LEVEL_INFO));

    /* A disabled call evaluates no argument. */
    FEMTO_DEBUG(logger, "%d", counted(1));
    CHECK(evaluations == 0);
    FEMTO_WARNING(logger, "value %d", counted(7));
    int expected_line = __LINE__ - 1;
    FEMTO_INFO(logger, "info %s", "shown unless FEMTO_MIN_LEVEL > 20");
    CHECK_OK(femto_handler_flush(handler, 10000));
    CHECK(evaluations == 1);
#if FEMTO_MIN_LEVEL > FEMTO_LEVEL_INFO
    CHECK(c.count == 1);
    CHECK(strcmp(c.lines[0], "WARNING feat.macros main value 7") == 0);
    (void)expected_line, (void)on_error, (void)reject_secret; /* used by the full build */
    (void)counted_logger, (void)counted_level, (void)bracket, (void)count_destroy;
    (void)wait_begin, (void)wait_end, (void)slow_write;
    printf("test_features (FEMTO_MIN_LEVEL=%d): INFO compiled out\n", FEMTO_MIN_LEVEL);
    reset(&c);
    femto_handler_free(handler);
    return 0;
#else
    CHECK(c.count == 2);
    CHECK(strcmp(c.lines[0], "WARNING feat.macros main value 7") == 0);
    CHECK(c.last_line == (uint32_t)expected_line + 2); /* the INFO call */
    CHECK(strcmp(c.last_function, "main") == 0);
    reset(&c);

    /* FEMTO_LOG evaluates its logger and level once, enabled or not. */
    FEMTO_LOG(counted_logger(logger), counted_level(FEMTO_LEVEL_ERROR), "once %d", 1);
    FEMTO_LOG(counted_logger(logger), counted_level(FEMTO_LEVEL_DEBUG), "disabled %d", 2);
    CHECK(logger_evaluations == 2 && level_evaluations == 2);
    CHECK_OK(femto_handler_flush(handler, 10000));
    CHECK(c.count == 1 && strcmp(c.lines[0], "ERROR feat.macros main once 1") == 0);
    reset(&c);

    /* Messages longer than the stack buffer arrive whole. */
    char long_text[2000];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    FEMTO_ERROR(logger, "%s|end", long_text);
    CHECK_OK(femto_handler_flush(handler, 10000));
    CHECK(c.count == 1 && strlen(c.lines[0]) == strlen("ERROR feat.macros main ") + 1999 + 4);
    reset(&c);

    /* log_ex: key-values, exception text, thread name override. */
    femto_handler *kv_handler = collecting_handler(&c, percent_formatter("%(threadName)s %(user)s %(message)s"));
    const femto_logger *kv_logger = get_logger("feat.kv");
    CHECK_OK(femto_logger_add_handler(kv_logger, kv_handler));
    femto_kv kvs[1] = {{FEMTO_STR("user"), FEMTO_STR("ann")}};
    femto_log_args args = FEMTO_LOG_ARGS_INIT;
    args.level = FEMTO_LEVEL_ERROR;
    args.message = femto_str_from_cstr("failed");
    args.key_values = kvs;
    args.key_value_count = 1;
    args.exception = femto_str_from_cstr("Traceback: boom");
    args.thread_name = femto_str_from_cstr("worker-9");
    CHECK_OK(femto_logger_log_ex(kv_logger, &args));
    CHECK_OK(femto_handler_flush(kv_handler, 10000));
    CHECK(c.count == 1);
    CHECK(strcmp(c.lines[0], "worker-9 ann failed\nTraceback: boom") == 0);
    CHECK(strcmp(c.last_kv, "user=ann") == 0);
    reset(&c);

    /* Formatter styles and JSON. */
    femto_formatter *brace = NULL, *json = NULL;
    CHECK_OK(femto_formatter_new(FEMTO_FORMAT_STYLE_BRACE, "{levelname:<8}|{message}", 24, NULL, 0, &brace));
    CHECK_OK(femto_handler_set_formatter(kv_handler, brace));
    femto_formatter_free(brace);
    CHECK_OK(femto_logger_log(kv_logger, FEMTO_LEVEL_ERROR, "braced", 6));
    CHECK_OK(femto_formatter_new_json(NULL, 0, &json));
    CHECK_OK(femto_handler_set_formatter(kv_handler, json));
    femto_formatter_free(json);
    CHECK_OK(femto_logger_log(kv_logger, FEMTO_LEVEL_ERROR, "quote\"d", 7));
    CHECK_OK(femto_handler_flush(kv_handler, 10000));
    CHECK(c.count == 2);
    CHECK(strcmp(c.lines[0], "ERROR   |braced") == 0);
    CHECK(strstr(c.lines[1], "\"message\":\"quote\\\"d\"") != NULL);
    CHECK(strstr(c.lines[1], "\"levelname\":\"ERROR\"") != NULL);
    reset(&c);

    /* Filters: a callback filter on the logger, a name filter and a level
     * filter on the handler, and propagation to the parent's handler. */
    const femto_logger *parent = get_logger("feat");
    const femto_logger *child = get_logger("feat.child");
    femto_handler *parent_handler = collecting_handler(&c, percent_formatter("%(name)s:%(message)s"));
    CHECK_OK(femto_logger_add_handler(parent, parent_handler));
    CHECK_OK(femto_logger_set_level(parent, FEMTO_LEVEL_DEBUG));
    femto_filter *secret = NULL, *by_name = NULL, *by_level = NULL;
    CHECK_OK(femto_filter_new_callback(reject_secret, NULL, NULL, &secret));
    CHECK_OK(femto_logger_add_filter(child, secret));
    CHECK_OK(femto_logger_log(child, FEMTO_LEVEL_INFO, "secret stuff", 12));
    CHECK_OK(femto_logger_log(child, FEMTO_LEVEL_INFO, "public", 6));
    CHECK_OK(femto_filter_new_name("feat.child", 10, &by_name));
    CHECK_OK(femto_handler_add_filter(parent_handler, by_name));
    CHECK_OK(femto_logger_log(parent, FEMTO_LEVEL_INFO, "from parent", 11));
    CHECK_OK(femto_filter_new_level(FEMTO_LEVEL_WARNING, FEMTO_LEVEL_WARNING, &by_level));
    CHECK_OK(femto_handler_add_filter(parent_handler, by_level));
    CHECK_OK(femto_logger_log(child, FEMTO_LEVEL_INFO, "info dropped", 12));
    CHECK_OK(femto_logger_log(child, FEMTO_LEVEL_WARNING, "warning kept", 12));
    CHECK_OK(femto_logger_set_propagate(child, false));
    CHECK_OK(femto_logger_log(child, FEMTO_LEVEL_WARNING, "not propagated", 14));
    CHECK_OK(femto_handler_flush(parent_handler, 10000));
    CHECK(c.count == 2);
    CHECK(strcmp(c.lines[0], "feat.child:public") == 0);
    CHECK(strcmp(c.lines[1], "feat.child:warning kept") == 0);
    reset(&c);
    CHECK_OK(femto_logger_remove_filter(child, secret));
    CHECK_OK(femto_handler_remove_filter(parent_handler, by_level));
    femto_filter_free(secret);
    femto_filter_free(by_name);
    femto_filter_free(by_level);

    /* logging.disable and Logger.disabled; a null handler discards. */
    CHECK_OK(femto_disable(FEMTO_LEVEL_WARNING));
    CHECK(!femto_logger_is_enabled_for(logger, FEMTO_LEVEL_WARNING));
    CHECK(femto_logger_is_enabled_for(logger, FEMTO_LEVEL_ERROR));
    CHECK_OK(femto_disable(FEMTO_LEVEL_NOTSET));
    CHECK_OK(femto_logger_set_disabled(logger, true));
    CHECK(!femto_logger_is_enabled_for(logger, FEMTO_LEVEL_CRITICAL));
    CHECK_OK(femto_logger_set_disabled(logger, false));
    femto_handler *null_handler = NULL;
    CHECK_OK(femto_null_handler_new(&null_handler));
    CHECK_OK(femto_logger_add_handler(get_logger("feat.null"), null_handler));
    CHECK_OK(femto_logger_set_propagate(get_logger("feat.null"), false));
    CHECK_OK(femto_logger_log(get_logger("feat.null"), FEMTO_LEVEL_CRITICAL, "discarded", 9));
    femto_handler_free(null_handler);

    /* A failing callback is counted and reported, never raised. */
    struct hook_seen seen = {0, 0};
    CHECK_OK(femto_set_error_hook(on_error, &seen));
    CHECK_OK(femto_logger_log(logger, FEMTO_LEVEL_ERROR, "FAIL-ME", 7));
    CHECK_OK(femto_handler_flush(handler, 10000));
    femto_handler_stats stats = FEMTO_HANDLER_STATS_INIT;
    CHECK_OK(femto_handler_stats_get(handler, &stats));
    CHECK(stats.errors == 1);
    CHECK(seen.calls == 1 && seen.kind == FEMTO_ERROR_IO);
    CHECK_OK(femto_set_error_hook(NULL, NULL));
    reset(&c);

    /* A callback formatter, and records handed straight to one handler:
     * the handler's level applies, the logger's (WARNING here) does not. */
    int formatter_destroyed = 0;
    femto_formatter *host = NULL;
    CHECK_OK(femto_formatter_new_callback(bracket, &formatter_destroyed, count_destroy, &host));
    femto_handler *host_handler = collecting_handler(&c, host); /* takes our reference */
    const femto_logger *direct = get_logger("feat.direct");
    femto_log_args direct_args = FEMTO_LOG_ARGS_INIT;
    direct_args.level = FEMTO_LEVEL_DEBUG;
    direct_args.message = (femto_str)FEMTO_STR("hello");
    CHECK_OK(femto_handler_log_ex(host_handler, direct, &direct_args));
    direct_args.message = (femto_str)FEMTO_STR("skip");
    CHECK_OK(femto_handler_log_ex(host_handler, direct, &direct_args));
    CHECK_OK(femto_handler_set_level(host_handler, FEMTO_LEVEL_INFO));
    direct_args.message = (femto_str)FEMTO_STR("below the handler's level");
    CHECK_OK(femto_handler_log_ex(host_handler, direct, &direct_args));
    CHECK(femto_handler_log_ex(host_handler, NULL, &direct_args) == FEMTO_STATUS_NULL_ARGUMENT);
    /* The last resort: records that reach no handler. */
    const femto_logger *orphan = get_logger("feat.orphan");
    CHECK_OK(femto_logger_set_propagate(orphan, false));
    CHECK_OK(femto_set_last_resort(host_handler));
    CHECK_OK(femto_logger_log(orphan, FEMTO_LEVEL_ERROR, "orphan", 6));
    CHECK_OK(femto_set_last_resort(NULL));
    CHECK_OK(femto_logger_log(orphan, FEMTO_LEVEL_ERROR, "lost", 4));
    CHECK_OK(femto_handler_flush(host_handler, 10000));
    CHECK(c.count == 2);
    CHECK(strcmp(c.lines[0], "<hello>") == 0);
    CHECK(strcmp(c.lines[1], "<orphan>") == 0);
    CHECK_OK(femto_handler_stats_get(host_handler, &stats));
    CHECK(stats.errors == 1 && stats.written == 2);
    CHECK(seen.calls == 1); /* the hook is back to the default: no new call */
    reset(&c);

    /* Wait hooks run around every wait for room in a full queue. */
    CHECK(femto_set_wait_hooks(wait_begin, NULL, NULL) == FEMTO_STATUS_NULL_ARGUMENT);
    CHECK_OK(femto_set_wait_hooks(wait_begin, wait_end, NULL));
    femto_handler_options tiny = FEMTO_HANDLER_OPTIONS_INIT;
    tiny.capacity = 1;
    femto_handler *slow = NULL;
    CHECK_OK(femto_callback_handler_new(slow_write, NULL, NULL, NULL, &tiny, &slow));
    const femto_logger *waiting = get_logger("feat.waiting");
    CHECK_OK(femto_logger_add_handler(waiting, slow));
    CHECK_OK(femto_logger_set_propagate(waiting, false));
    for (int i = 0; i < 20; i++) {
        CHECK_OK(femto_logger_log(waiting, FEMTO_LEVEL_ERROR, "wait", 4));
    }
    CHECK_OK(femto_handler_flush(slow, 10000));
    CHECK(waits_begun > 0 && waits_begun == waits_ended);
    CHECK_OK(femto_set_wait_hooks(NULL, NULL, NULL));
    femto_handler_free(slow);

    /* A caller-side handler gets only the records its caller did not
     * already hand it (`caller_side_done`); the logger's filters still
     * decide, and say so with FEMTO_STATUS_FILTERED. */
    struct collector by_engine, by_caller;
    memset(&by_engine, 0, sizeof by_engine);
    memset(&by_caller, 0, sizeof by_caller);
    femto_handler *engine_side = collecting_handler(&by_engine, percent_formatter("%(message)s"));
    femto_handler_options caller_options = FEMTO_HANDLER_OPTIONS_INIT;
    caller_options.caller_side = true;
    caller_options.flush_delay_us = 1000;
    femto_handler *caller_side = NULL;
    CHECK_OK(femto_callback_handler_new(collect, NULL, &by_caller, NULL, &caller_options, &caller_side));
    const femto_logger *hosted = get_logger("feat.hosted");
    CHECK_OK(femto_logger_set_propagate(hosted, false));
    CHECK_OK(femto_logger_add_handler(hosted, engine_side));
    CHECK_OK(femto_logger_add_handler(hosted, caller_side));
    CHECK(!femto_logger_only_caller_side(hosted)); /* engine_side still wants the record */
    CHECK(!femto_logger_only_caller_side(NULL));
    femto_log_args done = FEMTO_LOG_ARGS_INIT;
    done.level = FEMTO_LEVEL_ERROR;
    done.message = (femto_str)FEMTO_STR("delivered by the caller");
    done.caller_side_done = true;
    CHECK_OK(femto_logger_log_ex(hosted, &done));
    CHECK_OK(femto_logger_log(hosted, FEMTO_LEVEL_ERROR, "from anyone", 11));
    femto_filter *errors_only = NULL;
    CHECK_OK(femto_filter_new_level(FEMTO_LEVEL_CRITICAL, FEMTO_LEVEL_CRITICAL, &errors_only));
    CHECK_OK(femto_logger_add_filter(hosted, errors_only));
    CHECK(femto_logger_log_ex(hosted, &done) == FEMTO_STATUS_FILTERED);
    CHECK_OK(femto_logger_log(hosted, FEMTO_LEVEL_ERROR, "filtered", 8)); /* OK unless asked */
    CHECK_OK(femto_handler_flush(engine_side, 10000));
    CHECK_OK(femto_handler_flush(caller_side, 10000));
    CHECK(by_engine.count == 2 && strcmp(by_engine.lines[0], "delivered by the caller") == 0);
    CHECK(by_caller.count == 1 && strcmp(by_caller.lines[0], "from anyone") == 0);
    CHECK_OK(femto_logger_remove_handler(hosted, engine_side));
    CHECK(!femto_logger_only_caller_side(hosted)); /* its filter must still run */
    CHECK_OK(femto_logger_remove_filter(hosted, errors_only));
    CHECK(femto_logger_only_caller_side(hosted)); /* the caller may skip femto_logger_log_ex */
    reset(&by_engine);
    reset(&by_caller);
    femto_filter_free(errors_only);
    femto_handler_free(engine_side);
    femto_handler_free(caller_side);

    femto_handler_free(host_handler);
    femto_handler_free(handler);
    femto_handler_free(kv_handler);
    femto_handler_free(parent_handler);
    CHECK_OK(femto_shutdown(10000));
    CHECK(formatter_destroyed == 1); /* once, after the handler's last record */
    reset(&c);
    printf("test_features: macros, log_ex, formatters (also host callbacks), filters, propagation, "
           "handler_log_ex, caller-side handlers, error hook\n");
    return 0;
#endif
}
