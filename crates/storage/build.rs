//! Re-embeds migrations when they change, and fingerprints them so that test templates
//! built from older migrations are never reused.
use std::hash::{Hash, Hasher};

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
    let mut files: Vec<_> = walk("../../migrations");
    files.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in files {
        f.hash(&mut h);
        std::fs::read(&f).unwrap_or_default().hash(&mut h);
    }
    println!("cargo:rustc-env=MIGRATIONS_FINGERPRINT={:016x}", h.finish());
}

fn walk(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p.to_string_lossy()));
        } else {
            out.push(p.to_string_lossy().into_owned());
        }
    }
    out
}
