/* A program that returns from main without calling femto_shutdown loses
 * nothing: the library's exit hook drains every handler.
 *
 *   test_exit PATH          runs itself as a writer, then checks PATH
 *   test_exit PATH COUNT    (writer) logs COUNT records and returns */
#include "check.h"
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

static int writer(const char *path, long count) {
    const femto_logger *logger = get_logger("test.exit");
    CHECK_OK(femto_logger_set_level(logger, FEMTO_LEVEL_INFO));
    femto_handler *file = NULL;
    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    options.capacity = 1 << 16; /* most records are still queued at exit */
    CHECK_OK(femto_file_handler_new(path, strlen(path), true, &options, &file));
    CHECK_OK(femto_logger_add_handler(logger, file));
    femto_handler_free(file);
    for (long i = 0; i < count; i++) {
        FEMTO_INFO(logger, "record %ld", i);
    }
    return 0; /* no shutdown, no flush */
}

int main(int argc, char **argv) {
    CHECK(argc == 2 || argc == 3);
    if (argc == 3) {
        return writer(argv[1], atol(argv[2]));
    }
    const long count = 200000;
    char count_text[32];
    snprintf(count_text, sizeof count_text, "%ld", count);
    char *child_argv[] = {argv[0], argv[1], count_text, NULL};
    pid_t child;
    CHECK(posix_spawn(&child, argv[0], NULL, NULL, child_argv, environ) == 0);
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    size_t lines = count_lines(argv[1]);
    CHECK(lines == (size_t)count);
    printf("test_exit: %zu of %ld records written without an explicit shutdown\n", lines, count);
    return 0;
}
