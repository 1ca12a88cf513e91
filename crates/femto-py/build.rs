//! Links libfemtologging.so (found in FEMTO_LIB_DIR, set by the Python build
//! backend, or the workspace's target/release) with RUNPATH $ORIGIN, so the
//! extension loads the one copy of the engine that sits beside it.
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=FEMTO_LIB_DIR");
    let dir = std::env::var_os("FEMTO_LIB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/release"));
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=dylib=femtologging");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-rpath,$ORIGIN");
    println!("cargo:rustc-cdylib-link-arg=-Wl,--enable-new-dtags");
}
