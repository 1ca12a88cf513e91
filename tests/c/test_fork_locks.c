/* Forking while other threads hold the engine's internal locks must not
 * deadlock the child. One thread logs with a new function name on every
 * record (so the table of interned strings is locked most of the time);
 * the main thread forks 100 times, and each child logs with names it has
 * never seen (so it needs that lock at once) and must exit within 5 s.
 * Another thread makes loggers and asks their names, for the table of
 * NUL-terminated names. */
#include "check.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { FORKS = 100 };

static const femto_logger *logger;
static atomic_int stop;

static void log_with_function(const char *function) {
    femto_log_args args = FEMTO_LOG_ARGS_INIT;
    args.level = FEMTO_LEVEL_INFO;
    args.message = femto_str_from_cstr("record");
    args.function = femto_str_from_cstr(function);
    CHECK(femto_logger_log_ex(logger, &args) == FEMTO_STATUS_OK);
}

static void *churn(void *arg) {
    (void)arg;
    char function[64];
    for (long i = 0; !atomic_load(&stop); i++) {
        snprintf(function, sizeof function, "parent_function_%ld", i);
        log_with_function(function);
    }
    return NULL;
}

/* Names C is handed as `const char *` live in another table with its own
 * lock: keep that one busy too. */
static void *churn_names(void *arg) {
    (void)arg;
    char name[64];
    for (long i = 0; !atomic_load(&stop); i++) {
        snprintf(name, sizeof name, "test.forklocks.n%ld", i);
        const femto_logger *named = get_logger(name);
        CHECK(strcmp(femto_logger_name(named), name) == 0);
    }
    return NULL;
}

static int wait_for(pid_t child) {
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        int status = 0;
        pid_t done = waitpid(child, &status, WNOHANG);
        if (done == child) {
            return WIFEXITED(status) && WEXITSTATUS(status) == 0;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec > 5) {
            kill(child, SIGKILL);
            waitpid(child, &status, 0);
            return 0;
        }
        usleep(1000);
    }
}

int main(int argc, char **argv) {
    CHECK(argc == 2);
    logger = get_logger("test.forklocks");
    CHECK_OK(femto_logger_set_level(logger, FEMTO_LEVEL_INFO));
    femto_handler *file = NULL;
    CHECK_OK(femto_file_handler_new(argv[1], strlen(argv[1]), true, NULL, &file));
    CHECK_OK(femto_logger_add_handler(logger, file));
    pthread_t thread, names_thread;
    CHECK(pthread_create(&thread, NULL, churn, NULL) == 0);
    CHECK(pthread_create(&names_thread, NULL, churn_names, NULL) == 0);
    for (int f = 0; f < FORKS; f++) {
        pid_t child = fork();
        CHECK(child >= 0);
        if (child == 0) {
            char function[64];
            snprintf(function, sizeof function, "child_function_%d", f);
            log_with_function(function);
            CHECK(strcmp(femto_logger_name(get_logger(function)), function) == 0);
            exit(0);
        }
        if (!wait_for(child)) {
            fprintf(stderr, "child %d of %d hung or failed\n", f, FORKS);
            return 1;
        }
    }
    atomic_store(&stop, 1);
    CHECK(pthread_join(thread, NULL) == 0);
    CHECK(pthread_join(names_thread, NULL) == 0);
    CHECK_OK(femto_handler_close(file, 30000));
    femto_handler_free(file);
    printf("test_fork_locks: %d children forked while another thread held engine locks\n", FORKS);
    return 0;
}
