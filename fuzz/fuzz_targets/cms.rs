//! Fuzz target: the CMS SignedData reader (PE certificate tables and
//! Mach-O code-signature blobs).

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    afl::fuzz_nohook!(|data: &[u8]| {
        let _ = sovscan::formats::cms::signed_data(data);
    });
}
