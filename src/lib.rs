//! rolo: edit contacts that live in other companies' systems.
//!
//! The library holds everything that is not the terminal: vendor specs (`spec`), the config
//! file (`config`), the edit model (`edit`), the HTTP client (`client`) and what is kept on disk
//! (`store`). `send` is the one path from edits to a sent update (re-read, rebase, build,
//! prepare); `search` filters loaded contacts as a query is typed; `cli` and `tui` are the two
//! front ends; `sandbox` emulates the vendors.
//! ARCHITECTURE.md draws the map.

pub mod batch;
pub mod cli;
pub mod client;
pub mod config;
pub mod edit;
pub mod heap;
pub mod import;
pub mod log;
pub mod paths;
pub mod sandbox;
pub mod sanitize;
pub mod search;
pub mod send;
pub mod spec;
pub mod store;
pub mod suggest;
pub mod tui;
