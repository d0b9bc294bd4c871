//! IEEE 802.3 cable-assembly and channel figures of merit, for any differential `Network`
//! (a preset cable or a user's Touchstone file): insertion loss at the Nyquist frequency,
//! fitted insertion loss and insertion-loss deviation with FOM_ILD ([`ild`], Annex 93A.3/93A.4),
//! integrated crosstalk noise ([`icn`], Clause 85.10.7 / 92.10.7 form) and effective return
//! loss ([`erl`], Annex 93A.5).

pub mod erl;
pub mod icn;
pub mod ild;
