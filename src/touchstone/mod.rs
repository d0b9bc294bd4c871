//! Touchstone import and export: versions 1.0/1.1 and 2.0/2.1, every parameter type (S, Y, Z,
//! H, G), format (RI, MA, DB) and unit, the version 2 keywords, and the vendor comments that
//! matter (HFSS per-frequency port impedances, port names, the wave definition).
//!
//! - [`read_path`] / [`read_bytes`]: a [`Touchstone`] (the [`Network`](crate::network::Network),
//!   the [`Header`] and any [`Warning`]s), or an error with file, line and column.
//! - the data block is tokenized in one pass without per-line allocation, in parallel for big
//!   files ([`tokens`]).
//!
//! ```
//! use sireach::touchstone::{read_bytes, write_string, ReadOptions, Version, WriteOptions};
//!
//! let v2 = b"[Version] 2.0\n# GHz S RI R 50\n[Number of Ports] 1\n[Number of Frequencies] 2\n\
//!            [Network Data]\n1 0.5 0\n2 0.25 -0.25\n[End]\n";
//! let t = read_bytes(v2, "load", None, &ReadOptions::default())?;
//! assert_eq!(t.header.version, Version::V2_0);
//! // write it as version 1 and read it back: the same numbers
//! let text = write_string(&t.network, &WriteOptions::default())?;
//! let back = read_bytes(text.as_bytes(), "load", Some(1), &ReadOptions::default())?;
//! assert_eq!(back.network.s, t.network.s);
//! # Ok::<(), sireach::error::Error>(())
//! ```

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
