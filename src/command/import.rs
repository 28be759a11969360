//! `pingform import DIR`: writes the configuration of the live objects the
//! configuration does not declare yet (`DIR/imported.hcl`, or `--out`), after checking
//! that it loads and that a plan of it takes every written object over without a
//! change, then records the objects in the state. Reads PingFederate and PingOne and
//! writes neither. An object the check finds pingform cannot express exactly is left
//! out, with why.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::cli::ImportArgs;
use super::context::Target;
use super::output::{note, print_state_warnings, write_stdout};
use super::whoami::{lock_holder, run_origin};
use crate::apply::{ApplyRun, apply};
use crate::config::ConfigErrors;
use crate::error::{Error, Result};
use crate::import::{self, Imported, Inputs};
use crate::model::{
    Address, Collection, Desired, Observed, PingOneView, PluginDescriptor, PreviousRun,
    ResourceKind, ServerInfo,
};
use crate::plan::{Action, Change, Plan, Planned};
use crate::provider::PingOne;
use crate::render::{HclText, hcl_text, import_summary, nothing_to_import, state_backed_up};
use crate::state::{Approval, StateError, StateStore};

/// The file written when `--out` is not given.
const DEFAULT_FILE: &str = "imported.hcl";

pub async fn run(args: ImportArgs) -> Result<u8> {
    for prefix in &args.only {
        if !import::selects_anything(prefix) {
            return Err(Error::ImportOnly {
                prefix: prefix.clone(),
                kinds: ResourceKind::ALL
                    .iter()
                    .map(|kind| match kind.kind_label() {
                        Some(label) => format!("`{}.{label}`", kind.block_type()),
                        None => format!("`{}`", kind.block_type()),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let target = Target::open_folder(&args.config, &args.target, true).await?;
    let (path, file_name) = output_file(&args)?;
    // Holding the write lock from the first read to the last record; a new state
    // appears only when objects are recorded, and an existing one is released as it
    // was when nothing is.
    let mut state = if args.dry_run {
        None
    } else {
        let store = StateStore::open_for_write(&target.state, &lock_holder("import")).await?;
        print_state_warnings(store.warnings());
        Some(store)
    };
    let previous = match &state {
        Some(state) => state.previous().clone(),
        None => match crate::state::read(&target.state).await {
            Ok(snapshot) => snapshot.previous,
            Err(StateError::Missing { .. }) => PreviousRun::default(),
            Err(error) => return Err(error.into()),
        },
    };
    import_into(&args, &target, &path, &file_name, &previous, state.as_mut())
        .await
        .map(|_| 0)
}

/// Reads, writes the file and records the objects; `Ok(true)` when it recorded any.
async fn import_into(
    args: &ImportArgs,
    target: &Target,
    path: &Path,
    file_name: &str,
    previous: &PreviousRun,
    state: Option<&mut StateStore>,
) -> Result<bool> {
    let exists = path.exists();
    // Written again with --force: what the file declares now is imported again.
    let base = if exists && args.force {
        target.load_with(vec![(file_name.to_string(), String::new())])?
    } else {
        target.desired.clone()
    };
    let (server, observed, mut pingone) = target.read(previous).await?;
    let plugins = if observed
        .objects()
        .any(|object| object.kind == ResourceKind::DatastoreCustom)
    {
        target.client.plugin_descriptors().await?
    } else {
        Vec::new()
    };
    let live = Live {
        server: &server,
        observed: &observed,
        plugins: &plugins,
    };
    // The file the check reads the written configuration as: the one it replaces,
    // else a name no file of the folder has.
    let check_name = if exists && !args.force {
        format!("{file_name}.import-check")
    } else {
        file_name.to_string()
    };
    let prepared = prepare(
        args,
        target,
        &base,
        previous,
        &live,
        &mut pingone,
        &check_name,
        (exists && !args.force && !args.dry_run).then_some(path),
    )
    .await?;
    let Some(Prepared {
        imported,
        text,
        desired,
        planned,
    }) = prepared
    else {
        return Ok(false);
    };
    if args.dry_run {
        write_stdout(|out| out.write_all(text.text.as_bytes()))?;
        let mut summary = Vec::new();
        import_summary(&imported, path, true, &mut summary)?;
        eprint!("{}", String::from_utf8_lossy(&summary));
        return Ok(false);
    }
    write_file(path, &text.text)?;
    let Some(state) = state else {
        return Ok(false);
    };
    let addresses: BTreeSet<&Address> = imported.objects.iter().map(|o| &o.address).collect();
    let adoptions = Plan {
        changes: planned
            .plan
            .changes
            .iter()
            .filter(|change| addresses.contains(&change.address) && change.state_only)
            .cloned()
            .collect(),
    };
    let run = ApplyRun {
        plan: &adoptions,
        desired: &desired,
        resolved: &planned.resolved,
        observed: &observed,
        parallelism: 1,
        command: "import",
        origin: run_origin(Approval::Command),
    };
    if let Some(backup) = state.begin_apply(&target.binding(&server)).await? {
        note(&state_backed_up(&backup));
    }
    // State-only changes: no request is sent, so nothing can be interrupted halfway.
    apply(
        &run,
        &target.client,
        state,
        &mut |_| {},
        std::future::pending(),
        std::future::pending(),
    )
    .await
    .map_err(Error::from)?;
    write_stdout(|out| import_summary(&imported, path, false, out))?;
    Ok(true)
}

/// What the live systems hold, besides PingOne.
struct Live<'a> {
    server: &'a ServerInfo,
    observed: &'a Observed,
    plugins: &'a [PluginDescriptor],
}

/// The checked configuration to write, what it declares, and the plan of it.
struct Prepared {
    imported: Imported,
    text: HclText,
    desired: Desired,
    planned: Planned,
}

/// Generates the configuration until it checks out: every object a check finds
/// pingform cannot express exactly is left out and the rest generated again. `None`
/// when there is nothing to import (that is said on stdout).
#[allow(clippy::too_many_arguments)]
async fn prepare(
    args: &ImportArgs,
    target: &Target,
    base: &Desired,
    previous: &PreviousRun,
    live: &Live<'_>,
    pingone: &mut Option<PingOneView>,
    check_name: &str,
    refuse_existing: Option<&Path>,
) -> Result<Option<Prepared>> {
    // The plan as the configuration stands: what the written file may not change,
    // but for the objects it writes (and, with --force, those of the file it replaces).
    let before = crate::plan::plan(crate::plan::Inputs {
        desired: &target.desired,
        previous,
        observed: live.observed,
        pingone: pingone.as_ref(),
        server: Some(live.server),
        replace: &[],
    })?;
    let mut left_out: BTreeMap<(Collection, String), String> = BTreeMap::new();
    let mut looked_up: BTreeSet<String> = BTreeSet::new();
    loop {
        let imported = import::generate(Inputs {
            desired: base,
            declared_pingone_environment: target.declared_pingone_environment.as_deref(),
            previous,
            observed: live.observed,
            pingone: pingone.as_ref(),
            plugins: live.plugins,
            only: &args.only,
            left_out: &left_out,
        });
        if let (Some(view), Some(settings)) = (pingone.as_mut(), &target.desired.pingone) {
            let new: Vec<String> = imported
                .usernames
                .iter()
                .filter(|name| view.user(name).is_none() && !looked_up.contains(*name))
                .cloned()
                .collect();
            if !new.is_empty() {
                let users = PingOne::new(settings.clone())?
                    .users_by_username(&new)
                    .await?;
                view.users.extend(users);
                looked_up.extend(new);
                continue;
            }
        }
        if imported.is_empty() {
            write_stdout(|out| nothing_to_import(&imported, out))?;
            return Ok(None);
        }
        if let Some(path) = refuse_existing {
            return Err(Error::ImportFileExists {
                path: path.to_path_buf(),
            });
        }
        let text = hcl_text(&imported.document);
        let desired = match target.load_with(vec![(check_name.to_string(), text.text.clone())]) {
            Ok(desired) => desired,
            Err(errors) => {
                let named = &args.config.dir.join(check_name).display().to_string();
                leave_out_unloadable(&errors, named, &text, &imported, &mut left_out)?;
                continue;
            }
        };
        let planned = match crate::plan::plan(crate::plan::Inputs {
            desired: &desired,
            previous,
            observed: live.observed,
            pingone: pingone.as_ref(),
            server: Some(live.server),
            replace: &[],
        }) {
            Ok(planned) => planned,
            Err(error) => {
                let object = error
                    .address()
                    .and_then(|address| imported.objects.iter().find(|o| &o.address == address));
                match object {
                    Some(object) => {
                        left_out.insert((object.collection, object.id.clone()), error.to_string());
                        continue;
                    }
                    None => return Err(error.into()),
                }
            }
        };
        let inexact = import::inexact(&imported, &planned.plan);
        if !inexact.is_empty() {
            for (address, why) in inexact {
                if let Some(object) = imported.objects.iter().find(|o| o.address == address) {
                    left_out.insert((object.collection, object.id.clone()), why);
                }
            }
            continue;
        }
        let mut written: BTreeSet<&Address> = imported.objects.iter().map(|o| &o.address).collect();
        written.extend(
            target
                .desired
                .resources
                .iter()
                .map(|r| &r.address)
                .filter(|address| base.get(address).is_none()),
        );
        check_others_unchanged(&written, &before.plan, &planned.plan)?;
        return Ok(Some(Prepared {
            imported,
            text,
            desired,
            planned,
        }));
    }
}

/// Leaves out the objects whose blocks the diagnostics point into; any other
/// diagnostic is a defect of the import itself.
fn leave_out_unloadable(
    errors: &ConfigErrors,
    file: &str,
    text: &HclText,
    imported: &Imported,
    left_out: &mut BTreeMap<(Collection, String), String>,
) -> Result<()> {
    let mut unplaced = Vec::new();
    for error in errors.iter() {
        let block = place_of(error)
            .filter(|(name, _)| name == file)
            .and_then(|(_, offset)| text.blocks.iter().position(|range| range.contains(&offset)));
        let Some(block) = block else {
            unplaced.push(error.to_string());
            continue;
        };
        for address in &imported.origins[block] {
            if let Some(object) = imported.objects.iter().find(|o| &o.address == address) {
                left_out.insert(
                    (object.collection, object.id.clone()),
                    format!("the written block does not load ({error})"),
                );
            }
        }
    }
    if unplaced.is_empty() {
        return Ok(());
    }
    Err(Error::ImportInexact {
        what: "the file".into(),
        detail: unplaced.join("; "),
    })
}

/// The file name and byte offset a diagnostic points at.
fn place_of(error: &crate::config::ConfigError) -> Option<(String, usize)> {
    use miette::Diagnostic;
    let label = error.labels()?.next()?;
    let source = error.source_code()?;
    let contents = source.read_span(label.inner(), 0, 0).ok()?;
    Some((contents.name()?.to_string(), label.offset()))
}

/// The written file must change nothing in the plan of the objects it does not write.
fn check_others_unchanged(written: &BTreeSet<&Address>, before: &Plan, after: &Plan) -> Result<()> {
    let shape = |plan: &Plan| -> BTreeMap<Address, (Action, bool, Vec<String>)> {
        plan.changes
            .iter()
            .filter(|change| !written.contains(&change.address))
            .map(|change: &Change| {
                (
                    change.address.clone(),
                    (
                        change.action,
                        change.state_only,
                        change.fields.iter().map(|f| f.field.clone()).collect(),
                    ),
                )
            })
            .collect()
    };
    let (before, after) = (shape(before), shape(after));
    let moved: Vec<String> = after
        .iter()
        .filter(|(address, change)| before.get(*address) != Some(*change))
        .map(|(address, _)| address.to_string())
        .collect();
    if moved.is_empty() {
        return Ok(());
    }
    Err(Error::ImportInexact {
        what: moved.join(", "),
        detail: "declared objects would be planned differently".into(),
    })
}

/// `DIR/imported.hcl` or `--out`, which must be a `.hcl` file directly in DIR (its
/// objects become managed, so the configuration must declare them).
fn output_file(args: &ImportArgs) -> Result<(PathBuf, String)> {
    let dir = &args.config.dir;
    let given = args.out.clone().unwrap_or_else(|| dir.join(DEFAULT_FILE));
    let outside = |problem: &'static str| Error::ImportOutside {
        path: given.clone(),
        dir: dir.clone(),
        problem,
    };
    if given.extension().is_none_or(|extension| extension != "hcl") {
        return Err(outside(
            "not a `.hcl` file, so it would not be part of the configuration",
        ));
    }
    let Some(file_name) = given.file_name().and_then(|name| name.to_str()) else {
        return Err(outside("not a file name"));
    };
    let parent = given
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let same_folder = match (parent.canonicalize(), dir.canonicalize()) {
        (Ok(parent), Ok(dir)) => parent == dir,
        _ => false,
    };
    if !same_folder {
        return Err(outside("not directly in the configuration folder"));
    }
    Ok((dir.join(file_name), file_name.to_string()))
}

/// Writes the file whole or not at all (a temporary file, then a rename).
fn write_file(path: &Path, text: &str) -> Result<()> {
    let failed = |reason: String| Error::ImportWrite {
        path: path.to_path_buf(),
        reason,
    };
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temporary =
        tempfile::NamedTempFile::new_in(&folder).map_err(|e| failed(e.to_string()))?;
    std::io::Write::write_all(&mut temporary, text.as_bytes())
        .map_err(|e| failed(e.to_string()))?;
    temporary.persist(path).map_err(|e| failed(e.to_string()))?;
    Ok(())
}
