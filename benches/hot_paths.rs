//! Micro-benchmarks of the per-file and per-component hot paths
//! (`cargo bench --bench hot_paths`). Whole-run numbers against `find` come
//! from `benches/whole-run.sh`; results are recorded in docs/performance.md.

use sovscan::attach::install_group;
use sovscan::collect::dpkg;
use sovscan::fingerprint;
use sovscan::rules::{Facts, RuleDb};
use sovscan::walk::is_candidate;

fn main() {
    divan::main();
}

/// A dpkg status file of `n` stanzas shaped like Debian's.
fn status(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "Package: libexample{i}\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: 120\n\
             Maintainer: Debian Example Maintainers <pkg-example@lists.debian.org>\nArchitecture: amd64\nMulti-Arch: same\n\
             Source: example{i}\nVersion: 1.{i}-2\nDepends: libc6 (>= 2.34)\nDescription: example library {i}\n \
             A longer description line.\n .\n And another one.\n\n"
        ));
    }
    s
}

#[divan::bench(args = [100, 2000])]
fn dpkg_stanzas(bencher: divan::Bencher, n: usize) {
    let text = status(n);
    bencher.bench(|| dpkg::stanzas(divan::black_box(&text)).0.len());
}

#[divan::bench]
fn rules_load_embedded() -> usize {
    RuleDb::embedded().expect("embedded rules").vendors.len()
}

/// The embedded database with every field's glob set compiled, as the
/// first scan that matches each field ends up with (`rules_load_embedded`
/// compiles none: sets compile on first use).
#[divan::bench]
fn rules_load_and_compile_embedded() -> usize {
    let db = RuleDb::embedded().expect("embedded rules");
    db.matcher.compile().expect("embedded patterns compile");
    db.vendors.len()
}

#[divan::bench]
fn match_component(bencher: divan::Bencher) {
    let db = RuleDb::embedded().expect("embedded rules");
    bencher.bench(|| {
        let facts = Facts {
            names: vec![("package name", "google-chrome-stable")],
            suppliers: vec![(
                "maintainer",
                "Chrome Linux Team <chromium-dev@chromium.org>",
            )],
            domains: vec![
                ("e-mail domain", "chromium.org".into()),
                ("homepage domain", "www.google.com".into()),
            ],
            binaries: vec!["chrome", "chrome-sandbox", "libvk_swiftshader.so"],
            ..Default::default()
        };
        db.matcher.matches(divan::black_box(&facts)).len()
    });
}

#[divan::bench]
fn match_unknown_component(bencher: divan::Bencher) {
    let db = RuleDb::embedded().expect("embedded rules");
    bencher.bench(|| {
        let facts = Facts {
            names: vec![("package name", "libexample-utils")],
            suppliers: vec![("maintainer", "Nobody <nobody@example.invalid>")],
            domains: vec![("e-mail domain", "example.invalid".into())],
            ..Default::default()
        };
        db.matcher.matches(divan::black_box(&facts)).len()
    });
}

#[divan::bench]
fn candidate_filter() -> usize {
    let names: [&[u8]; 6] = [
        b"libc.so.6",
        b"README.md",
        b"bash",
        b"icon.png",
        b"KERNEL32.DLL",
        b"changelog.Debian.gz",
    ];
    names
        .iter()
        .cycle()
        .take(600)
        .enumerate()
        .filter(|(i, n)| is_candidate(if i % 3 == 0 { 0o755 } else { 0o644 }, divan::black_box(n)))
        .count()
}

#[divan::bench]
fn sniff_magic() -> usize {
    let heads: [&[u8]; 4] = [
        b"\x7fELF\x02\x01\x01\x00",
        b"#!/bin/sh",
        b"MZ\x90\x00\x03\x00\x00\x00",
        &[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52],
    ];
    heads
        .iter()
        .cycle()
        .take(400)
        .filter(|h| {
            matches!(
                fingerprint::sniff(divan::black_box(h)),
                fingerprint::Sniff::Binary(_)
            )
        })
        .count()
}

#[divan::bench]
fn group_unowned_binary() -> usize {
    [
        "opt/zoom/cef/libcef.so",
        "usr/local/bin/tool",
        "home/alice/.local/share/JetBrains/Toolbox/bin/jetbrains-toolbox",
    ]
    .iter()
    .map(|p| install_group(divan::black_box(p), true).len())
    .sum()
}
