/* threads: four pthreads logging into one file handler; nothing is lost.
 *
 *   ./threads /tmp/threads.log 100000
 */
#include <femtologging.h>
#include <pthread.h>

enum { THREADS = 4 };

struct job {
    const femto_logger *logger;
    int thread;
    long count;
};

static void *work(void *arg) {
    const struct job *job = (const struct job *)arg;
    for (long i = 0; i < job->count; i++) {
        FEMTO_INFO(job->logger, "thread %d record %ld", job->thread, i);
    }
    return NULL;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "threads.log";
    long count = argc > 2 ? atol(argv[2]) : 100000;
    const femto_logger *logger = NULL;
    femto_handler *file = NULL;
    femto_formatter *format = NULL;
    static const char pattern[] = "%(threadName)s %(message)s";
    if (femto_logger_get("app.threads", 11, &logger) != FEMTO_STATUS_OK ||
        femto_formatter_new(FEMTO_FORMAT_STYLE_PERCENT, pattern, sizeof pattern - 1, NULL, 0, &format) != FEMTO_STATUS_OK) {
        fprintf(stderr, "setup failed: %s\n", femto_last_error());
        return 1;
    }
    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    options.formatter = format;
    if (femto_file_handler_new(path, strlen(path), true, &options, &file) != FEMTO_STATUS_OK) {
        fprintf(stderr, "cannot open %s: %s\n", path, femto_last_error());
        return 1;
    }
    femto_formatter_free(format);
    femto_logger_add_handler(logger, file);
    femto_logger_set_level(logger, FEMTO_LEVEL_INFO);

    pthread_t threads[THREADS];
    struct job jobs[THREADS];
    for (int t = 0; t < THREADS; t++) {
        jobs[t] = (struct job){logger, t, count};
        pthread_create(&threads[t], NULL, work, &jobs[t]);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
    }
    femto_status status = femto_handler_close(file, 30000);
    femto_handler_stats stats = FEMTO_HANDLER_STATS_INIT;
    femto_handler_stats_get(file, &stats);
    printf("threads: %d x %ld records -> %s: written %llu, dropped %llu (%s)\n", THREADS, count, path,
           (unsigned long long)stats.written, (unsigned long long)stats.dropped, femto_status_message(status));
    femto_handler_free(file);
    return stats.written == (unsigned long long)(THREADS * count) ? 0 : 1;
}
