// The C++ quick start (docs/cpp.md): one file handler, one logger, a
// streamed record, and an error from a bad handler description.
#include <femtologging.hpp>

#include <iostream>

int main() {
    femto::formatter format = femto::formatter::make("%(asctime)s %(levelname)s %(name)s: %(message)s");
    femto::handler_options options;
    options.format = &format;
    femto::handler file = femto::handler::file("app.log", options);

    femto::logger log("app");
    log.set_level(femto::level::info);
    log.add_handler(file);

    const int workers = 4;
    FEMTO_CXX_INFO(log) << "started with " << workers << " workers";
    FEMTO_CXX_DEBUG(log) << "not evaluated: " << workers * 1000;
    log.warning("a ready-made message");

    try {
        femto::handler::from_json(R"({"class": "file"})");  // no path
    } catch (const femto::error &e) {
        std::cout << "refused: " << e.what() << std::endl;
    }
    femto::flush_all();
}
