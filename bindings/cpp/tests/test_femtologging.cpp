// Tests of the C++ wrapper (bindings/cpp/include/femtologging.hpp), built
// with -Wall -Wextra -Werror under AddressSanitizer + UBSan by
// bindings/cpp/run.sh. Each test logs into its own file and reads it back.
#include <femtologging.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace {

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            std::cerr << __FILE__ << ":" << __LINE__ << ": CHECK failed: " #cond << std::endl; \
            std::exit(1);                                                                     \
        }                                                                                     \
    } while (0)

std::string directory;

std::string path_of(const std::string &name) { return directory + "/" + name; }

std::string read(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::size_t count_lines(const std::string &text) {
    std::size_t lines = 0;
    for (char c : text) {
        lines += c == '\n';
    }
    return lines;
}

/// A logger that only writes to `handler` (no propagation to the root).
femto::logger isolated(const char *name, const femto::handler &target) {
    femto::logger log(name);
    log.set_propagate(false);
    log.set_level(femto::level::debug);
    log.add_handler(target);
    return log;
}

void streamed_records_carry_values_and_location() {
    femto::formatter format = femto::formatter::make("%(levelname)s %(funcName)s:%(lineno)d %(message)s");
    femto::handler_options options;
    options.format = &format;
    femto::handler file = femto::handler::file(path_of("stream.log"), options);
    femto::logger log = isolated("cpp.stream", file);

    const int line = __LINE__ + 1;
    FEMTO_CXX_INFO(log) << "answer=" << 42 << " pi=" << 3.5;
    log.warning("ready-made");  // the caller's location through __builtin_LINE
    const int warning_line = __LINE__ - 1;
    CHECK(file.flush());

    const std::string expected = "INFO streamed_records_carry_values_and_location:" + std::to_string(line) +
                                 " answer=42 pi=3.5\nWARNING streamed_records_carry_values_and_location:" +
                                 std::to_string(warning_line) + " ready-made\n";
    CHECK(read(path_of("stream.log")) == expected);
}

void json_and_brace_formatters() {
    femto::formatter json = femto::formatter::json();
    femto::formatter brace = femto::formatter::make("{levelname}|{message}", femto::formatter::style::brace);
    femto::handler_options json_options;
    json_options.format = &json;
    femto::handler_options brace_options;
    brace_options.format = &brace;
    femto::handler json_file = femto::handler::file(path_of("json.log"), json_options);
    femto::handler brace_file = femto::handler::file(path_of("brace.log"), brace_options);
    femto::logger log = isolated("cpp.json", json_file);
    log.add_handler(brace_file);
    log.info("quote \" here");
    CHECK(json_file.flush() && brace_file.flush());
    const std::string json_text = read(path_of("json.log"));
    CHECK(json_text.find("\"message\": \"quote \\\" here\"") != std::string::npos ||
          json_text.find("\"message\":\"quote \\\" here\"") != std::string::npos);
    CHECK(read(path_of("brace.log")) == "INFO|quote \" here\n");
}

/// Streams as itself, logging a record of its own while it does.
struct logs_while_streamed {
    femto::logger log;
};
std::ostream &operator<<(std::ostream &out, const logs_while_streamed &value) {
    FEMTO_CXX_INFO(value.log) << "inner " << 2;
    return out << "outer";
}

void streams_are_reused_cleanly() {
    femto::handler file = femto::handler::file(path_of("reuse.log"));
    femto::logger log = isolated("cpp.reuse", file);
    FEMTO_CXX_INFO(log) << std::hex << std::showbase << 255 << ' ' << std::string(300, 'x').size();
    FEMTO_CXX_INFO(log) << 255;  // the previous record's std::hex does not carry over
    FEMTO_CXX_INFO(log) << "a " << logs_while_streamed{log} << " " << 1;
    CHECK(file.flush());
    CHECK(read(path_of("reuse.log")) == "0xff 0x12c\n255\ninner 2\na outer 1\n");
}

void disabled_levels_evaluate_nothing() {
    femto::handler file = femto::handler::file(path_of("disabled.log"));
    femto::logger log = isolated("cpp.disabled", file);
    log.set_level(femto::level::warning);
    int evaluated = 0;
    auto costly = [&evaluated] {
        ++evaluated;
        return std::string("costly");
    };
    FEMTO_CXX_DEBUG(log) << costly();
    FEMTO_CXX_INFO(log) << costly();
    CHECK(!log.enabled(femto::level::info));
    CHECK(evaluated == 0);
    // One statement under if/else: the else binds to the if.
    bool took_else = false;
    if (evaluated != 0)
        FEMTO_CXX_ERROR(log) << "never";
    else
        took_else = true;
    CHECK(took_else);
    FEMTO_CXX_ERROR(log) << costly();
    CHECK(evaluated == 1);
    CHECK(file.flush());
    CHECK(read(path_of("disabled.log")) == "costly\n");
}

void handles_move_and_release() {
    femto::handler first = femto::handler::file(path_of("move.log"));
    const femto_handler *raw = first.get();
    femto::handler second = std::move(first);
    CHECK(!first);  // NOLINT: moved-from handles are empty by contract
    CHECK(second.get() == raw);
    femto::handler third = femto::handler::null();
    third = std::move(second);  // releases the null handler
    CHECK(third.get() == raw);
    // A logger keeps its own reference: the wrapper may go away first.
    femto::logger log("cpp.move");
    log.set_propagate(false);
    log.add_handler(third);
    { femto::handler gone = std::move(third); }
    log.error("after the wrapper");
    CHECK(femto::flush_all());
    CHECK(read(path_of("move.log")) == "after the wrapper\n");
    log.clear_handlers();
}

void errors_throw_with_the_engine_message() {
    try {
        femto::handler::from_json(R"({"class": "rotating_file", "path": "x.log", "max_bites": 1})");
        CHECK(false);
    } catch (const femto::error &e) {
        CHECK(e.code() == femto::errc::invalid_argument);
        CHECK(e.code().category() == femto::category());
        CHECK(std::string(e.what()).find("max_bites") != std::string::npos);
        CHECK(std::string(e.what()).find("femto_handler_new") != std::string::npos);
    }
    try {
        femto::handler::file(path_of("no/such/directory/x.log"));
        CHECK(false);
    } catch (const std::system_error &e) {  // femto::error is a std::system_error
        CHECK(e.code() == femto::errc::io);
    }
    try {
        femto::formatter::make("%(message)s", static_cast<femto::formatter::style>(9));
        CHECK(false);
    } catch (const femto::error &e) {
        CHECK(e.code() == femto::errc::invalid_argument);
    }
}

void error_codes_without_exceptions() {
    std::error_code ec;
    femto::handler bad = femto::handler::from_json("{", {}, ec);
    CHECK(ec == femto::errc::invalid_argument);
    CHECK(!bad);
    CHECK(!ec.message().empty());
    femto::configure_toml("[loggers.x]\nlevel = \"LOUD\"\n", ec);
    CHECK(ec == femto::errc::invalid_argument);
    femto::handler good = femto::handler::from_json(R"({"class": "stream", "stream": "stderr"})", {}, ec);
    CHECK(!ec);
    CHECK(good);
    femto::configure_file(path_of("missing.toml"), ec);
    CHECK(ec);
}

void shares_loggers_with_the_c_api() {
    femto::handler file = femto::handler::file(path_of("shared.log"));
    femto::logger log = isolated("cpp.shared", file);
    const femto_logger *from_c = nullptr;
    CHECK(femto_logger_get("cpp.shared", 10, &from_c) == FEMTO_STATUS_OK);
    CHECK(from_c == log.get());
    CHECK(log.name() == "cpp.shared");
    FEMTO_INFO(from_c, "from C %d", 1);
    FEMTO_CXX_INFO(log) << "from C++ " << 2;
    CHECK(file.flush());
    CHECK(read(path_of("shared.log")) == "from C 1\nfrom C++ 2\n");
    CHECK(femto::logger::root().name() == "root");
}

void threads_log_every_record() {
    femto::handler file = femto::handler::file(path_of("threads.log"));
    femto::logger log = isolated("cpp.threads", file);
    constexpr int threads = 4;
    constexpr int per_thread = 20000;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&log, t] {
            for (int i = 0; i < per_thread; ++i) {
                FEMTO_CXX_INFO(log) << "thread " << t << " record " << i;
            }
        });
    }
    for (std::thread &worker : workers) {
        worker.join();
    }
    CHECK(file.flush());
    CHECK(count_lines(read(path_of("threads.log"))) == threads * per_thread);
    femto_handler_stats stats = file.stats();
    CHECK(stats.written == threads * per_thread);
    CHECK(stats.dropped == 0);
}

void configuration_files_configure_cpp_loggers() {
    const std::string log_path = path_of("configured.log");
    const std::string toml = "[formatters.short]\nformat = \"%(name)s %(message)s\"\n"
                             "[handlers.file]\nclass = \"file\"\npath = \"" +
                             log_path +
                             "\"\nformatter = \"short\"\n"
                             "[loggers.\"cpp.configured\"]\nlevel = \"INFO\"\nhandlers = [\"file\"]\npropagate = false\n";
    femto::configure_toml(toml);
    femto::logger log("cpp.configured");
    FEMTO_CXX_DEBUG(log) << "hidden";
    FEMTO_CXX_INFO(log) << "shown";
    CHECK(femto::flush_all());
    CHECK(read(log_path) == "cpp.configured shown\n");
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::cerr << "usage: test_femtologging DIRECTORY" << std::endl;
        return 2;
    }
    directory = argv[1];
    streamed_records_carry_values_and_location();
    json_and_brace_formatters();
    streams_are_reused_cleanly();
    disabled_levels_evaluate_nothing();
    handles_move_and_release();
    errors_throw_with_the_engine_message();
    error_codes_without_exceptions();
    shares_loggers_with_the_c_api();
    threads_log_every_record();
    configuration_files_configure_cpp_loggers();
    std::cout << "bindings/cpp: all tests passed" << std::endl;
    return 0;
}
