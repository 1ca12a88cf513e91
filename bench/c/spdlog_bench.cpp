// spdlog side of the C benchmark: the same records, pattern and file.
//
//   spdlog_bench sync|async THREADS PATH N
//   spdlog_bench disabled N
#include <spdlog/async.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <thread>
#include <vector>

extern "C" {
#include "bench_common.h"
}

static int run_file(bool async, int threads, const char *path, long records) {
    std::shared_ptr<spdlog::logger> logger;
    if (async) {
        // Default queue (8192) and the default, lossless, block-on-full policy.
        spdlog::init_thread_pool(8192, 1);
        logger = spdlog::basic_logger_mt<spdlog::async_factory>("bench", path, true);
    } else {
        logger = spdlog::basic_logger_mt("bench", path, true);
    }
    logger->set_pattern("%Y-%m-%d %H:%M:%S,%e [%l] %n: %v");
    logger->set_level(spdlog::level::info);
    long per_thread = records / threads;
    std::vector<uint64_t> producer(threads);
    std::vector<uint64_t> producer_cpu(threads);

    uint64_t start = now_ns();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; t++) {
        workers.emplace_back([&, t] {
            uint64_t begin = now_ns();
            uint64_t cpu_begin = thread_cpu_ns();
            for (long i = 0; i < per_thread; i++) {
                logger->info("record {} from thread {}: {}", i, t, "GET /api/v1/items");
            }
            producer_cpu[t] = thread_cpu_ns() - cpu_begin;
            producer[t] = now_ns() - begin;
        });
    }
    for (auto &w : workers) {
        w.join();
    }
    logger->flush();
    logger.reset();
    spdlog::shutdown();
    uint64_t total = now_ns() - start;
    double sum = 0;
    double cpu = 0;
    for (int t = 0; t < threads; t++) {
        sum += (double)producer[t] / (double)per_thread;
        cpu += (double)producer_cpu[t] / (double)per_thread;
    }
    report(total, sum / threads, cpu / threads, per_thread * threads);
    return 0;
}

static int run_disabled(long calls) {
    auto logger = spdlog::basic_logger_mt("disabled", "/dev/null");
    logger->set_level(spdlog::level::info);
    uint64_t start = now_ns();
    uint64_t cpu_start = thread_cpu_ns();
    for (long i = 0; i < calls; i++) {
        logger->debug("never formatted {}", i);
    }
    uint64_t cpu = thread_cpu_ns() - cpu_start;
    uint64_t total = now_ns() - start;
    report(total, (double)total / (double)calls, (double)cpu / (double)calls, calls);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 5 && (!strcmp(argv[1], "sync") || !strcmp(argv[1], "async"))) {
        return run_file(!strcmp(argv[1], "async"), atoi(argv[2]), argv[3], atol(argv[4]));
    }
    if (argc == 3 && !strcmp(argv[1], "disabled")) {
        return run_disabled(atol(argv[2]));
    }
    fprintf(stderr, "usage: spdlog_bench sync|async THREADS PATH N | disabled N\n");
    return 2;
}
