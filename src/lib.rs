//! rolo: edit contacts that live in other companies' systems.
//!
//! The library holds everything that is not the terminal: vendor specs (`vendor`) and the edit
//! model (`edit`). The command line (`cli`) only parses arguments and prints.

pub mod cli;
pub mod client;
pub mod edit;
pub mod paths;
pub mod sandbox;
pub mod store;
pub mod tui;
pub mod vendor;
