//! The one noun of sireach: [`Network`], an N-port described by its scattering parameters on a
//! frequency grid, with the reference impedance of every port at every frequency.
//!
//! Conventions (scikit-rf's, so users recognise them):
//! - `s` is shaped `[nfreq, nports, nports]`; `s[[k, i, j]]` is S<sub>i+1,j+1</sub> at
//!   `frequency_hz[k]`. Ports are 0-based in the API and 1-based only in files and messages.
//! - `z0` is shaped `[nfreq, nports]`, complex, in ohms.
//! - The wave definition that relates S to voltages and currents is explicit ([`WaveDef`]); for
//!   real, positive references all three definitions coincide.
//! - SI units: Hz, ohms, seconds. Decibels only in functions whose names end in `_db`.
//!
//! The maths lives in free functions on arrays, each with its equation and source, in the
//! submodules; `Network` methods delegate to them.

use ndarray::{Array1, Array2, Array3};
use num_complex::Complex64;

use crate::error::{Error, Result};

pub mod cascade;
pub mod causality;
pub mod checks;
pub mod interp;
pub(crate) mod linalg;
pub mod loss;
pub mod mixed_mode;
pub mod params;
#[cfg(test)]
pub(crate) mod test_util;

pub use cascade::{cascade, cascade_s};
pub use checks::{PassivityReport, ReciprocityReport, passivity, reciprocity};
pub use interp::{DcFill, Interpolation, extrapolate_to_dc, interpolate_s};
pub use mixed_mode::{PortPairing, mm2se, se2mm};
pub use params::{convert_wave, renormalise_s, s2y, s2z, y2s, z2s};

/// Which pair of waves the scattering parameters relate, for complex reference impedances.
///
/// For a port with reference impedance `z0 = R + jX`, voltage `V` and current `I` (into the port):
/// - `Power` (Kurokawa 1965, "Power waves and the scattering matrix", IEEE Trans. MTT 13(2)):
///   `a = (V + z0 I) / (2 sqrt(R))`, `b = (V − z0* I) / (2 sqrt(R))`.
/// - `Pseudo` (Marks & Williams 1992, "A general waveguide circuit theory", J. Res. NIST 97(5)):
///   `a = sqrt(R)/(2|z0|) (V + z0 I)`, `b = sqrt(R)/(2|z0|) (V − z0 I)`.
/// - `Traveling` (scikit-rf's name; the unscaled travelling waves of HFSS exports):
///   `a = (V + z0 I) / (2 sqrt(z0))`, `b = (V − z0 I) / (2 sqrt(z0))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaveDef {
    Power,
    Pseudo,
    Traveling,
}

impl WaveDef {
    /// scikit-rf's `s_def` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            WaveDef::Power => "power",
            WaveDef::Pseudo => "pseudo",
            WaveDef::Traveling => "traveling",
        }
    }
}

/// The kind of network parameters a matrix holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// Scattering.
    S,
    /// Admittance.
    Y,
    /// Impedance.
    Z,
    /// Hybrid (two-port only).
    H,
    /// Inverse hybrid (two-port only).
    G,
}

impl ParamType {
    pub fn letter(self) -> char {
        match self {
            ParamType::S => 'S',
            ParamType::Y => 'Y',
            ParamType::Z => 'Z',
            ParamType::H => 'H',
            ParamType::G => 'G',
        }
    }
}

/// Two-port noise parameters on their own frequency grid (Touchstone noise block).
#[derive(Debug, Clone, PartialEq)]
pub struct NoiseParameters {
    pub frequency_hz: Vec<f64>,
    /// Minimum noise figure, dB.
    pub nf_min_db: Vec<f64>,
    /// Source reflection coefficient for minimum noise, referred to the network's port-1 `z0`.
    pub gamma_opt: Vec<Complex64>,
    /// Equivalent noise resistance, ohms (already de-normalised).
    pub rn_ohm: Vec<f64>,
}

/// An N-port network: S-parameters on a frequency grid, with per-port, per-frequency references.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// A name (for a file, its stem).
    pub name: String,
    /// Frequencies, Hz, strictly increasing.
    pub frequency_hz: Array1<f64>,
    /// Scattering parameters, `[nfreq, nports, nports]`.
    pub s: Array3<Complex64>,
    /// Reference impedance, ohms, `[nfreq, nports]`.
    pub z0: Array2<Complex64>,
    /// The wave definition `s` is expressed in.
    pub wave: WaveDef,
    /// Port names, one per port, when known.
    pub port_names: Option<Vec<String>>,
    /// Free-text comments that came with the network (a file's `!` lines, without the `!`).
    pub comments: Vec<String>,
    /// Noise parameters, for two-ports that have them.
    pub noise: Option<NoiseParameters>,
}

impl Network {
    /// A network from frequencies, S-parameters and references, checking that the shapes agree.
    pub fn new(
        frequency_hz: Array1<f64>,
        s: Array3<Complex64>,
        z0: Array2<Complex64>,
        wave: WaveDef,
    ) -> Result<Self> {
        let (nf, n, m) = s.dim();
        if n != m {
            return Err(Error::invalid(format!(
                "S must be square per frequency, got {n}x{m}"
            )));
        }
        if frequency_hz.len() != nf {
            return Err(Error::invalid(format!(
                "{} frequencies but S has {nf}",
                frequency_hz.len()
            )));
        }
        if z0.dim() != (nf, n) {
            return Err(Error::invalid(format!(
                "z0 must be [{nf}, {n}], got {:?}",
                z0.dim()
            )));
        }
        Ok(Network {
            name: String::new(),
            frequency_hz,
            s,
            z0,
            wave,
            port_names: None,
            comments: Vec::new(),
            noise: None,
        })
    }

    /// A network with the same real reference `z0_ohm` on every port at every frequency.
    pub fn with_uniform_z0(
        frequency_hz: Array1<f64>,
        s: Array3<Complex64>,
        z0_ohm: f64,
    ) -> Result<Self> {
        let (nf, n, _) = s.dim();
        let z0 = Array2::from_elem((nf, n), Complex64::new(z0_ohm, 0.0));
        Network::new(frequency_hz, s, z0, WaveDef::Power)
    }

    pub fn nports(&self) -> usize {
        self.s.dim().1
    }

    pub fn nfreq(&self) -> usize {
        self.s.dim().0
    }

    /// True when every port has the same reference at every frequency.
    pub fn z0_is_uniform(&self) -> bool {
        match self.z0.iter().next() {
            None => true,
            Some(first) => self.z0.iter().all(|z| z == first),
        }
    }

    /// True when each port's reference is the same at every frequency.
    pub fn z0_is_constant_over_frequency(&self) -> bool {
        if self.nfreq() == 0 {
            return true;
        }
        let first = self.z0.row(0);
        self.z0.rows().into_iter().all(|r| r == first)
    }
}

impl Network {
    /// Checks that `s` is `[nfreq, n, n]`, `frequency_hz` has `nfreq` entries, `z0` is
    /// `[nfreq, n]` and `port_names`, when present, has `n` names. The fields are public, so
    /// the maths calls this before indexing.
    pub fn check_shapes(&self) -> Result<()> {
        let (nf, n, m) = self.s.dim();
        if n != m {
            return Err(Error::invalid(format!(
                "S must be square per frequency, got {n}x{m}"
            )));
        }
        if self.frequency_hz.len() != nf {
            return Err(Error::invalid(format!(
                "{} frequencies but S has {nf}",
                self.frequency_hz.len()
            )));
        }
        if self.z0.dim() != (nf, n) {
            return Err(Error::invalid(format!(
                "z0 must be [{nf}, {n}], got {:?}",
                self.z0.dim()
            )));
        }
        if let Some(names) = &self.port_names
            && names.len() != n
        {
            return Err(Error::invalid(format!(
                "{} port names for {n} ports",
                names.len()
            )));
        }
        Ok(())
    }

    /// A network holding new data with this one's name, port names and comments. Noise
    /// parameters are not carried over: callers keep them explicitly where they stay valid.
    pub(crate) fn derived(
        &self,
        frequency_hz: Array1<f64>,
        s: Array3<Complex64>,
        z0: Array2<Complex64>,
        wave: WaveDef,
    ) -> Network {
        Network {
            name: self.name.clone(),
            frequency_hz,
            s,
            z0,
            wave,
            port_names: self.port_names.clone(),
            comments: self.comments.clone(),
            noise: None,
        }
    }
}
