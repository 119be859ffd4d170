#!/usr/bin/env bash
# The whole test suite, as the README gives it and .ci/run calls it:
# formatting, lints, every test (unit, property, conformance, doc, CLI), benches compiled (not run),
# the README's main-job command on the example upload with a release build, and the Python
# package: its wheel built and installed, pytest (the conformance corpus through Python, the API,
# the README's Python examples), mypy's stubtest against the built module; and the Kotlin
# bindings: mvn test in cms-ffi/kotlin (the conformance corpora through Kotlin on the JVM).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== rustfmt"
cargo fmt --all -- --check
echo "== clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== tests"
cargo test --workspace --locked
echo "== benches compile"
cargo bench -p cms-benches --locked --no-run
echo "== main job (release build)"
cargo build --release --locked -p cms-cli
out=$(mktemp -d)
./target/release/cms process examples/data/SHP00042.CMQ --org-id 1234 --org-type shipper --out "$out" --today 2026-12-03 > "$out/summary.json"
./target/release/cms validate --strict "$out/SHP00042.CMR"
grep -q '"file_accepted":true' "$out/summary.json"
rm -rf "$out"
echo "== Python package (maturin build, install, pytest, stubtest)"
python="${PYTHON:-python3}"
wheels=$(mktemp -d)
(cd cms-py && "$python" -m maturin build --release --locked --quiet -i "$python" --out "$wheels")
"$python" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
  --force-reinstall --no-deps "$wheels"/cms-*.whl
(cd cms-py && CMS_BIN="$PWD/../target/release/cms" RUST_BACKTRACE=0 "$python" -m pytest -q -p no:cacheprovider)
export MYPY_CACHE_DIR="$wheels"
"$python" -m mypy.stubtest cms
"$python" -m mypy --strict cms-py/python/cms
rm -rf "$wheels"
echo "== Kotlin bindings (cms-ffi release build, bindings generated, mvn test: conformance corpus, errors, API, example)"
mvn -B -ntp -f cms-ffi/kotlin/pom.xml test
echo "all checks passed"
