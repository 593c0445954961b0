//! The data that flows through the pipeline, and the JSON contract
//! (`docs/json.md`) in one place.
//!
//! Every type a stage hands to the next, or that a report contains, is
//! defined here, and every one that reaches the report is `Serialize` and
//! `Deserialize`: a saved report is read back as the same types that wrote
//! it, so a renamed field breaks the build or the read, never silently a
//! reader. This module imports nothing of the crate: the stages depend on
//! it, it depends on none of them.
//!
//! Field names are an interface that migration tools build on: add new
//! ones, never rename or remove. Bump [`report::SCHEMA_VERSION`]'s minor
//! number when adding, its major number never without a migration note.
//!
//! - [`inventory`]: facts read from the image (packages, evidence, suppliers,
//!   problems), before any rule is applied;
//! - [`binary`]: fingerprinted binaries, their per-format details and code
//!   signatures;
//! - [`risk`]: the assessment model's vocabulary and results (levels,
//!   dimensions, fired rules, mitigations, parameters);
//! - [`aggregates`]: the figures over an image (index, shares, concentration);
//! - [`verdict`]: the CI gate's verdict;
//! - [`report`]: the report that holds all of it, with the products folded
//!   from its components and their installations.

pub mod aggregates;
pub mod binary;
pub mod fleet;
pub mod inventory;
pub mod plan;
pub mod purl;
pub mod report;
pub mod risk;
pub mod verdict;
