/* The floor: each thread formats the same lines with snprintf (date part
 * cached per second, as a good logger does) into a 64 KiB buffer and writes
 * it with one write(2) when full. No queue, no logger: the least work any
 * logger producing this file could do.
 *
 *   floor_bench THREADS PATH N
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"

static int fd;
static long per_thread;
static uint64_t producer_ns[64];
static uint64_t producer_cpu_ns[64];

static void *produce(void *arg) {
    size_t thread = (size_t)arg;
    char buffer[65536];
    size_t used = 0;
    char date[32];
    time_t date_second = 0;
    uint64_t start = now_ns();
    uint64_t cpu_start = thread_cpu_ns();
    for (long i = 0; i < per_thread; i++) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        if (ts.tv_sec != date_second) {
            struct tm tm;
            localtime_r(&ts.tv_sec, &tm);
            strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
            date_second = ts.tv_sec;
        }
        if (sizeof buffer - used < 256) {
            if (write(fd, buffer, used) != (ssize_t)used) {
                abort();
            }
            used = 0;
        }
        used += (size_t)snprintf(buffer + used, sizeof buffer - used,
                                 "%s,%03ld [INFO] bench: record %ld from thread %zu: %s\n", date,
                                 ts.tv_nsec / 1000000, i, thread, "GET /api/v1/items");
    }
    if (used && write(fd, buffer, used) != (ssize_t)used) {
        abort();
    }
    producer_cpu_ns[thread] = thread_cpu_ns() - cpu_start;
    producer_ns[thread] = now_ns() - start;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        return 2;
    }
    int threads = atoi(argv[1]);
    per_thread = atol(argv[3]) / threads;
    uint64_t start = now_ns();
    fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    pthread_t ids[64];
    for (int t = 0; t < threads; t++) {
        pthread_create(&ids[t], NULL, produce, (void *)(size_t)t);
    }
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
    }
    close(fd);
    uint64_t total = now_ns() - start;
    double sum = 0;
    double cpu = 0;
    for (int t = 0; t < threads; t++) {
        sum += (double)producer_ns[t] / (double)per_thread;
        cpu += (double)producer_cpu_ns[t] / (double)per_thread;
    }
    report(total, sum / threads, cpu / threads, per_thread * threads);
    return 0;
}
