//! A whole copper link as one cascade, die to die (IEEE 802.3 Annex 93A.1.2 channel model):
//! transmitter package + host board + plug + cable(L) + plug + host board + receiver package,
//! built with the `Network` cascade. The host recipes per standard are data
//! (`data/standards/hosts.toml`); the cable is [`super::twinax`]; a plug (paddle card and mated
//! connector) is modelled as a matched Annex 93A line whose loss is the plug's
//! `a1 √f + a2 f` dB (an assumption graded C/M in `data/cables/twinax.toml`): causal, with the
//! dielectric phase of eq. 93A-11, but without the plug's reflections.

use ndarray::Array3;
use serde::Deserialize;

use super::package::{PackageModel, chain};
use super::pcb::HostBoard;
use super::tline::{Annex93aLine, line_network};
use super::twinax::{DB_PER_NEPER, TwinaxParams, network as twinax_network};
use crate::error::Result;
use crate::network::Network;

/// One end of a link: package and host board, with the single-ended reference `R0`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostRecipe {
    pub name: String,
    pub clause: String,
    pub r0_ohm: f64,
    pub grade: String,
    pub source: String,
    pub package: PackageModel,
    pub board: HostBoard,
}

impl HostRecipe {
    /// Package then board: die at port 1, connector at port 2.
    pub fn network(&self, frequency_hz: &[f64]) -> Result<Network> {
        chain(&[
            self.package.network(frequency_hz, self.r0_ohm)?,
            self.board.network(frequency_hz, self.r0_ohm)?,
        ])
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HostsFile {
    host: Vec<HostRecipe>,
}

/// The host recipes of the presets (`standards/hosts.toml`), with errors naming file, line
/// and key.
pub fn host_recipes(presets: &crate::presets::Presets) -> Result<Vec<HostRecipe>> {
    let f: HostsFile = crate::presets::parse(&presets.hosts_toml, &presets.hosts_file)?;
    Ok(f.host)
}

/// The recipe named `name`, or an error listing the known names.
pub fn host_recipe<'a>(recipes: &'a [HostRecipe], name: &str) -> Result<&'a HostRecipe> {
    recipes.iter().find(|r| r.name == name).ok_or_else(|| {
        let known: Vec<&str> = recipes.iter().map(|r| r.name.as_str()).collect();
        crate::error::Error::invalid(format!(
            "unknown host recipe '{name}'; known: {}",
            known.join(", ")
        ))
    })
}

/// A plug's loss, dB with f in GHz: `a1 √f + a2 f`, and its delay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plug {
    pub a1_db_per_sqrt_ghz: f64,
    pub a2_db_per_ghz: f64,
    pub delay_s: f64,
}

impl Plug {
    /// The plug of the twinax presets.
    pub fn from_preset(p: &crate::presets::TwinaxPreset) -> Plug {
        Plug {
            a1_db_per_sqrt_ghz: p.plug_loss_a1_db_per_sqrt_ghz,
            a2_db_per_ghz: p.plug_loss_a2_db_per_ghz,
            delay_s: p.plug_delay_s,
        }
    }

    /// The plug as a matched 1 mm Annex 93A line between `2 r0_ohm`.
    pub fn network(&self, frequency_hz: &[f64], r0_ohm: f64) -> Result<Network> {
        let line = Annex93aLine {
            gamma0_per_mm: 0.0,
            a1: self.a1_db_per_sqrt_ghz / DB_PER_NEPER,
            a2: self.a2_db_per_ghz / DB_PER_NEPER,
            tau_ns_per_mm: self.delay_s * 1e9,
            zc_ohm: 2.0 * r0_ohm,
        };
        let mut n = line_network(&line, frequency_hz, 1.0, r0_ohm)?;
        n.name = "plug".into();
        Ok(n)
    }
}

/// The same two-port seen from the other side (ports swapped).
pub fn flipped(net: &Network) -> Network {
    let mut s = Array3::zeros(net.s.dim());
    for k in 0..net.nfreq() {
        for i in 0..2 {
            for j in 0..2 {
                s[[k, i, j]] = net.s[[k, 1 - i, 1 - j]];
            }
        }
    }
    let mut z0 = net.z0.clone();
    for k in 0..net.nfreq() {
        z0.swap([k, 0], [k, 1]);
    }
    let mut out = net.clone();
    out.s = s;
    out.z0 = z0;
    out
}

/// Frequencies for a channel of about `delay_s` of delay, up to `f_max_hz`: from 10 MHz in
/// steps that turn its phase by at most a quarter turn (so re-gridding can unwrap it) and no
/// coarser than 20 MHz.
pub fn phase_resolving_grid(delay_s: f64, f_max_hz: f64) -> Vec<f64> {
    let step = (0.25 / delay_s.max(1e-12)).min(20e6);
    let n = ((f_max_hz - 10e6).max(0.0) / step).ceil() as usize;
    (0..=n).map(|k| 10e6 + k as f64 * step).collect()
}

/// A cable assembly alone: plug, `length_m` of `cable`, plug (reversed), between references
/// `2 r0_ohm` (the differential reference of single-ended `r0_ohm`).
pub fn cable_assembly(
    frequency_hz: &[f64],
    plug: &Plug,
    cable: &TwinaxParams,
    length_m: f64,
    r0_ohm: f64,
) -> Result<Network> {
    let p = plug.network(frequency_hz, r0_ohm)?;
    let mut net = chain(&[
        p.clone(),
        twinax_network(cable, frequency_hz, length_m, 2.0 * r0_ohm)?,
        flipped(&p),
    ])?;
    net.name = format!("cable assembly, {length_m} m");
    Ok(net)
}

/// Die-to-die link: `tx` host, plug, `length_m` of `cable`, plug, `rx` host (reversed), all
/// between references `2 R0` of the transmitter's recipe (the receiver's elements are
/// evaluated at that reference too, so the two ends must share `R0`).
pub fn die_to_die(
    frequency_hz: &[f64],
    tx: &HostRecipe,
    rx: &HostRecipe,
    plug: &Plug,
    cable: &TwinaxParams,
    length_m: f64,
) -> Result<Network> {
    if tx.r0_ohm != rx.r0_ohm {
        return Err(crate::error::Error::invalid(format!(
            "host recipes '{}' and '{}' use different references R0 ({} and {} Ω)",
            tx.name, rx.name, tx.r0_ohm, rx.r0_ohm
        )));
    }
    let r0 = tx.r0_ohm;
    let p = plug.network(frequency_hz, r0)?;
    let mut net = chain(&[
        tx.network(frequency_hz)?,
        p.clone(),
        twinax_network(cable, frequency_hz, length_m, 2.0 * r0)?,
        flipped(&p),
        flipped(&rx.network(frequency_hz)?),
    ])?;
    net.name = format!("{} + {length_m} m + {}", tx.name, rx.name);
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::package::{LineLoss, Segment};
    use crate::channel::twinax::loss_db_per_metre;
    use crate::presets::Presets;

    fn il(n: &Network, k: usize) -> f64 {
        -20.0 * n.s[[k, 1, 0]].norm().log10()
    }

    fn transparent_host(r0: f64) -> HostRecipe {
        let loss = LineLoss {
            gamma0_per_mm: 0.0,
            a1: 0.0,
            a2: 0.0,
            tau_ns_per_mm: 0.0,
        };
        HostRecipe {
            name: "none".into(),
            clause: "-".into(),
            r0_ohm: r0,
            grade: "-".into(),
            source: "-".into(),
            package: PackageModel {
                c_d_f: vec![0.0],
                l_s_h: vec![0.0],
                c_b_f: 0.0,
                loss,
                segments: vec![Segment {
                    zc_ohm: 2.0 * r0,
                    length_mm: 0.0,
                }],
                c_p_f: 0.0,
            },
            board: HostBoard {
                loss,
                zc_ohm: 2.0 * r0,
                length_mm: 0.0,
                c0_f: 0.0,
                c1_f: 0.0,
            },
        }
    }

    #[test]
    fn with_transparent_hosts_the_link_is_cable_plus_two_plugs() {
        // every element matched at 100 Ω: losses add exactly (cascade wiring, plug model)
        let p = Presets::embedded().unwrap();
        let cable = TwinaxParams::from_preset(&p.twinax, 26.0);
        let plug = Plug::from_preset(&p.twinax);
        let f = [1e9, 13.28125e9, 26.5625e9, 53.125e9];
        let h = transparent_host(50.0);
        let n = die_to_die(&f, &h, &h, &plug, &cable, 1.5).unwrap();
        // the plugs and empty hosts are matched, so they only multiply the cable's S21 (whose
        // own small mismatch, Zc(f) ≠ 100 Ω at low frequency, stays in it)
        let bare = twinax_network(&cable, &f, 1.5, 100.0).unwrap();
        let per_m = loss_db_per_metre(&cable, &f).unwrap();
        for k in 0..f.len() {
            let want = il(&bare, k) + 2.0 * p.twinax.plug_loss_db(f[k]);
            assert!((il(&n, k) - want).abs() < 1e-9, "{} vs {want}", il(&n, k));
            // a reflection crosses the first plug twice
            let through_plug = 10f64.powf(-2.0 * p.twinax.plug_loss_db(f[k]) / 20.0);
            let want_s11 = bare.s[[k, 0, 0]].norm() * through_plug;
            assert!((n.s[[k, 0, 0]].norm() - want_s11).abs() < 1e-12, "{k}");
            assert!((il(&bare, k) - 1.5 * per_m[k]).abs() < 1e-3);
        }
    }

    #[test]
    fn ieee_hosts_add_their_loss_and_the_link_is_passive_and_reciprocal() {
        let p = Presets::embedded().unwrap();
        let hosts = host_recipes(&p).unwrap();
        let ck = host_recipe(&hosts, "ck-cr").unwrap();
        assert!(
            host_recipe(&hosts, "nope")
                .unwrap_err()
                .to_string()
                .contains("ck-cr")
        );
        let f: Vec<f64> = (1..=600).map(|k| k as f64 * 0.1e9).collect();
        let host = ck.network(&f).unwrap();
        // at 26.5625 GHz: a 12 + 1.8 mm package and 110.3 mm board, matched, lose
        // 8.686 z (a1 √f + a2 f) = 1.49 + 4.33 dB; the capacitances and the 87.5 Ω
        // segment add mismatch loss, so the host loses more, but not wildly more
        let k = 265; // 26.6 GHz
        let fg = f[k] / 1e9;
        let pkg = 8.686 * 13.8 * (9.909e-4 * fg.sqrt() + 2.772e-4 * fg);
        let brd = 8.686 * 110.3 * (3.8206e-4 * fg.sqrt() + 9.5909e-5 * fg);
        assert!(
            il(&host, k) > pkg + brd && il(&host, k) < pkg + brd + 3.0,
            "{}",
            il(&host, k)
        );
        let cable = TwinaxParams::from_preset(&p.twinax, 26.0);
        let link = die_to_die(&f, ck, ck, &Plug::from_preset(&p.twinax), &cable, 2.0).unwrap();
        assert!(link.passivity().unwrap().passive);
        assert!(
            crate::network::checks::reciprocity(link.frequency_hz.view(), link.s.view(), 1e-9)
                .unwrap()
                .reciprocal
        );
        // the receiver end is the same host seen backwards
        let back = flipped(&host);
        assert_eq!(back.s[[k, 1, 1]], host.s[[k, 0, 0]]);
    }
}
