//! # sireach
//!
//! A signal-integrity modelling toolkit: Touchstone import/export into one [`network::Network`]
//! type, the network maths under it, and (in later layers) copper and optical channel models,
//! PAM4 equalisation and eyes, COM and reach analysis.
//!
//! Conventions: SI units (Hz, ohms, seconds, metres); decibels only in names ending `_db`;
//! S-parameter arrays shaped `[nfreq, nports, nports]`; ports 0-based in the API, 1-based in
//! files and messages; the wave definition of S is always explicit.
//!
//! Modules (dependencies point down this list only):
//! - [`error`]: the crate's error type, with file/line/column positions;
//! - [`network`]: the `Network` type and the maths on it;
//! - [`touchstone`]: reading and writing Touchstone 1.x/2.x.

pub mod cli;
pub mod error;
pub mod memory;
pub mod network;
pub mod touchstone;

/// Parallelism for a computation, as an argument (faer style) rather than a global.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Par {
    /// On the calling thread.
    Seq,
    /// With rayon on this many threads; 0 means all available.
    Rayon(usize),
}
