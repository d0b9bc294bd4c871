//! The COM criterion of the reach engine: COM ≥ the preset's threshold (3 dB, IEEE 802.3
//! Annex 93A) on the cable-assembly COM channel at each length.
//!
//! **What the channel is.** [`crate::com::compute`] adds the Annex 93A transmitter and receiver
//! packages (die, bump, package line, ball: `channel_h21`) and the Tx/Rx filters itself, so the
//! channel handed to it must be the part between the two package balls: host board + plug +
//! twinax(L) + plug + host board (TP0–TP5 without the packages). The board is the one the
//! clause's cable-assembly COM test adds (`include_pcb = 1`), i.e. the board of the preset's
//! `host_board` recipe in `data/standards/hosts.toml`; the packages of that recipe are not used
//! here (COM's own are). With no `host_board` the channel is the bare cable assembly.
//!
//! **Crosstalk.** One equivalent NEXT and one equivalent FEXT aggressor from the model of
//! `data/standards/com/crosstalk.toml`: power-sum couplings fitted to the measured IEEE 802.3ck
//! cable assembly (mellitz_3ck_04_1119_CACR, 8 NEXT, 7 FEXT): NEXT a fixed coupling (near-end
//! plug; host boards at both ends as in the CA test), FEXT a fixed ratio to the thru (it is made
//! at the plugs and travels with the signal). Lumping the 8 (7) aggressors into one of the same
//! power makes COM's crosstalk PMF less Gaussian and a little pessimistic at DER_0.
//!
//! **Package cases.** COM is the minimum over the preset's package test cases (z_p 12 and
//! 31 mm for 802.3ck).
//!
//! **Search.** [`ComSearch::Full`] is the preset's whole grid (802.3ck: 283 416 candidates, about
//! 40 s a case). [`ComSearch::Local`] runs it in two stages, like MATLAB COM's local search: a
//! coarse grid (every other CTLE gain, Tx tap steps doubled), then the full-resolution grid
//! within half a coarse CTLE stride and ±1 tap step of the coarse optimum (together they cover every full-resolution point between the coarse neighbours). The reach uses it; on the
//! 802.3ck channels it agrees with the full search to < 0.01 dB (tests/com_reach.rs, README).
//!
//! **Frequency step.** `sireach com` uses the preset's Δf (10 MHz). The reach criterion uses
//! [`reach_fstep_hz`]: the coarsest of 50, 40, 25, 20, 10 MHz whose 1/Δf period holds the
//! channel's delay plus 10 ns of tail (a longer period does not change COM, a shorter one wraps the
//! pulse); the README and tests/com_reach.rs show COM changes by < 0.1 dB.

use std::sync::Mutex;

use ndarray::{Array2, Array3};
use num_complex::Complex64;
use serde::Deserialize;

use super::Criterion;
use crate::channel::link::{Plug, flipped, phase_resolving_grid};
use crate::channel::pcb::HostBoard;
use crate::channel::twinax::{TwinaxParams, network as twinax_network};
use crate::com::{ComConfig, ComResult, compute};
use crate::error::{Error, Result};
use crate::network::{Network, WaveDef};
use crate::presets::com::ComPreset;

/// The crosstalk model of `data/standards/com/crosstalk.toml` (see there for the fit).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrosstalkModel {
    pub next_x0_db: f64,
    pub next_k_db_per_decade: f64,
    pub fext_x0_db: f64,
    pub fext_k_db_per_decade: f64,
    pub max_db: f64,
    pub source: String,
}

impl CrosstalkModel {
    /// The embedded model.
    pub fn embedded() -> Result<CrosstalkModel> {
        crate::presets::parse(
            crate::presets::com::COM_CROSSTALK_TOML,
            "data/standards/com/crosstalk.toml",
        )
    }

    fn db(x0: f64, k: f64, max: f64, f_hz: f64) -> f64 {
        (x0 + k * (f_hz.max(1e6) / 1e9).log10()).min(max)
    }

    /// |NEXT(f)| of the equivalent aggressor (power sum), linear.
    pub fn next_mag(&self, f_hz: f64) -> f64 {
        10f64.powf(
            Self::db(
                self.next_x0_db,
                self.next_k_db_per_decade,
                self.max_db,
                f_hz,
            ) / 20.0,
        )
    }

    /// |FEXT(f)/S21(f)| of the equivalent aggressor (power sum), linear.
    pub fn fext_ratio(&self, f_hz: f64) -> f64 {
        10f64.powf(
            Self::db(
                self.fext_x0_db,
                self.fext_k_db_per_decade,
                self.max_db,
                f_hz,
            ) / 20.0,
        )
    }
}

/// A matched, reciprocal two-port with transmission `t(f)` between references `2 r0`.
pub fn matched_two_port(f: &[f64], t: &[Complex64], r0_ohm: f64, name: &str) -> Result<Network> {
    let n = f.len();
    let mut s = Array3::zeros((n, 2, 2));
    for k in 0..n {
        s[[k, 1, 0]] = t[k];
        s[[k, 0, 1]] = t[k];
    }
    let z0 = Array2::from_elem((n, 2), Complex64::new(2.0 * r0_ohm, 0.0));
    let mut net = Network::new(f.to_vec().into(), s, z0, WaveDef::Power)?;
    net.name = name.into();
    Ok(net)
}

/// How the COM equaliser grid is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComSearch {
    /// The preset's whole grid.
    Full,
    /// Coarse grid, then the full resolution around its optimum.
    Local,
}

/// Stage 1 of the local search takes every `G_DC_STRIDE`-th g_DC and every `G_DC2_STRIDE`-th
/// g_DC2 (802.3ck: 0, −4, … −20 dB and 0, −3, −6 dB); stage 2 the full-resolution values within
/// half a stride of the stage-1 choice.
const G_DC_STRIDE: usize = 4;
const G_DC2_STRIDE: usize = 3;

/// `cfg` with the coarse CTLE gains and the Tx tap steps doubled (stage 1 of [`ComSearch::Local`]).
fn coarse(cfg: &ComConfig) -> ComConfig {
    let mut c = cfg.clone();
    c.g_dc_db = cfg.g_dc_db.iter().step_by(G_DC_STRIDE).copied().collect();
    c.g_dc2_db = cfg.g_dc2_db.iter().step_by(G_DC2_STRIDE).copied().collect();
    for i in 0..c.tx_taps_step.len() {
        let (lo, hi, s) = (cfg.tx_taps_min[i], cfg.tx_taps_max[i], cfg.tx_taps_step[i]);
        if s > 0.0 {
            let n = ((hi - lo) / s).round() as usize; // intervals
            if n >= 2 {
                c.tx_taps_step[i] = 2.0 * s;
                c.tx_taps_max[i] = lo + 2.0 * s * (n / 2) as f64;
            }
        }
    }
    c
}

/// `cfg` restricted to half a stride of CTLE gains and ±1 tap step about `best` (stage 2 of
/// the local search).
fn refine(cfg: &ComConfig, best: &ComResult) -> ComConfig {
    let near = |list: &[f64], v: f64, half: usize| -> Vec<f64> {
        let k = list.iter().position(|&x| (x - v).abs() < 1e-9).unwrap_or(0);
        list[k.saturating_sub(half)..(k + half + 1).min(list.len())].to_vec()
    };
    let mut c = cfg.clone();
    c.g_dc_db = near(&cfg.g_dc_db, best.choice.g_dc_db, G_DC_STRIDE / 2);
    c.g_dc2_db = near(&cfg.g_dc2_db, best.choice.g_dc2_db, G_DC2_STRIDE / 2);
    // the chosen taps without the cursor (inserted before the last three)
    let t = &best.choice.tx_taps;
    if t.len() < 4 {
        return c;
    }
    let k = t.len() - 4;
    let taps = t[..k].iter().chain(&t[k + 1..]);
    for (i, &tap) in taps.enumerate().take(c.tx_taps_step.len()) {
        let (lo, hi, s) = (cfg.tx_taps_min[i], cfg.tx_taps_max[i], cfg.tx_taps_step[i]);
        if s > 0.0 {
            let steps_from_lo = ((tap - lo) / s).round();
            let a = (steps_from_lo - 1.0).max(0.0);
            let b = (steps_from_lo + 1.0).min(((hi - lo) / s).round());
            c.tx_taps_min[i] = lo + a * s;
            c.tx_taps_max[i] = lo + b * s;
        }
    }
    c
}

/// COM with the chosen search.
pub fn com_search(
    cfg: &ComConfig,
    search: ComSearch,
    thru: &Network,
    fext: &[Network],
    next: &[Network],
) -> Result<ComResult> {
    match search {
        ComSearch::Full => compute(cfg, thru, fext, next),
        ComSearch::Local => {
            let first = compute(&coarse(cfg), thru, fext, next)?;
            let mut r = compute(&refine(cfg, &first), thru, fext, next)?;
            r.choice.n_evals += first.choice.n_evals;
            Ok(r)
        }
    }
}

/// COM over a preset's package cases: the minimum and each case's result.
#[derive(Debug, Clone)]
pub struct CaseResults {
    pub com_db: f64,
    /// Index into `cases` of the minimum.
    pub worst: usize,
    pub cases: Vec<(f64, ComResult)>,
}

/// COM of the channel for each `(z_p, config)` case; the result is the minimum (Annex 93A.1.2).
/// `board + net + board` (the board's package end outwards) at the network's frequencies: a
/// cable assembly as the CA test sees it (host boards added at both ends).
pub fn with_board(net: &Network, board: &HostBoard, r0: f64) -> Result<Network> {
    let f: Vec<f64> = net.frequency_hz.to_vec();
    let b = board.network(&f, r0)?;
    let mut n = crate::channel::package::chain(&[
        b.clone(),
        net.clone(),
        crate::channel::link::flipped(&b),
    ])?;
    n.name = net.name.clone();
    Ok(n)
}

pub fn com_cases(
    cases: &[(f64, ComConfig)],
    search: ComSearch,
    thru: &Network,
    fext: &[Network],
    next: &[Network],
) -> Result<CaseResults> {
    let mut out = Vec::with_capacity(cases.len());
    for (zp, cfg) in cases {
        out.push((*zp, com_search(cfg, search, thru, fext, next)?));
    }
    let worst = (0..out.len())
        .min_by(|&a, &b| out[a].1.com_db.total_cmp(&out[b].1.com_db))
        .ok_or_else(|| Error::invalid("COM: no package case"))?;
    Ok(CaseResults {
        com_db: out[worst].1.com_db,
        worst,
        cases: out,
    })
}

/// The frequency step the reach criterion uses for a channel of about `delay_s`: the coarsest
/// of 50, 40, 25, 20, 10 MHz whose period 1/Δf holds the delay plus 10 ns (the pulse's tail,
/// packages and filters) and makes an rfft grid with `cfg`'s M and f_b, never finer than
/// `cfg`'s own Δf.
pub fn reach_fstep_hz(delay_s: f64, cfg: &ComConfig) -> f64 {
    let need = delay_s + 10e-9;
    [50e6, 40e6, 25e6, 20e6, 10e6]
        .into_iter()
        .filter(|&df| df >= cfg.fstep_hz && 1.0 / df >= need)
        .find(|&df| {
            let mut c = cfg.clone();
            c.fstep_hz = df;
            crate::com::SystemGrid::new(&c).is_ok()
        })
        .unwrap_or(cfg.fstep_hz)
}

/// The COM criterion for one preset, cable and plug.
pub struct ComCriterion {
    pub preset: ComPreset,
    pub cable: TwinaxParams,
    pub plug: Plug,
    /// The host board the CA test adds at both ends (from the preset's `host_board`).
    pub board: Option<HostBoard>,
    pub crosstalk: Option<CrosstalkModel>,
    pub search: ComSearch,
    /// Use [`reach_fstep_hz`] (true) or the preset's Δf.
    pub adaptive_fstep: bool,
    cases: Vec<(f64, ComConfig)>,
    cache: Mutex<Vec<(f64, f64)>>,
}

/// Propagation delay of the twinax model per metre, s/m, used to size grids (an upper bound:
/// a 1.4 dielectric constant gives 3.9 ns/m; foamed twinax is 4–5 ns/m).
const TWINAX_DELAY_BOUND_S_PER_M: f64 = 5.5e-9;

impl ComCriterion {
    /// The criterion for `preset` over `cable`, with the board of `board` (normally the
    /// preset's `host_board` recipe's) and the crosstalk model (None: thru only).
    pub fn new(
        preset: ComPreset,
        cable: TwinaxParams,
        plug: Plug,
        board: Option<HostBoard>,
        crosstalk: Option<CrosstalkModel>,
    ) -> Result<ComCriterion> {
        let cases = preset.case_configs()?;
        Ok(ComCriterion {
            preset,
            cable,
            plug,
            board,
            crosstalk,
            search: ComSearch::Local,
            adaptive_fstep: true,
            cases,
            cache: Mutex::new(Vec::new()),
        })
    }

    fn r0(&self) -> f64 {
        self.preset.config.r0_ohm
    }

    /// A delay bound of the channel at `length_m`, s.
    pub fn delay_s(&self, length_m: f64) -> f64 {
        let board = self
            .board
            .as_ref()
            .map_or(0.0, |b| b.length_mm * b.loss.tau_ns_per_mm * 1e-9);
        TWINAX_DELAY_BOUND_S_PER_M * length_m + 2.0 * (board + self.plug.delay_s)
    }

    /// The frequencies the channel is built at: 10 MHz to 2·f_b, resolving its phase.
    pub fn frequency_hz(&self, length_m: f64) -> Vec<f64> {
        phase_resolving_grid(self.delay_s(length_m), 2.0 * self.preset.config.fb_bd)
    }

    /// Thru, FEXT and NEXT two-ports at `length_m` (host board + plug + cable + plug + host
    /// board; aggressors from the crosstalk model).
    pub fn channels(&self, length_m: f64) -> Result<(Network, Vec<Network>, Vec<Network>)> {
        let f = self.frequency_hz(length_m);
        let r0 = self.r0();
        let p = self.plug.network(&f, r0)?;
        let cable = twinax_network(&self.cable, &f, length_m, 2.0 * r0)?;
        let board = match &self.board {
            Some(b) => Some(b.network(&f, r0)?),
            None => None,
        };
        let with_boards = |mid: Vec<Network>| -> Result<Network> {
            let mut parts = Vec::new();
            if let Some(b) = &board {
                parts.push(b.clone());
            }
            parts.extend(mid);
            if let Some(b) = &board {
                parts.push(flipped(b));
            }
            crate::channel::package::chain(&parts)
        };
        let mut thru = with_boards(vec![p.clone(), cable.clone(), flipped(&p)])?;
        thru.name = format!("thru, {length_m} m");
        let (mut fext, mut next) = (Vec::new(), Vec::new());
        if let Some(x) = &self.crosstalk {
            let ratio: Vec<Complex64> = f
                .iter()
                .map(|&fk| Complex64::new(x.fext_ratio(fk), 0.0))
                .collect();
            let ratio = matched_two_port(&f, &ratio, r0, "FEXT coupling")?;
            let mut fx = with_boards(vec![p.clone(), cable, ratio, flipped(&p)])?;
            fx.name = "FEXT (model)".into();
            fext.push(fx);
            let tau = self.plug.delay_s;
            let nx: Vec<Complex64> = f
                .iter()
                .map(|&fk| {
                    Complex64::from_polar(x.next_mag(fk), -2.0 * std::f64::consts::PI * fk * tau)
                })
                .collect();
            let nx = matched_two_port(&f, &nx, r0, "NEXT coupling")?;
            let mut nx = with_boards(vec![nx])?;
            nx.name = "NEXT (model)".into();
            next.push(nx);
        }
        Ok((thru, fext, next))
    }

    /// The package cases' configs at `length_m` (Δf per [`reach_fstep_hz`] when adaptive).
    pub fn configs_at(&self, length_m: f64) -> Vec<(f64, ComConfig)> {
        let mut cases = self.cases.clone();
        if self.adaptive_fstep {
            for (_, c) in &mut cases {
                c.fstep_hz = reach_fstep_hz(self.delay_s(length_m), c);
            }
        }
        cases
    }

    /// COM at `length_m`, with each case's result.
    pub fn com_at(&self, length_m: f64) -> Result<CaseResults> {
        let (thru, fext, next) = self.channels(length_m)?;
        com_cases(&self.configs_at(length_m), self.search, &thru, &fext, &next)
    }
}

impl ComCriterion {
    /// COM evaluations made through [`Criterion::margin_db`] so far (cached lengths count once).
    pub fn evaluations(&self) -> usize {
        self.cache.lock().map_or(0, |c| c.len())
    }
}

impl Criterion for ComCriterion {
    fn name(&self) -> &str {
        "com"
    }

    fn margin_db(&self, length_m: f64) -> Result<f64> {
        let hit = self
            .cache
            .lock()
            .map_err(|_| Error::invalid("COM criterion: cache poisoned"))?
            .iter()
            .find(|(l, _)| *l == length_m)
            .map(|(_, m)| *m);
        if let Some(m) = hit {
            return Ok(m);
        }
        let m = self.com_at(length_m)?.com_db - self.preset.threshold_db();
        if let Ok(mut c) = self.cache.lock() {
            c.push((length_m, m));
        }
        Ok(m)
    }
}
