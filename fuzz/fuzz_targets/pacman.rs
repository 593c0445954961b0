//! Fuzz target: a pacman `desc` record. The input replaces `var/lib/pacman/local/brave-bin-1:1.73.97-1/desc` in a copy of
//! `fixtures/demo-linux` and the collector runs on the image.

use sovscan::model::inventory::Family;
use sovscan_fuzz::ImageTarget;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    let target = ImageTarget::new(
        "demo-linux",
        "var/lib/pacman/local/brave-bin-1:1.73.97-1/desc",
        Family::Linux,
        &sovscan::collect::pacman::Pacman,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        target.run(data);
    });
}
