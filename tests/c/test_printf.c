/* The header's fast printf (femto_format_simple_) writes exactly what
 * vsnprintf writes for every conversion it takes, and declines (-1) the
 * rest, which the macros then hand to vsnprintf.
 *
 *   test_printf
 */
#include "check.h"

#include <limits.h>
#include <wchar.h>

static int fast(char *out, size_t capacity, const char *format, ...) {
    va_list args;
    va_start(args, format);
    int length = femto_format_simple_(out, capacity, format, args);
    va_end(args);
    return length;
}

/* Formats with both and compares; `expect_fast` says whether the fast
 * path must take the format. */
#define SAME(expect_fast, format, ...)                                                        \
    do {                                                                                      \
        char ours[256], theirs[256];                                                          \
        int length = fast(ours, sizeof ours, format, __VA_ARGS__);                            \
        int wanted = snprintf(theirs, sizeof theirs, format, __VA_ARGS__);                    \
        if (expect_fast) {                                                                    \
            if (length != wanted || strcmp(ours, theirs) != 0) {                              \
                fprintf(stderr, "%s: [%s] (%d), vsnprintf: [%s] (%d)\n", format, ours, length, theirs, wanted); \
                exit(1);                                                                      \
            }                                                                                 \
        } else {                                                                              \
            CHECK(length == -1);                                                              \
        }                                                                                     \
        checked++;                                                                            \
    } while (0)

static unsigned long long state = 88172645463325252ULL;

static unsigned long long next_random(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    /* Mostly small numbers, sometimes anything. */
    return (state & 3) == 0 ? state : state % 1000;
}

int main(void) {
    long checked = 0;
    SAME(1, "%s", "plain text, no conversions");
    SAME(1, "record %ld from thread %zu: %s", 42L, (size_t)0, "GET /api/v1/items");
    SAME(1, "%d %i %u %x %X %c %% end", -17, 17, 17u, 0xbeefu, 0xbeefu, 'q');
    SAME(1, "%hhd %hhu %hd %hu", 300, 300u, 70000, 70000u);
    SAME(1, "%ld %lu %lld %llu", LONG_MIN, ULONG_MAX, LLONG_MIN, ULLONG_MAX);
    SAME(1, "%d %d", INT_MIN, INT_MAX);
    SAME(1, "%zu %zd %jd %ju %td", SIZE_MAX, (ssize_t)-5, INTMAX_MIN, UINTMAX_MAX, (ptrdiff_t)-9);
    SAME(1, "%llx %lX %zx", ULLONG_MAX, 0UL, (size_t)4096);
    SAME(1, "%s|%s|%s", "", "é ✓ UTF-8", "%d not a conversion inside an argument");
    SAME(1, "trailing %%%%%s", "x");
    SAME(1, "%c%c%c", 'a', 0x7f, ' ');
    /* Declined: flags, width, precision, floats, pointers, NULL strings. */
    SAME(0, "%5d", 3);
    SAME(0, "%-3s", "x");
    SAME(0, "%05d", 3);
    SAME(0, "%+d", 3);
    SAME(0, "% d", 3);
    SAME(0, "%#x", 3u);
    SAME(0, "%.2s", "abc");
    SAME(0, "%*d", 4, 3);
    SAME(0, "%f", 1.5);
    SAME(0, "%g", 1.5);
    SAME(0, "%p", (void *)&checked);
    const char *volatile nothing = NULL; /* hidden from the compiler's format checks */
    SAME(0, "%s", nothing);
    SAME(0, "%Lf", (long double)1.0);
    SAME(0, "%lc", (wint_t)'x');
    for (int round = 0; round < 20000; round++) {
        long long a = (long long)next_random() * ((round & 1) ? -1 : 1);
        unsigned long long b = next_random();
        int c = (int)next_random() - 500;
        SAME(1, "a=%lld b=%llu c=%d h=%hd x=%llx", a, b, c, (int)(a & 0xffff), b);
    }

    /* The buffer: a text that fits exactly, and one a byte longer. */
    char small[6];
    CHECK(fast(small, sizeof small, "%s", "12345") == 5 && strcmp(small, "12345") == 0);
    CHECK(fast(small, sizeof small, "%s", "123456") == -1);
    CHECK(fast(small, sizeof small, "%d%d", 123, 45) == 5 && strcmp(small, "12345") == 0);
    CHECK(fast(small, sizeof small, "%d%d", 123, 456) == -1);
    CHECK(fast(small, sizeof small, "abcdef") == -1);
    CHECK(fast(small, sizeof small, "abcde") == 5 && strcmp(small, "abcde") == 0);
    CHECK(fast(small, sizeof small, "ab%dd", 1) == 4 && strcmp(small, "ab1d") == 0);
    CHECK(fast(small, sizeof small, "ab%ddef", 1) == -1);
    CHECK(fast(small, sizeof small, "%d%%ab", 12) == 5 && strcmp(small, "12%ab") == 0);
    CHECK(fast(small, 0, "") == -1);
    CHECK(fast(small, 1, "") == 0 && small[0] == '\0');

    /* Literal runs of every length around a conversion (the word-at-a-time
     * copy and its byte tail), into every capacity: the text when it fits,
     * -1 when it does not, and never a byte past `capacity`. */
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    long boundary_cases = 0;
    for (int before = 0; before <= 20; before++) {
        for (int after = 0; after <= 20; after += 3) {
            char format[80];
            snprintf(format, sizeof format, "%.*s%%d%%%%%.*s%%s%.*s", before, letters, after, letters + 20,
                     after, letters + 30);
            for (size_t capacity = 1; capacity <= 80; capacity++) {
                char ours[96], theirs[96];
                memset(ours, '#', sizeof ours);
                int wanted = snprintf(theirs, sizeof theirs, format, -12345, "xyz");
                int length = fast(ours, capacity, format, -12345, "xyz");
                if ((size_t)wanted < capacity) {
                    CHECK(length == wanted && strcmp(ours, theirs) == 0);
                } else {
                    CHECK(length == -1);
                }
                for (size_t i = capacity; i < sizeof ours; i++) {
                    CHECK(ours[i] == '#');
                }
                boundary_cases++;
            }
        }
    }
    checked += boundary_cases;
    printf("test_printf: %ld formats checked against vsnprintf, and the buffer limit\n", checked);
    return 0;
}
