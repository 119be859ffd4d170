//! The UniFFI bindings generator, pinned to the UniFFI version cms-ffi is built with.
//!
//! ```sh
//! cargo build --release -p cms-ffi --lib
//! cargo build -p cms-ffi --features bindgen --bin uniffi-bindgen
//! target/debug/uniffi-bindgen generate --language kotlin --out-dir out --crate cms_ffi \
//!     --metadata-no-deps target/release/libcms_ffi.so
//! ```

fn main() {
    uniffi::uniffi_bindgen_main();
}
