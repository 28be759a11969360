//! Inputs that must not trip the loader: a sensitive variable of the wrong type (its
//! value is never echoed, wherever it came from), long chains of locals (evaluated
//! without recursion, so neither slow nor a stack overflow).

use std::collections::BTreeMap;

use miette::{GraphicalReportHandler, GraphicalTheme};
use pingform::config::{LoadOptions, load};

const SECRET: &str = "Sup3r-Secret-Pool";

const SENSITIVE_NUMBER: &str = r#"
variable "pool" {
  type      = number
  sensitive = true
}

datastore "jdbc" "db" {
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/pf"
  password       = "${var.pool}"
}
"#;

fn report(options: &LoadOptions) -> String {
    let errors = match load(options) {
        Ok(_) => panic!("loaded without errors"),
        Err(errors) => errors,
    };
    let mut rendered = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(400)
        .render_report(&mut rendered, &errors)
        .unwrap();
    rendered
}

#[test]
fn a_sensitive_variable_of_the_wrong_type_never_shows_its_value() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("main.hcl"), SENSITIVE_NUMBER).unwrap();
    let var_file = folder.path().join("secrets.vars");
    std::fs::write(&var_file, format!("pool = \"{SECRET}\"\n")).unwrap();
    let base = LoadOptions {
        dir: folder.path().to_path_buf(),
        ..LoadOptions::default()
    };
    let from_environment = LoadOptions {
        environment: BTreeMap::from([("PINGFORM_VAR_pool".to_string(), SECRET.to_string())]),
        ..base.clone()
    };
    let from_var = LoadOptions {
        vars: vec![("pool".to_string(), SECRET.to_string())],
        ..base.clone()
    };
    let from_file = LoadOptions {
        var_files: vec![var_file],
        ..base.clone()
    };
    for (origin, options) in [
        ("environment variable `PINGFORM_VAR_pool`", from_environment),
        ("--var", from_var),
        ("variable file", from_file),
    ] {
        let text = report(&options);
        assert!(!text.contains(SECRET), "{origin} leaked the value:\n{text}");
        assert!(text.contains(origin), "{text}");
        assert!(
            text.contains("expected number, found a value that is not one (not shown: the variable is sensitive)"),
            "{text}"
        );
    }
}

#[test]
fn a_plain_variable_of_the_wrong_type_shows_what_was_given() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("main.hcl"),
        SENSITIVE_NUMBER.replace("  sensitive = true\n", ""),
    )
    .unwrap();
    let text = report(&LoadOptions {
        dir: folder.path().to_path_buf(),
        vars: vec![("pool".to_string(), "many".to_string())],
        ..LoadOptions::default()
    });
    assert!(
        text.contains("expected number, found string \"many\""),
        "{text}"
    );
}

/// `count` locals, each the previous one plus one.
fn chained_locals(count: usize) -> String {
    let mut text = String::from("locals {\n  l0 = 1\n");
    for index in 1..count {
        text.push_str(&format!("  l{index} = local.l{} + 1\n", index - 1));
    }
    text.push_str(
        "}\n\ndatastore \"jdbc\" \"db\" {\n  driver_class   = \"org.postgresql.Driver\"\n",
    );
    text.push_str(&format!(
        "  connection_url = \"jdbc:postgresql://db.example.com:5432/pf\"\n  max_pool_size  = local.l{}\n}}\n",
        count - 1
    ));
    text
}

#[test]
fn thirty_thousand_chained_locals_load_on_a_test_threads_stack() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("main.hcl"), chained_locals(30_000)).unwrap();
    let loaded = load(&LoadOptions {
        dir: folder.path().to_path_buf(),
        ..LoadOptions::default()
    })
    .unwrap_or_else(|errors| panic!("{:?}", miette::Report::new(errors)));
    assert_eq!(
        loaded.desired.resources[0].attributes["max_pool_size"],
        serde_json::json!(30_000)
    );
}
