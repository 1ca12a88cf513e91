/* A stand-in for a C library a Go program calls: it logs with femtologging's
 * C macros into the same engine as the Go code. */
#ifndef CODEC_H
#define CODEC_H
#include <stddef.h>

/* "Compresses" `len` bytes; logs what it did to the "native.codec" logger. */
size_t codec_compress(size_t len);

#endif
