use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// `pingform --version`: the version, the commit it was built from and the target.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("PINGFORM_COMMIT"),
    ", ",
    env!("PINGFORM_TARGET"),
    ")"
);

/// Plan and apply PingFederate outbound provisioning as code.
#[derive(Debug, Parser)]
#[command(name = "pingform", version = VERSION, about, long_about = None)]
pub struct Cli {
    /// Run as if started in DIR: every relative path (the configuration folder, --state,
    /// --var-file, --out) is read from there.
    #[arg(long, global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,
    /// No colour in the output, as with NO_COLOR set.
    #[arg(long, global = true)]
    pub no_color: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the configuration without contacting any server.
    Validate(ValidateArgs),
    /// Show what apply would change.
    Plan(PlanArgs),
    /// Make the changes, after showing them and asking for confirmation.
    #[command(mut_arg("dir", |arg| arg
        .value_name("DIR|FILE")
        .help("The configuration folder (every *.hcl file directly in it), or a plan file written by `plan --out`, which applies exactly that plan")))]
    Apply(ApplyArgs),
    /// Report what changed on the live systems since the last apply (read-only).
    Drift(DriftArgs),
    /// Show a plan saved with `plan --out`.
    Show(ShowArgs),
    /// Write the configuration of the live objects the configuration does not declare
    /// yet, and manage them from now on (nothing is written to PingFederate).
    Import(ImportArgs),
    /// Inspect, move, or forget objects of the state (a file or a PostgreSQL database).
    #[command(subcommand)]
    State(StateCommand),
    /// List past applies, from the state.
    History(HistoryArgs),
    /// Run a local emulator of the PingFederate Admin API until interrupted.
    Sandbox(SandboxArgs),
    /// Rewrite configuration files in the canonical layout, comments kept.
    Fmt(FmtArgs),
    /// Print a shell completion script for bash, zsh, fish or PowerShell.
    Completions(CompletionsArgs),
    /// Print pingform's man page (roff), generated from its command line.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A subcommand, for its own page (pingform-plan(1)) with every option.
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Folders (every *.hcl file directly in them) and files to format [default: .].
    #[arg(value_name = "DIR|FILE")]
    pub paths: Vec<PathBuf>,
    /// Change nothing; exit 3 when a file is not formatted.
    #[arg(long)]
    pub check: bool,
    /// Print what would change, as a unified diff.
    #[arg(long)]
    pub diff: bool,
}

/// The shells `pingform completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// List the objects pingform manages.
    List(StateArgs),
    /// Show what the state holds for one object.
    Show(StateShowArgs),
    /// Forget objects: pingform stops managing them and PingFederate keeps them.
    Rm(StateRmArgs),
    /// Copy the state, history included, to a new file or an empty PostgreSQL database.
    Migrate(MigrateArgs),
}

#[derive(Debug, Clone, Args)]
pub struct StateFileArgs {
    /// The configuration folder whose state to read.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// The state: a file, or postgres://USER@HOST:PORT/DB [default: the `state` block
    /// of DIR, else DIR/pingform.redb].
    #[arg(
        long,
        value_name = "PATH|URL",
        env = "PINGFORM_STATE",
        hide_env_values = true
    )]
    pub state: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub from: StateFileArgs,
    /// Where to copy it: a file that does not exist yet, or
    /// postgres://USER@HOST:PORT/DB (a database without a pingform state; pingform
    /// creates its tables there).
    #[arg(long, value_name = "PATH|URL")]
    pub to: PathBuf,
}

#[derive(Debug, Args)]
pub struct StateArgs {
    #[command(flatten)]
    pub file: StateFileArgs,
}

#[derive(Debug, Args)]
pub struct StateShowArgs {
    /// The object, e.g. `datastore.jdbc.provisioner` or `outbound_provisioning`.
    pub address: String,
    #[command(flatten)]
    pub file: StateFileArgs,
}

#[derive(Debug, Args)]
pub struct StateRmArgs {
    /// The objects to forget (e.g. `datastore.ldap.corp`), then optionally the
    /// configuration folder whose state to change [default: .].
    #[arg(value_name = "ADDRESS... [DIR]", required = true)]
    pub items: Vec<String>,
    /// The state: a file, or postgres://USER@HOST:PORT/DB [default: the `state` block
    /// of DIR, else DIR/pingform.redb].
    #[arg(
        long,
        value_name = "PATH|URL",
        env = "PINGFORM_STATE",
        hide_env_values = true
    )]
    pub state: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub file: StateFileArgs,
    /// Print the history as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Print the report as one JSON document (format described in the README).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The plan file written by `plan --out`.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Print the plan as JSON (the `plan --json` format).
    #[arg(long)]
    pub json: bool,
}

/// How `plan` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    /// The Terraform-style diff.
    Text,
    /// One JSON document.
    Json,
    /// A summary for a pull-request comment.
    Markdown,
}

#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// The configuration folder: every *.hcl file directly in it.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Set a variable: NAME=VALUE (repeatable; wins over --var-file and PINGFORM_VAR_NAME).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read variables from an HCL file of NAME = value lines (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// The state: a file, or postgres://USER@HOST:PORT/DB (password in the URL or
    /// PGPASSWORD) [default: the `state` block, else DIR/pingform.redb; with --sandbox,
    /// a temporary file].
    #[arg(
        long,
        value_name = "PATH|URL",
        env = "PINGFORM_STATE",
        hide_env_values = true
    )]
    pub state: Option<PathBuf>,
    /// Use a state bound to another PingFederate or PingOne environment (a renamed
    /// host); apply then records the servers it talks to.
    #[arg(long)]
    pub rebind: bool,
    /// Run against a built-in sandbox started for this run instead of the
    /// configuration's pingfederate block.
    #[arg(long)]
    pub sandbox: bool,
    /// With --sandbox: keep the sandbox's data in this file between runs, and the
    /// state beside it (NAME.pingform.redb) unless --state names one.
    #[arg(long, value_name = "FILE", requires = "sandbox")]
    pub sandbox_data: Option<PathBuf>,
    /// Save data stores without PingFederate's connection test (as
    /// `bypass_external_validation = true` in the pingfederate block).
    #[arg(long)]
    pub bypass_external_validation: bool,
    /// With --sandbox: delay every Admin API GET by this long, e.g. 50ms.
    #[arg(long, value_name = "DURATION", requires = "sandbox", value_parser = humantime::parse_duration)]
    pub read_latency: Option<std::time::Duration>,
    /// With --sandbox: delay every Admin API POST, PUT and DELETE by this long, e.g. 300ms.
    #[arg(long, value_name = "DURATION", requires = "sandbox", value_parser = humantime::parse_duration)]
    pub write_latency: Option<std::time::Duration>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Also require every input: environment variables, variable values, files read
    /// with file() and CA files (without it, those not given are unknown and what
    /// depends on them is not checked).
    #[arg(long)]
    pub check_values: bool,
    /// Print the result as one JSON document: every diagnostic with its file, line,
    /// column, code and message.
    #[arg(long)]
    pub json: bool,
}

/// `--target` and `--replace`, on plan and apply.
#[derive(Debug, Clone, Default, Args)]
pub struct SelectionArgs {
    /// Plan only this object and what it depends on (repeatable), e.g.
    /// datastore.jdbc.provisioner. For exceptional use, such as recovering from a
    /// mistake: the rest of the configuration is left as it is.
    #[arg(long = "target", value_name = "ADDRESS")]
    pub targets: Vec<String>,
    /// Replace this object (delete it, then create it again) even though nothing
    /// forces it (repeatable).
    #[arg(long = "replace", value_name = "ADDRESS")]
    pub replaces: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Print the plan as one JSON document (same as --format json).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// How to print the plan.
    #[arg(long, value_enum, default_value = "text")]
    pub format: PlanFormat,
    /// Also save the plan to FILE, for `pingform apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 0 when there are no changes, 2 when there are, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub target: TargetArgs,
    /// The file to write, a `.hcl` file directly in DIR [default: DIR/imported.hcl].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write --out although it exists: its blocks are imported again from the live
    /// objects.
    #[arg(long)]
    pub force: bool,
    /// Import only the objects whose address starts with PREFIX, e.g. `datastore.ldap`
    /// or `provisioning_connection.hr` (repeatable).
    #[arg(long, value_name = "PREFIX")]
    pub only: Vec<String>,
    /// Print the configuration instead of writing it; write nothing, record nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Apply without asking for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// Change nothing in PingFederate: accept the live values into state (after
    /// confirmation), for drift that was intended.
    #[arg(long)]
    pub refresh_only: bool,
    /// Go ahead even though a new exclusion will make PingFederate delete an existing
    /// PingOne account (the channel's remove action is Delete).
    #[arg(long)]
    pub allow_delete_of_excluded: bool,
    /// Go ahead even though an exclusion removed from the configuration brings an
    /// account that exists in PingOne back into provisioning scope.
    #[arg(long)]
    pub allow_exclusion_removal: bool,
    /// Go ahead even though PingFederate will delete the PingOne users who leave a
    /// scope: remove_action becomes Delete, or, with remove_action Delete, a channel's
    /// scope narrows or a channel or provisioning connection is removed.
    #[arg(long)]
    pub allow_remove_action_delete: bool,
    /// How many changes run at once, each as soon as what it depends on has finished
    /// (1: one after another, in plan order).
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..))]
    pub parallelism: u16,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on: IP:PORT, localhost:PORT, or a bare PORT (on 127.0.0.1);
    /// port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9999", value_parser = listen_address)]
    pub listen: SocketAddr,
    /// Serve plain HTTP instead of HTTPS.
    #[arg(long)]
    pub plain_http: bool,
    /// Keep the data in this JSON file (loaded at start if it exists).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Seed the PingOne side from this JSON file instead of the built-in data set
    /// (format in the README).
    #[arg(long, value_name = "FILE")]
    pub pingone_seed: Option<PathBuf>,
    /// Where to write the CA certificate [default: a file in the temporary folder].
    #[arg(long, value_name = "PATH")]
    pub ca_out: Option<PathBuf>,
    /// Administrator user name.
    #[arg(long, default_value = "Administrator")]
    pub username: String,
    /// Administrator password.
    #[arg(long, default_value = "2FederateM0re")]
    pub password: String,
    /// How the Admin API authenticates: HTTP Basic, or OAuth 2.0 bearer tokens from the
    /// client-credentials endpoint /as/token.oauth2 on the same port.
    #[arg(long, value_enum, default_value = "basic")]
    pub admin_auth: AdminAuthArg,
    /// The PingFederate version GET /version reports.
    #[arg(long, value_name = "VERSION", default_value = "12.1.0.4")]
    pub pingfederate_version: String,
    /// The SAML 2.0 entity id GET /serverSettings reports (the server's identity, which
    /// a state records).
    #[arg(long, value_name = "ID", default_value = "initial.pingidentity.com")]
    pub saml2_entity_id: String,
    /// The runtime base URL GET /serverSettings reports.
    #[arg(long, value_name = "URL", default_value = "https://localhost:9999")]
    pub federation_base_url: String,
    /// Run as the administrative node of a cluster (/cluster/status, /cluster/replicate).
    #[arg(long)]
    pub cluster: bool,
    /// Delay every Admin API GET by this long, e.g. 50ms.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub read_latency: Option<std::time::Duration>,
    /// Delay every Admin API POST, PUT and DELETE by this long, e.g. 300ms.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub write_latency: Option<std::time::Duration>,
}

/// `pingform sandbox --admin-auth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AdminAuthArg {
    Basic,
    Oauth,
}

/// `--listen`: `IP:PORT`, `localhost:PORT` or a bare `PORT` (loopback either way).
pub fn listen_address(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    if let Ok(port) = text.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    if let Some(port) = text.strip_prefix("localhost:") {
        return port
            .parse::<u16>()
            .map(|port| SocketAddr::from(([127, 0, 0, 1], port)))
            .map_err(|_| format!("`{port}` is not a port number"));
    }
    text.parse::<SocketAddr>().map_err(|_| {
        format!(
            "`{text}` is not an address: write IP:PORT (127.0.0.1:9999), localhost:PORT or a port"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn listen_takes_a_port_localhost_or_an_address() {
        let loopback = |port| SocketAddr::from(([127, 0, 0, 1], port));
        assert_eq!(listen_address("9999"), Ok(loopback(9999)));
        assert_eq!(listen_address("localhost:8443"), Ok(loopback(8443)));
        assert_eq!(
            listen_address("0.0.0.0:1"),
            Ok(SocketAddr::from(([0, 0, 0, 0], 1)))
        );
        assert!(listen_address("localhost:x").is_err());
        assert!(
            listen_address("somewhere")
                .unwrap_err()
                .contains("localhost:PORT")
        );
    }
}
