//! Who runs pingform and where, for the history and the lock holder: the login name
//! (`USER`, `LOGNAME`, else the numeric user id), the host name, the process id.

use crate::state::{Approval, LockHolder, RunOrigin};

fn user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.trim().is_empty())
        // SAFETY: getuid has no preconditions and cannot fail.
        .unwrap_or_else(|| format!("uid {}", unsafe { libc::getuid() }))
}

fn host() -> String {
    let mut buffer = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that much.
    let result = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len()) };
    if result != 0 {
        return "unknown host".to_string();
    }
    let end = buffer.iter().position(|b| *b == 0).unwrap_or(buffer.len());
    String::from_utf8_lossy(&buffer[..end]).into_owned()
}

/// Who runs this apply, where, approved how.
pub fn run_origin(approval: Approval) -> RunOrigin {
    RunOrigin {
        user: user(),
        host: host(),
        approval,
    }
}

/// This process, as the holder of a state's write lock.
pub fn lock_holder(command: &str) -> LockHolder {
    LockHolder {
        command: command.to_string(),
        user: user(),
        host: host(),
        pid: std::process::id(),
        since: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
    }
}
