/* Logging from inside logging never hangs (issue 22): a write callback
 * that logs to the logger it serves, into its own small queue under the
 * `block` policy. The records logged from the worker take room when there
 * is some and are dropped and counted otherwise: written + dropped == sent
 * exactly, and the program ends. Run under `timeout`: a hang fails it. */
#include "check.h"

enum { SENT = 20000, CAPACITY = 8 };

static const femto_logger *served;

struct seen {
    long outer, inner;
};

static int32_t logs_back(void *user_data, const femto_record *record, const char *text, size_t len) {
    (void)record;
    struct seen *seen = (struct seen *)user_data;
    if (len >= 5 && strncmp(text, "outer", 5) == 0) {
        seen->outer++;
        FEMTO_ERROR(served, "inner"); /* on the worker: never waits for room */
    } else if (len == 5 && strncmp(text, "inner", 5) == 0) {
        seen->inner++;
    } /* else the "N records dropped" line */
    return 0;
}

int main(void) {
    struct seen seen = {0, 0};
    served = get_logger("test.reentry");
    CHECK_OK(femto_logger_set_propagate(served, false));
    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    options.capacity = CAPACITY;
    femto_handler *handler = NULL;
    CHECK_OK(femto_callback_handler_new(logs_back, NULL, &seen, NULL, &options, &handler));
    CHECK_OK(femto_logger_add_handler(served, handler));
    for (int i = 0; i < SENT; i++) {
        FEMTO_ERROR(served, "outer %d", i);
    }
    CHECK_OK(femto_handler_flush(handler, UINT64_MAX)); /* every outer record handled */
    CHECK_OK(femto_handler_flush(handler, UINT64_MAX)); /* every inner one written */
    femto_handler_stats stats = FEMTO_HANDLER_STATS_INIT;
    CHECK_OK(femto_handler_stats_get(handler, &stats));
    /* The outer records all (the caller waited for room); the inner ones
     * written or counted. */
    CHECK(seen.outer == SENT);
    CHECK(seen.inner + (long)stats.dropped == SENT);
    femto_handler_free(handler);
    printf("test_reentry: %d records logged back from the worker: %llu written, %llu dropped, no hang\n", SENT,
           (unsigned long long)seen.inner, (unsigned long long)stats.dropped);
    return 0;
}
