//! Fuzz target: the dependency data toolchains embed in binaries
//! (`fingerprint::embedded`): Go build information (magic search, header,
//! varint strings, module lines) and `cargo auditable` data (bounded zlib,
//! depth-bounded JSON), each on the whole input, isolated as a scan
//! isolates a binary's parse.

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    afl::fuzz_nohook!(|data: &[u8]| {
        let _ = sovscan::isolate::catch(|| {
            use sovscan::fingerprint::embedded;
            if let Some(i) = embedded::find_go_magic(data) {
                let _ = embedded::go_buildinfo(&data[i..]);
            }
            let _ = embedded::go_buildinfo(data);
            let _ = embedded::cargo_audit(data);
        });
    });
}
