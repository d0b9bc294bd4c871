//! `sireach optical …`: optical link budgets. One file per subcommand; this module is only the
//! enum and the dispatch.

mod link_model;

use std::process::ExitCode;

use clap::Subcommand;

use crate::error::Result;

#[derive(Subcommand, Debug)]
pub enum OpticalCmd {
    /// The IEEE 802.3 example link model (10GEPBud3_1_16a) at one length: every penalty and
    /// the margin, under the spreadsheet's names.
    LinkModel(link_model::LinkModelArgs),
}

pub fn run(cmd: OpticalCmd) -> Result<ExitCode> {
    match cmd {
        OpticalCmd::LinkModel(a) => link_model::run(a),
    }
}
