//! `sireach optical …`: optical link budgets. One file per subcommand; this module is only the
//! enum and the dispatch.

mod budget;
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
    /// and a -inf margin (null in --json: JSON has no infinity).
    ///
    /// Examples:
    ///   sireach optical link-model --inputs ../shared/optical/linkmodel_10gepbud.toml --length-km 0.4
    ///   sireach optical link-model --inputs link.toml --length-km 0.3 --json
    ///   sireach optical link-model --inputs link.toml --length-km 0     (Tx and Rx only)
    #[command(verbatim_doc_comment)]
    LinkModel(link_model::LinkModelArgs),
    /// The budget of one lane of an IEEE PMD over a fibre, term by term (a waterfall).
    ///
    /// Power budget (OMA − TDECQ)min − (sensitivity − SECQ), then the connections (the IEEE
    /// allocation, or with --aoc the AOC's internal coupling), the fibre's attenuation, its
    /// dispersion penalty (NRZ: the link model's eye; PAM4: through a 5-tap reference FFE) and
    /// mode-partition noise, down to the margin. Values from data/optics/*.toml and
    /// data/fibres.toml with their grades; the budget structure is a sireach model (grade M).
    ///
    /// Examples:
    ///   sireach optical budget --pmd 400GBASE-SR8 --fibre OM4 --length 100
    ///   sireach optical budget --pmd 400GBASE-SR8 --fibre OM4 --length 70 --aoc --json
    ///   sireach optical budget --pmd 400GBASE-DR4 --fibre OS2 --length 500
    #[command(verbatim_doc_comment)]
    Budget(budget::BudgetArgs),
    /// The longest fibre for one PMD, and its margin over length.
    ///
    /// Bisection on the budget's margin to 1 cm; prints the limiting term at the reach and the
    /// margin from 0 to 1.5× the reach.
    ///
    /// Examples:
    ///   sireach optical reach --pmd 100GBASE-SR4 --fibre OM4
    ///   sireach optical reach --pmd 400GBASE-SR4 --fibre OM4 --aoc --json
    #[command(verbatim_doc_comment)]
    Reach(budget::ReachArgs),
}

pub fn run(cmd: OpticalCmd) -> Result<ExitCode> {
    match cmd {
        OpticalCmd::LinkModel(a) => link_model::run(a),
        OpticalCmd::Budget(a) => budget::run_budget(a),
        OpticalCmd::Reach(a) => budget::run_reach(a),
    }
}
