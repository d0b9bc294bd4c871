//! The device models of IEEE P802.3dj Annex 178A.1.4 / 178A.1.5 (draft D3.3): a device
//! termination ladder (178A-9, 178A-10: stages of shunt C_d and series L_s, then the bump C_b),
//! a device package (178A-11: transmission-line stages of 93A.1.2.4, then C_p) and an optional
//! partial host channel (178A-12: C_0, a line, C_1). The values per channel group and case are
//! data, `data/standards/com_178a_devices.toml` (embedded), with their table numbers.
//! This module owns parsing them and naming the cases; `channel` builds the S-parameters.

use crate::error::{Error, Result};

const DATA: &str = include_str!("../../data/standards/com_178a_devices.toml");

/// One transmission-line stage (93A-9…14): differential `Z_c`, length, loss and delay.
#[derive(Debug, Clone, PartialEq)]
pub struct LineStage {
    pub zc_ohm: f64,
    pub zp_mm: f64,
    /// 1/mm, √ns/mm, ns/mm, ns/mm.
    pub gamma0: f64,
    pub a1: f64,
    pub a2: f64,
    pub tau_ns_per_mm: f64,
}

/// The partial host channel (178A-12), single-ended C_0 and C_1 in F.
#[derive(Debug, Clone, PartialEq)]
pub struct PartialHost {
    pub c0_f: f64,
    pub line: LineStage,
    pub c1_f: f64,
}

/// One end's model (178A.1.4): termination ladder, package, host; single-ended C in F, L in H.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceModel {
    pub c_d_f: Vec<f64>,
    pub l_s_h: Vec<f64>,
    pub c_b_f: f64,
    /// Line stages from the termination outwards, and C_p (F); `None` for a bare termination.
    pub package: Option<(Vec<LineStage>, f64)>,
    pub host: Option<PartialHost>,
    /// Single-ended device termination R_d, Ω.
    pub r_d_ohm: f64,
}

/// The transmitter (also the NEXT aggressors' transmitter) and receiver models of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Devices {
    pub tx: DeviceModel,
    pub rx: DeviceModel,
    /// What was asked for, e.g. "CR HL/HL with host".
    pub label: String,
}

fn err(msg: impl Into<String>) -> Error {
    Error::invalid(format!(
        "COM device models (data/standards/com_178a_devices.toml): {}",
        msg.into()
    ))
}

fn f(t: &toml::Table, k: &str) -> Result<f64> {
    t.get(k)
        .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
        .ok_or_else(|| err(format!("{k} must be a number")))
}

fn fl(t: &toml::Table, k: &str) -> Result<Vec<f64>> {
    t.get(k)
        .and_then(|v| v.as_array())
        .and_then(|a| {
            a.iter()
                .map(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
                .collect::<Option<Vec<f64>>>()
        })
        .ok_or_else(|| err(format!("{k} must be a list of numbers")))
}

fn tab<'a>(t: &'a toml::Table, k: &str) -> Result<&'a toml::Table> {
    t.get(k)
        .and_then(|v| v.as_table())
        .ok_or_else(|| err(format!("missing table [{k}]")))
}

struct Data {
    doc: toml::Table,
}

impl Data {
    fn load() -> Result<Data> {
        Ok(Data {
            doc: DATA
                .parse()
                .map_err(|e| err(format!("not valid TOML: {e}")))?,
        })
    }

    fn r0(&self) -> Result<f64> {
        f(tab(&self.doc, "common")?, "R0_ohm")
    }

    fn termination(&self) -> Result<(Vec<f64>, Vec<f64>, f64)> {
        let t = tab(&self.doc, "device_termination")?;
        let (cd, ls) = (fl(t, "Cd_nF")?, fl(t, "Ls_nH")?);
        if cd.len() != ls.len() {
            return Err(err("Cd_nF and Ls_nH need one value per stage"));
        }
        Ok((
            cd.iter().map(|c| c * 1e-9).collect(),
            ls.iter().map(|l| l * 1e-9).collect(),
            f(t, "Cb_nF")? * 1e-9,
        ))
    }

    /// Package class `A`/`B` with line 1 of `zp1` mm.
    fn package(&self, class: &str, zp1: f64) -> Result<(Vec<LineStage>, f64)> {
        let p = tab(&self.doc, "package")?;
        let c = tab(p, class)?;
        let (zc, zp) = (fl(c, "zc_ohm")?, fl(c, "zp_mm")?);
        if zc.len() != zp.len() || zc.is_empty() {
            return Err(err(format!(
                "package {class}: zc_ohm and zp_mm differ in length"
            )));
        }
        let stages = zc
            .iter()
            .zip(&zp)
            .enumerate()
            .map(|(i, (&zc, &zp))| {
                Ok(LineStage {
                    zc_ohm: zc,
                    zp_mm: if i == 0 { zp1 } else { zp },
                    gamma0: f(c, "gamma0")?,
                    a1: f(c, "a1")?,
                    a2: f(c, "a2")?,
                    tau_ns_per_mm: f(c, "tau")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((stages, f(p, "Cp_nF")? * 1e-9))
    }

    fn host(&self, length_mm: f64) -> Result<PartialHost> {
        let h = tab(&self.doc, "cr_host_tline")?;
        Ok(PartialHost {
            c0_f: 0.0,
            line: LineStage {
                zc_ohm: f(h, "zc_ohm")?,
                zp_mm: length_mm,
                gamma0: f(h, "gamma0")?,
                a1: f(h, "a1")?,
                a2: f(h, "a2")?,
                tau_ns_per_mm: f(h, "tau")?,
            },
            c1_f: 0.0,
        })
    }

    /// One end's model for `group` and `case` (PyChOpMarg `device_model`).
    fn device(
        &self,
        group: &str,
        case: &str,
        is_rx: bool,
        include_host: bool,
    ) -> Result<DeviceModel> {
        let (c_d_f, l_s_h, c_b_f) = self.termination()?;
        let r_d_ohm = self.r0()?;
        let mut dev = DeviceModel {
            c_d_f,
            l_s_h,
            c_b_f,
            package: None,
            host: None,
            r_d_ohm,
        };
        match group {
            "KR" | "C2C" => {
                let zp = fl(tab(&self.doc, "kr_c2c")?, case).map_err(|_| {
                    err(format!(
                        "case {case:?} is not one of A1, A2, B1, B2 for {group}"
                    ))
                })?;
                let zp1 = *zp
                    .get(usize::from(is_rx))
                    .ok_or_else(|| err("kr_c2c needs [Tx, Rx]"))?;
                dev.package = Some(self.package(&case[..1], zp1)?);
            }
            "CR" => {
                let classes = tab(&self.doc, "cr_host_classes")?;
                let c = classes
                    .get(case)
                    .and_then(|v| v.as_table())
                    .ok_or_else(|| err(format!("host class {case:?} is not one of HL, HN, HH")))?;
                let class = c
                    .get("package_class")
                    .and_then(|v| v.as_str())
                    .ok_or_else(|| err("package_class must be a string"))?;
                dev.package = Some(self.package(class, f(c, "zp1_mm")?)?);
                if include_host {
                    dev.host = Some(self.host(f(c, "host_pcb_mm")?)?);
                }
            }
            "C2M" => match case {
                "host" => {
                    let c = tab(&self.doc, "c2m")?;
                    dev.package = Some(self.package("B", f(c, "host_zp1_mm")?)?);
                    if include_host {
                        dev.host = Some(self.host(f(c, "host_pcb_mm")?)?);
                    }
                }
                "module" => {}
                _ => return Err(err(format!("C2M case {case:?} is not host or module"))),
            },
            _ => {
                return Err(err(format!(
                    "group {group:?} is not one of KR, CR, C2C, C2M"
                )));
            }
        }
        Ok(dev)
    }
}

impl Devices {
    /// From a `devices = { group, tx_case, rx_case, include_host }` run option (as the
    /// anchors' `[run_options]` carry it).
    pub fn from_run_option(t: &toml::Table) -> Result<Devices> {
        for k in t.keys() {
            if !matches!(k.as_str(), "group" | "tx_case" | "rx_case" | "include_host") {
                return Err(Error::invalid(format!(
                    "COM config: run_options.devices has an unknown key {k} (expected group, tx_case, rx_case, include_host)"
                )));
            }
        }
        let s = |k: &str| -> Result<&str> {
            t.get(k).and_then(|v| v.as_str()).ok_or_else(|| {
                Error::invalid(format!(
                    "COM config: run_options.devices.{k} must be a string"
                ))
            })
        };
        let include_host = match t.get("include_host") {
            None => true,
            Some(v) => v.as_bool().ok_or_else(|| {
                Error::invalid("COM config: run_options.devices.include_host must be true or false")
            })?,
        };
        let (group, tx_case, rx_case) = (s("group")?, s("tx_case")?, s("rx_case")?);
        Devices::new(group, tx_case, rx_case, include_host)
    }

    /// The models for `group` (KR, CR, C2C, C2M) with Tx and Rx cases (package class + test
    /// A1…B2 for KR/C2C, host class HL/HN/HH for CR, host/module for C2M).
    pub fn new(group: &str, tx_case: &str, rx_case: &str, include_host: bool) -> Result<Devices> {
        let d = Data::load()?;
        Ok(Devices {
            tx: d.device(group, tx_case, false, include_host)?,
            rx: d.device(group, rx_case, true, include_host)?,
            label: format!(
                "{group} {tx_case}/{rx_case}{}",
                if include_host {
                    " with partial host"
                } else {
                    ""
                }
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cr_hl_is_class_a_with_22_mm_host() {
        // Table 179-23: HL = class A package, zp1 8 mm, host PCB 22 mm (values in the data file)
        let d = Devices::new("CR", "HL", "HN", true).unwrap();
        let (stages, cp) = d.tx.package.clone().unwrap();
        assert_eq!(stages.len(), 2);
        assert_eq!((stages[0].zp_mm, stages[0].zc_ohm), (8.0, 87.5));
        assert!((cp - 40e-15).abs() < 1e-27);
        assert_eq!(d.tx.host.as_ref().unwrap().line.zp_mm, 22.0);
        let (rx_stages, _) = d.rx.package.clone().unwrap();
        assert_eq!(rx_stages.len(), 4, "HN is class B");
        assert_eq!(d.tx.c_d_f.len(), 3);
        assert_eq!(d.tx.r_d_ohm, 46.25);
    }

    #[test]
    fn bad_cases_are_named() {
        let e = Devices::new("CR", "HX", "HL", true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("HX"), "{e}");
        let e = Devices::new("XR", "HL", "HL", true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("XR"), "{e}");
        // KR test 2 of class B: Tx 30 mm, Rx 29 mm (Table 178-14)
        let k = Devices::new("KR", "B2", "B2", false).unwrap();
        assert_eq!(k.rx.package.unwrap().0[0].zp_mm, 29.0);
    }
}
