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
//! ```
//! use sireach::network::PortPairing;
//! use sireach::touchstone::{read_bytes, ReadOptions};
//!
//! // A version 1 two-port: 1 GHz, S11 S21 S12 S22 as magnitude/angle.
//! let text = b"# GHz S MA R 50\n1 0.1 0 0.9 -90 0.9 -90 0.1 0\n";
//! let t = read_bytes(text, "thru", Some(2), &ReadOptions::default())?;
//! let net = t.network;
//! assert_eq!(net.frequency_hz[0], 1e9);
//! assert!((net.s[[0, 1, 0]].im + 0.9).abs() < 1e-12); // S21 = 0.9 at -90 degrees
//! assert!(net.passivity()?.passive);
//! # Ok::<(), sireach::error::Error>(())
//! ```
//!
//! Modules (dependencies point down this list only):
//! - [`error`]: the crate's error type, with file/line/column positions;
//! - [`network`]: the `Network` type and the maths on it;
//! - [`touchstone`]: reading and writing Touchstone 1.x/2.x.
//!
//! Beside `channel` (copper), [`optical`] holds the optical link budgets (the IEEE example link
//! model) and [`signal`] the transmitted signals and pulse responses; above them [`serdes`]
//! (equalisers) and then [`eye`] (statistical and time-domain eyes).
//!
//! At the top, beside each other: [`reach`] (link reach from the channel models) and [`plot`]
//! (charts of them as SVG or PNG); nothing below depends on either.

pub mod channel;
pub mod cli;
pub mod com;
pub mod error;
pub mod eye;
pub mod kernels;
pub mod memory;
pub mod network;
pub mod optical;
pub mod plot;
pub mod presets;
pub mod reach;
pub mod serdes;
pub mod signal;
pub mod touchstone;

/// Parallelism for a computation, as an argument (faer style) rather than a global.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Par {
    /// On the calling thread.
    Seq,
    /// With rayon on this many threads; 0 means all available.
    Rayon(usize),
}
