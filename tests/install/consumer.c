/* A program built against an installed femtologging (tests/install/run.sh):
 * logs one line to the file named by argv[1] and checks the ABI. */
#include <femtologging.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc != 2 || femto_abi_version() != FEMTO_ABI_VERSION) {
        fprintf(stderr, "usage: consumer FILE (or an ABI mismatch)\n");
        return 2;
    }
    femto_handler *file = NULL;
    const femto_logger *logger = NULL;
    if (femto_file_handler_new(argv[1], strlen(argv[1]), true, NULL, &file) != FEMTO_STATUS_OK ||
        femto_logger_get("installed", 9, &logger) != FEMTO_STATUS_OK ||
        femto_logger_add_handler(logger, file) != FEMTO_STATUS_OK) {
        fprintf(stderr, "consumer: %s\n", femto_last_error());
        return 1;
    }
    FEMTO_WARNING(logger, "hello from C, ABI %d", FEMTO_ABI_VERSION);
    int status = femto_handler_flush(file, 5000) == FEMTO_STATUS_OK ? 0 : 1;
    femto_handler_free(file);
    return status;
}
