//! Shared by the pty benches (`startup`, `terminal`): the two programs measured side by side —
//! rolo (or `ROLO_BENCH_BIN`, another build of it) and `examples/minimal_draw` — and a folder
//! of their own that every variable rolo reads points into (benches cannot use tests/common's
//! harness), so no run reads or writes the developer's config, data, state or log.

use std::path::PathBuf;

pub struct Programs {
    pub rolo: PathBuf,
    pub minimal: PathBuf,
    /// Removed by the bench when it ends.
    pub home: PathBuf,
    pub env: Vec<(&'static str, String)>,
}

/// Builds `minimal_draw` (release) and makes the folder `rolo-bench-{tag}-{pid}`.
pub fn programs(tag: &str) -> Programs {
    let built_rolo = PathBuf::from(env!("CARGO_BIN_EXE_rolo"));
    let rolo = std::env::var_os("ROLO_BENCH_BIN").map_or(built_rolo.clone(), PathBuf::from);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = std::process::Command::new(cargo)
        .args(["build", "--release", "--example", "minimal_draw"])
        .status()
        .unwrap();
    assert!(built.success());
    // minimal_draw is looked up beside the rolo cargo built, whatever ROLO_BENCH_BIN says.
    let minimal = built_rolo.parent().unwrap().join("examples/minimal_draw");
    let home = std::env::temp_dir().join(format!("rolo-bench-{tag}-{}", std::process::id()));
    // portable-pty starts the program in its HOME: it must exist.
    std::fs::create_dir_all(&home).unwrap();
    let env = [
        ("HOME", ""),
        ("XDG_CONFIG_HOME", "xdg-config"),
        ("XDG_DATA_HOME", "xdg-data"),
        ("XDG_STATE_HOME", "xdg-state"),
        ("XDG_CACHE_HOME", "xdg-cache"),
        ("ROLO_CONFIG_DIR", "config"),
        ("ROLO_DATA_DIR", "data"),
        ("ROLO_STATE_DIR", "state"),
    ]
    .into_iter()
    .map(|(k, sub)| (k, home.join(sub).display().to_string()))
    .collect();
    Programs {
        rolo,
        minimal,
        home,
        env,
    }
}
