//! Fuzz target: `os-release` parsing (root detection).

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    afl::fuzz_nohook!(|data: &[u8]| {
        if let Ok(text) = std::str::from_utf8(data) {
            let _ = sovscan::image::os::parse_os_release(text, "etc/os-release");
        }
    });
}
