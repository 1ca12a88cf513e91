/* hello: a stream handler and a file handler on one logger.
 *
 *   cc -Wall -Wextra -Werror hello.c -I include -L target/release -lfemtologging
 *   ./hello /tmp/hello.log
 */
#include <femtologging.h>
#include <unistd.h>

static int check(femto_status status, const char *what) {
    if (status != FEMTO_STATUS_OK) {
        fprintf(stderr, "%s failed: %s (%s)\n", what, femto_status_message(status), femto_last_error());
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "hello.log";
    const femto_logger *app = NULL;
    femto_formatter *console_format = NULL, *file_format = NULL;
    femto_handler *console = NULL, *file = NULL;
    static const char console_pattern[] = "%(levelname)-8s %(name)s: %(message)s";
    static const char file_pattern[] = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s %(filename)s:%(lineno)d %(funcName)s: %(message)s";

    if (check(femto_logger_get("app.hello", 9, &app), "femto_logger_get") ||
        check(femto_formatter_new(FEMTO_FORMAT_STYLE_PERCENT, console_pattern, sizeof console_pattern - 1, NULL, 0,
                                  &console_format), "femto_formatter_new") ||
        check(femto_formatter_new(FEMTO_FORMAT_STYLE_PERCENT, file_pattern, sizeof file_pattern - 1, NULL, 0,
                                  &file_format), "femto_formatter_new")) {
        return 1;
    }
    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    options.formatter = console_format;
    if (check(femto_stream_handler_new(FEMTO_STREAM_STDOUT, &options, &console), "femto_stream_handler_new")) {
        return 1;
    }
    options.formatter = file_format;
    options.level = FEMTO_LEVEL_DEBUG;
    if (check(femto_file_handler_new(path, strlen(path), true, &options, &file), "femto_file_handler_new")) {
        return 1;
    }
    femto_formatter_free(console_format);
    femto_formatter_free(file_format);
    femto_logger_add_handler(app, console);
    femto_logger_add_handler(app, file);
    femto_logger_set_level(app, FEMTO_LEVEL_DEBUG);

    FEMTO_INFO(app, "hello from C, pid %d", (int)getpid());
    FEMTO_DEBUG(app, "the answer is %d", 42);
    FEMTO_WARNING(app, "%s", "a warning");
    FEMTO_TRACE(app, "not shown: the logger is at DEBUG");

    femto_handler_free(console);
    femto_handler_free(file);
    return check(femto_shutdown(5000), "femto_shutdown");
}
