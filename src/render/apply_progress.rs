use std::time::Duration;

use super::style::{Styles, paint};
use crate::apply::{ApplyEvent, ApplyReport};
use crate::plan::Action;

/// One progress line per event, in the Terraform style:
/// `datastore.jdbc.x: Creating...`, `datastore.jdbc.x: Still creating... [10s
/// elapsed]`, `datastore.jdbc.x: Creation complete after 0.1s [id=x]`; and the live
/// status line, `37 of 120 changes, 3 in flight`.
pub fn apply_event_line(event: &ApplyEvent<'_>, styles: &Styles) -> String {
    match event {
        ApplyEvent::Started { change } => {
            let verb = match (change.action, change.state_only) {
                (_, true) => "Updating state",
                (Action::Create, _) => "Creating",
                (Action::Update, _) => "Modifying",
                (Action::Replace, _) => "Replacing",
                (Action::Delete, _) if change.kind().is_singleton() => "Resetting to defaults",
                (Action::Delete, _) => "Deleting",
                (Action::NoOp, _) => "Updating state",
            };
            format!(
                "{}: {verb}...",
                paint(styles.bold, &change.address.to_string())
            )
        }
        ApplyEvent::Finished { change, elapsed } => {
            let noun = match (change.action, change.state_only) {
                (_, true) | (Action::NoOp, _) => "State update",
                (Action::Create, _) => "Creation",
                (Action::Update, _) => "Modifications",
                (Action::Replace, _) => "Replacement",
                (Action::Delete, _) => "Deletion",
            };
            let id = if change.kind().is_singleton() {
                String::new()
            } else {
                format!(" [id={}]", change.id)
            };
            format!(
                "{}: {noun} complete after {}{id}",
                paint(styles.bold, &change.address.to_string()),
                seconds(*elapsed),
            )
        }
        ApplyEvent::StillRunning { change, elapsed } => {
            let verb = match (change.action, change.state_only) {
                (_, true) | (Action::NoOp, _) => "updating state",
                (Action::Create, _) => "creating",
                (Action::Update, _) => "modifying",
                (Action::Replace, _) => "replacing",
                (Action::Delete, _) => "deleting",
            };
            format!(
                "{}: Still {verb}... [{}s elapsed]",
                paint(styles.bold, &change.address.to_string()),
                elapsed.as_secs()
            )
        }
        ApplyEvent::Failed { change } => format!(
            "{}: {}",
            paint(styles.bold, &change.address.to_string()),
            paint(styles.delete, "failed")
        ),
        ApplyEvent::Interrupted { in_flight } => format!(
            "{} no change starts any more; waiting for {in_flight} in flight to finish (a second Ctrl-C or SIGTERM stops at once, leaving their outcome unknown)",
            paint(styles.delete, "Interrupted:")
        ),
        ApplyEvent::Progress {
            done,
            total,
            in_flight,
        } => format!("{done} of {total} changes, {in_flight} in flight"),
    }
}

/// `Apply complete! 1 created, 0 updated, 0 replaced, 1 deleted.`
pub fn apply_summary(report: &ApplyReport, styles: &Styles) -> String {
    let s = report.summary;
    paint(
        styles.create,
        &format!(
            "Apply complete! {} created, {} updated, {} replaced, {} deleted.",
            s.create, s.update, s.replace, s.delete
        ),
    )
}

fn seconds(elapsed: Duration) -> String {
    format!("{:.1}s", elapsed.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Change;

    fn create(address: &str) -> Change {
        Change {
            address: address.parse().unwrap(),
            id: "x".into(),
            action: Action::Create,
            before: None,
            after: None,
            fields: Vec::new(),
            secrets: Vec::new(),
            reasons: Vec::new(),
            moved_from: None,
            state_only: false,
            kept: Vec::new(),
            waits_for: Vec::new(),
            unchanged: 0,
        }
    }

    #[test]
    fn long_changes_progress_and_interrupts_read_as_terraform_users_expect() {
        let styles = Styles::plain();
        let change = create("datastore.jdbc.x");
        let lines = [
            apply_event_line(&ApplyEvent::Started { change: &change }, &styles),
            apply_event_line(
                &ApplyEvent::StillRunning {
                    change: &change,
                    elapsed: Duration::from_millis(10_400),
                },
                &styles,
            ),
            apply_event_line(
                &ApplyEvent::Progress {
                    done: 37,
                    total: 120,
                    in_flight: 3,
                },
                &styles,
            ),
            apply_event_line(
                &ApplyEvent::Finished {
                    change: &change,
                    elapsed: Duration::from_millis(12_345),
                },
                &styles,
            ),
            apply_event_line(&ApplyEvent::Interrupted { in_flight: 2 }, &styles),
        ];
        assert_eq!(
            lines,
            [
                "datastore.jdbc.x: Creating...",
                "datastore.jdbc.x: Still creating... [10s elapsed]",
                "37 of 120 changes, 3 in flight",
                "datastore.jdbc.x: Creation complete after 12.3s [id=x]",
                "Interrupted: no change starts any more; waiting for 2 in flight to finish (a second Ctrl-C or SIGTERM stops at once, leaving their outcome unknown)",
            ]
        );
    }
}
