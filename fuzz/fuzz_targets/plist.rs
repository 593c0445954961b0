//! Fuzz target: property lists (XML and binary) through the depth-bounded
//! reader every macOS collector uses.

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    afl::fuzz_nohook!(|data: &[u8]| {
        if let Ok(d) = sovscan::image::read::parse_plist(data) {
            let _ = sovscan::image::read::plist_str(&d, "CFBundleIdentifier");
        }
    });
}
