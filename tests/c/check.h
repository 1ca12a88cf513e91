/* Tiny helpers shared by the C tests: fail loudly with the location and
 * femtologging's last error. */
#ifndef FEMTO_TEST_CHECK_H
#define FEMTO_TEST_CHECK_H

#include <femtologging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, __LINE__, \
                    #cond, femto_last_error());                                           \
            exit(1);                                                                      \
        }                                                                                 \
    } while (0)

#define CHECK_OK(call) CHECK((call) == FEMTO_STATUS_OK)

/* Reads a whole file; returns a heap buffer (caller frees) and its size. */
static inline char *read_file(const char *path, size_t *size) {
    FILE *file = fopen(path, "rb");
    CHECK(file != NULL);
    CHECK(fseek(file, 0, SEEK_END) == 0);
    long length = ftell(file);
    CHECK(length >= 0);
    rewind(file);
    char *data = (char *)malloc((size_t)length + 1);
    CHECK(data != NULL);
    CHECK(fread(data, 1, (size_t)length, file) == (size_t)length);
    data[length] = '\0';
    fclose(file);
    *size = (size_t)length;
    return data;
}

/* Counts the lines of a file. */
static inline size_t count_lines(const char *path) {
    size_t size = 0, lines = 0;
    char *data = read_file(path, &size);
    for (size_t i = 0; i < size; i++) {
        lines += data[i] == '\n';
    }
    free(data);
    return lines;
}

/* A formatter from a `%`-style pattern. */
static inline femto_formatter *percent_formatter(const char *pattern) {
    femto_formatter *formatter = NULL;
    CHECK_OK(femto_formatter_new(FEMTO_FORMAT_STYLE_PERCENT, pattern, strlen(pattern), NULL, 0, &formatter));
    return formatter;
}

static inline const femto_logger *get_logger(const char *name) {
    const femto_logger *logger = NULL;
    CHECK_OK(femto_logger_get(name, strlen(name), &logger));
    return logger;
}

#endif
