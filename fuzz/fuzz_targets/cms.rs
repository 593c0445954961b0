//! Fuzz target: the CMS SignedData reader (PE certificate tables and
//! Mach-O code-signature blobs).

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let _ = sovscan::formats::cms::signed_data(data);
    });
}
