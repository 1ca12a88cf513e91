/* Bounded exit: a program whose sink is stuck (its write never returns)
 * still exits, once the exit limit passes with no record written, and
 * says on stderr what it abandoned. Run with FEMTOLOGGING_EXIT_TIMEOUT=1
 * under `timeout`: a hang fails the test. */
#include "check.h"

#include <unistd.h>

static int32_t stuck_write(void *user_data, const femto_record *record, const char *text, size_t len) {
    (void)user_data, (void)record, (void)text, (void)len;
    for (;;) {
        pause(); /* a pipe nobody reads, a hung file system */
    }
    return 0;
}

int main(void) {
    const femto_logger *logger = get_logger("stuck");
    femto_handler_options options = FEMTO_HANDLER_OPTIONS_INIT;
    options.capacity = 64;
    femto_handler *handler = NULL;
    CHECK_OK(femto_callback_handler_new(stuck_write, NULL, NULL, NULL, &options, &handler));
    CHECK_OK(femto_logger_add_handler(logger, handler));
    femto_handler_free(handler);
    for (int i = 0; i < 40; i++) {
        FEMTO_ERROR(logger, "record %d", i);
    }
    printf("test_exit_stuck: returning from main with a stuck sink\n");
    fflush(stdout);
    return 0; /* the exit hook drains, gives up after 1 s, reports */
}
