/* One run of the socket row (bench/python/socket_row.py): log N records
 * from C through a socket handler (TCP or Unix) or a file handler, close
 * it, print wall seconds and CPU seconds (every thread). */
#include <femtologging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 +
           (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: socket_bench RECORDS tcp|unix|file PORT PATH\n");
        return 2;
    }
    long records = atol(argv[1]);
    const char *kind = argv[2];
    femto_handler *handler = NULL;
    femto_status status;
    if (strcmp(kind, "file") == 0) {
        status = femto_file_handler_new(argv[4], strlen(argv[4]), true, NULL, &handler);
    } else {
        femto_socket_options socket = FEMTO_SOCKET_OPTIONS_INIT;
        if (strcmp(kind, "tcp") == 0) {
            socket.host = (femto_str)FEMTO_STR("127.0.0.1");
            socket.port = (uint16_t)atoi(argv[3]);
        } else {
            socket.unix_path = femto_str_from_cstr(argv[4]);
        }
        status = femto_socket_handler_new(&socket, NULL, &handler);
    }
    const femto_logger *logger = NULL;
    if (status != FEMTO_STATUS_OK || femto_logger_get("bench", 5, &logger) != FEMTO_STATUS_OK) {
        fprintf(stderr, "setup failed: %s\n", femto_last_error());
        return 1;
    }
    femto_logger_add_handler(logger, handler);
    femto_logger_set_level(logger, FEMTO_LEVEL_INFO);
    femto_logger_set_propagate(logger, false);
    double cpu0 = cpu_seconds(), start = seconds();
    for (long i = 0; i < records; i++) {
        FEMTO_INFO(logger, "request %ld served in %d ms", i, 12);
    }
    femto_handler_close(handler, 60000);
    double elapsed = seconds() - start, cpu = cpu_seconds() - cpu0;
    femto_handler_stats stats = FEMTO_HANDLER_STATS_INIT;
    femto_handler_stats_get(handler, &stats);
    if (stats.written != (uint64_t)records || stats.dropped != 0) {
        fprintf(stderr, "lost records: written %llu, dropped %llu\n", (unsigned long long)stats.written,
                (unsigned long long)stats.dropped);
        return 1;
    }
    printf("%f %f\n", elapsed, cpu);
    femto_handler_free(handler);
    return 0;
}
