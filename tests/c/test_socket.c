/* The socket handler and its receiver from C: a forked child sends 10,000
 * records over TCP and 10,000 over a Unix socket; the parent's receiver
 * hands them to the parent's logger of the same name, whose file handler
 * writes them, each exactly once and in order. Bad options are refused
 * with statuses that name the fault. */
#include "check.h"
#include <sys/wait.h>
#include <unistd.h>

enum { RECORDS = 10000 };

static femto_handler *socket_handler(femto_socket_options *socket) {
    femto_handler *handler = NULL;
    CHECK_OK(femto_socket_handler_new(socket, NULL, &handler));
    return handler;
}

/* In the child: log RECORDS records through a socket handler, then exit
 * (the exit drain delivers them). */
static void send_records(femto_socket_options *socket, const char *tag) {
    const femto_logger *logger = get_logger("remote.c");
    CHECK_OK(femto_logger_set_level(logger, FEMTO_LEVEL_INFO));
    /* The parent's file handler came along in the fork: only the socket
     * handler may write the child's records. */
    CHECK_OK(femto_logger_clear_handlers(logger));
    femto_handler *handler = socket_handler(socket);
    CHECK_OK(femto_logger_add_handler(logger, handler));
    for (int i = 0; i < RECORDS; i++) {
        FEMTO_INFO(logger, "%s %d", tag, i);
    }
    CHECK_OK(femto_handler_flush(handler, 10000));
    femto_handler_stats stats = FEMTO_HANDLER_STATS_INIT;
    CHECK_OK(femto_handler_stats_get(handler, &stats));
    CHECK(stats.written == RECORDS && stats.dropped == 0);
    femto_handler_free(handler);
    exit(0);
}

static void run_child(femto_socket_options *socket, const char *tag) {
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        send_records(socket, tag);
    }
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void wait_for(femto_receiver *receiver, uint64_t records) {
    femto_receiver_stats stats = FEMTO_RECEIVER_STATS_INIT;
    for (int i = 0; i < 1000; i++) {
        CHECK_OK(femto_receiver_stats_get(receiver, &stats));
        if (stats.records >= records) {
            break;
        }
        usleep(10000);
    }
    CHECK(stats.records == records);
    CHECK(stats.bad_frames == 0);
}

static void refusals(void) {
    femto_handler *handler = NULL;
    femto_socket_options socket = FEMTO_SOCKET_OPTIONS_INIT;
    CHECK(femto_socket_handler_new(&socket, NULL, &handler) == FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(femto_last_error(), "transport") != NULL);
    socket.unix_path = (femto_str)FEMTO_STR("/tmp/x.sock");
    socket.tls = true;
    CHECK(femto_socket_handler_new(&socket, NULL, &handler) == FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(femto_last_error(), "TLS") != NULL);
    socket = (femto_socket_options)FEMTO_SOCKET_OPTIONS_INIT;
    socket.host = (femto_str)FEMTO_STR("127.0.0.1");
    socket.port = 1;
    socket.tls = true;
    socket.ca_file = (femto_str)FEMTO_STR("/nonexistent/ca.pem");
    CHECK(femto_socket_handler_new(&socket, NULL, &handler) == FEMTO_STATUS_IO);
    CHECK(femto_socket_handler_new(NULL, NULL, &handler) == FEMTO_STATUS_NULL_ARGUMENT);
    CHECK(handler == NULL);

    femto_receiver *receiver = NULL;
    const char *bad = "{\"tcp\": \"127.0.0.1:0\", \"unix\": \"/tmp/x\"}";
    CHECK(femto_receiver_new(bad, strlen(bad), &receiver) == FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK(receiver == NULL);
    uint16_t port = 0;
    CHECK(femto_receiver_port(NULL, &port) == FEMTO_STATUS_NULL_ARGUMENT);
    femto_receiver_free(NULL);
}

int main(int argc, char **argv) {
    CHECK(argc == 2);
    char log_path[4096], sock_path[4096];
    snprintf(log_path, sizeof log_path, "%s/socket-received.log", argv[1]);
    snprintf(sock_path, sizeof sock_path, "%s/socket-test.sock", argv[1]);
    refusals();

    /* The receiving side: logger "remote.c" writes to a file. */
    const femto_logger *logger = get_logger("remote.c");
    femto_handler *file = NULL;
    CHECK_OK(femto_file_handler_new(log_path, strlen(log_path), true, NULL, &file));
    CHECK_OK(femto_logger_add_handler(logger, file));
    CHECK_OK(femto_logger_set_propagate(logger, false));
    uint16_t wrong = 0;
    CHECK(femto_receiver_port((const femto_receiver *)(const void *)file, &wrong) ==
          FEMTO_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(femto_last_error(), "femto_handler") != NULL);

    femto_receiver *tcp = NULL, *unix_socket = NULL;
    const char *tcp_description = "{\"tcp\": \"127.0.0.1:0\"}";
    CHECK_OK(femto_receiver_new(tcp_description, strlen(tcp_description), &tcp));
    char unix_description[4200];
    snprintf(unix_description, sizeof unix_description, "{\"unix\": \"%s\"}", sock_path);
    CHECK_OK(femto_receiver_new(unix_description, strlen(unix_description), &unix_socket));
    uint16_t port = 0;
    CHECK_OK(femto_receiver_port(tcp, &port));
    CHECK(port != 0);

    femto_socket_options socket = FEMTO_SOCKET_OPTIONS_INIT;
    socket.host = (femto_str)FEMTO_STR("127.0.0.1");
    socket.port = port;
    run_child(&socket, "tcp");
    wait_for(tcp, RECORDS);

    socket = (femto_socket_options)FEMTO_SOCKET_OPTIONS_INIT;
    socket.unix_path = femto_str_from_cstr(sock_path);
    run_child(&socket, "unix");
    wait_for(unix_socket, RECORDS);

    CHECK_OK(femto_receiver_stop(tcp, 1000));
    CHECK_OK(femto_receiver_stop(tcp, 1000));
    femto_receiver_free(tcp);
    femto_receiver_free(unix_socket);
    CHECK_OK(femto_handler_flush(file, 10000));

    /* Each record once, in order per transport. */
    size_t size = 0;
    char *data = read_file(log_path, &size);
    int next_tcp = 0, next_unix = 0;
    for (char *line = strtok(data, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        int n = -1;
        if (sscanf(line, "tcp %d", &n) == 1) {
            CHECK(n == next_tcp++);
        } else {
            CHECK(sscanf(line, "unix %d", &n) == 1 && n == next_unix++);
        }
    }
    CHECK(next_tcp == RECORDS && next_unix == RECORDS);
    free(data);
    femto_handler_free(file);
    printf("test_socket: %d records over TCP and %d over a Unix socket, each once, in order\n", RECORDS,
           RECORDS);
    return 0;
}
