#include "codec.h"

#include <femtologging.h>

size_t codec_compress(size_t len) {
    static const femto_logger *log = NULL;
    if (log == NULL && femto_logger_get("native.codec", 12, &log) != FEMTO_STATUS_OK) {
        return 0;
    }
    size_t out = len / 3 + 1;
    FEMTO_INFO(log, "compressed %zu bytes into %zu", len, out);
    return out;
}
