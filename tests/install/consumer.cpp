// The C++ wrapper from an installed femtologging (tests/install/run.sh).
#include <femtologging.hpp>

#include <iostream>

int main(int argc, char **argv) {
    if (argc != 2) {
        std::cerr << "usage: consumer_cpp FILE" << std::endl;
        return 2;
    }
    try {
        femto::handler file = femto::handler::file(argv[1]);
        femto::logger log("installed.cpp");
        log.add_handler(file);
        FEMTO_CXX_WARNING(log) << "hello from C++, ABI " << FEMTO_ABI_VERSION;
        return file.flush() ? 0 : 1;
    } catch (const femto::error &e) {
        std::cerr << "consumer_cpp: " << e.what() << std::endl;
        return 1;
    }
}
