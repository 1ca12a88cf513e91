/* configured: a C program configured by a TOML file shared with Rust and
 * Python programs (examples/config/logging.toml).
 *
 *   cc -Wall -Wextra -Werror configured.c -I include -L target/release -lfemtologging
 *   ./configured examples/config/logging.toml
 */
#include <femtologging.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "logging.toml";
    femto_status status = femto_configure_file(path, strlen(path));
    if (status != FEMTO_STATUS_OK) {
        fprintf(stderr, "configuration failed: %s\n", femto_last_error());
        return 1;
    }
    const femto_logger *app = NULL, *db = NULL, *http = NULL, *root = NULL;
    if (femto_logger_get("app", 3, &app) != FEMTO_STATUS_OK || femto_logger_get("app.db", 6, &db) != FEMTO_STATUS_OK ||
        femto_logger_get("app.http", 8, &http) != FEMTO_STATUS_OK || femto_logger_get("", 0, &root) != FEMTO_STATUS_OK) {
        fprintf(stderr, "femto_logger_get failed: %s\n", femto_last_error());
        return 1;
    }
    FEMTO_INFO(app, "service started on port %d", 8080);
    FEMTO_DEBUG(app, "%s", "not written: app is at INFO");
    FEMTO_DEBUG(db, "query took %d ms", 3);
    FEMTO_WARNING(db, "slow query: %s", "SELECT 1");
    FEMTO_INFO(http, "%s", "not written: app.http is at WARNING");
    FEMTO_ERROR(http, "request failed with status %d", 502);
    FEMTO_CRITICAL(root, "%s", "disk almost full");
    return femto_shutdown(5000) == FEMTO_STATUS_OK ? 0 : 1;
}
