//! `sireach eye`: the equalised eye of a channel at a target BER.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use crate::Par;
use crate::error::{Error, Result};
use crate::eye::link::{EyeSetup, LinkEye, TimeDomainEye, link_eye, time_domain_eye};
use crate::eye::pybert::{PybertRx, pybert_dfe_bounds, pybert_eye};
use crate::eye::statistical::{NRZ, PAM4};
use crate::network::PortPairing;
use crate::serdes::adapt::FomTerms;
use crate::serdes::ctle::{Ctle, PybertCtle};
use crate::serdes::ffe::Ffe;
use crate::serdes::optimise::EqSearch;
use crate::signal::pulse::{PulseOptions, differential_s21};
use crate::signal::termination::RcTermination;
use crate::touchstone::{ReadOptions, read_path};

/// The equalised eye of a channel: pulse response, equaliser search, statistical eye.
///
/// Reads the channel's differential S21 (a 4-port with --pairing, or a 2-port), computes the
/// pulse response on IEEE COM's grid (32 samples/UI, 10 MHz step) with the transmitter's
/// Gaussian edge (93A-46) and the receiver's 4th-order Butterworth (93A-20), searches the CTLE
/// (802.3ck family, 93A-22 with the low-frequency stage), the transmitter FFE and the sampling
/// phase by a COM-style figure of merit (ISI after the DFE, receiver noise η0 through the CTLE,
/// Tx noise, jitter through the pulse slope), then computes the statistical eye — the ISI
/// distribution from every cursor convolved (as COM does), with Gaussian noise and jitter —
/// and reports each PAM4 eye's height and width at --ber (a per-level conditional error
/// probability). The DFE ignores error propagation. No crosstalk, no packages: that is `com`.
///
/// Defaults follow IEEE 802.3ck COM values (A_v 0.413 V, η0 8.2e-9 V²/GHz, σ_RJ 0.01 UI,
/// A_DD 0.02 UI, SNR_TX 32.5 dB, DFE limits 0.85 then 0.3), graded C: from PyChOpMarg's
/// 53.125 GBd configuration, not read from the standard's table.
///
/// Examples:
///   sireach eye CA_19p75dB_thru.s4p.gz --baud-gbd 53.125 --pam4 --dfe 12 --ber 1e-4
///   sireach eye cable.s4p --rate 106.25G --json
///   sireach eye cable.s4p --baud-gbd 53.125 --ctle -12,-3 --tx-ffe 0.04,-0.2/0 --dfe 12
///   sireach eye board.s2p --baud-gbd 26.5625 --nrz --ctle off --tx-ffe off --dfe 0
///   sireach eye twinax:26awg:2m --baud-gbd 53.125
///   sireach eye twinax:26awg:1m:dj-cr-HL --baud-gbd 106.25 --plot eye.png
///   sireach eye cable.s4p --baud-gbd 53.125 --dfe 5 --pybert --ctle-pybert-peak-db 9 --tx-ffe 0,0,0/0,0,0 --rx-ffe-taps W0,..,W14 --rx-ffe-pre 5
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct EyeArgs {
    /// The channel: a Touchstone 4-port (single-ended pairs) or differential 2-port, optionally
    /// .gz; or a preset "twinax:AWG:LENGTH[:HOST]", e.g. twinax:26awg:2m (plug, 2 m of 26 AWG,
    /// plug) or twinax:26awg:1.5m:ck-cr (with the host recipe ck-cr of data/standards/hosts.toml
    /// at both ends: package and host board).
    channel: PathBuf,
    /// Symbol rate, GBd.
    #[arg(long, conflicts_with = "rate")]
    baud_gbd: Option<f64>,
    /// Line rate, Gb/s (e.g. 106.25G): the symbol rate is this over the bits per symbol.
    #[arg(long)]
    rate: Option<String>,
    /// PAM4 signalling (the default).
    #[arg(long, conflicts_with = "nrz")]
    pam4: bool,
    /// NRZ signalling.
    #[arg(long)]
    nrz: bool,
    /// DFE taps (limits: the first 0.85, the rest 0.3 of the cursor).
    #[arg(long, default_value_t = 12)]
    dfe: usize,
    /// Target error probability for heights and widths.
    #[arg(long, default_value_t = 1e-4)]
    ber: f64,
    /// CTLE: auto (search g_DC 0..-20 dB in 1 dB, g_DC2 0, -3, -6 dB), off, or fixed "G_DC[,G_DC2]" in dB.
    #[arg(long, default_value = "auto", allow_hyphen_values = true)]
    ctle: String,
    /// Transmitter FFE: auto (search c(-2) 0..0.08, c(-1) 0..-0.3, c(1) 0..-0.2), off, or fixed
    /// "PRE/POST" taps, e.g. 0.04,-0.2/0 for c(-2), c(-1) / c(1); the cursor is the rest.
    #[arg(long, default_value = "auto", allow_hyphen_values = true)]
    tx_ffe: String,
    /// Receiver FFE (MMSE): "TAPS[,PRE]" (e.g. 15,5); none by default.
    #[arg(long)]
    rx_ffe: Option<String>,
    /// Transmitter peak amplitude A_v, V.
    #[arg(long, default_value_t = 0.413)]
    amplitude_v: f64,
    /// Receiver noise density η0, V²/GHz (one-sided).
    #[arg(long, default_value_t = 8.2e-9)]
    eta0: f64,
    /// Random jitter rms, UI.
    #[arg(long, default_value_t = 0.01)]
    rj_ui: f64,
    /// Dual-Dirac jitter amplitude A_DD, UI.
    #[arg(long, default_value_t = 0.02)]
    dj_ui: f64,
    /// Transmitter SNR, dB.
    #[arg(long, default_value_t = 32.5)]
    snr_tx_db: f64,
    /// Receiver bandwidth f_r as a fraction of the symbol rate.
    #[arg(long, default_value_t = 0.75)]
    rx_bw_fb: f64,
    /// Transmitter 20-80 % transition time T_r, ps.
    #[arg(long, default_value_t = 4.0)]
    tr_ps: f64,
    /// Differential pairs of a 4-port: "1-3/2-4" is thrus 1→2 and 3→4.
    #[arg(long, default_value = "1-3/2-4")]
    pairing: String,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Also simulate this many PRBS31Q (NRZ: PRBS31) symbols bit by bit through the equalised
    /// link (DFE with ideal decisions, the same noise, no jitter) and report that eye too.
    #[arg(long, value_name = "SYMBOLS")]
    time_domain: Option<usize>,
    /// Transmitter random jitter in the time-domain eye, UI rms (exact, from the step response:
    /// about a second per 10⁶ symbols).
    #[arg(long, default_value_t = 0.0, requires = "time_domain")]
    td_rj_ui: f64,
    /// Transmitter duty-cycle distortion in the time-domain eye, UI peak to peak.
    #[arg(long, default_value_t = 0.0, requires = "time_domain")]
    td_dcd_ui: f64,
    /// Draw the eye (.svg or .png): statistical contours at 1e-3, 1e-6, 1e-9, 1e-12 and --ber,
    /// over the time-domain density when --time-domain is given (contours alone otherwise).
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// Draw the vertical and horizontal bathtubs of every eye (.svg or .png).
    #[arg(long, value_name = "FILE")]
    bathtub: Option<PathBuf>,
    /// Draw the equalised pulse response with its cursors (.svg or .png).
    #[arg(long, value_name = "FILE")]
    pulse_plot: Option<PathBuf>,

    // --- PyBERT's link model (eye::pybert), for comparisons with PyBERT 11.1.0 ---
    /// Use PyBERT's link model instead of the COM-style search: Tx/Rx RC loading, the channel
    /// cut at --pybert-f-max-ghz and trimmed as PyBERT trims it, PyBERT's CTLE, fixed Tx FFE
    /// (--tx-ffe PRE/POST or off) and Rx FFE (--rx-ffe-taps), DFE taps within PyBERT's bounds,
    /// white noise at the receiver input, the eye at the bang-bang CDR's lock point. Not used
    /// then: --ctle, --rx-ffe, --amplitude-v, --eta0, --rj-ui, --dj-ui, --snr-tx-db, --rx-bw-fb,
    /// --tr-ps.
    #[arg(long, conflicts_with = "rx_ffe")]
    pybert: bool,
    /// PyBERT CTLE peaking (its peak_mag), dB; 0 dB is the bare rx_bw pole.
    #[arg(long, default_value_t = 0.0, requires = "pybert")]
    ctle_pybert_peak_db: f64,
    /// PyBERT CTLE bandwidth pole (its rx_bw) as a fraction of the symbol rate.
    #[arg(long, default_value_t = 0.75, requires = "pybert")]
    ctle_pybert_bw_fb: f64,
    /// PyBERT CTLE peaking frequency (its peak_freq) as a fraction of the symbol rate.
    #[arg(long, default_value_t = 0.5, requires = "pybert")]
    ctle_pybert_peak_fb: f64,
    /// Receiver input noise, mV rms per sample at 32 samples/UI (PyBERT's rn).
    #[arg(long, default_value_t = 1.0, requires = "pybert")]
    noise_rms_mv: f64,
    /// Tx and Rx loading "RS,COUT,RIN,CIN" (ohm differential, pF single-ended; PyBERT's rs,
    /// cout, rin, cin), or "off" (a matched, capacitance-free source and load).
    #[arg(long, default_value = "100,0.1,100,0.1", requires = "pybert")]
    rc_load: String,
    /// Receiver FFE taps, comma-separated in time order (e.g. PyBERT's chosen taps); none by
    /// default.
    #[arg(long, allow_hyphen_values = true, requires = "pybert")]
    rx_ffe_taps: Option<String>,
    /// How many of --rx-ffe-taps precede the cursor.
    #[arg(long, default_value_t = 0, requires = "pybert")]
    rx_ffe_pre: usize,
    /// Driver open-circuit voltage of an outer-level symbol, V (PyBERT's vod).
    #[arg(long, default_value_t = 1.0, requires = "pybert")]
    vod: f64,
    /// The channel is zero above this, GHz (PyBERT's f_max); 0: sireach's extrapolation.
    #[arg(long, default_value_t = 80.0, requires = "pybert")]
    pybert_f_max_ghz: f64,
    /// Keep the channel's whole impulse response (PyBERT trims it to 99.9 % of its
    /// derivative's energy, 20 to 100 UI).
    #[arg(long, requires = "pybert")]
    no_trim: bool,
}

fn print_json(v: &serde_json::Value) -> Result<()> {
    let text = serde_json::to_string_pretty(v).map_err(|e| Error::invalid(format!("JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

fn parse_list(text: &str, what: &str) -> Result<Vec<f64>> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|t| {
            t.trim()
                .parse::<f64>()
                .map_err(|_| Error::invalid(format!("{what}: {t:?} is not a number")))
        })
        .collect()
}

fn baud(a: &EyeArgs, bits: u32) -> Result<f64> {
    let b = match (&a.baud_gbd, &a.rate) {
        (Some(g), _) => g * 1e9,
        (None, Some(r)) => {
            let t = r.trim().trim_end_matches(['G', 'g']);
            let gbps: f64 = t
                .parse()
                .map_err(|_| Error::invalid(format!("--rate {r:?}: expected e.g. 106.25G")))?;
            gbps * 1e9 / bits as f64
        }
        (None, None) => {
            return Err(Error::invalid(
                "give the symbol rate (--baud-gbd 53.125) or the line rate (--rate 106.25G)",
            ));
        }
    };
    if !(b.is_finite() && b > 0.0) {
        return Err(Error::invalid(format!(
            "the symbol rate must be positive, found {b} Bd"
        )));
    }
    Ok(b)
}

/// The channel's differential transfer function: a Touchstone file, or a preset twinax
/// assembly "twinax:AWG:LENGTH[:HOST]".
fn channel_response(a: &EyeArgs, baud: f64) -> Result<(Vec<f64>, Vec<num_complex::Complex64>)> {
    let text = a.channel.to_string_lossy();
    let Some(spec) = text.strip_prefix("twinax:") else {
        let t = read_path(&a.channel, &ReadOptions::default())?;
        return differential_s21(&t.network, &PortPairing::parse(&a.pairing)?)
            .map_err(|e| Error::invalid(format!("{}: {e}", a.channel.display())));
    };
    use crate::channel::link::{
        Plug, cable_assembly, die_to_die, host_recipe, host_recipes, phase_resolving_grid,
    };
    use crate::channel::twinax::TwinaxParams;
    let bad = |why: &str| {
        Error::invalid(format!(
            "channel {text:?}: {why}; expected twinax:AWG:LENGTH[:HOST], e.g. twinax:26awg:2m or twinax:26awg:1.5m:ck-cr"
        ))
    };
    let parts: Vec<&str> = spec.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(bad("wrong number of fields"));
    }
    let awg: f64 = parts[0]
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .map_err(|_| bad(&format!("{:?} is not a gauge", parts[0])))?;
    let length: f64 = parts[1]
        .trim_end_matches(['m', 'M'])
        .parse()
        .map_err(|_| bad(&format!("{:?} is not a length in m", parts[1])))?;
    if !((20.0..=40.0).contains(&awg) && length.is_finite() && (0.0..=50.0).contains(&length)) {
        return Err(bad("gauge must be 20-40 AWG and length 0-50 m"));
    }
    let presets = crate::presets::Presets::embedded()?;
    let cable = TwinaxParams::from_preset(&presets.twinax, awg);
    let plug = Plug::from_preset(&presets.twinax);
    let f = phase_resolving_grid(6e-9 * length + 4e-9, 2.5 * baud);
    let net = match parts.get(2) {
        Some(name) => {
            let hosts = host_recipes(&presets)?;
            let h = host_recipe(&hosts, name)?;
            die_to_die(&f, h, h, &plug, &cable, length)?
        }
        None => cable_assembly(&f, &plug, &cable, length, 50.0)?,
    };
    let h = (0..net.nfreq()).map(|k| net.s[[k, 1, 0]]).collect();
    Ok((f, h))
}

fn ctle_candidates(text: &str, baud: f64) -> Result<Vec<Ctle>> {
    match text.trim() {
        "auto" => Ctle::grid(baud, -20.0, 1.0, &[0.0, -3.0, -6.0]),
        "off" => Ok(Vec::new()),
        t => {
            let v = parse_list(t, "--ctle")?;
            match v.as_slice() {
                [g] => Ok(vec![Ctle::ieee_8023ck(baud, *g, 0.0)]),
                [g, g2] => Ok(vec![Ctle::ieee_8023ck(baud, *g, *g2)]),
                _ => Err(Error::invalid(format!(
                    "--ctle {t:?}: expected auto, off, G_DC or G_DC,G_DC2 (dB)"
                ))),
            }
        }
    }
}

fn tx_candidates(text: &str) -> Result<Vec<Ffe>> {
    match text.trim() {
        "auto" => Ok(Ffe::default_transmitter_grid()),
        "off" => Ok(Vec::new()),
        t => {
            let (pre, post) = t.split_once('/').ok_or_else(|| {
                Error::invalid(format!(
                    "--tx-ffe {t:?}: expected auto, off or PRE/POST taps such as 0.04,-0.2/0"
                ))
            })?;
            Ok(vec![Ffe::transmitter(
                &parse_list(pre, "--tx-ffe")?,
                &parse_list(post, "--tx-ffe")?,
                0.5,
            )?])
        }
    }
}

pub fn run(a: EyeArgs) -> Result<ExitCode> {
    let t0 = Instant::now();
    let levels: Vec<f64> = if a.nrz { NRZ.to_vec() } else { PAM4.to_vec() };
    let bits = if a.nrz { 1 } else { 2 };
    let baud = baud(&a, bits)?;
    if !(a.ber > 0.0 && a.ber < 0.5) {
        return Err(Error::invalid(format!(
            "--ber must be in (0, 0.5), found {}",
            a.ber
        )));
    }
    if a.pybert {
        return run_pybert(&a, baud, levels, t0);
    }
    let rx_ffe = match &a.rx_ffe {
        None => None,
        Some(t) => {
            let v = parse_list(t, "--rx-ffe")?;
            match v.as_slice() {
                [n] if *n >= 1.0 && n.fract() == 0.0 => Some((*n as usize, 0)),
                [n, p]
                    if *n >= 1.0 && n.fract() == 0.0 && p.fract() == 0.0 && *p >= 0.0 && p < n =>
                {
                    Some((*n as usize, *p as usize))
                }
                _ => {
                    return Err(Error::invalid(format!(
                        "--rx-ffe {t:?}: expected TAPS or TAPS,PRE with 0 <= PRE < TAPS"
                    )));
                }
            }
        }
    };
    let (f, h) = channel_response(&a, baud)?;
    let mut pulse = PulseOptions::com_defaults(baud);
    pulse.rx_bandwidth_hz = Some(a.rx_bw_fb * baud);
    pulse.tx_rise_s = (a.tr_ps > 0.0).then_some(a.tr_ps * 1e-12);
    let terms = FomTerms {
        snr_tx_db: a.snr_tx_db,
        rj_rms_ui: a.rj_ui,
        dj_dd_ui: a.dj_ui,
    };
    let mut dfe_limits = vec![0.3; a.dfe];
    if let Some(first) = dfe_limits.first_mut() {
        *first = 0.85;
    }
    let setup = EyeSetup {
        baud,
        pulse,
        search: EqSearch {
            ctle: ctle_candidates(&a.ctle, baud)?,
            tx: tx_candidates(&a.tx_ffe)?,
            rx_ffe,
            dfe_taps: a.dfe,
            dfe_limits,
            levels,
            amplitude_v: a.amplitude_v,
            eta0_v2_per_hz: a.eta0 * 1e-9,
            terms,
            phase_step: 1,
        },
        rj_rms_ui: a.rj_ui,
        dj_dd_ui: a.dj_ui,
        ber: a.ber,
    };
    for p in [&a.plot, &a.bathtub, &a.pulse_plot].into_iter().flatten() {
        crate::plot::PlotFormat::from_path(p)?;
    }
    if a.time_domain
        .is_some_and(|n| !(1000..=100_000_000).contains(&n))
    {
        return Err(Error::invalid(
            "--time-domain takes 1000 to 100000000 symbols",
        ));
    }
    let e = link_eye(&f, &h, &setup, Par::Rayon(0))?;
    let td = match a.time_domain {
        Some(n) => {
            let ui = 1.0 / baud;
            let j = crate::signal::jitter::TxJitter {
                rj_rms_s: a.td_rj_ui * ui,
                dcd_s: a.td_dcd_ui * ui,
                seed: 1,
                ..Default::default()
            };
            let jitter = (a.td_rj_ui > 0.0 || a.td_dcd_ui > 0.0).then_some(&j);
            Some(time_domain_eye(
                &e.equalised,
                &setup.search.levels,
                n,
                1,
                a.ber,
                jitter,
            )?)
        }
        None => None,
    };
    let elapsed = t0.elapsed().as_secs_f64();
    draw(&a, &e, td.as_ref())?;
    let q = &e.equalised;
    let cursor_v = q.pulse.v[q.cursor_index];
    let width = e.widths_ui.iter().copied().fold(f64::INFINITY, f64::min);
    if a.json {
        let v = serde_json::json!({
            "channel": a.channel.display().to_string(),
            "baud_gbd": baud / 1e9,
            "levels": setup.search.levels.len(),
            "ber": a.ber,
            "eye_heights_v": e.heights_v,
            "eye_widths_ui": e.widths_ui,
            "eye_width_ui": width,
            "cursor_v": cursor_v,
            "noise_rms_v": q.noise_rms_v,
            "fom_db": q.fom_db,
            "ctle": q.ctle.map(|c| serde_json::json!({"g_dc_db": c.g_dc_db, "g_dc2_db": c.g_dc2_db})),
            "tx_ffe": {"taps": q.tx.taps, "n_pre": q.tx.n_pre},
            "rx_ffe": q.rx.as_ref().map(|r| serde_json::json!({"taps": r.taps, "n_pre": r.n_pre})),
            "dfe_taps_v": q.dfe_v,
            "settings_evaluated": q.evaluated,
            "wrap_energy_fraction": e.wrap_energy_fraction,
            "time_domain": td.as_ref().map(|t| serde_json::json!({
                "symbols": t.symbols,
                "eye_heights_v": t.eye.heights_v,
                "eye_widths_ui": t.eye.widths_ui,
            })),
            "time_s": elapsed,
        });
        print_json(&v)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} at {} GBd {} (BER {:e}), {} settings searched in {:.0} ms",
        a.channel.display(),
        baud / 1e9,
        if a.nrz { "NRZ" } else { "PAM4" },
        a.ber,
        q.evaluated,
        elapsed * 1e3
    );
    match q.ctle {
        Some(c) => println!(
            "  CTLE        g_DC {} dB, g_DC2 {} dB",
            c.g_dc_db, c.g_dc2_db
        ),
        None => println!("  CTLE        off"),
    }
    println!("  Tx FFE      {:?} (cursor at {})", q.tx.taps, q.tx.n_pre);
    if let Some(r) = &q.rx {
        println!("  Rx FFE      {} taps, {} pre", r.taps.len(), r.n_pre);
    }
    println!(
        "  DFE         {} taps, b1 = {:.3} of the cursor",
        q.dfe_v.len(),
        q.dfe_v.first().map_or(0.0, |b| b / cursor_v)
    );
    println!(
        "  cursor      {:.2} mV; noise {:.3} mV rms; FOM {:.2} dB",
        cursor_v * 1e3,
        q.noise_rms_v * 1e3,
        q.fom_db
    );
    let names: &[&str] = if e.heights_v.len() == 3 {
        &["lower", "middle", "upper"]
    } else {
        &["eye"]
    };
    for (i, (hgt, w)) in e.heights_v.iter().zip(&e.widths_ui).enumerate() {
        let name = names.get(i).copied().unwrap_or("eye");
        println!(
            "  {name:<7} eye height {:8.2} mV   width {:.3} UI{}",
            hgt * 1e3,
            w,
            if *hgt <= 0.0 { "   (closed)" } else { "" }
        );
    }
    if let Some(t) = &td {
        let hs: Vec<String> = t
            .eye
            .heights_v
            .iter()
            .map(|v| format!("{:.2}", v * 1e3))
            .collect();
        let ws: Vec<String> = t.eye.widths_ui.iter().map(|v| format!("{v:.3}")).collect();
        println!(
            "  time domain ({} symbols): heights {} mV, widths {} UI",
            t.symbols,
            hs.join(" / "),
            ws.join(" / ")
        );
    }
    for (what, p) in [
        ("eye", &a.plot),
        ("bathtubs", &a.bathtub),
        ("pulse", &a.pulse_plot),
    ] {
        if let Some(p) = p {
            println!("  {what} plot: {}", p.display());
        }
    }
    if e.wrap_energy_fraction > 1e-3 {
        println!(
            "  warning: {:.1e} of the impulse energy sits at the end of the window (too short a window, or non-causal data)",
            e.wrap_energy_fraction
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The plots asked for.
fn draw(a: &EyeArgs, e: &LinkEye, td: Option<&TimeDomainEye>) -> Result<()> {
    use crate::plot::{BathtubChart, EyeChart, PulseChart, bathtub_chart, eye_chart, pulse_chart};
    let q = &e.equalised;
    let m = q.pulse.samples_per_ui;
    let h0 = q.pulse.v[q.cursor_index];
    let names = |n: usize| -> Vec<String> {
        if n == 3 {
            vec!["lower".into(), "middle".into(), "upper".into()]
        } else {
            (0..n).map(|i| format!("eye {}", i + 1)).collect()
        }
    };
    if let Some(path) = &a.plot {
        let mut bers: Vec<f64> = vec![1e-3, 1e-6, 1e-9, 1e-12];
        if !bers.iter().any(|b| (b / a.ber - 1.0).abs() < 1e-9) {
            bers.push(a.ber);
        }
        bers.sort_by(|x, y| y.total_cmp(x));
        let contours = bers
            .iter()
            .map(|&p| {
                let c = (0..e.eye.eyes())
                    .map(|k| e.eye.contour(k, p))
                    .collect::<Result<Vec<_>>>()?;
                Ok((p, c))
            })
            .collect::<Result<Vec<_>>>()?;
        let top = 1.3 * h0;
        let (density, t_range) = match td {
            // columns of the histogram run over 2 UI; show the middle UI around the sample
            Some(t) => {
                let c = &t.histogram.counts;
                let (cols, rows) = c.dim();
                let first = cols / 4;
                let v0 = t.histogram.v_min;
                let dv = (t.histogram.v_max - v0) / rows as f64;
                let (r0, r1) = (
                    ((-top - v0) / dv).floor().max(0.0) as usize,
                    (((top - v0) / dv).ceil() as usize).min(rows),
                );
                let d: Vec<Vec<f64>> = (first..first + cols / 2)
                    .map(|i| (r0..r1).map(|j| c[[i, j]] as f64).collect())
                    .collect();
                (Some(d), (-0.5, 0.5))
            }
            None => (None, (-0.5, 0.5)),
        };
        eye_chart(
            &EyeChart {
                title: format!(
                    "{} eye at {} GBd{}",
                    a.channel
                        .file_name()
                        .map_or(String::new(), |f| f.to_string_lossy().into_owned()),
                    1.0 / q.pulse.ui_s / 1e9,
                    if td.is_some() {
                        " (time-domain density, statistical contours)"
                    } else {
                        " (statistical contours)"
                    }
                ),
                density,
                t_range_ui: t_range,
                v_range_v: (-top, top),
                contours,
            },
            path,
        )?;
    }
    if let Some(path) = &a.bathtub {
        let mut curves = Vec::new();
        for (k, name) in names(e.eye.eyes()).into_iter().enumerate() {
            curves.push((name, e.eye.horizontal_bathtub(k)?));
        }
        bathtub_chart(
            &BathtubChart {
                title: "Horizontal bathtubs: probability the eye is closed at each phase (equal eyes overlap)".into(),
                x_label: "Phase (UI from the sampling instant)".into(),
                curves,
                target: Some(a.ber),
                floor: 1e-16,
            },
            path,
        )?;
        // the vertical bathtubs beside it, same stem with "-vertical"
        let stem = path
            .file_stem()
            .map_or("bathtub".into(), |s| s.to_string_lossy().into_owned());
        let ext = path
            .extension()
            .map_or("svg".into(), |s| s.to_string_lossy().into_owned());
        let vpath = path.with_file_name(format!("{stem}-vertical.{ext}"));
        let mut vcurves = Vec::new();
        for (k, name) in names(e.eye.eyes()).into_iter().enumerate() {
            let pts = e
                .eye
                .vertical_bathtub(k)?
                .into_iter()
                .map(|(v, p)| (v * 1e3, p))
                .collect();
            vcurves.push((name, pts));
        }
        bathtub_chart(
            &BathtubChart {
                title: "Vertical bathtubs at the sampling phase".into(),
                x_label: "Slicer threshold (mV)".into(),
                curves: vcurves,
                target: Some(a.ber),
                floor: 1e-16,
            },
            &vpath,
        )?;
    }
    if let Some(path) = &a.pulse_plot {
        let dt_ui = 1.0 / m as f64;
        let c = q.cursor_index as f64;
        let t: Vec<f64> = (0..q.pulse.v.len())
            .map(|i| (i as f64 - c) * dt_ui)
            .collect();
        let cursors: Vec<(f64, f64)> = (0..q.pulse.v.len())
            .filter(|i| i % m == q.cursor_index % m)
            .map(|i| ((i as f64 - c) * dt_ui, q.pulse.v[i]))
            .filter(|(t, _)| (-5.0..=40.0).contains(t))
            .collect();
        let keep: Vec<usize> = (0..t.len())
            .filter(|&i| (-5.0..=40.0).contains(&t[i]))
            .collect();
        pulse_chart(
            &PulseChart {
                title: "Equalised pulse response (Tx FFE, channel, CTLE)".into(),
                curves: vec![(
                    "equalised pulse".into(),
                    keep.iter().map(|&i| t[i]).collect(),
                    keep.iter().map(|&i| q.pulse.v[i]).collect(),
                )],
                cursors,
            },
            path,
        )?;
    }
    Ok(())
}

/// `sireach eye --pybert`: [`crate::eye::pybert`] with the flags of the PyBERT block.
fn run_pybert(a: &EyeArgs, baud: f64, levels: Vec<f64>, t0: Instant) -> Result<ExitCode> {
    let termination = match a.rc_load.trim() {
        "off" => None,
        t => match parse_list(t, "--rc-load")?.as_slice() {
            &[rs, cout, rin, cin] => Some(RcTermination {
                rs_ohm: rs,
                cs_f: cout * 1e-12,
                rl_ohm: rin,
                cl_f: cin * 1e-12,
                z0_ohm: 100.0,
            }),
            _ => {
                return Err(Error::invalid(format!(
                    "--rc-load {t:?}: expected off or RS,COUT,RIN,CIN (ohm, pF)"
                )));
            }
        },
    };
    let tx = match a.tx_ffe.trim() {
        "off" => Ffe::identity(),
        "auto" => {
            return Err(Error::invalid(
                "--pybert evaluates a given equaliser: give --tx-ffe PRE/POST or off",
            ));
        }
        _ => tx_candidates(&a.tx_ffe)?.remove(0),
    };
    let rx_ffe = match &a.rx_ffe_taps {
        None => None,
        Some(t) => {
            let taps = parse_list(t, "--rx-ffe-taps")?;
            if a.rx_ffe_pre >= taps.len() {
                return Err(Error::invalid(format!(
                    "--rx-ffe-pre {} must be below the number of --rx-ffe-taps ({})",
                    a.rx_ffe_pre,
                    taps.len()
                )));
            }
            Some(Ffe {
                taps,
                n_pre: a.rx_ffe_pre,
            })
        }
    };
    if a.dfe > 20 {
        return Err(Error::invalid(format!(
            "PyBERT's DFE has at most 20 taps, found --dfe {}",
            a.dfe
        )));
    }
    let rx = PybertRx {
        baud,
        levels,
        amplitude_v: a.vod,
        termination,
        f_max_hz: (a.pybert_f_max_ghz > 0.0).then_some(a.pybert_f_max_ghz * 1e9),
        ctle: Some(PybertCtle {
            rx_bw_hz: a.ctle_pybert_bw_fb * baud,
            peak_freq_hz: a.ctle_pybert_peak_fb * baud,
            peak_mag_db: a.ctle_pybert_peak_db,
        }),
        tx,
        rx: rx_ffe,
        dfe_bounds: pybert_dfe_bounds(a.dfe),
        noise_rms_v: a.noise_rms_mv * 1e-3,
        ber: a.ber,
        trim_impulse: !a.no_trim,
    };
    let t = read_path(&a.channel, &ReadOptions::default())?;
    let (f, h) = differential_s21(&t.network, &PortPairing::parse(&a.pairing)?)
        .map_err(|e| Error::invalid(format!("{}: {e}", a.channel.display())))?;
    let e = pybert_eye(&f, &h, &rx)?;
    let elapsed = t0.elapsed().as_secs_f64();
    let q = &e.nearest;
    let cursor_v = e.pulse.v[q.cursor_index];
    let min = |x: &[f64]| x.iter().copied().fold(f64::INFINITY, f64::min);
    if a.json {
        let other_cursor_v = e.pulse.v[e.other.cursor_index];
        let v = serde_json::json!({
            "channel": a.channel.display().to_string(),
            "model": "pybert",
            "baud_gbd": baud / 1e9,
            "levels": rx.levels.len(),
            "ber": a.ber,
            "eye_heights_v": q.heights_v,
            "eye_widths_ui": q.widths_ui,
            "eye_width_ui": min(&q.widths_ui),
            "cursor_v": cursor_v,
            "noise_rms_v": e.noise_rms_v,
            "ctle": {"pybert_peak_db": a.ctle_pybert_peak_db},
            "tx_ffe": {"taps": rx.tx.taps, "n_pre": rx.tx.n_pre},
            "rx_ffe": rx.rx.as_ref().map(|r| serde_json::json!({"taps": r.taps, "n_pre": r.n_pre})),
            "dfe_taps_v": q.dfe_v,
            "lock_index": e.lock_index,
            "other_sample": {
                "eye_heights_v": e.other.heights_v,
                "eye_widths_ui": e.other.widths_ui,
                "cursor_v": other_cursor_v,
                "dfe_taps_v": e.other.dfe_v,
            },
            "time_s": elapsed,
        });
        print_json(&v)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} at {} GBd, PyBERT's link model (BER {:e}), {:.0} ms",
        a.channel.display(),
        baud / 1e9,
        a.ber,
        elapsed * 1e3
    );
    println!(
        "  CTLE        PyBERT, {} dB peaking; Tx FFE {:?}",
        a.ctle_pybert_peak_db, rx.tx.taps
    );
    println!(
        "  cursor      {:.2} mV; noise {:.3} mV rms; bang-bang lock {:.2} samples into the pulse",
        cursor_v * 1e3,
        e.noise_rms_v * 1e3,
        e.lock_index
    );
    for (name, s) in [("nearest", &e.nearest), ("other", &e.other)] {
        println!(
            "  {name:<7} sample: heights {:?} mV, widths {:?} UI",
            s.heights_v
                .iter()
                .map(|h| (h * 1e4).round() / 10.0)
                .collect::<Vec<_>>(),
            s.widths_ui
                .iter()
                .map(|w| (w * 1e3).round() / 1e3)
                .collect::<Vec<_>>()
        );
    }
    Ok(ExitCode::SUCCESS)
}
