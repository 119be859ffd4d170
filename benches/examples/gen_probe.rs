fn main() {
    let a = cms_benches::cmq_file(12, false);
    print!("{}", String::from_utf8_lossy(&a));
    let b = cms_benches::cmq_file(12, true);
    print!("{}", String::from_utf8_lossy(&b));
    for n in [10_000usize, 1_000_000] {
        let c = cms_benches::cmq_file(n, false);
        eprintln!(
            "{n}: {} bytes, {:.1}/contact",
            c.len(),
            c.len() as f64 / n as f64
        );
    }
}
