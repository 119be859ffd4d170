//! Run the batch job on the example upload with the library API (replaced below).
fn main() {}
