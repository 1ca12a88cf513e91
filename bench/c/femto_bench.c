/* femtologging side of the C benchmark.
 *
 *   femto_bench file THREADS PATH N   N records per run, split over THREADS
 *   femto_bench disabled N            N calls below the logger's level
 */
#include <femtologging.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

static const femto_logger *logger;
static long per_thread;
static uint64_t producer_ns[64];
static uint64_t producer_cpu_ns[64];

static void *produce(void *arg) {
    size_t thread = (size_t)arg;
    uint64_t start = now_ns();
    uint64_t cpu_start = thread_cpu_ns();
    for (long i = 0; i < per_thread; i++) {
        FEMTO_INFO(logger, "record %ld from thread %zu: %s", i, thread, "GET /api/v1/items");
    }
    producer_cpu_ns[thread] = thread_cpu_ns() - cpu_start;
    producer_ns[thread] = now_ns() - start;
    return NULL;
}

static int run_file(int threads, const char *path, long records) {
    femto_formatter *format = NULL;
    static const char pattern[] = "%(asctime)s [%(levelname)s] %(name)s: %(message)s";
    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    femto_handler *file = NULL;
    if (femto_logger_get("bench", 5, &logger) != FEMTO_STATUS_OK ||
        femto_formatter_new(FEMTO_FORMAT_STYLE_PERCENT, pattern, sizeof pattern - 1, NULL, 0, &format) != FEMTO_STATUS_OK) {
        return 1;
    }
    options.formatter = format;
    if (femto_file_handler_new(path, strlen(path), true, &options, &file) != FEMTO_STATUS_OK) {
        fprintf(stderr, "%s\n", femto_last_error());
        return 1;
    }
    femto_logger_add_handler(logger, file);
    femto_logger_set_level(logger, FEMTO_LEVEL_INFO);
    per_thread = records / threads;

    uint64_t start = now_ns();
    pthread_t ids[64];
    for (int t = 0; t < threads; t++) {
        pthread_create(&ids[t], NULL, produce, (void *)(size_t)t);
    }
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
    }
    if (femto_shutdown(60000) != FEMTO_STATUS_OK) {
        return 1;
    }
    uint64_t total = now_ns() - start;
    femto_handler_stats stats = FEMTO_HANDLER_STATS_INIT;
    femto_handler_stats_get(file, &stats);
    if (stats.written != (uint64_t)(per_thread * threads) || stats.dropped != 0) {
        fprintf(stderr, "lost records: written %llu\n", (unsigned long long)stats.written);
        return 1;
    }
    double producer = 0;
    double producer_cpu = 0;
    for (int t = 0; t < threads; t++) {
        producer += (double)producer_ns[t] / (double)per_thread;
        producer_cpu += (double)producer_cpu_ns[t] / (double)per_thread;
    }
    report(total, producer / threads, producer_cpu / threads, per_thread * threads);
    return 0;
}

static int run_disabled(long calls) {
    if (femto_logger_get("bench.disabled", 14, &logger) != FEMTO_STATUS_OK) {
        return 1;
    }
    femto_logger_set_level(logger, FEMTO_LEVEL_INFO);
    uint64_t start = now_ns();
    uint64_t cpu_start = thread_cpu_ns();
    for (long i = 0; i < calls; i++) {
        FEMTO_DEBUG(logger, "never formatted %ld", i);
    }
    uint64_t cpu = thread_cpu_ns() - cpu_start;
    uint64_t total = now_ns() - start;
    report(total, (double)total / (double)calls, (double)cpu / (double)calls, calls);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "file") == 0) {
        return run_file(atoi(argv[2]), argv[3], atol(argv[4]));
    }
    if (argc == 3 && strcmp(argv[1], "disabled") == 0) {
        return run_disabled(atol(argv[2]));
    }
    fprintf(stderr, "usage: femto_bench file THREADS PATH N | disabled N\n");
    return 2;
}
