//! Fuzz target: a flatpak deploy's `metadata` key file. The input replaces `var/lib/flatpak/app/org.mozilla.firefox/x86_64/stable/1b186137c18ba1e7bcdeadc6fd6f40caa27e5b3ce1f8b25568895fb1574ea858/metadata` in a copy of
//! `fixtures/demo-linux` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-linux",
        "var/lib/flatpak/app/org.mozilla.firefox/x86_64/stable/1b186137c18ba1e7bcdeadc6fd6f40caa27e5b3ce1f8b25568895fb1574ea858/metadata",
        Family::Linux,
        &sovscan::collect::flatpak::Flatpak,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
