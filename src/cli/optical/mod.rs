//! `sireach optical …`: optical link budgets. One file per subcommand; this module is only the
//! enum and the dispatch.

mod link_model;

use std::process::ExitCode;

use clap::Subcommand;

use crate::error::Result;

#[derive(Subcommand, Debug)]
pub enum OpticalCmd {
    /// The IEEE 802.3 example link model (10GEPBud3_1_16a) at one fibre length: every penalty and the margin.
    ///
    /// Reads the link's inputs (transmitter, fibre, receiver, penalty allocations) from a TOML file
    /// with the spreadsheet's keys and units — an [inputs] table as in
    /// ../shared/optical/linkmodel_10gepbud.toml, or the same keys at the top level — and prints
    /// every intermediate of the power budget under the spreadsheet's [[vector]] names: attenuation
    /// and channel insertion loss (dB), chromatic and modal bandwidth (MHz), rise times Te (fibre
    /// end, no receiver) and Tc (whole link) in ps, the ISI penalty at the eye centre and the extra
    /// at the Tx-mask corners, MPN σ and penalty, RIN variance and penalty, the cross term, the
    /// total penalty (centre, corners) and the margin = Tx OMA − Rx sensitivity − connector loss −
    /// total. Reach is the length where the margin reaches zero. A closed eye prints inf penalties
    /// and a -inf margin.
    ///
    /// Examples:
    ///   sireach optical link-model --inputs ../shared/optical/linkmodel_10gepbud.toml --length-km 0.4
    ///   sireach optical link-model --inputs link.toml --length-km 0.3 --json
    ///   sireach optical link-model --inputs link.toml --length-km 0     (Tx and Rx only)
    #[command(verbatim_doc_comment)]
    LinkModel(link_model::LinkModelArgs),
}

pub fn run(cmd: OpticalCmd) -> Result<ExitCode> {
    match cmd {
        OpticalCmd::LinkModel(a) => link_model::run(a),
    }
}
