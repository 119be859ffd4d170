#!/usr/bin/env bash
# The whole test suite, as the README gives it and .ci/run calls it:
# formatting, lints, every test (unit, property, conformance, doc, CLI), benches compiled (not run),
# and the README's main-job command on the example upload with a release build.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== rustfmt"
cargo fmt --all -- --check
echo "== clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== tests"
cargo test --workspace --locked
echo "== benches compile"
cargo bench --workspace --locked --no-run
echo "== main job (release build)"
cargo build --release --locked -p cms-cli
out=$(mktemp -d)
./target/release/cms process examples/data/SHP00042.CMQ --org-id 1234 --org-type shipper --out "$out" --today 2026-12-03 > "$out/summary.json"
./target/release/cms validate --strict "$out/SHP00042.CMR"
grep -q '"file_accepted":true' "$out/summary.json"
rm -rf "$out"
echo "all checks passed"
