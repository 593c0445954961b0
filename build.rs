//! Embeds every `rules/**/*.toml` file into the binary, in sorted path order,
//! so adding a rule file needs no code change.
//!
//! Each file is also parsed here, with the rule schema itself
//! (`src/rules/schema.rs`), and stored in postcard form beside its text:
//! the embedded database then loads without a TOML parse at run time
//! (`src/rules/load.rs`). A file that does not parse is stored as text
//! only; the binary parses it and reports its mistakes as it would any
//! rule file's.

use std::path::{Path, PathBuf};

// The schema's own types, so the stored form is the one the binary reads.
#[allow(dead_code)]
#[path = "src/model/risk.rs"]
pub mod risk;
mod model {
    pub use super::risk;
}
#[allow(dead_code)]
#[path = "src/rules/schema.rs"]
mod schema;
#[allow(dead_code)]
#[path = "src/rules/spanned.rs"]
mod spanned;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let mut files = Vec::new();
    collect(Path::new("rules"), &mut files);
    files.sort();
    let mut out = String::from("&[\n");
    for (i, f) in files.iter().enumerate() {
        let abs = std::fs::canonicalize(f).expect("rule file path");
        let name = f.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(f).expect("read rule file");
        let stored = match toml::from_str::<schema::RuleFile>(&text) {
            Ok(rf) => {
                let bytes = postcard::to_allocvec(&rf).expect("serialize rule file");
                let path = out_dir.join(format!("rules-{i}.postcard"));
                std::fs::write(&path, bytes).expect("write stored rule file");
                format!("Some(include_bytes!({:?}))", path.to_string_lossy())
            }
            Err(_) => "None".to_owned(),
        };
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?}), {stored}),\n",
            abs.to_string_lossy()
        ));
    }
    out.push(']');
    std::fs::write(out_dir.join("embedded_rules.rs"), out).expect("write embedded_rules.rs");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}
