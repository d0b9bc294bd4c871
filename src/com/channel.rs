//! COM channel assembly (IEEE 802.3 Annex 93A.1.2–93A.1.4): the system time/frequency grids,
//! the Annex 93A packages (die ladder C_d/L_s, bump C_b, two t-line segments 93A-9…14, ball
//! C_p) cascaded with each differential channel at the channel's own frequencies, the
//! terminated voltage transfer function (93A-18), the Tx (93A-46) and Rx (93A-20) filters,
//! MATLAB COM's "vtf" interpolation onto the system grid with impulse truncation, and the
//! pulse responses `irfft(M·sinc(f·UI)·H)` (93A-24, a zero-phase 1-UI rectangle).

use num_complex::Complex64;
use realfft::RealFftPlanner;

use super::config::ComConfig;
use super::device::{DeviceModel, LineStage};
use crate::channel::tline::{Annex93aLine, line_network, series_inductance, shunt_capacitance};
use crate::error::{Error, Result};
use crate::network::Network;
use crate::network::WaveDef;
use crate::signal::pulse::{rx_filter, tx_filter};

/// The COM system grids: `t = k·UI/M` for `k < n_times` (one period 1/Δf) and the rfft grid
/// `f = k·Δf` up to 0.5/dt, as PyChOpMarg builds them (numpy `arange` lengths).
#[derive(Debug, Clone, PartialEq)]
pub struct SystemGrid {
    pub dt_s: f64,
    pub n_times: usize,
    pub fstep_hz: f64,
    pub freqs_hz: Vec<f64>,
}

impl SystemGrid {
    pub fn new(cfg: &ComConfig) -> Result<SystemGrid> {
        let tmax = 1.0 / cfg.fstep_hz;
        let dt = cfg.ui_s() / cfg.samples_per_ui as f64;
        let n_times = (tmax / dt).ceil() as usize;
        let fmax = 0.5 / dt;
        let n_f = ((fmax + cfg.fstep_hz) / cfg.fstep_hz).ceil() as usize;
        if n_times < 4 * cfg.samples_per_ui || n_times > 50_000_000 || 2 * (n_f - 1) != n_times {
            return Err(Error::invalid(format!(
                "COM grid: Δf = {} Hz and M = {} give {n_times} time samples and {n_f} frequencies, \
                 not an rfft pair",
                cfg.fstep_hz, cfg.samples_per_ui
            )));
        }
        let freqs_hz = (0..n_f).map(|k| k as f64 * cfg.fstep_hz).collect();
        Ok(SystemGrid {
            dt_s: dt,
            n_times,
            fstep_hz: cfg.fstep_hz,
            freqs_hz,
        })
    }
}

/// A 2-port's S-parameters per frequency, `[s11, s12, s21, s22]`.
type S2 = [Complex64; 4];

/// Cascade of two 2-ports (port 2 of `a` to port 1 of `b`).
fn cascade2(a: &S2, b: &S2) -> S2 {
    let den = 1.0 - a[3] * b[0];
    [
        a[0] + a[1] * b[0] * a[2] / den,
        a[1] * b[1] / den,
        a[2] * b[2] / den,
        b[3] + b[2] * a[3] * b[1] / den,
    ]
}

fn flip2(a: &S2) -> S2 {
    [a[3], a[2], a[1], a[0]]
}

fn s2_of(net: &Network) -> Vec<S2> {
    (0..net.nfreq())
        .map(|k| {
            [
                net.s[[k, 0, 0]],
                net.s[[k, 0, 1]],
                net.s[[k, 1, 0]],
                net.s[[k, 1, 1]],
            ]
        })
        .collect()
}

fn chain(parts: &[Vec<S2>]) -> Vec<S2> {
    let n = parts[0].len();
    (0..n)
        .map(|k| {
            parts[1..]
                .iter()
                .fold(parts[0][k], |acc, p| cascade2(&acc, &p[k]))
        })
        .collect()
}

/// Which channel a package is for: the thru's Tx package, or an aggressor's (NEXT and FEXT
/// packages may have their own line lengths, `zp_next` / `zp_fext`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    Thru,
    Next,
    Fext,
}

/// The package of one end (`end` 0 = Tx, 1 = Rx) at `f`, die at port 1 for the Tx and at
/// port 2 for the Rx (PyChOpMarg's `_pkg_models`: Rx = C_p, lines in the same order, then the
/// die + bump flipped). The die is a ladder of (shunt C_d, series L_s) segments then C_b.
/// Shunt and series elements single-ended at R_0, lines per 93A-13/14; `zp` the line lengths.
fn package(cfg: &ComConfig, f: &[f64], end: usize, zp: &[f64]) -> Result<Vec<S2>> {
    let r0 = cfg.r0_ohm;
    let mut die_parts = Vec::new();
    for (&c, &l) in cfg.c_d_f[end].iter().zip(&cfg.l_s_h[end]) {
        die_parts.push(s2_of(&shunt_capacitance(f, c, r0)?));
        die_parts.push(s2_of(&series_inductance(f, l, r0)?));
    }
    die_parts.push(s2_of(&shunt_capacitance(f, cfg.c_b_f[end], r0)?));
    let die = chain(&die_parts);
    let mut lines = Vec::new();
    for (&zc, &zp) in cfg.z_c_ohm.iter().zip(zp) {
        let line = Annex93aLine {
            gamma0_per_mm: cfg.gamma0,
            a1: cfg.a1,
            a2: cfg.a2,
            tau_ns_per_mm: cfg.tau_ns_per_mm,
            zc_ohm: zc,
        };
        lines.push(s2_of(&line_network(&line, f, zp, r0)?));
    }
    let cp = s2_of(&shunt_capacitance(f, cfg.c_p_f[end], r0)?);
    let line = chain(&lines);
    Ok(if end == 0 {
        chain(&[die, line, cp])
    } else {
        chain(&[cp, line, die.iter().map(flip2).collect()])
    })
}

fn line_s2(stage: &LineStage, f: &[f64], r0: f64) -> Result<Vec<S2>> {
    let line = Annex93aLine {
        gamma0_per_mm: stage.gamma0,
        a1: stage.a1,
        a2: stage.a2,
        tau_ns_per_mm: stage.tau_ns_per_mm,
        zc_ohm: stage.zc_ohm,
    };
    Ok(s2_of(&line_network(&line, f, stage.zp_mm, r0)?))
}

/// An Annex 178A transmitter model S(t) (178A-7…12): the termination ladder (C_d, L_s per
/// stage, then C_b), the package's line stages and C_p, then the partial host channel (C_0, a
/// line, C_1), built with the single-ended formulae at `r0` and read as differential at 2·R_0.
/// Port 1 faces the device. (A receiver model is the same, flipped.)
fn device_s2(dev: &DeviceModel, f: &[f64], r0: f64) -> Result<Vec<S2>> {
    let mut parts = Vec::new();
    for (&c, &l) in dev.c_d_f.iter().zip(&dev.l_s_h) {
        parts.push(s2_of(&shunt_capacitance(f, c, r0)?));
        parts.push(s2_of(&series_inductance(f, l, r0)?));
    }
    parts.push(s2_of(&shunt_capacitance(f, dev.c_b_f, r0)?));
    if let Some((stages, cp)) = &dev.package {
        for st in stages {
            parts.push(line_s2(st, f, r0)?);
        }
        parts.push(s2_of(&shunt_capacitance(f, *cp, r0)?));
    }
    if let Some(h) = &dev.host {
        parts.push(s2_of(&shunt_capacitance(f, h.c0_f, r0)?));
        parts.push(line_s2(&h.line, f, r0)?);
        parts.push(s2_of(&shunt_capacitance(f, h.c1_f, r0)?));
    }
    Ok(chain(&parts))
}

/// Terminated voltage transfer function (93A-18) with Γ = (R_d − R_0)/(R_d + R_0) at each end.
fn vtf(s: &S2, g1: f64, g2: f64) -> Complex64 {
    let ds = s[0] * s[3] - s[1] * s[2];
    s[2] * (1.0 - g1) * (1.0 + g2) / (1.0 - s[0] * g1 - s[3] * g2 + g1 * g2 * ds)
}

/// Least-squares line through (x, y): (slope, intercept), as `np.polyfit(x, y, 1)`.
fn linfit(x: &[f64], y: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (slope, my - slope * mx)
}

/// `np.unwrap` of phases.
fn unwrap(p: &[f64]) -> Vec<f64> {
    use std::f64::consts::PI;
    let mut out = Vec::with_capacity(p.len());
    let mut corr = 0.0;
    for (k, &x) in p.iter().enumerate() {
        if k > 0 {
            let d = x - p[k - 1];
            let mut dd = (d + PI).rem_euclid(2.0 * PI) - PI;
            if dd == -PI && d > 0.0 {
                dd = PI;
            }
            if d.abs() >= PI {
                corr += dd - d;
            }
        }
        out.push(x + corr);
    }
    out
}

/// Linear interpolation with linear extrapolation from the end segments (MATLAB `interp1 … 'extrap'`).
fn interp_extrap(x: &[f64], y: &[f64], xq: f64) -> f64 {
    let n = x.len();
    let k = if xq <= x[0] {
        0
    } else if xq >= x[n - 1] {
        n - 2
    } else {
        x.partition_point(|&v| v <= xq).saturating_sub(1).min(n - 2)
    };
    y[k] + (xq - x[k]) * (y[k + 1] - y[k]) / (x[k + 1] - x[k])
}

/// Mean excluding samples more than one (sample) standard deviation from the median.
fn trend_mean(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = x.to_vec();
    s.sort_by(f64::total_cmp);
    let med = if n % 2 == 1 {
        s[n / 2]
    } else {
        0.5 * (s[n / 2 - 1] + s[n / 2])
    };
    let mean = x.iter().sum::<f64>() / n as f64;
    let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0)).sqrt();
    let kept: Vec<f64> = x.iter().copied().filter(|v| (v - med).abs() < sd).collect();
    if kept.is_empty() {
        // Constant group delay (sd = 0): MATLAB/PyChOpMarg would divide 0 by 0; the mean is the trend.
        return mean;
    }
    kept.iter().sum::<f64>() / kept.len() as f64
}

/// MATLAB COM's `interp_Sparam` defaults as PyChOpMarg's `interp_vtf` (README pitfall 3).
fn interp_vtf(h: &[Complex64], fin: &[f64], fout: &[f64]) -> Vec<Complex64> {
    let eps = f64::EPSILON;
    let n = fin.len();
    let mag: Vec<f64> = h.iter().map(|z| z.norm().max(eps)).collect();
    let (mut fx, mut mx) = (fin.to_vec(), mag.clone());
    if fin[0] > 0.0 {
        let (a, b) = linfit(&fin[..10.min(n)], &mag[..10.min(n)]);
        fx.insert(0, 0.0);
        mx.insert(0, b);
        let _ = a;
    }
    let f_last = *fout.last().unwrap_or(&0.0);
    if fin[n - 1] < f_last {
        let mid = ((n as f64 / 2.0 + 0.5).floor() as usize).saturating_sub(1);
        let (a, b) = linfit(&fin[mid..], &mag[mid..]);
        fx.push(f_last);
        mx.push((a * f_last + b).max(eps).min(mag[n - 1]));
    }
    let ph0: Vec<f64> = h.iter().map(|z| z.arg()).collect();
    let mut ph = unwrap(&ph0);
    let phase: Vec<f64> = if fin[0] != 0.0 {
        let gd: Vec<f64> = (0..n - 1)
            .map(|k| -(ph[k + 1] - ph[k]) / (fin[k + 1] - fin[k]))
            .collect();
        let lf = trend_mean(&gd[..50.min(gd.len())]);
        for k in (0..10.min(n - 1)).rev() {
            ph[k] = ph[k + 1] + lf * (fin[k + 1] - fin[k]);
        }
        let hf = -trend_mean(&gd[gd.len().saturating_sub(51)..]);
        let mut out: Vec<f64> = fout.iter().map(|&f| interp_extrap(fin, &ph, f)).collect();
        if let Some(first_hf) = fout.iter().position(|&f| f > fin[n - 1])
            && first_hf > 0
        {
            let last = first_hf - 1;
            let base = out[last];
            for k in first_hf..fout.len() {
                out[k] = base + (fout[k] - fout[last]) * hf;
            }
        }
        out
    } else {
        fout.iter().map(|&f| interp_extrap(fin, &ph, f)).collect()
    };
    fout.iter()
        .zip(&phase)
        .map(|(&f, &p)| Complex64::from_polar(interp_extrap(&fx, &mx, f), p))
        .collect()
}

thread_local! {
    /// One FFT planner per thread: it caches plans, which for COM's 170,000-point grids cost
    /// more to build than to run.
    static PLANNER: std::cell::RefCell<RealFftPlanner<f64>> =
        std::cell::RefCell::new(RealFftPlanner::new());
}

/// Inverse real FFT of `n/2 + 1` bins to `n` samples, scaled as numpy's `irfft` (imaginary
/// parts of the DC and Nyquist bins ignored).
pub fn irfft(spec: &[Complex64], n: usize) -> Vec<f64> {
    let plan = PLANNER.with(|p| p.borrow_mut().plan_fft_inverse(n));
    let mut input = vec![Complex64::new(0.0, 0.0); n / 2 + 1];
    let m = input.len().min(spec.len());
    input[..m].copy_from_slice(&spec[..m]);
    input[0].im = 0.0;
    if n.is_multiple_of(2) {
        input[n / 2].im = 0.0;
    }
    let mut out = vec![0.0; n];
    // Lengths are right by construction and the DC/Nyquist imaginary parts are zeroed.
    if plan.process(&mut input, &mut out).is_err() {
        return vec![f64::NAN; n];
    }
    let s = 1.0 / n as f64;
    out.iter_mut().for_each(|v| *v *= s);
    out
}

/// Forward real FFT (numpy `rfft`).
pub fn rfft(x: &[f64]) -> Vec<Complex64> {
    let plan = PLANNER.with(|p| p.borrow_mut().plan_fft_forward(x.len()));
    let mut input = x.to_vec();
    let mut out = plan.make_output_vec();
    if plan.process(&mut input, &mut out).is_err() {
        return vec![Complex64::new(f64::NAN, 0.0); out.len()];
    }
    out
}

/// The terminated channel + packages on the system grid with Ht·Hr divided out (PyChOpMarg's
/// `H21` of the "vtf" mode): `net` is the channel's differential 2-port.
pub fn channel_h21(
    cfg: &ComConfig,
    grid: &SystemGrid,
    net: &Network,
    kind: ChannelKind,
) -> Result<Vec<Complex64>> {
    if net.nports() != 2 || net.nfreq() < 12 {
        return Err(Error::invalid(
            "COM: a channel must be a differential 2-port with at least 12 frequencies",
        ));
    }
    let f_ch: Vec<f64> = net.frequency_hz.to_vec();
    let gamma = |rd: f64| (rd - cfg.r0_ohm) / (rd + cfg.r0_ohm);
    let (ch, tx, rx, g1, g2) = match &cfg.devices {
        Some(d) => {
            // 178A-4: the channel at the device models' reference, 2·R_0 (differential).
            let z = Complex64::new(2.0 * cfg.r0_ohm, 0.0);
            let ch = s2_of(&net.renormalised_uniform(z, WaveDef::Power)?);
            let tx = device_s2(&d.tx, &f_ch, cfg.r0_ohm)?;
            let rx: Vec<S2> = device_s2(&d.rx, &f_ch, cfg.r0_ohm)?
                .iter()
                .map(flip2)
                .collect();
            (ch, tx, rx, gamma(d.tx.r_d_ohm), gamma(d.rx.r_d_ohm))
        }
        None => {
            let tx_zp = match kind {
                ChannelKind::Thru => &cfg.zp_end_mm[0],
                ChannelKind::Next => &cfg.zp_end_mm[2],
                ChannelKind::Fext => &cfg.zp_end_mm[3],
            };
            let tx = package(cfg, &f_ch, 0, tx_zp)?;
            let rx = package(cfg, &f_ch, 1, &cfg.zp_end_mm[1])?;
            let (g1, g2) = (gamma(cfg.r_d_ohm[0]), gamma(cfg.r_d_ohm[1]));
            (s2_of(net), tx, rx, g1, g2)
        }
    };
    let h: Vec<Complex64> = (0..f_ch.len())
        .map(|k| {
            let s = cascade2(&cascade2(&tx[k], &ch[k]), &rx[k]);
            vtf(&s, g1, g2) * tx_filter(f_ch[k], cfg.t_r_s) * rx_filter(f_ch[k], cfg.f_r_hz)
        })
        .collect();
    let p = interp_vtf(&h, &f_ch, &grid.freqs_hz);
    let mut imp = irfft(&p, grid.n_times);
    let peak = imp.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if !(peak.is_finite() && peak > 0.0) {
        return Err(Error::invalid(
            "COM: the channel's impulse response is zero or not finite",
        ));
    }
    if let Some(last) = imp.iter().rposition(|v| v.abs() > 1e-3 * peak) {
        imp[last + 1..].iter_mut().for_each(|v| *v = 0.0);
    }
    let p = rfft(&imp);
    Ok(grid
        .freqs_hz
        .iter()
        .zip(&p)
        .map(|(&f, &v)| {
            let hthr = tx_filter(f, cfg.t_r_s) * rx_filter(f, cfg.f_r_hz);
            if hthr.norm() > 1e-250 {
                v / hthr
            } else {
                Complex64::new(0.0, 0.0)
            }
        })
        .collect())
}

/// CTLE (93A-22, 178A-14): (g1 + j f/f_z)(g2 + j f/f_LF) / ((1 + j f/f_p1)(1 + j f/f_p2)(1 + j f/f_p3)),
/// f_p3 = f_LF unless the configuration sets it.
pub fn ctle(cfg: &ComConfig, f: f64, g_dc_db: f64, g_dc2_db: f64) -> Complex64 {
    let j = Complex64::new(0.0, 1.0);
    let g1 = 10f64.powf(g_dc_db / 20.0);
    let g2 = 10f64.powf(g_dc2_db / 20.0);
    (g1 + j * f / cfg.f_z_hz) * (g2 + j * f / cfg.f_lf_hz)
        / ((1.0 + j * f / cfg.f_p1_hz) * (1.0 + j * f / cfg.f_p2_hz) * (1.0 + j * f / cfg.f_p3_hz))
}

/// `M·sinc(f·UI)·Ht·Hr` on the grid: the pulse shaping common to every channel (93A-24, 93A-46, 93A-20).
pub fn shaping(cfg: &ComConfig, grid: &SystemGrid) -> Vec<Complex64> {
    let ui = cfg.ui_s();
    let m = (ui / grid.dt_s) as usize as f64;
    grid.freqs_hz
        .iter()
        .map(|&f| {
            let x = std::f64::consts::PI * ui * f;
            let sinc = if x == 0.0 { 1.0 } else { x.sin() / x };
            m * sinc * tx_filter(f, cfg.t_r_s) * rx_filter(f, cfg.f_r_hz)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwrap_matches_numpy_rule() {
        let p = [3.0, -3.0, 3.0];
        let u = unwrap(&p);
        assert!((u[1] - (-3.0 + 2.0 * std::f64::consts::PI)).abs() < 1e-12);
        assert!((u[2] - 3.0).abs() < 1e-12);
    }

    #[test]
    fn vtf_interpolation_is_exact_on_linear_data() {
        // |H| linear in f and a pure delay: the DC point of the linear fit, the interior and
        // the group-delay extension above the data are all exact (README pitfall 3).
        let tau = 1.5e-9;
        let fin: Vec<f64> = (1..=200).map(|k| k as f64 * 1e7).collect();
        let h: Vec<Complex64> = fin
            .iter()
            .map(|&f| Complex64::from_polar(1.0 - f / 1e10, -2.0 * std::f64::consts::PI * f * tau))
            .collect();
        let fout: Vec<f64> = (0..=800).map(|k| k as f64 * 0.5e7).collect();
        let out = interp_vtf(&h, &fin, &fout);
        for (k, &f) in fout.iter().enumerate() {
            let want_mag = 1.0 - f / 1e10;
            assert!(
                (out[k].norm() - want_mag).abs() < 1e-9,
                "f {f}: {}",
                out[k].norm()
            );
            let want = Complex64::from_polar(1.0, -2.0 * std::f64::consts::PI * f * tau);
            assert!(
                (out[k] / out[k].norm() - want).norm() < 1e-6,
                "phase at {f}"
            );
        }
    }

    #[test]
    fn ctle_dc_gain_is_product_of_stages() {
        let cfg_text = std::fs::read_to_string("../shared/com/configs/anchor_r53_ctle_dfe.toml");
        let Ok(t) = cfg_text else { return };
        let c = ComConfig::from_toml_str(&t).unwrap();
        let h = ctle(&c, 0.0, -6.0, -3.0);
        assert!((h.re - 10f64.powf(-9.0 / 20.0)).abs() < 1e-15);
    }
}
