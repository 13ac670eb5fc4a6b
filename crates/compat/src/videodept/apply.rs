//! Writing the plan: only what differs from what we already hold, through our commands,
//! as each row's own author with cause `import`. A second run over the same source finds
//! everything equal and writes nothing. Rows whose write is refused (an id already used
//! by another production) are counted and listed; the rest go on.

use std::collections::BTreeMap;

use prodsync_domain::command::{Atomicity, Command, Outcome};
use prodsync_domain::equipment::EQUIPMENT;
use prodsync_domain::format::FORMAT;
use prodsync_domain::imported::Origin;
use prodsync_domain::ports::{Actor, Cause, ChangeFeed, CommandStore, MemberStore};
use prodsync_domain::settings::{self, Lookup, LookupChange};
use prodsync_domain::{Entity, OnConflict, Patch, ProductionId, SyncError, UpdateInput};
use prodsync_storage::{LibraryStore, PgStore, SettingsStore};
use serde_json::Value;
use uuid::Uuid;

use super::library::{self, LibraryPlan};
use super::plan::{plan, ProductionPlan, Row};
use super::rows::text;
use super::{Remark, Tables};

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Say what would be written, write nothing.
    pub dry_run: bool,
    /// Their id of the one production to import.
    pub only: Option<String>,
    /// Made owner of every imported production (jwt mode needs a member to see it).
    pub owner: Option<String>,
}

/// What happened to the rows of one table (or library).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Soft-deleted in the original: left out on purpose.
    pub deleted_there: usize,
    /// Not mapped, or refused by the write.
    pub failed: usize,
}

#[derive(Debug)]
pub struct ProductionReport {
    pub original_id: String,
    pub id: Uuid,
    pub show_name: String,
    pub tables: BTreeMap<&'static str, Tally>,
    pub remarks: Vec<Remark>,
}

#[derive(Debug, Default)]
pub struct Report {
    pub dry_run: bool,
    pub library: BTreeMap<&'static str, Tally>,
    pub productions: Vec<ProductionReport>,
    /// Rows outside any production that could not be mapped.
    pub remarks: Vec<Remark>,
}

impl Report {
    /// Whether anything was (or, in a dry run, would be) written.
    pub fn writes(&self) -> bool {
        let all = self.library.values().chain(self.productions.iter().flat_map(|p| p.tables.values()));
        all.clone().any(|t| t.created + t.updated > 0)
    }
}

/// Told as rows are written, for a progress bar.
pub trait Progress {
    fn total(&self, rows: u64);
    fn advance(&self, rows: u64, message: &str);
}

/// Rows written in one transaction: progress moves between them, and no transaction
/// holds a huge show's rows at once.
const CHUNK: usize = 500;

pub async fn import(
    store: &PgStore,
    tables: &Tables,
    options: &Options,
    progress: &dyn Progress,
) -> Result<Report, SyncError> {
    let importer = Actor { id: None, name: None, cause: Some(Cause::Import), step: None };
    let mut report = Report { dry_run: options.dry_run, ..Report::default() };
    let library = libraries(store, tables, options, &importer, &mut report).await?;
    let (plans, remarks) = plan(tables, &library, options.only.as_deref());
    report.remarks.extend(remarks);
    progress.total(plans.iter().map(|p| p.rows.len() as u64 + 1).sum());
    for p in plans {
        let done = production(store, p, options, &importer, progress).await?;
        report.productions.push(done);
    }
    Ok(report)
}

/// Equipment, formats, the dropdown lists and key/value settings.
async fn libraries(
    store: &PgStore,
    tables: &Tables,
    options: &Options,
    importer: &Actor,
    report: &mut Report,
) -> Result<LibraryPlan, SyncError> {
    let libs = LibraryStore::new(store.clone());
    let (equipment, formats) = (libs.list(&EQUIPMENT).await?, libs.list(&FORMAT).await?);
    let mut plan = library::plan(tables, &equipment, &formats);
    report.remarks.append(&mut plan.remarks);
    for (name, kind, inputs, matched) in [
        ("equipment", &EQUIPMENT, &plan.equipment, plan.equipment_ids.len() - plan.equipment.len()),
        ("formats", &FORMAT, &plan.formats, plan.format_ids.len() - plan.formats.len()),
    ] {
        let tally = report.library.entry(name).or_default();
        tally.unchanged = matched;
        for input in inputs {
            let command = Command::CreateLibrary { kind, input: input.clone() };
            write_one(store, options, importer, command, name, tally, &mut report.remarks).await;
        }
    }
    let settings = SettingsStore::new(store.clone());
    for lookup in Lookup::ALL {
        let ours = settings.lookup(lookup).await?;
        let (theirs, refused) = library::lookup_values(tables, lookup);
        let tally = report.library.entry(lookup.path()).or_default();
        tally.unchanged = theirs.len();
        tally.failed = refused.len();
        report.remarks.extend(refused);
        for value in library::missing(&theirs, &ours) {
            tally.unchanged -= 1;
            let command = Command::ChangeLookup { lookup, change: LookupChange::Add(value) };
            write_one(store, options, importer, command, lookup.path(), tally, &mut report.remarks).await;
        }
    }
    key_values(store, &settings, tables, options, importer, report).await?;
    Ok(plan)
}

/// Their key/value settings we do not have (ours win where both have a key).
async fn key_values(
    store: &PgStore,
    settings: &SettingsStore,
    tables: &Tables,
    options: &Options,
    importer: &Actor,
    report: &mut Report,
) -> Result<(), SyncError> {
    let ours: Vec<String> = settings.all().await?.into_iter().map(|s| s.key).collect();
    let mut tally = Tally::default();
    for row in tables.rows("settings") {
        let (Some(key), Some(value)) = (text(row, "key"), row.get("value")) else { continue };
        if ours.iter().any(|k| k == key) {
            tally.unchanged += 1;
            continue;
        }
        if let Err(e) = settings::check_key(key).and_then(|()| settings::check_value(value)) {
            tally.failed += 1;
            report.remarks.push(Remark::skipped("settings", key, e.to_string()));
            continue;
        }
        let category = text(row, "category").map(str::to_owned);
        let command = Command::PutSetting { key: key.to_owned(), value: value.clone(), category };
        write_one(store, options, importer, command, "settings", &mut tally, &mut report.remarks).await;
    }
    report.library.insert("settings", tally);
    Ok(())
}

async fn write_one(
    store: &PgStore,
    options: &Options,
    importer: &Actor,
    command: Command,
    table: &'static str,
    tally: &mut Tally,
    remarks: &mut Vec<Remark>,
) {
    if options.dry_run {
        tally.created += 1;
        return;
    }
    let what = describe(&command);
    let imported = Command::Imported { command: Box::new(command), origin: Origin::default() };
    match store.execute(imported, importer.clone(), None).await {
        Ok(_) => tally.created += 1,
        Err(e) => {
            tally.failed += 1;
            remarks.push(Remark::skipped(table, &what, e.to_string()));
        }
    }
}

fn describe(command: &Command) -> String {
    match command {
        Command::CreateLibrary { input, .. } => input.id.map(|u| u.to_string()).unwrap_or_default(),
        Command::ChangeLookup { change: LookupChange::Add(v), .. } => v.clone(),
        Command::PutSetting { key, .. } => key.clone(),
        _ => String::new(),
    }
}

/// What one row's write is, for the tally.
#[derive(Clone, Copy, PartialEq)]
enum Op {
    Create,
    Update,
    Member,
}

async fn production(
    store: &PgStore,
    p: ProductionPlan,
    options: &Options,
    importer: &Actor,
    progress: &dyn Progress,
) -> Result<ProductionReport, SyncError> {
    let held = match store.snapshot(ProductionId(p.id)).await {
        Ok(s) => Some(s),
        Err(SyncError::NotFound { .. }) => None,
        Err(e) => return Err(e),
    };
    let ours: BTreeMap<Uuid, &Entity> =
        held.iter().flat_map(|s| s.entities.iter().chain([&s.production])).map(|e| (e.id, e)).collect();
    let mut report = ProductionReport {
        original_id: p.original_id.clone(),
        id: p.id,
        show_name: p.show_name.clone(),
        tables: BTreeMap::new(),
        remarks: p.remarks,
    };
    for (table, n) in &p.deleted_there {
        report.tables.entry(table).or_default().deleted_there += n;
    }
    for r in report.remarks.iter().filter(|r| r.skipped) {
        report.tables.entry(r.table).or_default().failed += 1;
    }
    let mut work: Vec<(Command, &'static str, Op, String)> = Vec::new();
    for row in std::iter::once(p.production).chain(p.rows) {
        let tally = report.tables.entry(row.table).or_default();
        match write_for(p.id, &row, ours.get(&row.id).copied()) {
            None => tally.unchanged += 1,
            Some((command, op)) => work.push((command, row.table, op, row.id.to_string())),
        }
    }
    if let Some(owner) = &options.owner {
        let member = match held {
            Some(_) => store.role(ProductionId(p.id), owner).await?.is_some(),
            None => false,
        };
        if !member {
            let set = Command::SetMember {
                production: p.id,
                user: owner.clone(),
                role: prodsync_domain::access::Role::Owner,
            };
            work.push((set, "productions", Op::Member, owner.clone()));
        }
    }
    let unchanged: u64 = report.tables.values().map(|t| t.unchanged as u64).sum();
    progress.advance(unchanged, &p.original_id);
    for chunk in work.chunks(CHUNK) {
        let outcomes = if options.dry_run {
            chunk.iter().map(|_| Ok(())).collect()
        } else {
            write_chunk(store, chunk.iter().map(|(c, ..)| c.clone()).collect(), importer).await?
        };
        for ((_, table, op, key), outcome) in chunk.iter().zip(outcomes) {
            let tally = report.tables.entry(table).or_default();
            match (outcome, op) {
                (Ok(()), Op::Create) => tally.created += 1,
                (Ok(()), Op::Update) => tally.updated += 1,
                (Ok(()), Op::Member) => {}
                (Err(e), _) => {
                    tally.failed += 1;
                    report.remarks.push(Remark::skipped(table, key, e.to_string()));
                }
            }
        }
        progress.advance(chunk.len() as u64, &p.original_id);
    }
    Ok(report)
}

/// One transaction for the chunk when every row goes in (the common case, and a third of
/// the time of a savepoint per row); when one is refused, the chunk again row by row, so
/// the refused ones are named and the rest still land.
async fn write_chunk(
    store: &PgStore,
    commands: Vec<Command>,
    importer: &Actor,
) -> Result<Vec<Result<(), SyncError>>, SyncError> {
    let all = commands.iter().cloned().map(Ok).collect();
    match store.execute_batch(all, Atomicity::All, importer.clone(), None).await {
        Ok(_) => return Ok(commands.iter().map(|_| Ok(())).collect()),
        Err(SyncError::BatchFailed { .. }) => {}
        Err(e) => return Err(e),
    }
    let each = commands.into_iter().map(Ok).collect();
    match store.execute_batch(each, Atomicity::Each, importer.clone(), None).await? {
        Outcome::Batch(items) => Ok(items.into_iter().map(|o| o.map(|_| ())).collect()),
        other => Err(SyncError::Internal(format!("a batch answered {other:?}"))),
    }
}

/// The command that brings our copy to theirs, or `None` when they are equal.
fn write_for(production: Uuid, row: &Row, ours: Option<&Entity>) -> Option<(Command, Op)> {
    let Some(ours) = ours else {
        let create = Command::Create {
            kind: row.kind,
            production: (!row.kind.is_production()).then_some(production),
            input: row.input.clone(),
        };
        let command = Command::Imported { command: Box::new(create), origin: row.origin.clone() };
        return Some((command, Op::Create));
    };
    if ours.kind != row.kind {
        // Another type under the same id: the first run's create was refused and listed.
        return None;
    }
    let differs: Vec<(usize, Value)> =
        row.input.patch.0.iter().filter(|(i, v)| !same(&ours.values[*i], v)).cloned().collect();
    if differs.is_empty() {
        return None;
    }
    let input = UpdateInput {
        id: None,
        production_id: None,
        base_version: None,
        on_conflict: OnConflict::Overwrite,
        patch: Patch(differs),
    };
    let update = Command::Update { kind: row.kind, production, id: row.id, input };
    let origin = Origin { author: row.origin.author.clone(), history: None };
    Some((Command::Imported { command: Box::new(update), origin }, Op::Update))
}

/// Equal as values: `20` and `20.0` are one number (PostgreSQL gives back either).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_compare_as_numbers() {
        assert!(same(&json!(20), &json!(20.0)));
        assert!(same(&json!({"a": [1, 2.5]}), &json!({"a": [1.0, 2.5]})));
        assert!(!same(&json!({"a": 1}), &json!({"a": 1, "b": null})));
        assert!(!same(&json!("1"), &json!(1)));
    }
}
