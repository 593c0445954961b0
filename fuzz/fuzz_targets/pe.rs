//! Fuzz target: the PE reader (`fingerprint::parse`: headers, VS_VERSIONINFO,
//! Authenticode and its digest), isolated as a scan isolates it.

use sovscan::model::binary::{Binary, Format};

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    afl::fuzz_nohook!(|data: &[u8]| {
        let mut bin = Binary::new("fuzz", Format::Pe, data.len() as u64);
        let mut problems = Vec::new();
        // Isolated as `fingerprint::fingerprint` isolates it in a scan.
        let _ =
            sovscan::isolate::catch(|| sovscan::fingerprint::parse(data, &mut bin, &mut problems));
    });
}
