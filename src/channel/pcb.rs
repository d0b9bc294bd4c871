//! The host printed-circuit board of the IEEE 802.3 COM model (Annex 93A.1.2.3 with the
//! 802.3ck/dj host-board parameters): a [`super::tline`] line of one impedance and length,
//! with shunt via/pad capacitances `C_0` at the package end and `C_1` at the connector end,
//! as a differential two-port from the package (port 1) to the connector (port 2).

use serde::Deserialize;

use super::package::{LineLoss, chain};
use super::tline::{line_network, shunt_capacitance};
use crate::error::Result;
use crate::network::Network;

/// A host board trace (values per standard in `data/standards/hosts.toml`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostBoard {
    pub loss: LineLoss,
    pub zc_ohm: f64,
    pub length_mm: f64,
    /// Single-ended shunt capacitance at the package end, F.
    #[serde(default)]
    pub c0_f: f64,
    /// Single-ended shunt capacitance at the connector end, F.
    #[serde(default)]
    pub c1_f: f64,
}

impl HostBoard {
    /// The board as a differential two-port between references `2 r0_ohm`.
    pub fn network(&self, frequency_hz: &[f64], r0_ohm: f64) -> Result<Network> {
        let mut net = chain(&[
            shunt_capacitance(frequency_hz, self.c0_f, r0_ohm)?,
            line_network(
                &self.loss.line(self.zc_ohm),
                frequency_hz,
                self.length_mm,
                r0_ohm,
            )?,
            shunt_capacitance(frequency_hz, self.c1_f, r0_ohm)?,
        ])?;
        net.name = "host board".into();
        Ok(net)
    }
}
