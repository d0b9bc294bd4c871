//! Optical links: power budgets with penalties for multimode (and later single-mode) fibre
//! links, the optical counterpart of the copper channel models in `channel`.
//!
//! - [`link_model`]: the IEEE 802.3 example link model, 10GEPBud3_1_16a (P. Hanson,
//!   D. Cunningham, P. Dawe, D. Dolfi; IEEE 802.3ae serial PMD ad hoc), NRZ: attenuation,
//!   chromatic and modal bandwidth, rise times, ISI at the eye centre and the Tx-mask corners,
//!   RIN, mode-partition noise, reflections, baseline wander, modal noise, the cross term and
//!   the margin, each term a free function in [`link_model::terms`].
//! - [`budget`]: one lane of an IEEE PMD (NRZ or PAM4) over one fibre in the TDECQ/SECQ budget
//!   structure of the PAM4 task forces, with the fibre's penalties from those terms (a sireach
//!   model, grade M), for transceiver links and AOCs.
//!
//! Sources: `../shared/optical/README.md` and `../shared/reference/reach-references.md` §4.2,
//! §4.4 (the spreadsheet's formulas, grade A); INCITS T11-2016-013 ("Python script for IEEE
//! GEPBud3_1_16a", 2015), a port of the spreadsheet; ANSI/INCITS TR-60-2014 (FC-MSQS-2)
//! Annex B; Cunningham & Lane, *Gigabit Ethernet Networking*, ch. 9. Regression: the
//! spreadsheet's own cached results in `../shared/optical/linkmodel_10gepbud.toml`.
//!
//! Units: SI in code (Hz, Bd, s, m, W); dB in names ending `_db`, dBm in `_dbm`. The files keep
//! the spreadsheet's units in their key names (`_mbd`, `_nm`, `_ps`, `_mhz_km`).

pub mod budget;
pub mod link_model;
