//! Presets: the standards and cables the models use, as readable TOML in `data/` (each value
//! with its source and grade), embedded in the binary so `sireach` works from any folder.
//! [`Presets::load`] reads a folder with the same layout instead, for users who edit them.
//!
//! Parsing is plain data: the physics takes these structs, never paths.

pub mod com;
pub mod optics;

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

/// `data/standards/copper.toml`, embedded.
pub const COPPER_STANDARDS_TOML: &str = include_str!("../../data/standards/copper.toml");
/// `data/standards/hosts.toml`, embedded (parsed by `channel::link`, which owns its types).
pub const HOSTS_TOML: &str = include_str!("../../data/standards/hosts.toml");
/// `data/fibres.toml`, `data/optics/{mmf,smf,aoc}.toml`, embedded.
pub const FIBRES_TOML: &str = include_str!("../../data/fibres.toml");
pub const OPTICS_MMF_TOML: &str = include_str!("../../data/optics/mmf.toml");
pub const OPTICS_SMF_TOML: &str = include_str!("../../data/optics/smf.toml");
pub const OPTICS_AOC_TOML: &str = include_str!("../../data/optics/aoc.toml");
/// `data/cables/twinax.toml`, embedded.
pub const TWINAX_TOML: &str = include_str!("../../data/cables/twinax.toml");

/// One port configuration of a PMD family.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub pmd: String,
    pub lanes: u32,
    pub port_speed_gbps: f64,
}

/// An IEEE 802.3 copper PMD family (one clause, one lane rate).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopperFamily {
    pub clause: String,
    pub modulation: String,
    pub bits_per_symbol: u32,
    pub signalling_rate_gbd: f64,
    pub fec: String,
    pub reach_objective_m: f64,
    pub reach_objective_source: String,
    /// Cable-assembly insertion loss limit at the Nyquist frequency, dB.
    pub ca_il_max_db: f64,
    pub ca_il_source: String,
    /// A, B, C or M (see the file's header).
    pub ca_il_grade: String,
    pub variants: Vec<Variant>,
    /// Host recipe (`standards/hosts.toml`) of the die-to-die loss reported beside the reach.
    #[serde(default)]
    pub host: Option<String>,
    /// The reference transmitter/receiver and limits of the cable-assembly figures of merit.
    pub figures: FigureParams,
}

/// Per-family parameters of the cable-assembly figures (FOM_ILD, ICN, ERL limit):
/// `channel::assembly`. Units SI.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureParams {
    /// Transmitter 20–80 % transition time `T_r`, s.
    pub tx_transition_time_s: f64,
    /// Receiver −3 dB frequency over the signalling rate, `f_r / f_b`.
    pub rx_bandwidth_over_fb: f64,
    /// NEXT and FEXT disturber amplitudes, V.
    pub a_next_v: f64,
    pub a_fext_v: f64,
    /// Lower edge of the fitted-IL, FOM_ILD and ICN band, Hz (the upper edge is `f_b`).
    pub fom_band_min_hz: f64,
    /// Minimum cable-assembly ERL, dB, where the clause (or its sheet) gives one.
    #[serde(default)]
    pub erl_min_db: Option<f64>,
    /// The named ERL parameter set (`channel::assembly::erl::ErlParams::named`), where known.
    #[serde(default)]
    pub erl_set: Option<String>,
    pub grade: String,
    pub source: String,
}

impl CopperFamily {
    /// Nyquist frequency, Hz: half the signalling rate.
    pub fn nyquist_hz(&self) -> f64 {
        self.signalling_rate_gbd * 1e9 / 2.0
    }
    /// Signalling rate `f_b`, Bd.
    pub fn signalling_rate_baud(&self) -> f64 {
        self.signalling_rate_gbd * 1e9
    }
    /// The band of the fitted IL, FOM_ILD and ICN: `(f_min, f_b)`, Hz.
    pub fn fom_band_hz(&self) -> (f64, f64) {
        (self.figures.fom_band_min_hz, self.signalling_rate_baud())
    }
    /// The family that carries PMD `name` (case-insensitive), with the known names on error.
    pub fn find<'a>(
        families: &'a [CopperFamily],
        name: &str,
    ) -> Result<(&'a CopperFamily, &'a Variant)> {
        for f in families {
            if let Some(v) = f.variants.iter().find(|v| v.pmd.eq_ignore_ascii_case(name)) {
                return Ok((f, v));
            }
        }
        let known: Vec<&str> = families
            .iter()
            .flat_map(|f| f.variants.iter().map(|v| v.pmd.as_str()))
            .collect();
        Err(Error::invalid(format!(
            "unknown PMD '{name}'; known copper PMDs: {}",
            known.join(", ")
        )))
    }
    /// Line rate per lane, Gb/s (FEC overhead included): signalling rate × bits per symbol.
    pub fn line_rate_gbps(&self) -> f64 {
        self.signalling_rate_gbd * self.bits_per_symbol as f64
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct CopperFile {
    family: Vec<CopperFamily>,
}

/// The twinax construction and plug model of `data/cables/twinax.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwinaxPreset {
    pub gauges_awg: Vec<u32>,
    pub conductivity_s_per_m: f64,
    pub surface_factor: f64,
    pub z_diff_ohm: f64,
    pub eps_r: f64,
    pub tan_delta: f64,
    pub f_ref_hz: f64,
    pub ds_m1: f64,
    pub ds_m2: f64,
    /// RMS conductor roughness, m (Hammerstad–Jensen; 0 = smooth).
    pub roughness_rms_m: f64,
    pub plug_loss_a1_db_per_sqrt_ghz: f64,
    pub plug_loss_a2_db_per_ghz: f64,
    pub plug_loss_grade: String,
    /// Delay of each plug, s (an assumption, M).
    pub plug_delay_s: f64,
}

impl TwinaxPreset {
    /// Loss of one plug at `frequency_hz`, dB.
    pub fn plug_loss_db(&self, frequency_hz: f64) -> f64 {
        let f = frequency_hz / 1e9;
        self.plug_loss_a1_db_per_sqrt_ghz * f.sqrt() + self.plug_loss_a2_db_per_ghz * f
    }
}

/// All presets.
#[derive(Debug, Clone, PartialEq)]
pub struct Presets {
    pub copper: Vec<CopperFamily>,
    pub twinax: TwinaxPreset,
    /// The text of `standards/hosts.toml` and the name to report in its errors; the types
    /// are `channel::link`'s (`channel::link::host_recipes`).
    pub hosts_toml: String,
    pub hosts_file: String,
    /// Fibres, optical PMD families and AOC facts.
    pub optics: optics::OpticalPresets,
}

/// Parse TOML into `T`, with errors naming `name`, line and column.
pub fn parse<T: serde::de::DeserializeOwned>(text: &str, name: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|s| {
                let before = &text[..s.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = s.start - before.rfind('\n').map_or(0, |k| k + 1) + 1;
                (line, column)
            })
            .unwrap_or((0, 0));
        Error::parse(
            crate::error::Position {
                file: Some(name.into()),
                line: line as u64,
                column: column as u64,
                byte: e.span().map_or(0, |s| s.start as u64),
            },
            crate::error::ParseErrorKind::Structure,
            e.message().to_string(),
        )
    })
}

impl Presets {
    /// The presets compiled into the binary.
    pub fn embedded() -> Result<Presets> {
        let mut p = Presets::from_texts(COPPER_STANDARDS_TOML, TWINAX_TOML, HOSTS_TOML, "data")?;
        p.optics = optics::OpticalPresets::from_texts(
            (FIBRES_TOML, "data/fibres.toml"),
            (OPTICS_MMF_TOML, "data/optics/mmf.toml"),
            (OPTICS_SMF_TOML, "data/optics/smf.toml"),
            (OPTICS_AOC_TOML, "data/optics/aoc.toml"),
        )?;
        Ok(p)
    }

    /// The presets of `dir` when given (`--presets DIR`), else the embedded ones.
    pub fn from_dir_or_embedded(dir: Option<&Path>) -> Result<Presets> {
        match dir {
            Some(d) => Presets::load(d),
            None => Presets::embedded(),
        }
    }

    /// Presets from a folder laid out like `data/` (`standards/copper.toml`, `cables/twinax.toml`).
    pub fn load(dir: &Path) -> Result<Presets> {
        let read = |rel: &str| {
            let p = dir.join(rel);
            std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))
        };
        let root = dir.display().to_string();
        let mut p = Presets::from_texts(
            &read("standards/copper.toml")?,
            &read("cables/twinax.toml")?,
            &read("standards/hosts.toml")?,
            &root,
        )?;
        let names = [
            "fibres.toml",
            "optics/mmf.toml",
            "optics/smf.toml",
            "optics/aoc.toml",
        ];
        let texts = names.iter().map(|n| read(n)).collect::<Result<Vec<_>>>()?;
        let files: Vec<String> = names.iter().map(|n| format!("{root}/{n}")).collect();
        p.optics = optics::OpticalPresets::from_texts(
            (&texts[0], &files[0]),
            (&texts[1], &files[1]),
            (&texts[2], &files[2]),
            (&texts[3], &files[3]),
        )?;
        Ok(p)
    }

    fn from_texts(copper: &str, twinax: &str, hosts: &str, root: &str) -> Result<Presets> {
        let copper: CopperFile = parse(copper, &format!("{root}/standards/copper.toml"))?;
        let twinax: TwinaxPreset = parse(twinax, &format!("{root}/cables/twinax.toml"))?;
        Ok(Presets {
            copper: copper.family,
            twinax,
            hosts_toml: hosts.to_string(),
            hosts_file: format!("{root}/standards/hosts.toml"),
            optics: optics::OpticalPresets::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_presets_parse_and_carry_their_sources() {
        let p = Presets::embedded().unwrap();
        assert_eq!(p.copper.len(), 4);
        for f in &p.copper {
            assert!(!f.ca_il_source.is_empty() && !f.reach_objective_source.is_empty());
            assert!(["A", "B", "C", "M"].contains(&f.ca_il_grade.as_str()));
        }
        // exact rate arithmetic: 100G PAM4 lanes run at 53.125 GBd, Nyquist 26.5625 GHz
        let ck = &p.copper[2];
        assert_eq!(ck.nyquist_hz(), 26.5625e9);
        assert_eq!(ck.line_rate_gbps(), 106.25);
        assert_eq!(p.twinax.gauges_awg, vec![24, 26, 28, 30]);
        // the plug assumption: about 1.0 dB at 12.9 GHz (reach-references.md §2.2)
        assert!((p.twinax.plug_loss_db(12.89e9) - 0.99).abs() < 0.01);
        // optics: every family's objectives name known fibres; OM5 EMB between 850 and 953 nm
        assert_eq!(p.optics.fibres.len(), 4);
        let om5 = p.optics.fibre("om5").unwrap();
        let emb = |f: &str, nm: f64| p.optics.fibre(f).unwrap().emb_mhz_km_at(nm);
        assert_eq!(om5.emb_mhz_km_at(850.0).unwrap(), Some(4700.0));
        assert_eq!(om5.emb_mhz_km_at(953.0).unwrap(), Some(2470.0));
        assert!((om5.emb_mhz_km_at(901.5).unwrap().unwrap() - 3585.0).abs() < 1e-9);
        assert_eq!(emb("OS2", 1311.0).unwrap(), None);
        // OM4 is specified at 850 nm: held over an 850 nm VCSEL's window, not at 910 nm
        assert_eq!(emb("OM4", 863.0).unwrap(), Some(4700.0));
        let e = emb("OM4", 910.0).unwrap_err().to_string();
        assert!(e.contains("OM4") && e.contains("910"), "{e}");
        let (f, v) = p.optics.pmd("400gbase-sr8").unwrap();
        assert_eq!((v.lanes, f.signalling_rate_gbd), (8, 26.5625));
        assert!(
            p.optics
                .pmd("400GBASE-XX")
                .unwrap_err()
                .to_string()
                .contains("400GBASE-DR4")
        );
    }

    #[test]
    fn a_presets_folder_reads_the_same_as_the_embedded_files() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let (a, b) = (Presets::load(&dir).unwrap(), Presets::embedded().unwrap());
        assert_eq!(
            (a.copper, a.twinax, a.optics),
            (b.copper, b.twinax, b.optics)
        );
        assert_eq!(a.hosts_toml, b.hosts_toml);
    }

    #[test]
    fn a_bad_preset_names_file_line_and_key() {
        let bad = TWINAX_TOML.replace("eps_r = 1.8", "eps_r = \"high\"");
        let e = Presets::from_texts(COPPER_STANDARDS_TOML, &bad, HOSTS_TOML, "data").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("data/cables/twinax.toml:"), "{msg}");
        let line = bad.lines().position(|l| l.starts_with("eps_r")).unwrap() + 1;
        assert_eq!(e.position().map(|p| p.line), Some(line as u64), "{msg}");
    }
}
