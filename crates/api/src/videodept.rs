//! `prodsync import videodept --from <url>`: the operator's side of moving a crew over
//! from the Video Production Manager. The mapping and the writes are the compatibility
//! layer's (`prodsync_compat::videodept`); this reads the source, draws the progress bar
//! on a terminal, and prints what happened as a table.

use indicatif::{ProgressBar, ProgressStyle};
use prodsync_compat::videodept::apply::{self, Options, Progress, Report, Tally};
use prodsync_compat::videodept::{Tables, TABLES};
use prodsync_storage::read_tables;

use crate::config::Settings;

struct Bar(ProgressBar);

impl Progress for Bar {
    fn total(&self, rows: u64) {
        self.0.set_length(rows);
    }

    fn advance(&self, rows: u64, message: &str) {
        self.0.set_message(message.to_owned());
        self.0.inc(rows);
    }
}

pub async fn import(settings: &Settings, from: &str, options: &Options) -> Result<(), String> {
    let tables: Tables = read_tables(from, TABLES).await?.into();
    if !tables.has("productions") {
        return Err(
            "the source database has no productions table: is it the Video Production Manager's?".into()
        );
    }
    let tool = crate::files::Tool::new(settings).await?;
    let store = &tool.store;
    // indicatif draws only on a terminal; in a pipe or a log the table below says it all.
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} rows {msg} ({eta})")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );
    let bar = Bar(bar);
    let report = apply::import(store, &tables, options, &bar).await;
    tool.finish().await;
    let report = report.map_err(|e| e.to_string())?;
    bar.0.finish_and_clear();
    print!("{}", summary(&report));
    Ok(())
}

/// The report as a table, then every row not imported or changed on the way, then one
/// line saying whether anything was written.
pub fn summary(report: &Report) -> String {
    let mut out = String::new();
    let verb = if report.dry_run { "would be " } else { "" };
    let header = format!(
        "{:<34} {:>8} {:>8} {:>9} {:>13} {:>10}\n",
        "", "created", "updated", "unchanged", "deleted there", "not mapped"
    );
    let line = |name: &str, t: &Tally| {
        format!(
            "{:<34} {:>8} {:>8} {:>9} {:>13} {:>10}\n",
            name, t.created, t.updated, t.unchanged, t.deleted_there, t.failed
        )
    };
    if report.dry_run {
        out.push_str("dry run: nothing was written; \"created\" and \"updated\" say what would be\n");
    }
    out.push_str(&header);
    for (name, t) in &report.library {
        out.push_str(&line(&format!("library: {name}"), t));
    }
    for p in &report.productions {
        out.push_str(&format!("{} \"{}\" -> {}\n", p.original_id, p.show_name, p.id));
        for (table, t) in &p.tables {
            out.push_str(&line(&format!("  {table}"), t));
        }
    }
    let remarks: Vec<_> =
        report.remarks.iter().chain(report.productions.iter().flat_map(|p| &p.remarks)).collect();
    if !remarks.is_empty() {
        out.push_str("\nrows not imported (x) or imported with a change (~):\n");
        for r in remarks {
            let mark = if r.skipped { 'x' } else { '~' };
            out.push_str(&format!("  {mark} {} {}: {}\n", r.table, r.row, r.reason));
        }
    }
    let total = |f: fn(&Tally) -> usize| -> usize {
        report.library.values().chain(report.productions.iter().flat_map(|p| p.tables.values())).map(f).sum()
    };
    if report.writes() {
        out.push_str(&format!(
            "\n{} productions: {} rows {verb}created, {} {verb}updated, {} unchanged\n",
            report.productions.len(),
            total(|t| t.created),
            total(|t| t.updated),
            total(|t| t.unchanged)
        ));
    } else {
        out.push_str(&format!(
            "\nnothing to do: {} productions, every row already equal here\n",
            report.productions.len()
        ));
    }
    out
}
