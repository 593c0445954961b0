//! sovscan: an offline scanner that tells how dependent a workstation image
//! is on foreign-controlled software vendors.
//!
//! The pipeline, one folder per stage (see `docs/architecture.md`):
//!
//! ```text
//! image ─► walk ─► fingerprint ─┐
//!   └────► collect ─────────────┴─► rules (match) ─► assess ─► report
//! ```

pub mod assess;
pub mod cli;
pub mod collect;
pub mod date;

pub mod fingerprint;
pub mod formats;
pub mod gate;

pub mod image;
pub mod isolate;
pub mod model;
pub mod paths;
pub mod policy;

pub mod progress;
pub mod report;
pub mod rules;
pub mod scan;
pub mod walk;
