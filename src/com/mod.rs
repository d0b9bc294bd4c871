//! Channel Operating Margin, IEEE 802.3 Annex 93A with the 802.3dj Annex 178A updates (draft
//! D3.3), computed as PyChOpMarg 3.4.0 and MATLAB COM compute it. This module owns the COM
//! computation end to end: [`config`] (the parameter set), [`device`] (178A device models),
//! [`channel`] (grids, packages, VTF, pulses), [`txffe`] (Tx FFE candidates and shifts),
//! [`search`] (the equaliser search), [`rxffe`] (the MMSE Rx FFE of 178A.1.6 with floating
//! taps), [`noise`] (the final noise budget, quantisation and COM), [`mlsd`] (the MLSD
//! reference receiver of 178A.1.10). [`compute`] runs them on differential 2-ports.
//! Not yet covered: package test cases (`zp_cases`), the 93A host boards (`include_pcb`),
//! `z_c_rx`, the "middle" cursor search (the config parser names them).

pub mod channel;
pub mod config;
pub mod device;
pub mod mlsd;
pub mod noise;
pub mod rxffe;
pub mod search;
pub mod txffe;

use num_complex::Complex64;
use rayon::prelude::*;

use crate::error::Result;
use crate::network::Network;
pub use channel::{ChannelKind, SystemGrid};
pub use config::ComConfig;
pub use noise::NoiseBudget;
pub use search::Choice;

/// A COM result: the chosen equaliser and the noise budget.
#[derive(Debug, Clone, PartialEq)]
pub struct ComResult {
    pub com_db: f64,
    pub fom_db: f64,
    /// A_s, V (93A-23).
    pub as_v: f64,
    /// A_ni at DER_0, V.
    pub ani_v: f64,
    /// One PAM4 sub-eye's opening at DER_0, 2·(A_s − A_ni), V.
    pub eye_height_v: f64,
    pub choice: Choice,
    pub noise: NoiseBudget,
    pub grid: SystemGrid,
    /// The equalised victim pulse at the DFE input (Tx FFE, CTLE, Rx FFE), A_v-scaled, at M
    /// samples/UI, V; its cursor is at `choice.fom.cursor_ix`.
    pub eq_pulse_v: Vec<f64>,
    /// The aggressors' pulses through the same equalisers (FEXT with the Tx FFE, NEXT
    /// without), A_fe / A_ne-scaled, V: FEXT first, then NEXT, in the order given.
    pub xt_pulses_v: Vec<Vec<f64>>,
    /// The MLSD reference receiver's outcome (178A.1.10), when the configuration asks for it;
    /// `com_db` is then `max(COM_DFE, COM_DFE + ΔCOM)`.
    pub mlsd: Option<mlsd::Mlsd>,
}

/// COM of a thru channel with its FEXT and NEXT aggressors (differential 2-ports; for a
/// 4-port use [`Network::differential`] with pairing 1-3/2-4, thrus 1→2 and 3→4).
pub fn compute(
    cfg: &ComConfig,
    thru: &Network,
    fext: &[Network],
    next: &[Network],
) -> Result<ComResult> {
    let grid = SystemGrid::new(cfg)?;
    let shape = channel::shaping(cfg, &grid);
    let scaled = |net: &Network, a: f64, kind: ChannelKind| -> Result<Vec<Complex64>> {
        let h = channel::channel_h21(cfg, &grid, net, kind)?;
        Ok(h.iter().zip(&shape).map(|(x, s)| x * s * a).collect())
    };
    let victim = scaled(thru, cfg.a_v, ChannelKind::Thru)?;
    let fext = fext
        .par_iter()
        .map(|n| scaled(n, cfg.a_fe, ChannelKind::Fext))
        .collect::<Result<_>>()?;
    let next = next
        .par_iter()
        .map(|n| scaled(n, cfg.a_ne, ChannelKind::Next))
        .collect::<Result<_>>()?;
    let prep = search::Prepared::new(cfg, &grid, victim, fext, next);
    let choice = search::search(&prep)?;
    let active = txffe::active_taps(&txffe::tx_candidates(cfg).0);
    let st = prep.ctle_state(choice.g_dc_db, choice.g_dc2_db, &active);
    let (noise, pmfs) = noise::final_com(
        cfg,
        &grid,
        &st,
        &choice.tx_taps,
        &choice.rx_taps,
        choice.fom.cursor_ix,
    )?;
    let m = cfg.samples_per_ui;
    let pre: Vec<Vec<f64>> = st
        .fext0
        .iter()
        .map(|p| txffe::apply_tx(p, &choice.tx_taps, m))
        .chain(st.next.iter().cloned())
        .collect();
    let mlsd = if cfg.mlsd {
        Some(mlsd::mlsd(
            cfg,
            &st,
            &noise,
            &pmfs,
            &pre,
            &choice.rx_taps,
            choice.fom.cursor_ix,
        )?)
    } else {
        None
    };
    let com_db = match &mlsd {
        Some(r) => noise.com_db.max(noise.com_db + r.delta_com_db),
        None => noise.com_db,
    };
    let eq_pulse_v = txffe::apply_tx(
        &txffe::apply_tx(&st.vic0, &choice.tx_taps, m),
        &choice.rx_taps,
        m,
    );
    let xt_pulses_v = pre
        .iter()
        .map(|p| txffe::apply_tx(p, &choice.rx_taps, m))
        .collect();
    Ok(ComResult {
        eq_pulse_v,
        xt_pulses_v,
        mlsd,
        com_db,
        fom_db: choice.fom.fom_db,
        as_v: noise.as_v,
        ani_v: noise.ani_v,
        eye_height_v: 2.0 * (noise.as_v - noise.ani_v),
        choice,
        noise,
        grid,
    })
}
