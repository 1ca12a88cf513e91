/* 4 threads x 250,000 records into one file under the `block` policy:
 * exactly 1,000,000 lines, each thread's sequence in order, nothing dropped. */
#include "check.h"
#include <pthread.h>

enum { THREADS = 4, PER_THREAD = 250000 };

static const femto_logger *logger;

static void *produce(void *arg) {
    int thread = (int)(size_t)arg;
    for (long i = 0; i < PER_THREAD; i++) {
        FEMTO_INFO(logger, "%d %ld", thread, i);
    }
    return NULL;
}

int main(int argc, char **argv) {
    CHECK(argc == 2);
    const char *path = argv[1];
    logger = get_logger("test.mt");
    CHECK_OK(femto_logger_set_level(logger, FEMTO_LEVEL_INFO));
    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    options.capacity = 1024; /* small: producers must really block */
    femto_handler *file = NULL;
    CHECK_OK(femto_file_handler_new(path, strlen(path), true, &options, &file));
    CHECK_OK(femto_logger_add_handler(logger, file));

    pthread_t threads[THREADS];
    for (size_t t = 0; t < THREADS; t++) {
        CHECK(pthread_create(&threads[t], NULL, produce, (void *)t) == 0);
    }
    for (size_t t = 0; t < THREADS; t++) {
        CHECK(pthread_join(threads[t], NULL) == 0);
    }
    CHECK_OK(femto_handler_close(file, 60000));

    femto_handler_stats stats = FEMTO_HANDLER_STATS_INIT;
    CHECK_OK(femto_handler_stats_get(file, &stats));
    CHECK(stats.written == (uint64_t)THREADS * PER_THREAD);
    CHECK(stats.dropped == 0);
    CHECK(stats.errors == 0);

    size_t size = 0;
    char *data = read_file(path, &size);
    long next[THREADS] = {0};
    size_t lines = 0;
    for (char *line = data; line < data + size; lines++) {
        char *end = strchr(line, '\n');
        CHECK(end != NULL);
        *end = '\0'; /* sscanf would otherwise strlen the rest of the file */
        int thread = -1;
        long seq = -1;
        CHECK(sscanf(line, "%d %ld", &thread, &seq) == 2);
        CHECK(thread >= 0 && thread < THREADS);
        CHECK(seq == next[thread]);
        next[thread]++;
        line = end + 1;
    }
    CHECK(lines == (size_t)THREADS * PER_THREAD);
    free(data);
    femto_handler_free(file);
    CHECK_OK(femto_shutdown(10000));
    printf("test_mt_block: %zu lines, in order, none dropped\n", lines);
    return 0;
}
