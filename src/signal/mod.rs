//! Signals: what a transmitter sends and what a channel does to one symbol.
//!
//! - [`prbs`]: the IEEE 802.3 pseudo-random bit sequences (PRBS7/9/13/15/31) and the PAM4
//!   PRBS13Q/PRBS31Q (Clause 120.5.11.2);
//! - [`pam`]: NRZ and PAM4 symbol mapping (Gray coding, levels with RLM);
//! - [`jitter`]: transmitter clock jitter (random, periodic, duty-cycle distortion);
//! - [`pulse`]: the impulse, step and single-symbol pulse responses of a channel from its
//!   differential S21, with the IEEE COM transmitter and receiver filters;
//! - [`termination`]: transmitter and receiver RC loading of a channel (PyBERT's model).

pub mod jitter;
pub mod pam;
pub mod prbs;
pub mod pulse;
pub mod termination;
