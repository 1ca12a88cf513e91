/* The `drop` policy with capacity 16 and a deliberately slow callback sink:
 * written + dropped == sent exactly, dropped > 0, and a "records dropped"
 * line reports the loss. */
#include "check.h"
#include <unistd.h>

enum { SENT = 5000 };

struct collected {
    long records;
    long reported_drops;
    int report_lines;
    int destroyed;
};

static int32_t slow_write(void *user_data, const femto_record *record, const char *text, size_t len) {
    struct collected *seen = (struct collected *)user_data;
    CHECK(record != NULL && record->size >= sizeof(femto_record));
    char line[256];
    CHECK(len < sizeof line);
    memcpy(line, text, len);
    line[len] = '\0';
    long dropped = 0;
    if (sscanf(line, "WARNING %ld records dropped", &dropped) == 1) {
        CHECK(record->level == FEMTO_LEVEL_WARNING);
        seen->reported_drops += dropped;
        seen->report_lines++;
    } else {
        CHECK(strncmp(line, "INFO record ", 12) == 0);
        seen->records++;
        usleep(50);
    }
    return 0;
}

static void destroy(void *user_data) {
    ((struct collected *)user_data)->destroyed++;
}

int main(void) {
    struct collected seen = {0, 0, 0, 0};
    const femto_logger *logger = get_logger("test.drop");
    CHECK_OK(femto_logger_set_level(logger, FEMTO_LEVEL_INFO));
    femto_formatter *format = percent_formatter("%(levelname)s %(message)s");
    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    options.capacity = 16;
    options.overflow = FEMTO_OVERFLOW_DROP;
    options.formatter = format;
    femto_handler *handler = NULL;
    CHECK_OK(femto_callback_handler_new(slow_write, NULL, &seen, destroy, &options, &handler));
    femto_formatter_free(format);
    CHECK_OK(femto_logger_add_handler(logger, handler));

    int dropped_calls = 0;
    for (int i = 0; i < SENT; i++) {
        char message[64];
        int len = snprintf(message, sizeof message, "record %d", i);
        femto_status status = femto_logger_log(logger, FEMTO_LEVEL_INFO, message, (size_t)len);
        CHECK(status == FEMTO_STATUS_OK || status == FEMTO_STATUS_DROPPED);
        dropped_calls += status == FEMTO_STATUS_DROPPED;
    }
    CHECK_OK(femto_handler_close(handler, 60000));
    femto_handler_stats stats = FEMTO_HANDLER_STATS_INIT;
    CHECK_OK(femto_handler_stats_get(handler, &stats));

    CHECK(stats.dropped > 0);
    CHECK(stats.dropped == (uint64_t)dropped_calls);
    CHECK(stats.written == (uint64_t)seen.records);
    CHECK(stats.written + stats.dropped == SENT);
    CHECK(seen.report_lines >= 1);
    CHECK(seen.reported_drops == (long)stats.dropped);
    CHECK_OK(femto_logger_remove_handler(logger, handler));
    CHECK(seen.destroyed == 0);
    femto_handler_free(handler);
    CHECK(seen.destroyed == 1);
    printf("test_drop: sent %d, written %llu, dropped %llu, %d report line(s)\n", SENT,
           (unsigned long long)stats.written, (unsigned long long)stats.dropped, seen.report_lines);
    return 0;
}
