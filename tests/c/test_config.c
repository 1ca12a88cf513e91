/* Configuration from C: TOML and JSON text, a file, errors that name the
 * key and leave the previous configuration in place, handlers made in C
 * inside a configuration, and the JSON export's buffer protocol.
 *
 *   test_config OUTDIR
 */
#include "check.h"

#include <sys/stat.h>

static char path_buf[4096];

static const char *in_dir(const char *dir, const char *name) {
    snprintf(path_buf, sizeof path_buf, "%s/%s", dir, name);
    return path_buf;
}

static femto_str str_of(const char *text) {
    femto_str s = {text, strlen(text)};
    return s;
}

/* Applies TOML text, checking success. */
static void configure(const char *toml) {
    CHECK_OK(femto_configure_toml(toml, strlen(toml)));
}

/* Applies TOML text that must fail with `status`, naming `key` first. */
static void refuse(const char *toml, femto_status status, const char *key) {
    CHECK(femto_configure_toml(toml, strlen(toml)) == status);
    if (strncmp(femto_last_error(), key, strlen(key)) != 0) {
        fprintf(stderr, "expected an error about %s, got: %s\n", key, femto_last_error());
        exit(1);
    }
}

static void expect_file(const char *path, const char *expected) {
    size_t size = 0;
    char *data = read_file(path, &size);
    if (strcmp(data, expected) != 0) {
        fprintf(stderr, "%s holds:\n%s\nexpected:\n%s\n", path, data, expected);
        exit(1);
    }
    free(data);
}

/* An untrusted configuration confined to `dir`: escapes refused, a file
 * inside created private (0640) and written. */
static void check_confined(const char *dir) {
    remove(in_dir(dir, "confined.log"));
    static const char escaping[] = "[handlers.h]\nclass = \"file\"\npath = \"../escape.log\"\n"
                                   "[loggers.confined]\nhandlers = [\"h\"]\n";
    femto_config *config = NULL;
    CHECK_OK(femto_config_from_toml(escaping, sizeof escaping - 1, &config));
    CHECK_OK(femto_config_confine_files(config, dir, strlen(dir)));
    CHECK(femto_config_apply(config) == FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(femto_last_error(), "handlers.h.path") != NULL && strstr(femto_last_error(), "..") != NULL);
    femto_config_free(config);

    static const char truncating[] = "[handlers.h]\nclass = \"file\"\npath = \"in.log\"\nmode = \"w\"\n";
    CHECK_OK(femto_config_from_toml(truncating, sizeof truncating - 1, &config));
    CHECK_OK(femto_config_confine_files(config, dir, strlen(dir)));
    CHECK(femto_config_apply(config) == FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(femto_last_error(), "handlers.h.mode") != NULL);
    femto_config_free(config);

    static const char inside[] = "[handlers.h]\nclass = \"file\"\npath = \"confined.log\"\n"
                                 "[loggers.confined]\nlevel = \"INFO\"\nhandlers = [\"h\"]\npropagate = false\n";
    CHECK_OK(femto_config_from_toml(inside, sizeof inside - 1, &config));
    CHECK_OK(femto_config_confine_files(config, dir, strlen(dir)));
    CHECK_OK(femto_config_apply(config));
    femto_config_free(config);
    FEMTO_INFO(get_logger("confined"), "inside the root");
    CHECK_OK(femto_flush_all(UINT64_MAX));
    struct stat info;
    CHECK(stat(in_dir(dir, "confined.log"), &info) == 0 && (info.st_mode & 0777 & ~0640) == 0);
    CHECK(count_lines(in_dir(dir, "confined.log")) == 1);

    char resolved[4096];
    size_t length = 0;
    CHECK(femto_confine_file(dir, strlen(dir), "../x", 4, resolved, sizeof resolved, &length) ==
          FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK_OK(femto_confine_file(dir, strlen(dir), "sub.log", 7, resolved, sizeof resolved, &length));
    CHECK(length == strlen(resolved) && strstr(resolved, "sub.log") != NULL);
    CHECK(femto_confine_file(dir, strlen(dir), "sub.log", 7, resolved, 3, &length) == FEMTO_STATUS_BUFFER_TOO_SMALL);
}

int main(int argc, char **argv) {
    CHECK(argc > 1);
    const char *dir = argv[1];
    char toml[8192], first[4096], second[4096];
    snprintf(first, sizeof first, "%s", in_dir(dir, "config-first.log"));
    snprintf(second, sizeof second, "%s", in_dir(dir, "config-second.log"));
    femto_set_last_resort(false);
    const femto_logger *logger = get_logger("cfg.app");

    snprintf(toml, sizeof toml,
             "[formatters.plain]\nformat = \"%%(levelname)s %%(name)s: %%(message)s\"\n"
             "[handlers.file]\nclass = \"file\"\npath = \"%s\"\nmode = \"w\"\nformatter = \"plain\"\n"
             "[loggers.\"cfg.app\"]\nlevel = \"INFO\"\nhandlers = [\"file\"]\n",
             first);
    configure(toml);
    FEMTO_INFO(logger, "one %d", 1);
    FEMTO_DEBUG(logger, "%s", "below INFO");

    /* Bad configurations: each names the key; none changes anything. */
    refuse("[handlers.file]\nclass = \"rotating_file\"\npath = \"x\"\nmax_bytes = \"big\"\n",
           FEMTO_STATUS_INVALID_ARGUMENT, "handlers.file.max_bytes: invalid type");
    refuse("[handlers.h]\nclass = \"SMTPHandler\"\n", FEMTO_STATUS_INVALID_ARGUMENT, "handlers.h.class");
    refuse("[handlers.h]\nclass = \"stream\"\nformatter = \"missing\"\n", FEMTO_STATUS_INVALID_ARGUMENT,
           "handlers.h.formatter: no formatter named");
    refuse("[root]\nhandlers = [\"missing\"]\n", FEMTO_STATUS_INVALID_ARGUMENT, "root.handlers[0]");
    refuse("[handlers.h]\nclass = \"file\"\npath = \"/nonexistent-dir/x.log\"\n[root]\nhandlers = [\"h\"]\n",
           FEMTO_STATUS_IO, "handlers.h: cannot open");
    refuse("[root\n", FEMTO_STATUS_INVALID_ARGUMENT, "TOML syntax at line 1");
    CHECK(femto_configure_json("{\"root\": 1}", 11) == FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(femto_last_error(), "root: invalid type") != NULL);
    const char *missing = in_dir(dir, "missing.toml");
    CHECK(femto_configure_file(missing, strlen(missing)) == FEMTO_STATUS_IO);
    FEMTO_INFO(logger, "two %d", 2);

    /* A configuration from JSON with a handler made in C: the new one
     * replaces the old, whose handler is drained and closed. */
    const char *json = "{\"version\": 1, \"loggers\": {\"cfg.app\": {\"level\": \"WARNING\"}}}";
    femto_config *config = NULL;
    CHECK_OK(femto_config_from_json(json, strlen(json), &config));
    femto_formatter *plain = percent_formatter("%(levelname)s|%(message)s");
    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    options.formatter = plain;
    femto_handler *mine = NULL;
    CHECK_OK(femto_file_handler_new(second, strlen(second), true, &options, &mine));
    femto_formatter_free(plain);
    CHECK_OK(femto_config_add_handler(config, "mine", 4, mine));
    femto_str ids[] = {str_of("mine")};
    CHECK_OK(femto_config_set_logger(config, "cfg.app", 7, FEMTO_LEVEL_WARNING, false, ids, 1));
    /* A handler made in C has no file form. */
    size_t length = 0;
    char small[8];
    CHECK(femto_config_to_json(config, small, sizeof small, &length) == FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK_OK(femto_config_apply(config));
    femto_config_free(config);
    FEMTO_INFO(logger, "%s", "below WARNING");
    FEMTO_ERROR(logger, "three %d", 3);
    CHECK_OK(femto_handler_flush(mine, 10000));
    expect_file(first, "INFO cfg.app: one 1\nINFO cfg.app: two 2\n");
    expect_file(second, "ERROR|three 3\n");

    /* The export: too small a buffer tells the size needed. */
    const char *text = "[handlers.h]\nclass = \"stream\"\nstream = \"stdout\"\n";
    CHECK_OK(femto_config_from_toml(text, strlen(text), &config));
    CHECK(femto_config_to_json(config, small, sizeof small, &length) == FEMTO_STATUS_BUFFER_TOO_SMALL);
    CHECK(length > sizeof small);
    char *exported = (char *)malloc(length + 1);
    CHECK(exported != NULL);
    CHECK_OK(femto_config_to_json(config, exported, length + 1, &length));
    CHECK(strlen(exported) == length);
    CHECK(strstr(exported, "\"stream\":\"stdout\"") != NULL);
    free(exported);
    femto_config_free(config);
    femto_config_free(NULL);

    /* An empty configuration detaches what the last one attached (a C
     * handler is detached, not closed: it is still ours to use). */
    CHECK_OK(femto_config_new(&config));
    CHECK_OK(femto_config_apply(config));
    femto_config_free(config);
    FEMTO_ERROR(logger, "%s", "to no handler");
    CHECK_OK(femto_handler_flush(mine, 10000));
    expect_file(second, "ERROR|three 3\n");

    /* Several loggers set in one change; a bad entry changes nothing. */
    const femto_logger *other = get_logger("cfg.other");
    const femto_handler *both[] = {mine};
    femto_logger_state states[2] = {
        {logger, FEMTO_LEVEL_INFO, false, false, both, 1},
        {other, FEMTO_LEVEL_ERROR, false, false, both, 1},
    };
    CHECK_OK(femto_loggers_set(states, 2));
    FEMTO_INFO(logger, "%s", "four");
    FEMTO_WARNING(other, "%s", "below ERROR");
    FEMTO_ERROR(other, "%s", "five");
    const femto_handler *broken[] = {NULL};
    femto_logger_state bad[2] = {
        {logger, FEMTO_LEVEL_CRITICAL, false, false, NULL, 0},
        {other, FEMTO_LEVEL_INFO, false, false, broken, 1},
    };
    CHECK(femto_loggers_set(bad, 2) == FEMTO_STATUS_NULL_ARGUMENT);
    int32_t level = -1;
    CHECK_OK(femto_logger_get_level(logger, &level));
    CHECK(level == FEMTO_LEVEL_INFO);
    CHECK(femto_loggers_set(NULL, 1) == FEMTO_STATUS_NULL_ARGUMENT);
    CHECK_OK(femto_loggers_set(NULL, 0));
    CHECK_OK(femto_handler_flush(mine, 10000));
    expect_file(second, "ERROR|three 3\nINFO|four\nERROR|five\n");
    CHECK_OK(femto_handler_close(mine, 10000));
    femto_handler_free(mine);
    CHECK_OK(femto_shutdown(10000));
    check_confined(dir);
    return 0;
}
