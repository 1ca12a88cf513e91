//! Confinement of the files an untrusted configuration may write (see
//! [`ConfigBuilder::confine_files`]): only below a root, never through a
//! `..` component or a symbolic link, only appended to, and created
//! private (mode 0o640).
//!
//! [`ConfigBuilder::confine_files`]: super::ConfigBuilder::confine_files

use std::fs::OpenOptions;
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Component, Path, PathBuf};

use super::classes::FileTarget;
use super::error::key_path;
use super::spec::{HandlerKind, HandlerSpec};
use super::ConfigError;

/// The mode of a file a confined configuration creates.
pub const CONFINED_FILE_MODE: u32 = 0o640;

/// The absolute path of `path` if it stays below `root` (itself resolved)
/// with no `..` and no symbolic link on the way; the reason otherwise.
pub fn confined_path(root: &Path, path: &Path) -> Result<PathBuf, String> {
    if path.as_os_str().is_empty() {
        return Err("is empty".into());
    }
    if path.components().any(|c| c == Component::ParentDir) {
        return Err(format!("{path:?} leaves the configuration's root ('..')"));
    }
    let root = root
        .canonicalize()
        .map_err(|e| format!("root {root:?} cannot be resolved: {e}"))?;
    let joined = root.join(path);
    let Ok(inside) = joined.strip_prefix(&root) else {
        return Err(format!(
            "{path:?} is outside the configuration's root {root:?}"
        ));
    };
    if inside.as_os_str().is_empty() {
        return Err(format!("{path:?} is the root itself, not a file"));
    }
    let mut walked = root.clone();
    for part in inside.components() {
        walked.push(part);
        if walked
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            return Err(format!(
                "{path:?} goes through a symbolic link ({walked:?})"
            ));
        }
    }
    Ok(joined)
}

/// [`confined_path`], then the file created private if it does not exist:
/// what a confined configuration does with each file it names (the Python
/// binding's untrusted `dictConfig` too).
pub fn confine_file(root: &Path, path: &Path) -> Result<PathBuf, String> {
    let resolved = confined_path(root, path)?;
    create_private(&resolved).map_err(|e| format!("cannot create {resolved:?}: {e}"))?;
    Ok(resolved)
}

/// Creates `path` with [`CONFINED_FILE_MODE`] unless it exists (never
/// following a link).
fn create_private(path: &Path) -> io::Result<()> {
    let created = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(CONFINED_FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path);
    match created {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// The handler `spec` confined to `root`: its path resolved and checked,
/// its mode append-only, its file created private. `id` names it in errors.
pub(super) fn confine(
    id: &str,
    spec: &HandlerSpec,
    root: &Path,
) -> Result<HandlerSpec, ConfigError> {
    let at = |key: &str, problem: String| ConfigError::at(key_path("handlers", id, key), problem);
    let mut confined = spec.clone();
    let HandlerKind::Class(class) = &mut confined.kind else {
        return Ok(confined);
    };
    let Some(FileTarget { path, truncate }) = class.file() else {
        return Ok(confined);
    };
    if truncate.is_some_and(|truncate| *truncate) {
        return Err(at(
            "mode",
            "\"w\" is not allowed in a confined configuration (files are only appended to)".into(),
        ));
    }
    let resolved = confined_path(root, path).map_err(|reason| at("path", reason))?;
    create_private(&resolved).map_err(|e| {
        ConfigError::at(
            key_path("handlers", id, "path"),
            format!("cannot create {resolved:?}: {e}"),
        )
        .io()
    })?;
    *path = resolved;
    Ok(confined)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use rstest::{fixture, rstest};
    use tempfile::TempDir;

    use super::*;
    use crate::builder::FileHandlerBuilder;

    #[fixture]
    fn root() -> TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::os::unix::fs::symlink("/tmp", dir.path().join("link")).unwrap();
        dir
    }

    #[rstest]
    #[case("app.log")]
    #[case("sub/app.log")]
    fn paths_below_the_root_are_allowed(root: TempDir, #[case] path: &str) {
        let resolved = confined_path(root.path(), Path::new(path)).unwrap();
        assert!(resolved.starts_with(root.path().canonicalize().unwrap()));
    }

    #[rstest]
    #[case("../escape.log", "'..'")]
    #[case("sub/../../escape.log", "'..'")]
    #[case("/etc/passwd", "outside")]
    #[case("link/x.log", "symbolic link")]
    #[case("", "empty")]
    fn escapes_are_refused(root: TempDir, #[case] path: &str, #[case] reason: &str) {
        let error = confined_path(root.path(), Path::new(path)).unwrap_err();
        assert!(error.contains(reason), "{error}");
    }

    #[rstest]
    fn files_are_created_private(root: TempDir) {
        let spec = HandlerSpec::new(FileHandlerBuilder::new("new.log"));
        let confined = confine("file", &spec, root.path()).unwrap();
        let builder = confined
            .kind
            .builder::<FileHandlerBuilder>()
            .expect("a file handler");
        let mode = std::fs::metadata(&builder.path)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777 & !CONFINED_FILE_MODE, 0);
    }
}
