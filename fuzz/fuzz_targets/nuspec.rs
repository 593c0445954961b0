//! Fuzz target: a Chocolatey `.nuspec`. The input replaces `ProgramData/chocolatey/lib/vlc/vlc.nuspec` in a copy of
//! `fixtures/demo-windows` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-windows",
        "ProgramData/chocolatey/lib/vlc/vlc.nuspec",
        Family::Windows,
        &sovscan::collect::chocolatey::Chocolatey,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
