//! Export of a [`Network`] as JSON for other languages and tools, with the field names of the
//! shared scikit-rf dumps: `frequency_hz` (list), `s` (`[f][i][j]` as `[re, im]`, S-parameters
//! whatever the file held), `z0` (`[f][port]` as `[re, im]`), plus `nports`, `nfreq`, `name`,
//! `s_def`, `port_names` and `comments`. Numbers are written as the shortest decimal that reads
//! back to the same `f64`.

use std::fmt::Write as _;

use num_complex::Complex64;

use crate::network::Network;

fn num(out: &mut String, x: f64) {
    if x.is_finite() {
        let mut b = ryu::Buffer::new();
        out.push_str(b.format_finite(x));
    } else {
        out.push_str("null");
    }
}

fn cplx(out: &mut String, z: Complex64) {
    out.push('[');
    num(out, z.re);
    out.push(',');
    num(out, z.im);
    out.push(']');
}

fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The network as one JSON object.
pub fn to_json(net: &Network) -> String {
    let (nf, n, _) = net.s.dim();
    let mut out = String::with_capacity(64 + nf * (n * n + n) * 48);
    out.push_str("{\"name\":");
    string(&mut out, &net.name);
    let _ = write!(out, ",\"nports\":{n},\"nfreq\":{nf},\"s_def\":");
    string(&mut out, net.wave.as_str());
    out.push_str(",\"frequency_hz\":[");
    for (k, f) in net.frequency_hz.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        num(&mut out, *f);
    }
    out.push_str("],\"s\":[");
    for k in 0..nf {
        if k > 0 {
            out.push(',');
        }
        out.push('[');
        for i in 0..n {
            if i > 0 {
                out.push(',');
            }
            out.push('[');
            for j in 0..n {
                if j > 0 {
                    out.push(',');
                }
                cplx(&mut out, net.s[[k, i, j]]);
            }
            out.push(']');
        }
        out.push(']');
    }
    out.push_str("],\"z0\":[");
    for k in 0..nf {
        if k > 0 {
            out.push(',');
        }
        out.push('[');
        for p in 0..n {
            if p > 0 {
                out.push(',');
            }
            cplx(&mut out, net.z0[[k, p]]);
        }
        out.push(']');
    }
    out.push_str("],\"port_names\":");
    match &net.port_names {
        None => out.push_str("null"),
        Some(names) => {
            out.push('[');
            for (k, s) in names.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                string(&mut out, s);
            }
            out.push(']');
        }
    }
    out.push_str(",\"comments\":[");
    for (k, c) in net.comments.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        string(&mut out, c);
    }
    out.push_str("]}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array3};

    #[test]
    fn json_parses_and_round_trips_numbers() {
        let f = Array1::from(vec![1e9, 2.5e9]);
        let mut s = Array3::zeros((2, 2, 2));
        s[[1, 1, 0]] = Complex64::new(0.1 + 0.2, -1e-300);
        let mut net = Network::with_uniform_z0(f, s, 50.0).unwrap();
        net.name = "a \"quoted\"\nname".into();
        let v: serde_json::Value = serde_json::from_str(&to_json(&net)).unwrap();
        assert_eq!(v["nports"], 2);
        assert_eq!(v["frequency_hz"][1].as_f64(), Some(2.5e9));
        assert_eq!(v["s"][1][1][0][0].as_f64(), Some(0.1 + 0.2));
        assert_eq!(v["s"][1][1][0][1].as_f64(), Some(-1e-300));
        assert_eq!(v["z0"][0][1][0].as_f64(), Some(50.0));
        assert_eq!(v["name"], "a \"quoted\"\nname");
    }
}
