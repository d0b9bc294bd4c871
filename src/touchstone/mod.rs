//! Touchstone import and export: versions 1.0/1.1 and 2.0/2.1, every parameter type (S, Y, Z,
//! H, G), format (RI, MA, DB) and unit, the version 2 keywords, and the vendor comments that
//! matter (HFSS per-frequency port impedances, port names, the wave definition).
//!
//! - [`read_path`] / [`read_bytes`]: a [`Touchstone`] (the [`Network`](crate::network::Network),
//!   the [`Header`] and any [`Warning`]s), or an error with file, line and column.
//! - the data block is tokenized in one pass without per-line allocation, in parallel for big
//!   files ([`tokens`]).

mod fuzz;
pub mod header;
pub mod json;
mod read;
mod read_header;
mod records;
pub mod tokens;
mod vendor;
mod write;

pub use fuzz::fuzz_one;
pub use header::{DataFormat, FrequencyUnit, Header, MatrixFormat, TwoPortOrder, Version};
pub use read::{ReadOptions, Touchstone, Warning, nports_from_name, read_bytes, read_path};
pub use write::{WriteOptions, write_path, write_string};
