//! Fuzz target: the Mach-O (thin and fat, code signature) reader (`fingerprint::parse`), as a scan calls it
//! on a file whose first bytes said Mach-O (thin and fat, code signature).

use sovscan::model::binary::{Binary, Format};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let mut bin = Binary::new("fuzz", Format::Macho, data.len() as u64);
        let mut problems = Vec::new();
        let _ = sovscan::fingerprint::parse(data, &mut bin, &mut problems);
    });
}
