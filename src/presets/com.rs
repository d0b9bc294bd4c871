//! COM presets: the IEEE 802.3 cable-assembly COM parameter tables as TOML in
//! `data/standards/com/` (PyChOpMarg's `COMParams` field names, the format
//! [`ComConfig::from_toml_str`] reads), each value with its clause/table source in a comment and
//! `UNCONFIRMED` where no source was found, embedded in the binary and selected by name
//! (`sireach com --config 100GBASE-CR1`, case-insensitive; the other PMDs of the same lane,
//! e.g. `400GBASE-CR4`, select the same preset).
//!
//! A preset file is a plain COM config with one more table, `[preset]`: its name, clause,
//! table, rate, the host recipe whose board the cable-assembly test adds at both ends
//! (`host_board`, `data/standards/hosts.toml`), the package test cases (`package_cases_mm`: COM
//! is the smaller over them, Annex 93A.1.2), the pass threshold and the source. The parser
//! ignores `[preset]`, so any preset file is also a valid `--config FILE`.

use serde::Deserialize;

use crate::com::ComConfig;
use crate::error::{Error, Result};

/// The embedded COM presets, `(file name, text)`.
pub const COM_PRESET_FILES: &[(&str, &str)] = &[
    (
        "100GBASE-CR1.toml",
        include_str!("../../data/standards/com/100GBASE-CR1.toml"),
    ),
    (
        "50GBASE-CR.toml",
        include_str!("../../data/standards/com/50GBASE-CR.toml"),
    ),
    (
        "25GBASE-CR.toml",
        include_str!("../../data/standards/com/25GBASE-CR.toml"),
    ),
];

/// `data/standards/com/crosstalk.toml`, embedded (the crosstalk model of the COM reach).
pub const COM_CROSSTALK_TOML: &str = include_str!("../../data/standards/com/crosstalk.toml");

/// The `[preset]` table of a COM preset file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresetInfo {
    pub name: String,
    pub clause: String,
    pub table: String,
    pub modulation: String,
    pub signalling_rate_gbd: f64,
    /// Other PMDs with the same lane (and so the same COM).
    #[serde(default)]
    pub also: Vec<String>,
    /// Host recipe (`standards/hosts.toml`) whose board the cable-assembly COM adds at both ends.
    #[serde(default)]
    pub host_board: Option<String>,
    /// Package line lengths z_p of the test cases, mm (COM is the minimum over them).
    pub package_cases_mm: Vec<f64>,
    /// Pass threshold, dB.
    pub threshold_db: f64,
    pub source: String,
}

/// A COM configuration with its preset metadata (when the file has a `[preset]` table).
#[derive(Debug, Clone, PartialEq)]
pub struct ComPreset {
    /// Where it came from: `data/standards/com/NAME.toml` or the user's path.
    pub file: String,
    pub text: String,
    pub info: Option<PresetInfo>,
    /// The configuration as written (the first package case).
    pub config: ComConfig,
}

#[derive(Deserialize)]
struct Outer {
    preset: Option<PresetInfo>,
}

impl ComPreset {
    /// Parse a COM config text (a preset or a plain PyChOpMarg-style config), naming `file` in
    /// errors.
    pub fn from_text(text: &str, file: &str) -> Result<ComPreset> {
        let config =
            ComConfig::from_toml_str(text).map_err(|e| Error::invalid(format!("{file}: {e}")))?;
        let outer: Outer = toml::from_str(text)
            .map_err(|e| Error::invalid(format!("{file}: [preset]: {}", e.message())))?;
        if let Some(p) = &outer.preset {
            if p.package_cases_mm.is_empty()
                || p.package_cases_mm
                    .iter()
                    .any(|z| !(z.is_finite() && *z >= 0.0))
            {
                return Err(Error::invalid(format!(
                    "{file}: [preset].package_cases_mm needs one or more lengths ≥ 0 mm"
                )));
            }
            if !p.threshold_db.is_finite() {
                return Err(Error::invalid(format!(
                    "{file}: [preset].threshold_db must be a number"
                )));
            }
        }
        Ok(ComPreset {
            file: file.to_string(),
            text: text.to_string(),
            info: outer.preset,
            config,
        })
    }

    /// The preset's name, or the file's.
    pub fn name(&self) -> &str {
        self.info.as_ref().map_or(self.file.as_str(), |i| &i.name)
    }

    /// Pass threshold, dB (3 dB, Annex 93A, unless the preset says otherwise).
    pub fn threshold_db(&self) -> f64 {
        self.info.as_ref().map_or(3.0, |i| i.threshold_db)
    }

    /// One configuration per package test case, `(z_p mm, config)`: the text re-parsed with
    /// `z_p` starting with that case (the parser computes the first entry). A file without
    /// `[preset]` gives its one configuration.
    pub fn case_configs(&self) -> Result<Vec<(f64, ComConfig)>> {
        let Some(info) = &self.info else {
            let zp = self.config.z_p_mm.first().copied().unwrap_or(0.0);
            return Ok(vec![(zp, self.config.clone())]);
        };
        let doc: toml::Table = self
            .text
            .parse()
            .map_err(|e| Error::invalid(format!("{}: {e}", self.file)))?;
        info.package_cases_mm
            .iter()
            .map(|&zp| {
                let mut d = doc.clone();
                if let Some(toml::Value::Table(p)) = d.get_mut("params") {
                    p.insert("z_p".into(), toml::Value::Array(vec![zp.into()]));
                }
                d.remove("preset");
                let text = toml::to_string(&d)
                    .map_err(|e| Error::invalid(format!("{}: {e}", self.file)))?;
                Ok((zp, ComConfig::from_toml_str(&text)?))
            })
            .collect()
    }

    /// Lines of `[params]` marked `UNCONFIRMED` and the number of parameters.
    pub fn unconfirmed(&self) -> (usize, usize) {
        let mut in_params = false;
        let (mut marked, mut total) = (0, 0);
        for line in self.text.lines() {
            let t = line.trim();
            if t.starts_with('[') {
                in_params = t == "[params]";
                continue;
            }
            if in_params && !t.is_empty() && !t.starts_with('#') {
                total += 1;
                if t.contains("UNCONFIRMED") {
                    marked += 1;
                }
            }
        }
        (marked, total)
    }

    /// "verified source" / "N of M values UNCONFIRMED".
    pub fn status(&self) -> String {
        match self.unconfirmed() {
            (0, _) => "no value marked UNCONFIRMED".into(),
            (n, t) => format!("{n} of {t} values UNCONFIRMED"),
        }
    }
}

/// Every embedded COM preset.
pub fn com_presets() -> Result<Vec<ComPreset>> {
    COM_PRESET_FILES
        .iter()
        .map(|(f, t)| ComPreset::from_text(t, &format!("data/standards/com/{f}")))
        .collect()
}

/// The embedded preset named `name` (case-insensitive; a PMD in a preset's `also` list selects
/// it too), or an error listing the known names.
pub fn com_preset(name: &str) -> Result<ComPreset> {
    let all = com_presets()?;
    let hit = all.iter().position(|p| {
        p.info.as_ref().is_some_and(|i| {
            i.name.eq_ignore_ascii_case(name) || i.also.iter().any(|a| a.eq_ignore_ascii_case(name))
        })
    });
    match hit {
        Some(k) => Ok(all[k].clone()),
        None => Err(Error::invalid(format!(
            "unknown COM preset '{name}'; known: {} (or give a TOML file path)",
            all.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// A name or a path: an existing file is read as a config; otherwise the name is looked up
/// among the presets.
pub fn com_config_by_name_or_path(arg: &str) -> Result<ComPreset> {
    let path = std::path::Path::new(arg);
    if path.is_file() {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        return ComPreset::from_text(&text, arg);
    }
    if arg.ends_with(".toml") || arg.contains('/') || arg.contains('\\') {
        return Err(Error::invalid(format!(
            "{arg}: no such COM config file (preset names: {})",
            com_presets()?
                .iter()
                .map(|p| p.name().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    com_preset(arg)
}

/// The embedded preset for a lane at `signalling_rate_gbd` (to 1 ppm), if any.
pub fn com_preset_for_rate(signalling_rate_gbd: f64) -> Result<Option<ComPreset>> {
    Ok(com_presets()?.into_iter().find(|p| {
        p.info.as_ref().is_some_and(|i| {
            (i.signalling_rate_gbd - signalling_rate_gbd).abs() <= 1e-6 * signalling_rate_gbd
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_and_names_resolve() {
        let all = com_presets().unwrap();
        assert_eq!(all.len(), 3);
        for p in &all {
            let info = p.info.as_ref().unwrap();
            // the [preset] rate is the config's f_b
            assert_eq!(p.config.fb_bd, info.signalling_rate_gbd * 1e9, "{}", p.file);
            assert_eq!(com_preset(&info.name.to_lowercase()).unwrap(), *p);
            for a in &info.also {
                assert_eq!(com_preset(a).unwrap().name(), info.name);
            }
            let cases = p.case_configs().unwrap();
            assert_eq!(cases.len(), info.package_cases_mm.len());
            for (zp, c) in &cases {
                assert_eq!(c.z_p_mm[0], *zp);
                // only the package length differs between cases
                let mut same = c.clone();
                same.z_p_mm = p.config.z_p_mm.clone();
                same.zp_end_mm = p.config.zp_end_mm.clone();
                assert_eq!(same, p.config);
            }
        }
        let e = com_preset("100GBASE-KR1").unwrap_err().to_string();
        assert!(
            e.contains("100GBASE-CR1") && e.contains("25GBASE-CR"),
            "{e}"
        );
        assert!(
            com_config_by_name_or_path("nope/x.toml")
                .unwrap_err()
                .to_string()
                .contains("no such")
        );
    }

    #[test]
    fn unconfirmed_values_are_counted() {
        let ck = com_preset("100GBASE-CR1").unwrap();
        let (n, total) = ck.unconfirmed();
        // fstep, the g_DC and g_DC2 steps, the Tx tap steps, b_min, b_max(2..)
        assert_eq!(n, 6, "{}", ck.status());
        assert!(total > 40);
        let by = com_preset("25gbase-cr").unwrap();
        assert!(by.unconfirmed().0 > 15, "{}", by.status());
    }

    #[test]
    fn rate_and_levels_match_each_clause() {
        // Clause 162: 53.125 GBd PAM4; Clause 136: 26.5625 GBd PAM4; Clause 110 (92 lane):
        // 25.78125 GBd NRZ (exact: 100G/50G/25G payload × FEC and line-code overheads)
        for (name, fb, levels, clause) in [
            ("100GBASE-CR1", 53.125e9, 4, "162"),
            ("50GBASE-CR", 26.5625e9, 4, "136"),
            ("25GBASE-CR", 25.78125e9, 2, "110"),
        ] {
            let p = com_preset(name).unwrap();
            assert_eq!(p.config.fb_bd, fb, "{name}");
            assert_eq!(p.config.levels, levels, "{name}");
            assert!(p.info.unwrap().clause.starts_with(clause), "{name}");
        }
        assert_eq!(53.125e9, 2.0 * 26.5625e9);
        assert_eq!(25.78125e9, 25e9 * 66.0 / 64.0);
        assert_eq!(26.5625e9, 25.78125e9 * 544.0 / 528.0);
    }

    #[test]
    fn rates_pick_presets() {
        assert_eq!(
            com_preset_for_rate(53.125).unwrap().unwrap().name(),
            "100GBASE-CR1"
        );
        assert!(com_preset_for_rate(106.25).unwrap().is_none());
    }
}
