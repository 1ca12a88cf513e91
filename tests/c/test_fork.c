/* 50 forks while 4 threads log: every child logs its own records and exits
 * within 5 s, and no parent record appears twice (or goes missing). */
#include "check.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { THREADS = 4, FORKS = 50, CHILD_RECORDS = 100 };

static const femto_logger *logger;
static atomic_int stop;
static long produced[THREADS];

static void *produce(void *arg) {
    int thread = (int)(size_t)arg;
    long i = 0;
    while (!atomic_load(&stop)) {
        FEMTO_INFO(logger, "P %d %ld", thread, i);
        i++;
    }
    produced[thread] = i;
    return NULL;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits up to 5 s for the child; kills it and fails the test otherwise. */
static void reap(pid_t child) {
    double deadline = now() + 5.0;
    for (;;) {
        int status = 0;
        pid_t done = waitpid(child, &status, WNOHANG);
        CHECK(done >= 0);
        if (done == child) {
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
            return;
        }
        if (now() > deadline) {
            kill(child, SIGKILL);
            fprintf(stderr, "child %d did not exit within 5 s (deadlock?)\n", (int)child);
            exit(1);
        }
        usleep(1000);
    }
}

int main(int argc, char **argv) {
    CHECK(argc == 2);
    const char *path = argv[1];
    logger = get_logger("test.fork");
    CHECK_OK(femto_logger_set_level(logger, FEMTO_LEVEL_INFO));
    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    options.capacity = 256;
    femto_handler *file = NULL;
    CHECK_OK(femto_file_handler_new(path, strlen(path), true, &options, &file));
    CHECK_OK(femto_logger_add_handler(logger, file));

    pthread_t threads[THREADS];
    for (size_t t = 0; t < THREADS; t++) {
        CHECK(pthread_create(&threads[t], NULL, produce, (void *)t) == 0);
    }
    pid_t children[FORKS];
    for (int f = 0; f < FORKS; f++) {
        usleep(2000);
        pid_t child = fork();
        CHECK(child >= 0);
        if (child == 0) {
            for (int i = 0; i < CHILD_RECORDS; i++) {
                FEMTO_INFO(logger, "C %d %d", (int)getpid(), i);
            }
            exit(0); /* the exit hook drains the child's handler */
        }
        children[f] = child;
    }
    for (int f = 0; f < FORKS; f++) {
        reap(children[f]);
    }
    atomic_store(&stop, 1);
    for (size_t t = 0; t < THREADS; t++) {
        CHECK(pthread_join(threads[t], NULL) == 0);
    }
    CHECK_OK(femto_handler_close(file, 30000));

    /* Every parent record exactly once, every child record present. */
    unsigned char *seen[THREADS];
    for (int t = 0; t < THREADS; t++) {
        seen[t] = (unsigned char *)calloc((size_t)produced[t] + 1, 1);
        CHECK(seen[t] != NULL);
    }
    int child_records[FORKS] = {0};
    size_t size = 0;
    char *data = read_file(path, &size);
    for (char *line = data; line < data + size;) {
        char *end = strchr(line, '\n');
        CHECK(end != NULL);
        *end = '\0'; /* sscanf would otherwise strlen the rest of the file */
        int a = 0;
        long b = 0;
        if (sscanf(line, "P %d %ld", &a, &b) == 2) {
            CHECK(a >= 0 && a < THREADS && b >= 0 && b < produced[a]);
            CHECK(seen[a][b] == 0); /* written twice? */
            seen[a][b] = 1;
        } else {
            CHECK(sscanf(line, "C %d %ld", &a, &b) == 2);
            int found = 0;
            for (int f = 0; f < FORKS; f++) {
                if (children[f] == a) {
                    child_records[f]++;
                    found = 1;
                }
            }
            CHECK(found);
        }
        line = end + 1;
    }
    long total = 0;
    for (int t = 0; t < THREADS; t++) {
        for (long i = 0; i < produced[t]; i++) {
            CHECK(seen[t][i] == 1);
        }
        total += produced[t];
        free(seen[t]);
    }
    for (int f = 0; f < FORKS; f++) {
        if (child_records[f] != CHILD_RECORDS) {
            fprintf(stderr, "child %d (#%d) wrote %d of %d records\n", (int)children[f], f, child_records[f], CHILD_RECORDS);
        }
        CHECK(child_records[f] == CHILD_RECORDS);
    }
    free(data);
    femto_handler_free(file);
    printf("test_fork: %d children, %ld parent records each written once\n", FORKS, total);
    return 0;
}
