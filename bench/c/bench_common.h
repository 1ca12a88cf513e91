/* Shared by the C benchmark programs: a monotonic clock and the one-line
 * result format the driver (compare.py) reads. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* CPU time the calling thread has used: a logging call's own cost, without
 * the time it waits (asleep) for an asynchronous logger's queue to drain. */
static inline uint64_t thread_cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* total: first call until the data is in the file and the logger is shut
 * down; producer: the logging calls alone, per call, averaged over threads;
 * producer_cpu: the logging threads' CPU time over those calls, per call. */
static inline void report(uint64_t total_ns, double producer_ns_per_call, double producer_cpu_ns_per_call,
                          long records) {
    printf("total_ns=%llu producer_ns=%.2f producer_cpu_ns=%.2f records=%ld\n", (unsigned long long)total_ns,
           producer_ns_per_call, producer_cpu_ns_per_call, records);
}

#endif
