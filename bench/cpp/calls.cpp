// The C++ wrapper's cost per record to a null handler, 1,000,000 each:
// a streamed record, a ready string, and the C macro. Build and run:
//   make build
//   g++ -std=c++17 -O2 -Iinclude -Ibindings/cpp/include bench/cpp/calls.cpp
//       -Ltarget/release -Wl,-rpath,$PWD/target/release -lfemtologging -o /tmp/calls
//   /tmp/calls
#include <femtologging.hpp>
#include <chrono>
#include <cstdio>
int main() {
    femto::handler h = femto::handler::null();
    femto::logger log("bench.cpp"); log.set_propagate(false); log.set_level(femto::level::info); log.add_handler(h);
    const int N = 1000000;
    auto t = std::chrono::steady_clock::now();
    for (int i = 0; i < N; ++i) { FEMTO_CXX_INFO(log) << "record " << i; }
    auto a = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t).count() / N;
    t = std::chrono::steady_clock::now();
    for (int i = 0; i < N; ++i) { log.info("record"); }
    auto b = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t).count() / N;
    t = std::chrono::steady_clock::now();
    for (int i = 0; i < N; ++i) { FEMTO_INFO(log.get(), "record %d", i); }
    auto c = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t).count() / N;
    std::printf("stream %.0f ns, ready string %.0f ns, C macro %.0f ns\n", a, b, c);
}
