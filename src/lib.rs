//! sovscan: an offline scanner that tells how dependent a workstation image
//! is on foreign-controlled software vendors.
//!
//! The modules are the pipeline's stages, bottom first; imports only run
//! down this list (`docs/architecture.md`, checked by `tests/it/architecture.rs`):
//!
//! ```text
//!            ┌─► collect ────────────────┐
//! image ─────┤                           ├─► attach ─► identify ─► assess ─► report
//!            └─► walk ─► fingerprint ────┘      (scan.rs runs the stages)      (cli)
//! model (the data that flows), formats (leaf parsers), rules (the database)
//! ```

// The data that flows, and utilities every stage may use.
pub mod bounded;
pub mod date;
pub mod diag;
pub mod fmt;
pub mod i18n;
pub mod isolate;
pub mod model;
pub mod paths;

// Leaf parsers and the rule database.
pub mod formats;
pub mod rules;

// Stage 0: an image root, confined, and its OS.
pub mod image;

// Stages 1 and 2: inventory sources, the walk, binary fingerprints.
pub mod collect;
pub mod fingerprint;
pub mod progress;
pub mod walk;

// Stages 3 to 5: binaries to owners, facts to rules, judgement.
pub mod assess;
pub mod attach;
pub mod identify;

// One scan, its renderers, and the command line.
pub mod cli;
pub mod report;
pub mod sbom;
pub mod scan;
