/* How long one cache line takes to travel between two cores, measured
 * with two threads handing a counter back and forth. Printed beside the
 * benchmark rows: on a virtual machine the host may place the two
 * virtual CPUs near each other (about 50 ns here) or far apart (200 ns and
 * more), and an asynchronous logger, whose records are written on one core
 * and read on the other, slows down with it where single-threaded peers
 * do not.
 *
 *   core_to_core [ROUNDS]    prints transfer_ns=...
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "bench_common.h"

static _Alignas(64) atomic_long baton;
static long rounds = 200000;

static void *answer(void *unused) {
    (void)unused;
    for (long i = 1; i <= rounds; i++) {
        while (atomic_load_explicit(&baton, memory_order_acquire) != 2 * i - 1) {
        }
        atomic_store_explicit(&baton, 2 * i, memory_order_release);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc > 1) {
        rounds = atol(argv[1]);
    }
    pthread_t other;
    if (rounds <= 0 || pthread_create(&other, NULL, answer, NULL) != 0) {
        return 2;
    }
    uint64_t start = now_ns();
    for (long i = 1; i <= rounds; i++) {
        atomic_store_explicit(&baton, 2 * i - 1, memory_order_release);
        while (atomic_load_explicit(&baton, memory_order_acquire) != 2 * i) {
        }
    }
    uint64_t elapsed = now_ns() - start;
    pthread_join(other, NULL);
    printf("transfer_ns=%.1f\n", (double)elapsed / (double)rounds / 2.0);
    return 0;
}
