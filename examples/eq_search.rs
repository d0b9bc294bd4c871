//! The equaliser search on a shared IEEE channel (thru only, no crosstalk or packages), to set
//! beside PyChOpMarg's `r53_ctle_dfe` anchor: cargo run --release --example eq_search [FILE]
use std::path::Path;
use std::time::Instant;

use sireach::Par;
use sireach::network::PortPairing;
use sireach::serdes::adapt::FomTerms;
use sireach::serdes::ctle::Ctle;
use sireach::serdes::ffe::Ffe;
use sireach::serdes::optimise::{EqSearch, optimise};
use sireach::signal::pulse::{ChannelGrid, PulseOptions, differential_s21};
use sireach::touchstone::{ReadOptions, read_path};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/com/channels/ck_CA_19p75dB/CA_19p75dB_thru.s4p.gz".into());
    let t0 = Instant::now();
    let t = read_path(Path::new(&file), &ReadOptions::default())?;
    let (f, h) = differential_s21(&t.network, &PortPairing::parse("1-3/2-4")?)?;
    let t1 = Instant::now();
    let baud = 53.125e9;
    let mut opts = PulseOptions::com_defaults(baud);
    opts.rx_bandwidth_hz = Some(0.58 * baud);
    let grid = ChannelGrid::new(&f, &h, baud, &opts)?;
    let t2 = Instant::now();
    let tx = Ffe::default_transmitter_grid();
    let s = EqSearch {
        ctle: Ctle::grid(baud, -20.0, 2.0, &[0.0, -3.0, -6.0])?,
        tx,
        rx_ffe: None,
        dfe_taps: 12,
        dfe_limits: vec![0.85, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3],
        levels: vec![-1.0, -1.0 / 3.0, 1.0 / 3.0, 1.0],
        amplitude_v: 0.413,
        eta0_v2_per_hz: 8.2e-9 * 1e-9,
        terms: FomTerms {
            snr_tx_db: 32.5,
            rj_rms_ui: 0.01,
            dj_dd_ui: 0.02,
        },
        phase_step: 1,
    };
    let e = optimise(&grid, &s, Par::Rayon(0))?;
    let t3 = Instant::now();
    println!("{file}");
    println!(
        "read {:.1} ms, grid {:.1} ms ({} points), search {:.1} ms ({} settings)",
        (t1 - t0).as_secs_f64() * 1e3,
        (t2 - t1).as_secs_f64() * 1e3,
        grid.len(),
        (t3 - t2).as_secs_f64() * 1e3,
        e.evaluated
    );
    let c = e.ctle.unwrap();
    println!(
        "CTLE g_DC {} dB g_DC2 {} dB; Tx {:?}; FOM {:.3} dB; cursor {:.4} V; noise {:.3} mV; DFE b1 {:.3}",
        c.g_dc_db,
        c.g_dc2_db,
        e.tx.taps,
        e.fom_db,
        e.pulse.v[e.cursor_index],
        e.noise_rms_v * 1e3,
        e.dfe_v[0] / e.pulse.v[e.cursor_index]
    );
    Ok(())
}
