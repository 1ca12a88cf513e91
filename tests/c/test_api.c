/* Every export given NULL or invalid arguments returns a status (never
 * crashes), explains it in femto_last_error(), and writes no
 * out-parameter; `_free(NULL)` is a no-op; versions agree. */
#include "check.h"

#include <dirent.h>
#include <sys/stat.h>

#define CHECK_STATUS(call, expected)                                                              \
    do {                                                                                          \
        femto_status got_ = (call);                                                               \
        if (got_ != (expected)) {                                                                 \
            fprintf(stderr, "%s:%d: %s returned %d, expected %d\n", __FILE__, __LINE__, #call,   \
                    (int)got_, (int)(expected));                                                  \
            exit(1);                                                                              \
        }                                                                                         \
        if ((expected) >= 7000) {                                                                 \
            CHECK(strlen(femto_last_error()) > 0);                                                \
        }                                                                                         \
    } while (0)

#define NULL_ARG FEMTO_STATUS_NULL_ARGUMENT
#define INVALID FEMTO_STATUS_INVALID_ARGUMENT

static int32_t ignore_write(void *user_data, const femto_record *record, const char *text, size_t len) {
    (void)user_data, (void)record, (void)text, (void)len;
    return 0;
}

static bool keep_all(void *user_data, const femto_record *record) {
    (void)user_data, (void)record;
    return true;
}

static void count_destroy(void *user_data) {
    (*(int *)user_data)++;
}

static int64_t fixed_now(void *user_data) {
    (void)user_data;
    return 1790000000;
}

static void check_versions(void) {
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", FEMTO_VERSION_MAJOR, FEMTO_VERSION_MINOR, FEMTO_VERSION_PATCH);
    CHECK(strcmp(femto_version(), expected) == 0);
    CHECK(FEMTO_VERSION_NUMBER == FEMTO_VERSION_MAJOR * 10000 + FEMTO_VERSION_MINOR * 100 + FEMTO_VERSION_PATCH);
    CHECK(femto_abi_version() == FEMTO_ABI_VERSION);
    const femto_api *api = femto_api_get();
    CHECK(api != NULL && api->size == sizeof(femto_api) && api->abi_version == FEMTO_ABI_VERSION);
    CHECK(api->logger_log == femto_logger_log && api->set_error_hook == femto_set_error_hook);
    CHECK(strcmp(api->version(), femto_version()) == 0);
}

static void check_levels(void) {
    int32_t level = -1;
    CHECK_OK(femto_level_from_name("warn", 4, &level));
    CHECK(level == FEMTO_LEVEL_WARNING);
    CHECK_STATUS(femto_level_from_name("LOUD", 4, &level), INVALID);
    CHECK(strstr(femto_last_error(), "LOUD") != NULL);
    CHECK(level == FEMTO_LEVEL_WARNING); /* untouched on failure */
    CHECK_STATUS(femto_level_from_name("\xff", 1, &level), INVALID);
    CHECK(strstr(femto_last_error(), "UTF-8") != NULL);
    CHECK_STATUS(femto_level_from_name(NULL, 3, &level), NULL_ARG);
    CHECK_STATUS(femto_level_from_name("info", 4, NULL), NULL_ARG);
    const char *name = NULL;
    size_t len = 0;
    CHECK_OK(femto_add_level_name(25, "NOTICE", 6));
    CHECK_OK(femto_level_name(25, &name, &len));
    CHECK(len == 6 && strcmp(name, "NOTICE") == 0);
    CHECK_OK(femto_level_name(FEMTO_LEVEL_CRITICAL, &name, &len));
    CHECK(strcmp(name, "CRITICAL") == 0);
    CHECK_STATUS(femto_level_name(-1, &name, &len), INVALID);
    CHECK_STATUS(femto_level_name(10, NULL, &len), NULL_ARG);
    CHECK_STATUS(femto_level_name(10, &name, NULL), NULL_ARG);
    CHECK_STATUS(femto_add_level_name(26, "12", 2), INVALID);
    CHECK_OK(femto_add_level_name(26, "", 0)); /* shown as it is, as in Python */
    CHECK_OK(femto_level_name(26, &name, &len));
    CHECK(len == 0 && strcmp(name, "") == 0);
    CHECK_STATUS(femto_add_level_name(-5, "X", 1), INVALID);
    CHECK_STATUS(femto_add_level_name(26, NULL, 1), NULL_ARG);
}

static void check_loggers(void) {
    const femto_logger *logger = NULL;
    CHECK_STATUS(femto_logger_get("a..b", 4, &logger), INVALID);
    CHECK(strstr(femto_last_error(), "empty segment") != NULL);
    CHECK(logger == NULL);
    CHECK_STATUS(femto_logger_get(".a", 2, &logger), INVALID);
    CHECK_STATUS(femto_logger_get("a.", 2, &logger), INVALID);
    CHECK_STATUS(femto_logger_get("a", 1, NULL), NULL_ARG);
    CHECK_STATUS(femto_logger_get(NULL, 1, &logger), NULL_ARG);
    CHECK_OK(femto_logger_get("", 0, &logger));
    CHECK(strcmp(femto_logger_name(logger), "root") == 0);
    CHECK(strcmp(femto_logger_name(NULL), "") == 0);
    CHECK_OK(femto_logger_get("api.child", 9, &logger));
    const femto_logger *again = NULL;
    CHECK_OK(femto_logger_get("api.child", 9, &again));
    CHECK(again == logger);

    int32_t level = -1;
    CHECK_OK(femto_logger_get_level(logger, &level));
    CHECK(level == FEMTO_LEVEL_NOTSET);
    CHECK_OK(femto_logger_get_effective_level(logger, &level));
    CHECK(level == FEMTO_LEVEL_WARNING);
    CHECK(!femto_logger_is_enabled_for(NULL, FEMTO_LEVEL_CRITICAL));
    CHECK(!femto_logger_is_enabled_for(logger, -1));
    CHECK_STATUS(femto_logger_set_level(NULL, 10), NULL_ARG);
    CHECK_STATUS(femto_logger_set_level(logger, -1), INVALID);
    CHECK_STATUS(femto_logger_get_level(NULL, &level), NULL_ARG);
    CHECK_STATUS(femto_logger_get_level(logger, NULL), NULL_ARG);
    CHECK_STATUS(femto_logger_get_effective_level(NULL, &level), NULL_ARG);
    CHECK_STATUS(femto_logger_get_effective_level(logger, NULL), NULL_ARG);
    CHECK_STATUS(femto_logger_set_propagate(NULL, true), NULL_ARG);
    CHECK_STATUS(femto_logger_add_handler(logger, NULL), NULL_ARG);
    CHECK_STATUS(femto_logger_add_handler(NULL, NULL), NULL_ARG);
    CHECK_STATUS(femto_logger_remove_handler(logger, NULL), NULL_ARG);
    CHECK_STATUS(femto_logger_clear_handlers(NULL), NULL_ARG);
    CHECK_STATUS(femto_logger_add_filter(logger, NULL), NULL_ARG);
    CHECK_STATUS(femto_logger_remove_filter(NULL, NULL), NULL_ARG);
    CHECK_STATUS(femto_logger_log(NULL, 20, "x", 1), NULL_ARG);
    CHECK_STATUS(femto_logger_log(logger, -1, "x", 1), INVALID);
    CHECK_OK(femto_logger_set_level(logger, FEMTO_LEVEL_DEBUG));
    CHECK_STATUS(femto_logger_log(logger, 20, NULL, 1), NULL_ARG);
    CHECK_STATUS(femto_logger_log(logger, 20, "\xc3", 1), INVALID);
    CHECK_STATUS(femto_logger_log_at(NULL, 20, "x", 1, NULL, 0, 0, NULL, 0), NULL_ARG);
    CHECK_STATUS(femto_logger_log_at(logger, 20, "x", 1, "\xff", 1, 0, NULL, 0), INVALID);
    CHECK_STATUS(femto_logger_log_at(logger, 20, "x", 1, NULL, 4, 0, NULL, 0), NULL_ARG);
    CHECK_STATUS(femto_logger_log_at(logger, 20, "x", 1, "f.c", 3, 0, "fn", SIZE_MAX), INVALID);
    CHECK_STATUS(femto_logger_log_ex(logger, NULL), NULL_ARG);
    CHECK_STATUS(femto_logger_log_ex(NULL, NULL), NULL_ARG);
    femto_log_args args = FEMTO_LOG_ARGS_INIT;
    args.level = FEMTO_LEVEL_ERROR;
    args.key_value_count = 2; /* with a NULL array */
    CHECK_STATUS(femto_logger_log_ex(logger, &args), NULL_ARG);
    args.key_value_count = 0;
    args.size = 4; /* smaller than any version of the struct */
    CHECK_STATUS(femto_logger_log_ex(logger, &args), FEMTO_STATUS_STRUCT_TOO_SMALL);
    CHECK_OK(femto_logger_set_level(logger, FEMTO_LEVEL_NOTSET));
}

static void check_formatters_filters_handlers(const char *dir) {
    femto_formatter *formatter = NULL;
    CHECK_STATUS(femto_formatter_new(FEMTO_FORMAT_STYLE_PERCENT, "%(name", 6, NULL, 0, &formatter), INVALID);
    CHECK(strstr(femto_last_error(), "unclosed") != NULL);
    CHECK(formatter == NULL);
    CHECK_STATUS(femto_formatter_new(FEMTO_FORMAT_STYLE_BRACE, "{x", 2, NULL, 0, &formatter), INVALID);
    CHECK_STATUS(femto_formatter_new(FEMTO_FORMAT_STYLE_PERCENT, NULL, 0, NULL, 0, &formatter), NULL_ARG);
    CHECK_STATUS(femto_formatter_new(FEMTO_FORMAT_STYLE_PERCENT, "x", 1, NULL, 0, NULL), NULL_ARG);
    CHECK_STATUS(femto_formatter_new(FEMTO_FORMAT_STYLE_PERCENT, "x", 1, "%Q%", 3, &formatter), INVALID);
    CHECK_STATUS(femto_formatter_new_json(NULL, 0, NULL), NULL_ARG);
    femto_formatter_free(NULL);

    femto_filter *filter = NULL;
    CHECK_STATUS(femto_filter_new_level(-1, 10, &filter), INVALID);
    CHECK_STATUS(femto_filter_new_level(10, 20, NULL), NULL_ARG);
    CHECK_STATUS(femto_filter_new_name(NULL, 2, &filter), NULL_ARG);
    CHECK_STATUS(femto_filter_new_callback(NULL, NULL, NULL, &filter), NULL_ARG);
    CHECK_STATUS(femto_filter_new_callback(keep_all, NULL, NULL, NULL), NULL_ARG);
    CHECK(filter == NULL);
    femto_filter_free(NULL);

    femto_handler *handler = NULL;
    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    CHECK_STATUS(femto_stream_handler_new(FEMTO_STREAM_STDERR, &options, NULL), NULL_ARG);
    CHECK_STATUS(femto_file_handler_new(NULL, 0, false, &options, &handler), NULL_ARG);
    CHECK_STATUS(femto_file_handler_new("", 0, false, &options, &handler), INVALID);
    CHECK_STATUS(femto_file_handler_new("/nonexistent-dir/x.log", 22, false, &options, &handler), FEMTO_STATUS_IO);
    CHECK(strstr(femto_last_error(), "nonexistent-dir") != NULL);
    CHECK_STATUS(femto_callback_handler_new(NULL, NULL, NULL, NULL, &options, &handler), NULL_ARG);
    int destroyed = 0;
    CHECK_STATUS(femto_callback_handler_new(NULL, NULL, &destroyed, count_destroy, &options, &handler), NULL_ARG);
    CHECK(destroyed == 1); /* ownership passed at the call: destroyed on failure */
    CHECK_STATUS(femto_filter_new_callback(keep_all, &destroyed, count_destroy, NULL), NULL_ARG);
    CHECK(destroyed == 2);
    options.level = -3;
    CHECK_STATUS(femto_callback_handler_new(ignore_write, NULL, NULL, NULL, &options, &handler), INVALID);
    options.level = 0;
    options.capacity = 0xFFFFFFFFu; /* would allocate the queue up front */
    CHECK_STATUS(femto_callback_handler_new(ignore_write, NULL, NULL, NULL, &options, &handler), INVALID);
    CHECK(strstr(femto_last_error(), "maximum") != NULL);
    options.capacity = 0;
    options.flush_delay_us = 1000001;
    CHECK_STATUS(femto_callback_handler_new(ignore_write, NULL, NULL, NULL, &options, &handler), INVALID);
    CHECK(strstr(femto_last_error(), "flush_delay_us") != NULL);
    options.flush_delay_us = 0;
    options.size = 2;
    CHECK_STATUS(femto_callback_handler_new(ignore_write, NULL, NULL, NULL, &options, &handler), FEMTO_STATUS_STRUCT_TOO_SMALL);
    CHECK(handler == NULL);
    femto_handler_free(NULL);
    CHECK_STATUS(femto_file_handler_new_ex(NULL, 0, NULL, &options, &handler), NULL_ARG);
    femto_file_options file_options = FEMTO_FILE_OPTIONS_INIT;
    file_options.size = 1;
    CHECK_STATUS(femto_file_handler_new_ex("x.log", 5, &file_options, &options, &handler), FEMTO_STATUS_STRUCT_TOO_SMALL);
    CHECK_STATUS(femto_formatter_new_callback(NULL, &destroyed, count_destroy, &formatter), NULL_ARG);
    CHECK(destroyed == 3 && formatter == NULL);
    CHECK_STATUS(femto_handler_log_ex(NULL, NULL, NULL), NULL_ARG);
    CHECK_STATUS(femto_null_handler_new(NULL), NULL_ARG);
    CHECK_STATUS(femto_logger_set_disabled(NULL, true), NULL_ARG);
    CHECK_STATUS(femto_disable(-1), INVALID);

    /* A real handler: per-handler calls with NULLs and bad values. */
    char path[512];
    snprintf(path, sizeof path, "%s/api.log", dir);
    CHECK_OK(femto_file_handler_new(path, strlen(path), true, NULL, &handler));
    CHECK_STATUS(femto_handler_flush(NULL, 10), NULL_ARG);
    CHECK_STATUS(femto_handler_close(NULL, 10), NULL_ARG);
    CHECK_STATUS(femto_handler_set_level(NULL, 10), NULL_ARG);
    CHECK_STATUS(femto_handler_set_level(handler, -1), INVALID);
    CHECK_STATUS(femto_handler_set_formatter(handler, NULL), NULL_ARG);
    CHECK_STATUS(femto_handler_add_filter(handler, NULL), NULL_ARG);
    CHECK_STATUS(femto_handler_remove_filter(NULL, NULL), NULL_ARG);
    CHECK_OK(femto_filter_new_name("x", 1, &filter));
    CHECK_STATUS(femto_handler_remove_filter(handler, filter), INVALID);
    const femto_logger *logger = get_logger("api.handlers");
    CHECK_STATUS(femto_logger_remove_handler(logger, handler), INVALID);
    CHECK_STATUS(femto_logger_remove_filter(logger, filter), INVALID);
    femto_handler_stats stats = {0, 0, 0, 0};
    CHECK_STATUS(femto_handler_stats_get(handler, &stats), FEMTO_STATUS_STRUCT_TOO_SMALL);
    CHECK_STATUS(femto_handler_stats_get(handler, NULL), NULL_ARG);
    CHECK_STATUS(femto_handler_stats_get(NULL, &stats), NULL_ARG);
    CHECK_STATUS(femto_handler_set_rotation(handler, 10, 1), INVALID); /* not a rotating handler */
    CHECK_STATUS(femto_handler_roll_over(handler), INVALID);
    CHECK_STATUS(femto_handler_roll_over(NULL), NULL_ARG);
    CHECK_OK(femto_handler_flush(handler, UINT64_MAX));
    CHECK_OK(femto_handler_close(handler, UINT64_MAX));
    CHECK_OK(femto_handler_close(handler, 1000)); /* twice is harmless */
    femto_filter_free(filter);
    femto_handler_free(handler);

    /* A rotating file: "first\n" fills 6 bytes, "second" rolls it to .1. */
    femto_rotation_options rotation = FEMTO_ROTATION_OPTIONS_INIT;
    CHECK_STATUS(femto_rotating_file_handler_new(NULL, 0, &rotation, NULL, &handler), NULL_ARG);
    rotation.size = 3;
    CHECK_STATUS(femto_rotating_file_handler_new("r.log", 5, &rotation, NULL, &handler), FEMTO_STATUS_STRUCT_TOO_SMALL);
    rotation.size = sizeof rotation;
    rotation.max_bytes = 6;
    rotation.backup_count = 1;
    rotation.truncate = true;
    char rotated[512];
    snprintf(path, sizeof path, "%s/rotating.log", dir);
    snprintf(rotated, sizeof rotated, "%s/rotating.log.1", dir);
    remove(rotated);
    CHECK_OK(femto_rotating_file_handler_new(path, strlen(path), &rotation, NULL, &handler));
    femto_log_args first = FEMTO_LOG_ARGS_INIT;
    first.level = FEMTO_LEVEL_INFO;
    first.message = (femto_str)FEMTO_STR("first");
    CHECK_OK(femto_handler_log_ex(handler, logger, &first));
    first.message = (femto_str)FEMTO_STR("second");
    CHECK_OK(femto_handler_log_ex(handler, logger, &first));
    CHECK_OK(femto_handler_roll_over(handler));
    CHECK_OK(femto_handler_flush(handler, UINT64_MAX)); /* settings apply to what the worker handles next */
    CHECK_OK(femto_handler_set_rotation(handler, 0, 1));
    first.message = (femto_str)FEMTO_STR("third, not rolled: max_bytes 0");
    CHECK_OK(femto_handler_log_ex(handler, logger, &first));
    CHECK_OK(femto_handler_close(handler, UINT64_MAX));
    CHECK_STATUS(femto_handler_roll_over(handler), FEMTO_STATUS_INVALID_STATE);
    size_t rotated_size = 0;
    char *base_text = read_file(path, &rotated_size);
    char *backup_text = read_file(rotated, &rotated_size);
    CHECK(strcmp(base_text, "third, not rolled: max_bytes 0\n") == 0);
    CHECK(strcmp(backup_text, "second\n") == 0); /* "first" fell off: one backup kept */
    free(base_text);
    free(backup_text);
    femto_handler_free(handler);

    /* A timed rotating file: bad schedules are refused; doRollover renames
     * the file to timed.log.<hour stamp>. */
    femto_timed_rotation_options schedule = FEMTO_TIMED_ROTATION_OPTIONS_INIT;
    schedule.when = (femto_str)FEMTO_STR("fortnightly");
    snprintf(path, sizeof path, "%s/timed/timed.log", dir);
    char timed_dir[512];
    snprintf(timed_dir, sizeof timed_dir, "%s/timed", dir);
    mkdir(timed_dir, 0755);
    CHECK_STATUS(femto_timed_rotating_file_handler_new(path, strlen(path), &schedule, NULL, &handler), INVALID);
    CHECK(strstr(femto_last_error(), "FORTNIGHTLY") != NULL);
    schedule.when = (femto_str)FEMTO_STR("midnight");
    schedule.has_at_time = true;
    schedule.at_hour = 24;
    CHECK_STATUS(femto_timed_rotating_file_handler_new(path, strlen(path), &schedule, NULL, &handler), INVALID);
    schedule = (femto_timed_rotation_options)FEMTO_TIMED_ROTATION_OPTIONS_INIT;
    int clock_destroyed = 0;
    schedule.clock_now = fixed_now; /* without clock_utc_offset: refused, user data freed */
    schedule.clock_user_data = &clock_destroyed;
    schedule.clock_destroy = count_destroy;
    CHECK_STATUS(femto_timed_rotating_file_handler_new(path, strlen(path), &schedule, NULL, &handler), NULL_ARG);
    CHECK(clock_destroyed == 1);
    schedule = (femto_timed_rotation_options)FEMTO_TIMED_ROTATION_OPTIONS_INIT;
    CHECK_OK(femto_timed_rotating_file_handler_new(path, strlen(path), &schedule, NULL, &handler));
    int64_t computed = 0, next_at = 0;
    CHECK_OK(femto_handler_rollover_times(handler, 7200, &computed, &next_at));
    CHECK(computed == 7200 + 3600); /* the default: every hour */
    CHECK(next_at > 7200);          /* the worker's next, from now */
    char listed[16];
    size_t listed_len = 0;
    CHECK_OK(femto_handler_backups_to_delete(handler, listed, sizeof listed, &listed_len));
    CHECK(strcmp(listed, "[]") == 0 && listed_len == 2); /* backup_count 0 keeps every backup */
    CHECK_OK(femto_handler_set_backup_count(handler, 3));
    first.message = (femto_str)FEMTO_STR("before");
    CHECK_OK(femto_handler_log_ex(handler, logger, &first));
    CHECK_OK(femto_handler_roll_over(handler));
    first.message = (femto_str)FEMTO_STR("after");
    CHECK_OK(femto_handler_log_ex(handler, logger, &first));
    CHECK_OK(femto_handler_close(handler, UINT64_MAX));
    femto_handler_free(handler);
    DIR *listing = opendir(timed_dir);
    CHECK(listing != NULL);
    int backups = 0;
    for (struct dirent *entry = readdir(listing); entry != NULL; entry = readdir(listing)) {
        if (strncmp(entry->d_name, "timed.log.", 10) == 0 && strlen(entry->d_name) == 10 + 13) {
            backups++; /* timed.log.YYYY-MM-DD_HH */
        }
    }
    closedir(listing);
    CHECK(backups >= 1);
    base_text = read_file(path, &rotated_size);
    CHECK(strcmp(base_text, "after\n") == 0);
    free(base_text);
    CHECK_OK(femto_file_handler_new(path, strlen(path), false, NULL, &handler));
    CHECK_STATUS(femto_handler_set_backup_count(handler, 1), INVALID);
    femto_handler_free(handler);

    /* delay: no file until the first record. */
    snprintf(path, sizeof path, "%s/delayed.log", dir);
    remove(path);
    femto_file_options delayed = FEMTO_FILE_OPTIONS_INIT;
    delayed.delay = true;
    CHECK_OK(femto_file_handler_new_ex(path, strlen(path), &delayed, NULL, &handler));
    CHECK_OK(femto_handler_flush(handler, UINT64_MAX));
    CHECK(fopen(path, "r") == NULL);
    femto_log_args args = FEMTO_LOG_ARGS_INIT;
    args.level = FEMTO_LEVEL_INFO;
    args.message = (femto_str)FEMTO_STR("first");
    CHECK_OK(femto_handler_log_ex(handler, logger, &args));
    CHECK_OK(femto_handler_close(handler, UINT64_MAX));
    size_t size = 0;
    char *contents = read_file(path, &size);
    CHECK(strcmp(contents, "first\n") == 0);
    free(contents);
    femto_handler_free(handler);

    /* watch: a moved file is replaced at the next batch (logrotate). */
    snprintf(path, sizeof path, "%s/watched.log", dir);
    snprintf(rotated, sizeof rotated, "%s/watched.log.1", dir);
    remove(path);
    remove(rotated);
    femto_file_options watched = FEMTO_FILE_OPTIONS_INIT;
    watched.watch = true;
    CHECK_OK(femto_file_handler_new_ex(path, strlen(path), &watched, NULL, &handler));
    args.message = (femto_str)FEMTO_STR("before");
    CHECK_OK(femto_handler_log_ex(handler, logger, &args));
    CHECK_OK(femto_handler_flush(handler, UINT64_MAX));
    CHECK(rename(path, rotated) == 0);
    args.message = (femto_str)FEMTO_STR("after");
    CHECK_OK(femto_handler_log_ex(handler, logger, &args));
    CHECK_OK(femto_handler_close(handler, UINT64_MAX));
    contents = read_file(path, &size);
    CHECK(strcmp(contents, "after\n") == 0);
    free(contents);
    contents = read_file(rotated, &size);
    CHECK(strcmp(contents, "before\n") == 0);
    free(contents);
    femto_handler_free(handler);
}

/* The macros' inline level check answers as femto_logger_is_enabled_for
 * does, whatever changed the threshold. */
static void check_inline_level_check(void) {
    const femto_logger *parent = get_logger("inline");
    const femto_logger *child = get_logger("inline.child");
    const int32_t levels[] = {-1, 0, 5, 10, 19, 20, 21, 30, 40, 50, 51, 1000};
    for (int step = 0; step < 6; step++) {
        switch (step) {
        case 1: CHECK_OK(femto_logger_set_level(parent, FEMTO_LEVEL_INFO)); break;
        case 2: CHECK_OK(femto_logger_set_level(child, FEMTO_LEVEL_ERROR)); break;
        case 3: CHECK_OK(femto_disable(FEMTO_LEVEL_CRITICAL)); break;
        case 4: CHECK_OK(femto_disable(FEMTO_LEVEL_NOTSET)); CHECK_OK(femto_logger_set_disabled(child, true)); break;
        case 5: CHECK_OK(femto_logger_set_disabled(child, false)); break;
        default: break;
        }
        for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
            CHECK(femto_logger_enabled_(child, levels[i]) == femto_logger_is_enabled_for(child, levels[i]));
            CHECK(femto_logger_enabled_(parent, levels[i]) == femto_logger_is_enabled_for(parent, levels[i]));
        }
    }
    CHECK(femto_logger_enabled_(child, FEMTO_LEVEL_ERROR) && !femto_logger_enabled_(child, FEMTO_LEVEL_WARNING));
    CHECK(!femto_logger_enabled_(NULL, FEMTO_LEVEL_CRITICAL));
}

/* A logger's state is read back from the engine: what any binding (or
 * another language in the process) set is what every other one sees. */
static void check_logger_state(void) {
    const femto_logger *logger = NULL;
    CHECK_OK(femto_logger_get("state.reader", 12, &logger));
    bool flag = false;
    CHECK_OK(femto_logger_get_propagate(logger, &flag));
    CHECK(flag);
    CHECK_OK(femto_logger_set_propagate(logger, false));
    CHECK_OK(femto_logger_get_propagate(logger, &flag));
    CHECK(!flag);
    CHECK_OK(femto_logger_get_disabled(logger, &flag));
    CHECK(!flag);
    CHECK_OK(femto_logger_set_disabled(logger, true));
    CHECK_OK(femto_logger_get_disabled(logger, &flag));
    CHECK(flag);

    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    options.name = (femto_str)FEMTO_STR("reader-null");
    options.level = 30;
    femto_handler *first = NULL, *second = NULL;
    CHECK_OK(femto_null_handler_new(&first));
    CHECK_OK(femto_stream_handler_new(FEMTO_STREAM_STDERR, &options, &second));
    size_t count = 99;
    CHECK_OK(femto_logger_handlers(logger, NULL, 0, &count));
    CHECK(count == 0);
    CHECK_OK(femto_logger_add_handler(logger, first));
    CHECK_OK(femto_logger_add_handler(logger, second));
    femto_handler *seen[2] = {NULL, NULL};
    CHECK_STATUS(femto_logger_handlers(logger, seen, 1, &count), FEMTO_STATUS_BUFFER_TOO_SMALL);
    CHECK(count == 2 && seen[0] == NULL);
    CHECK_OK(femto_logger_handlers(logger, seen, 2, &count));
    CHECK(count == 2);
    uint64_t ids[4];
    CHECK_OK(femto_handler_id(first, &ids[0]));
    CHECK_OK(femto_handler_id(second, &ids[1]));
    CHECK_OK(femto_handler_id(seen[0], &ids[2]));
    CHECK_OK(femto_handler_id(seen[1], &ids[3]));
    CHECK(ids[0] == ids[2] && ids[1] == ids[3] && ids[0] != ids[1]);
    int32_t level = 0;
    CHECK_OK(femto_handler_get_level(seen[1], &level));
    CHECK(level == 30);
    char name[32];
    size_t name_len = 0;
    CHECK_OK(femto_handler_name(seen[1], name, sizeof name, &name_len));
    CHECK(name_len == 11 && strcmp(name, "reader-null") == 0);
    /* The references are the caller's: freeing them leaves the logger's. */
    femto_handler_free(seen[0]);
    femto_handler_free(seen[1]);
    femto_handler_free(first);
    femto_handler_free(second);
    CHECK_OK(femto_logger_handlers(logger, seen, 2, &count));
    CHECK(count == 2);
    femto_handler_free(seen[0]);
    femto_handler_free(seen[1]);
    CHECK_OK(femto_logger_clear_handlers(logger));
    /* Replacing the handlers leaves the level and the flags alone. */
    CHECK_OK(femto_logger_set_level(logger, 40));
    const femto_handler *replacement[1] = {seen[0]};
    CHECK_OK(femto_logger_handlers(logger, seen, 2, &count));
    CHECK(count == 0);
    CHECK_OK(femto_null_handler_new(&first));
    replacement[0] = first;
    CHECK_OK(femto_logger_set_handlers(logger, replacement, 1));
    CHECK_OK(femto_logger_handlers(logger, seen, 2, &count));
    CHECK(count == 1);
    femto_handler_free(seen[0]);
    CHECK_OK(femto_logger_get_level(logger, &level));
    CHECK(level == 40);
    CHECK_OK(femto_logger_set_handlers(logger, NULL, 0));
    CHECK_OK(femto_logger_handlers(logger, NULL, 0, &count));
    CHECK(count == 0);
    femto_handler_free(first);

    /* The registry: the root first, then every logger by name. */
    CHECK_STATUS(femto_loggers_get(NULL, 0, &count), FEMTO_STATUS_BUFFER_TOO_SMALL);
    CHECK(count >= 3);
    const femto_logger **all = (const femto_logger **)calloc(count, sizeof *all);
    CHECK(all != NULL);
    CHECK_OK(femto_loggers_get(all, count, &count));
    CHECK(strcmp(femto_logger_name(all[0]), "root") == 0);
    bool found = false;
    for (size_t i = 0; i < count; i++) {
        found = found || all[i] == logger;
    }
    CHECK(found);
    free(all);
    CHECK_OK(femto_logger_set_disabled(logger, false));
}

/* Every handler kind from its description: one constructor, the
 * configuration file's classes and keys. */
static void check_handler_from_description(const char *dir) {
    char path[512], description[1024];
    snprintf(path, sizeof path, "%s/described.log", dir);
    snprintf(description, sizeof description,
             "{\"class\": \"rotating_file\", \"path\": \"%s\", \"max_bytes\": 1000, \"backup_count\": 2}", path);
    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    options.name = (femto_str)FEMTO_STR("described");
    femto_handler *handler = NULL;
    CHECK_OK(femto_handler_new(description, strlen(description), &options, &handler));
    const femto_logger *logger = NULL;
    CHECK_OK(femto_logger_get("described", 9, &logger));
    CHECK_OK(femto_logger_set_propagate(logger, false));
    CHECK_OK(femto_logger_add_handler(logger, handler));
    CHECK_OK(femto_logger_log(logger, 30, "from a description", 18));
    CHECK_OK(femto_handler_flush(handler, UINT64_MAX));
    FILE *file = fopen(path, "r");
    CHECK(file != NULL);
    char line[64] = "";
    CHECK(fgets(line, sizeof line, file) != NULL);
    fclose(file);
    CHECK(strcmp(line, "from a description\n") == 0);
    bool due = false;
    CHECK_OK(femto_handler_rollover_due(handler, 990, 11, &due));
    CHECK(due);
    CHECK_OK(femto_handler_rollover_due(handler, 989, 11, &due));
    CHECK(!due);
    CHECK_OK(femto_handler_rollover_due(handler, 0, 5000, &due));
    CHECK(!due); /* an empty file takes a record of any size */
    CHECK_OK(femto_logger_clear_handlers(logger));
    femto_handler_free(handler);

    /* A formatter renders for the caller too, without logging. */
    femto_formatter_options json_options = FEMTO_FORMATTER_OPTIONS_INIT;
    json_options.utc = true;
    femto_formatter *json = NULL;
    CHECK_OK(femto_formatter_new_json_ex(NULL, 0, &json_options, &json));
    femto_log_args args = FEMTO_LOG_ARGS_INIT;
    args.level = 30;
    args.message = (femto_str)FEMTO_STR("rendered");
    args.created_ns = 86400ull * 1000000000ull;
    char text[512];
    size_t text_len = 0;
    CHECK_STATUS(femto_formatter_format(json, logger, &args, text, 4, &text_len), FEMTO_STATUS_BUFFER_TOO_SMALL);
    CHECK_OK(femto_formatter_format(json, logger, &args, text, sizeof text, &text_len));
    CHECK(strlen(text) == text_len);
    CHECK(strstr(text, "\"asctime\":\"1970-01-02 00:00:00,000\"") != NULL);
    CHECK(strstr(text, "\"message\":\"rendered\"") != NULL);
    femto_formatter_free(json);

    static const char unknown_key[] = "{\"class\": \"stream\", \"max_bytes\": 1}";
    femto_handler *none = NULL;
    CHECK_STATUS(femto_handler_new(unknown_key, sizeof unknown_key - 1, NULL, &none), FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(femto_last_error(), "max_bytes") != NULL && none == NULL);
    static const char common_key[] = "{\"class\": \"stream\", \"level\": \"INFO\"}";
    CHECK_STATUS(femto_handler_new(common_key, sizeof common_key - 1, NULL, &none), FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(femto_handler_new("{", 1, NULL, &none), FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(femto_handler_new(NULL, 3, NULL, &none), FEMTO_STATUS_NULL_ARGUMENT);
    CHECK(none == NULL);

    /* The HTTP handler: its name and errors never show its secrets. */
    static const char http[] =
        "{\"class\": \"http\", \"url\": \"http://ann:hunter2@127.0.0.1:9/in?token=s3cr3t\"}";
    CHECK_OK(femto_handler_new(http, sizeof http - 1, NULL, &handler));
    char name[256];
    size_t name_len = 0;
    CHECK_OK(femto_handler_name(handler, name, sizeof name, &name_len));
    CHECK(strcmp(name, "http http://ann:***@127.0.0.1:9/in?token=***") == 0);
    femto_handler_free(handler);
    static const char http_get_json[] =
        "{\"class\": \"http\", \"url\": \"http://ann:hunter2@x/\", \"method\": \"GET\"}";
    CHECK_STATUS(femto_handler_new(http_get_json, sizeof http_get_json - 1, NULL, &none),
                 FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(femto_last_error(), "method") != NULL && strstr(femto_last_error(), "hunter2") == NULL);
    static const char http_scheme[] = "{\"class\": \"http\", \"url\": \"ftp://x/\"}";
    CHECK_STATUS(femto_handler_new(http_scheme, sizeof http_scheme - 1, NULL, &none), FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(femto_last_error(), "url") != NULL && none == NULL);
}

static int32_t count_write(void *user_data, const femto_record *record, const char *text, size_t len) {
    (void)record, (void)text, (void)len;
    (*(int *)user_data)++;
    return 0;
}

/* After femto_host_exit no host callback runs: writes fail (counted), and
 * the destroy callback is left to the process's end. Irreversible: last. */
static void check_host_exit(void) {
    static int writes = 0;
    femto_handler *handler = NULL;
    CHECK_OK(femto_callback_handler_new(count_write, NULL, &writes, NULL, NULL, &handler));
    const femto_logger *logger = NULL;
    CHECK_OK(femto_logger_get("host.exit", 9, &logger));
    CHECK_OK(femto_logger_set_propagate(logger, false));
    CHECK_OK(femto_logger_add_handler(logger, handler));
    CHECK_OK(femto_logger_log(logger, 30, "before", 6));
    CHECK_OK(femto_handler_flush(handler, UINT64_MAX));
    CHECK(writes == 1);
    CHECK_OK(femto_host_exit(1000));
    CHECK_OK(femto_logger_log(logger, 30, "after", 5));
    CHECK_OK(femto_handler_flush(handler, UINT64_MAX));
    CHECK(writes == 1);
    femto_handler_stats stats = FEMTO_HANDLER_STATS_INIT;
    CHECK_OK(femto_handler_stats_get(handler, &stats));
    CHECK(stats.written == 1 && stats.errors == 1);
    CHECK_OK(femto_logger_clear_handlers(logger));
    femto_handler_free(handler);
}

int main(int argc, char **argv) {
    CHECK(argc == 2);
    check_inline_level_check();
    CHECK(strcmp(femto_last_error(), "") == 0);
    check_versions();
    check_levels();
    check_loggers();
    check_logger_state();
    check_formatters_filters_handlers(argv[1]);
    check_handler_from_description(argv[1]);
    for (int s = 0; s < 4; s++) {
        CHECK(strlen(femto_status_message((femto_status)s)) > 0);
    }
    CHECK(strlen(femto_status_message(FEMTO_STATUS_PANIC)) > 0);
    CHECK_STATUS(femto_set_error_hook(NULL, NULL), FEMTO_STATUS_OK);
    CHECK_OK(femto_flush_all(1000));
    check_host_exit();
    CHECK_OK(femto_shutdown(1000));
    printf("test_api: every export rejected bad arguments with a status\n");
    return 0;
}
