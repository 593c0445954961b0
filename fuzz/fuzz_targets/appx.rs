//! Fuzz target: an `AppxManifest.xml`. The input replaces `Program Files/WindowsApps/MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe/AppxManifest.xml` in a copy of
//! `fixtures/demo-windows` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-windows",
        "Program Files/WindowsApps/MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe/AppxManifest.xml",
        Family::Windows,
        &sovscan::collect::appx::Appx,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
