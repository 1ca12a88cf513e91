/* The C ABI cannot be crashed by its caller: every export that takes an
 * enum, a count or a handle is given out-of-range enum values, NULL with
 * huge counts, lengths no caller could mean, and handles of the wrong
 * kind, and answers with a status (explained by femto_last_error()),
 * writing no out-parameter. Run under ASan+UBSan and valgrind. */
#include "check.h"

#include <stdint.h>

#define CHECK_STATUS(call, expected)                                                              \
    do {                                                                                          \
        femto_status got_ = (call);                                                               \
        if (got_ != (expected)) {                                                                 \
            fprintf(stderr, "%s:%d: %s returned %d, expected %d (last error: %s)\n", __FILE__,   \
                    __LINE__, #call, (int)got_, (int)(expected), femto_last_error());             \
            exit(1);                                                                              \
        }                                                                                         \
        CHECK(strlen(femto_last_error()) > 0);                                                    \
    } while (0)

#define NULL_ARG FEMTO_STATUS_NULL_ARGUMENT
#define INVALID FEMTO_STATUS_INVALID_ARGUMENT
#define HUGE_COUNT ((size_t)1 << 40)

static const int32_t bad_enums[] = {-1, 3, 5, 7, 9, 42, INT32_MAX, INT32_MIN};
#define BAD_ENUM_COUNT (sizeof bad_enums / sizeof bad_enums[0])

static int32_t ignore_write(void *user_data, const femto_record *record, const char *text, size_t len) {
    (void)user_data, (void)record, (void)text, (void)len;
    return 0;
}

/* A format callback that tries to use the wrong handle as its output. */
static int32_t format_misuse(void *user_data, const femto_record *record, femto_text *out) {
    (void)record;
    femto_text *not_text = (femto_text *)user_data;
    CHECK_STATUS(femto_text_append(not_text, "x", 1), INVALID);
    CHECK_STATUS(femto_text_append(NULL, "x", 1), NULL_ARG);
    CHECK_STATUS(femto_text_append(out, NULL, HUGE_COUNT), NULL_ARG);
    CHECK_OK(femto_text_append(out, "formatted", 9));
    return 0;
}

static void status_messages(void) {
    for (size_t i = 0; i < BAD_ENUM_COUNT; i++) {
        if (bad_enums[i] != FEMTO_STATUS_FILTERED) {
            CHECK(strcmp(femto_status_message(bad_enums[i]), "unknown status") == 0);
        }
    }
    CHECK(strcmp(femto_status_message(7008), "unknown status") == 0);
    CHECK(strcmp(femto_status_message(FEMTO_STATUS_BUFFER_TOO_SMALL), "output buffer too small") == 0);
    CHECK(strcmp(femto_status_message(FEMTO_STATUS_OK), "ok") == 0);
}

static void enums_out_of_range(const char *dir) {
    femto_handler *handler = NULL;
    femto_formatter *formatter = NULL;
    for (size_t i = 0; i < BAD_ENUM_COUNT; i++) {
        int32_t bad = bad_enums[i]; /* none is a value of any of the three enums */
        CHECK_STATUS(femto_formatter_new(bad, "x", 1, NULL, 0, &formatter), INVALID);
        CHECK(strstr(femto_last_error(), "style") != NULL);
        CHECK_STATUS(femto_stream_handler_new(bad, NULL, &handler), INVALID);
        CHECK(strstr(femto_last_error(), "femto_stream") != NULL);
        femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
        options.overflow = bad;
        CHECK_STATUS(femto_stream_handler_new(FEMTO_STREAM_STDERR, &options, &handler), INVALID);
        CHECK(strstr(femto_last_error(), "options.overflow") != NULL);
        CHECK_STATUS(femto_callback_handler_new(ignore_write, NULL, NULL, NULL, &options, &handler), INVALID);
        char path[512];
        snprintf(path, sizeof path, "%s/misuse.log", dir);
        CHECK_STATUS(femto_file_handler_new(path, strlen(path), false, &options, &handler), INVALID);
        CHECK_STATUS(femto_file_handler_new_ex(path, strlen(path), NULL, &options, &handler), INVALID);
        CHECK_STATUS(femto_rotating_file_handler_new(path, strlen(path), NULL, &options, &handler), INVALID);
        CHECK_STATUS(femto_timed_rotating_file_handler_new(path, strlen(path), NULL, &options, &handler), INVALID);
    }
    CHECK(handler == NULL && formatter == NULL);
}

static void huge_counts_and_lengths(void) {
    const femto_logger *logger = get_logger("misuse.counts");
    CHECK_STATUS(femto_loggers_set(NULL, HUGE_COUNT), NULL_ARG);
    femto_logger_state state = {logger, FEMTO_LEVEL_INFO, true, false, NULL, 0};
    CHECK_STATUS(femto_loggers_set(&state, HUGE_COUNT), INVALID); /* never read past the one entry */
    CHECK(strstr(femto_last_error(), "at most") != NULL);
    state.handler_count = HUGE_COUNT;
    CHECK_STATUS(femto_loggers_set(&state, 1), NULL_ARG);
    femto_handler *handlers[1] = {NULL};
    state.handlers = (const femto_handler *const *)handlers;
    CHECK_STATUS(femto_loggers_set(&state, 1), INVALID);
    state.handler_count = 1; /* a NULL entry */
    CHECK_STATUS(femto_loggers_set(&state, 1), NULL_ARG);
    state.logger = NULL;
    state.handler_count = 0;
    CHECK_STATUS(femto_loggers_set(&state, 1), NULL_ARG);

    femto_log_args args = FEMTO_LOG_ARGS_INIT;
    args.level = FEMTO_LEVEL_ERROR;
    args.key_value_count = HUGE_COUNT;
    CHECK_STATUS(femto_logger_log_ex(logger, &args), NULL_ARG);
    femto_kv one = {FEMTO_STR("k"), FEMTO_STR("v")};
    args.key_values = &one;
    CHECK_STATUS(femto_logger_log_ex(logger, &args), INVALID);
    args.key_value_count = 1;
    args.message.ptr = NULL;
    args.message.len = HUGE_COUNT;
    CHECK_STATUS(femto_logger_log_ex(logger, &args), NULL_ARG);
    args.message.ptr = "m";
    args.message.len = SIZE_MAX; /* a negative length cast to size_t */
    CHECK_STATUS(femto_logger_log_ex(logger, &args), INVALID);

    const femto_logger *out = NULL;
    CHECK_STATUS(femto_logger_get(NULL, HUGE_COUNT, &out), NULL_ARG);
    CHECK_STATUS(femto_logger_get("a", SIZE_MAX, &out), INVALID);
    CHECK(out == NULL);
    CHECK_STATUS(femto_logger_log(logger, FEMTO_LEVEL_ERROR, "m", SIZE_MAX), INVALID);
    CHECK_STATUS(femto_level_from_name("info", SIZE_MAX, &(int32_t){0}), INVALID);
    CHECK_STATUS(femto_configure_toml("", SIZE_MAX), INVALID);

    femto_config *config = NULL;
    CHECK_OK(femto_config_new(&config));
    CHECK_STATUS(femto_config_set_logger(config, "app", 3, 0, true, NULL, HUGE_COUNT), NULL_ARG);
    femto_str ids[1] = {FEMTO_STR("h")};
    CHECK_STATUS(femto_config_set_logger(config, "app", 3, 0, true, ids, HUGE_COUNT), INVALID);
    femto_config_free(config);
}

static void wrong_handle_kinds(void) {
    int32_t level_out = -7;
    const femto_logger *logger = get_logger("misuse.kinds");
    femto_formatter *formatter = percent_formatter("%(message)s");
    femto_filter *filter = NULL;
    CHECK_OK(femto_filter_new_level(0, 50, &filter));
    femto_handler *handler = NULL;
    CHECK_OK(femto_null_handler_new(&handler));
    femto_config *config = NULL;
    CHECK_OK(femto_config_new(&config));

    /* Each pointer, cast to the types it is not. */
    femto_handler *formatter_as_handler = (femto_handler *)(void *)formatter;
    femto_handler *logger_as_handler = (femto_handler *)(uintptr_t)logger;
    femto_formatter *handler_as_formatter = (femto_formatter *)(void *)handler;
    femto_filter *handler_as_filter = (femto_filter *)(void *)handler;
    const femto_logger *handler_as_logger = (const femto_logger *)(void *)handler;
    const femto_logger *config_as_logger = (const femto_logger *)(void *)config;
    femto_config *handler_as_config = (femto_config *)(void *)handler;

    CHECK_STATUS(femto_logger_add_handler(logger, formatter_as_handler), INVALID);
    CHECK(strstr(femto_last_error(), "femto_formatter") != NULL);
    CHECK_STATUS(femto_logger_add_handler(logger, logger_as_handler), INVALID);
    CHECK_STATUS(femto_logger_remove_handler(logger, formatter_as_handler), INVALID);
    CHECK_STATUS(femto_logger_add_filter(logger, handler_as_filter), INVALID);
    CHECK_STATUS(femto_logger_remove_filter(logger, handler_as_filter), INVALID);
    CHECK_STATUS(femto_set_last_resort(formatter_as_handler), INVALID);

    CHECK_STATUS(femto_logger_set_level(handler_as_logger, 10), INVALID);
    CHECK(strstr(femto_last_error(), "not a femto_logger") != NULL);
    CHECK_STATUS(femto_logger_set_level(config_as_logger, 10), INVALID);
    bool flag = true;
    CHECK_STATUS(femto_logger_get_propagate(handler_as_logger, &flag), INVALID);
    CHECK_STATUS(femto_logger_get_disabled(config_as_logger, &flag), INVALID);
    CHECK_STATUS(femto_logger_get_propagate(logger, NULL), NULL_ARG);
    CHECK(flag);
    size_t count = 99;
    CHECK_STATUS(femto_logger_handlers(handler_as_logger, NULL, 0, &count), INVALID);
    CHECK_STATUS(femto_logger_handlers(logger, NULL, 0, NULL), NULL_ARG);
    CHECK(count == 99);
    uint64_t id = 7;
    CHECK_STATUS(femto_handler_id(formatter_as_handler, &id), INVALID);
    CHECK_STATUS(femto_handler_id(handler, NULL), NULL_ARG);
    CHECK(id == 7);
    CHECK_STATUS(femto_handler_get_level(logger_as_handler, &level_out), INVALID);
    CHECK_STATUS(femto_handler_name(formatter_as_handler, NULL, 0, &count), INVALID);
    CHECK_STATUS(femto_loggers_get(NULL, 0, NULL), NULL_ARG);
    femto_log_args render_args = FEMTO_LOG_ARGS_INIT;
    char rendered[16];
    CHECK_STATUS(femto_formatter_format(handler_as_formatter, logger, &render_args, rendered, sizeof rendered, &count),
                 INVALID);
    CHECK_STATUS(femto_formatter_format(formatter, handler_as_logger, &render_args, rendered, sizeof rendered, &count),
                 INVALID);
    CHECK_STATUS(femto_formatter_format(formatter, logger, NULL, rendered, sizeof rendered, &count), NULL_ARG);
    femto_formatter_options bad_options = FEMTO_FORMATTER_OPTIONS_INIT;
    bad_options.size = 1;
    femto_formatter *json = NULL;
    CHECK_STATUS(femto_formatter_new_json_ex(NULL, 0, &bad_options, &json), FEMTO_STATUS_STRUCT_TOO_SMALL);
    CHECK(json == NULL);
    bool due = true;
    CHECK_STATUS(femto_handler_rollover_due(handler, 10, 10, &due), INVALID); /* not a rotating handler */
    CHECK_STATUS(femto_handler_rollover_due(formatter_as_handler, 10, 10, &due), INVALID);
    CHECK(due);
    int64_t computed = 7, next_at = 7;
    CHECK_STATUS(femto_handler_rollover_times(handler, 0, &computed, &next_at), INVALID); /* not timed */
    CHECK_STATUS(femto_handler_rollover_times(formatter_as_handler, 0, &computed, &next_at), INVALID);
    CHECK_STATUS(femto_handler_rollover_times(handler, 0, NULL, &next_at), NULL_ARG);
    CHECK(computed == 7 && next_at == 7);
    char listed[64];
    size_t listed_len = 0;
    CHECK_STATUS(femto_handler_backups_to_delete(handler, listed, sizeof listed, &listed_len), INVALID);
    CHECK_STATUS(femto_handler_backups_to_delete(formatter_as_handler, listed, sizeof listed, &listed_len), INVALID);
    CHECK_STATUS(femto_logger_set_handlers(logger, NULL, HUGE_COUNT), NULL_ARG);
    const femto_handler *not_handlers[1] = {formatter_as_handler};
    CHECK_STATUS(femto_logger_set_handlers(logger, not_handlers, 1), INVALID);
    CHECK_STATUS(femto_logger_set_handlers(handler_as_logger, NULL, 0), INVALID);
    femto_handler *described = NULL;
    CHECK_STATUS(femto_handler_new(NULL, HUGE_COUNT, NULL, &described), NULL_ARG);
    CHECK_STATUS(femto_handler_new("{}", HUGE_COUNT, NULL, &described), INVALID);
    CHECK(described == NULL);
    int32_t level = -7;
    CHECK_STATUS(femto_logger_get_level(handler_as_logger, &level), INVALID);
    CHECK_STATUS(femto_logger_get_effective_level(handler_as_logger, &level), INVALID);
    CHECK(level == -7);
    CHECK_STATUS(femto_logger_set_propagate(handler_as_logger, false), INVALID);
    CHECK_STATUS(femto_logger_set_disabled(handler_as_logger, true), INVALID);
    CHECK_STATUS(femto_logger_clear_handlers(handler_as_logger), INVALID);
    CHECK_STATUS(femto_logger_add_handler(handler_as_logger, handler), INVALID);
    CHECK_STATUS(femto_logger_log(handler_as_logger, 50, "x", 1), INVALID);
    CHECK_STATUS(femto_logger_log_at(handler_as_logger, 50, "x", 1, "f.c", 3, 1, "fn", 2), INVALID);
    femto_log_args args = FEMTO_LOG_ARGS_INIT;
    args.level = FEMTO_LEVEL_CRITICAL;
    CHECK_STATUS(femto_logger_log_ex(handler_as_logger, &args), INVALID);
    CHECK_STATUS(femto_handler_log_ex(handler, handler_as_logger, &args), INVALID);
    CHECK_STATUS(femto_handler_log_ex(formatter_as_handler, logger, &args), INVALID);
    CHECK(!femto_logger_is_enabled_for(handler_as_logger, FEMTO_LEVEL_CRITICAL));
    CHECK(!femto_logger_needs_location(handler_as_logger));
    CHECK(!femto_logger_only_caller_side(handler_as_logger));
    CHECK(strcmp(femto_logger_name(handler_as_logger), "") == 0);
    femto_logger_state state = {handler_as_logger, 0, true, false, NULL, 0};
    CHECK_STATUS(femto_loggers_set(&state, 1), INVALID);
    const femto_handler *wrong[1] = {formatter_as_handler};
    state.logger = logger;
    state.handlers = wrong;
    state.handler_count = 1;
    CHECK_STATUS(femto_loggers_set(&state, 1), INVALID);

    CHECK_STATUS(femto_handler_flush(formatter_as_handler, 0), INVALID);
    CHECK_STATUS(femto_handler_close(formatter_as_handler, 0), INVALID);
    CHECK_STATUS(femto_handler_set_level(formatter_as_handler, 10), INVALID);
    CHECK_STATUS(femto_handler_set_formatter(handler, handler_as_formatter), INVALID);
    CHECK_STATUS(femto_handler_set_formatter(formatter_as_handler, formatter), INVALID);
    CHECK_STATUS(femto_handler_add_filter(handler, handler_as_filter), INVALID);
    CHECK_STATUS(femto_handler_remove_filter(handler, handler_as_filter), INVALID);
    CHECK_STATUS(femto_handler_set_backup_count(formatter_as_handler, 1), INVALID);
    CHECK_STATUS(femto_handler_set_rotation(formatter_as_handler, 1, 1), INVALID);
    CHECK_STATUS(femto_handler_roll_over(formatter_as_handler), INVALID);
    femto_handler_stats stats = FEMTO_HANDLER_STATS_INIT;
    CHECK_STATUS(femto_handler_stats_get(formatter_as_handler, &stats), INVALID);
    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    options.formatter = handler_as_formatter;
    femto_handler *made = NULL;
    CHECK_STATUS(femto_stream_handler_new(FEMTO_STREAM_STDERR, &options, &made), INVALID);
    CHECK(strstr(femto_last_error(), "options.formatter") != NULL && made == NULL);

    CHECK_STATUS(femto_config_add_handler(handler_as_config, "h", 1, handler), INVALID);
    CHECK_STATUS(femto_config_add_handler(config, "h", 1, formatter_as_handler), INVALID);
    CHECK_STATUS(femto_config_set_logger(handler_as_config, "app", 3, 0, true, NULL, 0), INVALID);
    CHECK_STATUS(femto_config_apply(handler_as_config), INVALID);
    size_t length = 0;
    char buffer[8];
    CHECK_STATUS(femto_config_to_json(handler_as_config, buffer, sizeof buffer, &length), INVALID);

    /* A format callback given something else as its output buffer. */
    femto_formatter *callback = NULL;
    CHECK_OK(femto_formatter_new_callback(format_misuse, handler, NULL, &callback));
    femto_handler *memory = NULL;
    femto_handler_options with_callback = FEMTO_HANDLER_OPTIONS_INIT;
    with_callback.formatter = callback;
    CHECK_OK(femto_callback_handler_new(ignore_write, NULL, NULL, NULL, &with_callback, &memory));
    CHECK_OK(femto_handler_log_ex(memory, logger, &args));
    CHECK_OK(femto_handler_flush(memory, UINT64_MAX));
    femto_handler_stats after = FEMTO_HANDLER_STATS_INIT;
    CHECK_OK(femto_handler_stats_get(memory, &after));
    CHECK(after.written == 1 && after.errors == 0);

    /* Freeing through the wrong destructor leaves the object alone. */
    femto_formatter_free(handler_as_formatter);
    femto_filter_free(handler_as_filter);
    femto_config_free(handler_as_config);
    femto_handler_free(formatter_as_handler);
    CHECK_OK(femto_handler_flush(handler, 0));
    CHECK_OK(femto_logger_add_filter(logger, filter));
    CHECK_OK(femto_logger_remove_filter(logger, filter));

    CHECK_OK(femto_handler_close(memory, UINT64_MAX));
    femto_handler_free(memory);
    femto_formatter_free(callback);
    femto_config_free(config);
    femto_handler_free(handler);
    femto_filter_free(filter);
    femto_formatter_free(formatter);
}

/* Output structs are written up to the caller's `size`: an older, shorter
 * struct is refused below the first version; a newer, longer one keeps its
 * unknown tail. */
static void sized_outputs(void) {
    femto_handler *handler = NULL;
    CHECK_OK(femto_null_handler_new(&handler));
    struct {
        femto_handler_stats known;
        uint64_t appended_later;
    } newer;
    memset(&newer, 0xAB, sizeof newer);
    newer.known.size = sizeof newer;
    CHECK_OK(femto_handler_stats_get(handler, &newer.known));
    CHECK(newer.known.size == sizeof(femto_handler_stats));
    CHECK(newer.appended_later == 0xABABABABABABABABull);
    femto_handler_stats older = FEMTO_HANDLER_STATS_INIT;
    older.size = sizeof older - 1;
    older.written = 77;
    CHECK_STATUS(femto_handler_stats_get(handler, &older), FEMTO_STATUS_STRUCT_TOO_SMALL);
    CHECK(older.written == 77);
    femto_handler_free(handler);

    femto_config *config = NULL;
    static const char toml[] = "[loggers.app]\nlevel = \"INFO\"\n";
    CHECK_OK(femto_config_from_toml(toml, sizeof toml - 1, &config));
    char tiny[4] = "abc";
    size_t length = 0;
    CHECK_STATUS(femto_config_to_json(config, tiny, sizeof tiny, &length), FEMTO_STATUS_BUFFER_TOO_SMALL);
    /* Arrays too: the count is written, nothing else. */
    size_t count = 0;
    const femto_logger *one = NULL;
    CHECK_STATUS(femto_loggers_get(&one, 1, &count), FEMTO_STATUS_BUFFER_TOO_SMALL);
    CHECK(count > 1 && one == NULL);
    CHECK(length > sizeof tiny && strcmp(tiny, "abc") == 0);
    char *big = (char *)malloc(length + 1);
    CHECK(big != NULL);
    CHECK_OK(femto_config_to_json(config, big, length + 1, &length));
    CHECK(strlen(big) == length);
    free(big);
    femto_config_free(config);
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : ".";
    status_messages();
    enums_out_of_range(dir);
    huge_counts_and_lengths();
    wrong_handle_kinds();
    sized_outputs();
    CHECK_OK(femto_shutdown(UINT64_MAX));
    printf("test_misuse: enums, counts, lengths, handle kinds and sized outputs refused with a status\n");
    return 0;
}
