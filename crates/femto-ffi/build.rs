//! The shared library's SONAME is its file name: one engine per process, and
//! every consumer (`DT_NEEDED`, the Python wheel) names exactly that file.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libfemtologging.so");
    }
}
