//! The `cms` command: validate UK Link files, run the CMS batch job, look at the rule set and
//! the working-day calendar. A thin shell over cms-core: every rule lives there.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use cms_core::batch::{process_path, BatchOptions, ContactResult};
use cms_core::calendar::{london_date, utc_to_london};
use cms_core::crn::CrnGenerator;
use cms_core::door::ReportOut;
use cms_core::format::{validate_path, ValidateOptions, DEFAULT_MAX_FINDINGS};
use cms_core::{Error, OrgType, Organisation, RuleSet};
use serde_json::json;

#[derive(Parser)]
#[command(
    name = "cms",
    version,
    about = "Rules of the GB gas market's Contact Management Service"
)]
struct Cli {
    /// Load this rule file instead of the embedded default rule set.
    #[arg(long, global = true, value_name = "FILE")]
    rules: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    Human,
    Json,
}

#[derive(Args)]
struct Uploader {
    /// The uploading organisation's id (with --org-type).
    #[arg(long, value_name = "N", requires = "org_type")]
    org_id: Option<u64>,
    /// The uploading organisation's type: shipper, gt, igt, mra, dmsp, uip, cdsp.
    #[arg(long, value_name = "TYPE", requires = "org_id")]
    org_type: Option<String>,
    /// The uploading user's record (JSON): their permissions are checked too.
    #[arg(long, value_name = "FILE", requires = "org_id")]
    user: Option<PathBuf>,
    /// The upload's time, UTC (YYYY-MM-DDTHH:MM:SS): service hours are checked too.
    #[arg(long, value_name = "TIME", requires = "org_id")]
    at: Option<NaiveDateTime>,
}

#[derive(Subcommand)]
enum Command {
    /// Validate files: format rules, and contact rules for uploads. Exit 0 when every file is
    /// accepted, 1 when any is not, 2 when it could not run.
    Validate {
        /// Validate as this format instead of the header's FILE_TYPE.
        #[arg(long, value_name = "CODE")]
        format: Option<String>,
        /// Output style.
        #[arg(long, value_enum, default_value = "human")]
        output: Output,
        /// Require double quotes exactly on text fields.
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        uploader: Uploader,
        /// The last generation accepted from this sender for this file type.
        #[arg(long, value_name = "N")]
        last_generation: Option<u64>,
        /// Most findings listed per file (counting goes on).
        #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_FINDINGS)]
        max_findings: usize,
        /// Leave customer data (field values) out of messages.
        #[arg(long)]
        redact: bool,
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run the batch job on a contact upload: writes the response file and prints a JSON
    /// summary. Exit 0 when the file was processed, 1 when it was rejected as a whole, 2 when
    /// it could not run.
    Process {
        /// The upload.
        file: PathBuf,
        /// The uploading organisation's id.
        #[arg(long, value_name = "N")]
        org_id: u64,
        /// The uploading organisation's type: shipper, gt, igt, mra, dmsp, uip, cdsp.
        #[arg(long, value_name = "TYPE")]
        org_type: String,
        /// Where to write the response (default: beside the upload).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The processing date (default: today in Europe/London).
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<NaiveDate>,
        /// The first CRN sequence number to issue.
        #[arg(long, value_name = "N", default_value_t = 1)]
        first_sequence: u64,
        /// The last generation accepted from this sender for this file type.
        #[arg(long, value_name = "N")]
        last_generation: Option<u64>,
        /// Require double quotes exactly on text fields.
        #[arg(long)]
        strict: bool,
        /// Leave customer data out of messages.
        #[arg(long)]
        redact: bool,
        /// The uploading user's record (JSON): may they upload, may they raise each type.
        #[arg(long, value_name = "FILE")]
        user: Option<PathBuf>,
        /// The upload's time, UTC (YYYY-MM-DDTHH:MM:SS): service hours are checked.
        #[arg(long, value_name = "TIME")]
        at: Option<NaiveDateTime>,
    },
    /// The contact lifecycle: the workflow as a Mermaid state diagram or as JSON.
    Lifecycle {
        /// Print a Mermaid state diagram.
        #[arg(long)]
        mermaid: bool,
        /// The workflow (default: `default`).
        #[arg(long, value_name = "NAME", default_value = "default")]
        workflow: String,
    },
    /// List the contact types.
    Catalogue {
        /// Output style.
        #[arg(long, value_enum, default_value = "human")]
        output: Output,
    },
    /// List the finding codes, or export the whole rule set as a rule file to edit.
    Rules {
        /// Output style.
        #[arg(long, value_enum, default_value = "human")]
        output: Output,
        /// Print the whole rule set as JSON (a starting point for your own rule file).
        #[arg(long)]
        export: bool,
    },
    /// Bank holidays and working-day arithmetic (England and Wales).
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
        /// Output style.
        #[arg(long, value_enum, default_value = "human", global = true)]
        output: Output,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// The bank holidays of a year.
    Holidays {
        /// The year.
        year: i32,
    },
    /// The N-th working day after DATE.
    Add {
        /// Start date (does not count).
        date: NaiveDate,
        /// Working days to add.
        n: u32,
    },
    /// Working days after FROM up to and including TO.
    Between {
        /// Start date (not counted).
        from: NaiveDate,
        /// End date (counted).
        to: NaiveDate,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("cms: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn load_rules(path: &Option<PathBuf>) -> Result<Arc<RuleSet>, Error> {
    match path {
        Some(p) => RuleSet::load(p).map(Arc::new),
        None => RuleSet::embedded(),
    }
}

fn organisation(id: Option<u64>, org_type: Option<&str>) -> Result<Option<Organisation>, Error> {
    match (id, org_type) {
        (Some(id), Some(t)) => Ok(Some(Organisation {
            id,
            org_type: t.parse::<OrgType>()?,
        })),
        _ => Ok(None),
    }
}

fn load_user(path: &Option<PathBuf>) -> Result<Option<cms_core::access::User>, Error> {
    let Some(path) = path else { return Ok(None) };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(shown.clone(), e))?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| Error::Argument(format!("user file `{shown}`: {e}")))
}

fn out_err(e: io::Error) -> Error {
    Error::from(e)
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let rules = load_rules(&cli.rules)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let code = match cli.command {
        Command::Validate {
            format,
            output,
            strict,
            uploader,
            last_generation,
            max_findings,
            redact,
            files,
        } => {
            let opts = ValidateOptions {
                format,
                strict,
                uploader: organisation(uploader.org_id, uploader.org_type.as_deref())?,
                last_generation,
                max_findings,
                redact,
                user: load_user(&uploader.user)?,
                at: uploader.at,
                ..ValidateOptions::default()
            };
            let mut all_accepted = true;
            for file in &files {
                let report = validate_path(&rules, file, &opts)?;
                all_accepted &= report.accepted();
                match output {
                    Output::Json => writeln!(out, "{}", report.to_json()).map_err(out_err)?,
                    Output::Human => {
                        write!(out, "{}", ReportOut::from(&report).human()).map_err(out_err)?
                    }
                }
            }
            ExitCode::from(if all_accepted { 0 } else { 1 })
        }
        Command::Process {
            file,
            org_id,
            org_type,
            out: dir,
            today,
            first_sequence,
            last_generation,
            strict,
            redact,
            user,
            at,
        } => {
            let uploader = Organisation {
                id: org_id,
                org_type: org_type.parse()?,
            };
            let now = utc_to_london(Utc::now().naive_utc());
            let today = today.unwrap_or_else(|| london_date(Utc::now().naive_utc()));
            let mut opts = BatchOptions::new(uploader, today);
            opts.time = now.time();
            opts.last_generation = last_generation;
            opts.validate.strict = strict;
            opts.validate.redact = redact;
            opts.validate.user = load_user(&user)?;
            opts.validate.at = at;
            let crn = CrnGenerator::local(rules.crn_scheme().clone(), first_sequence)?;
            write!(out, "{{\"contacts\":[").map_err(out_err)?;
            let mut first = true;
            let mut failed: Option<io::Error> = None;
            let mut row = |c: &ContactResult| {
                let line = json!({
                    "line": c.line,
                    "customer_reference": c.customer_reference,
                    "contact_type": c.contact_type,
                    "outcome": c.outcome,
                    "crn": c.crn,
                    "target_date": c.target_date,
                    "status": c.status,
                    "rejection_codes": c.codes(),
                });
                let sep = if first { "\n" } else { ",\n" };
                first = false;
                if failed.is_none() {
                    if let Err(e) = write!(out, "{sep}{line}") {
                        failed = Some(e);
                    }
                }
            };
            let result = process_path(&rules, &file, dir.as_deref(), &opts, &crn, &mut row);
            if let Some(e) = failed {
                return Err(out_err(e));
            }
            let (summary, path) = result?;
            let mut rest = serde_json::to_value(&summary).unwrap_or_default();
            if let Some(map) = rest.as_object_mut() {
                map.insert("response_path".into(), json!(path.display().to_string()));
            }
            let rest = rest.to_string();
            let rest = rest.strip_prefix('{').unwrap_or(&rest);
            writeln!(out, "\n],{rest}").map_err(out_err)?;
            ExitCode::from(if summary.file_accepted { 0 } else { 1 })
        }
        Command::Lifecycle { mermaid, workflow } => {
            let w = rules
                .workflows()
                .iter()
                .find(|w| w.code == workflow)
                .ok_or_else(|| Error::Argument(format!("unknown workflow `{workflow}`")))?;
            if mermaid {
                write!(out, "{}", cms_core::lifecycle::mermaid(&rules, w)).map_err(out_err)?;
            } else {
                let life = &rules.data().lifecycle;
                let v = json!({
                    "workflow": w.code,
                    "initial_status": life.initial_status,
                    "statuses": life.statuses,
                    "request_kinds": life.request_kinds,
                    "reopen_working_days": life.reopen_working_days,
                    "transitions": w.transitions,
                });
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&v).unwrap_or_default()
                )
                .map_err(out_err)?;
            }
            ExitCode::SUCCESS
        }
        Command::Catalogue { output } => {
            match output {
                Output::Json => writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(rules.contact_types()).unwrap_or_default()
                ),
                Output::Human => {
                    let _ = writeln!(
                        out,
                        "contact types in rule set {} {}:",
                        rules.name(),
                        rules.version()
                    );
                    for t in rules.contact_types() {
                        let raised: Vec<&str> = t.raised_by.iter().map(|o| o.as_str()).collect();
                        let state = if t.retired {
                            "retired".to_string()
                        } else if !t.new_cms {
                            "not in the new CMS".to_string()
                        } else {
                            format!("{} working days", t.target_working_days.unwrap_or(0))
                        };
                        let _ = writeln!(
                            out,
                            "  {}  {:<44} {:<12} raised by {:<16} to {:<8} {} ({:?})",
                            t.code,
                            t.name,
                            format!("{:?}", t.family).to_lowercase(),
                            if raised.is_empty() {
                                "nobody".to_string()
                            } else {
                                raised.join(",")
                            },
                            t.routed_to,
                            state,
                            t.provenance
                        );
                    }
                    Ok(())
                }
            }
            .map_err(out_err)?;
            ExitCode::SUCCESS
        }
        Command::Rules { output, export } => {
            if export {
                writeln!(out, "{}", rules.to_json()).map_err(out_err)?;
            } else if output == Output::Json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(rules.catalogue()).unwrap_or_default()
                )
                .map_err(out_err)?;
            } else {
                writeln!(
                    out,
                    "finding codes in rule set {} {}:",
                    rules.name(),
                    rules.version()
                )
                .map_err(out_err)?;
                for d in rules.catalogue() {
                    writeln!(
                        out,
                        "  {}  {:<7} {:<6}  {:<30} {}",
                        d.code,
                        d.severity,
                        d.scope,
                        d.check.name(),
                        d.message
                    )
                    .map_err(out_err)?;
                }
            }
            ExitCode::SUCCESS
        }
        Command::Calendar { command, output } => {
            let cal = rules.calendar();
            match command {
                CalendarCommand::Holidays { year } => {
                    let days = cal.bank_holidays(year);
                    if output == Output::Json {
                        let list: Vec<_> = days
                            .iter()
                            .map(|h| json!({"date": h.date, "name": h.name}))
                            .collect();
                        writeln!(out, "{}", json!(list)).map_err(out_err)?;
                    } else {
                        for h in &days {
                            writeln!(out, "{}  {}  {}", h.date, h.date.format("%a"), h.name)
                                .map_err(out_err)?;
                        }
                    }
                }
                CalendarCommand::Add { date, n } => {
                    let result = cal.add_working_days(date, n).ok_or_else(|| {
                        Error::Argument(format!(
                            "{n} working days after {date} is past the last date"
                        ))
                    })?;
                    if output == Output::Json {
                        writeln!(
                            out,
                            "{}",
                            json!({"from": date, "working_days": n, "date": result})
                        )
                        .map_err(out_err)?;
                    } else {
                        writeln!(out, "{result}  {}", result.format("%A")).map_err(out_err)?;
                    }
                }
                CalendarCommand::Between { from, to } => {
                    let n = cal.working_days_between(from, to);
                    if output == Output::Json {
                        writeln!(
                            out,
                            "{}",
                            json!({"from": from, "to": to, "working_days": n})
                        )
                        .map_err(out_err)?;
                    } else {
                        writeln!(out, "{n}").map_err(out_err)?;
                    }
                }
            }
            ExitCode::SUCCESS
        }
    };
    out.flush().map_err(out_err)?;
    Ok(code)
}
