//! What a workspace is waiting for: one state per workspace instead of loose busy flags, each
//! in-flight state holding its task (for Esc) and its start (for the progress line).

use std::time::Instant;

use tokio::task::AbortHandle;

use super::LoadPurpose;

/// A task in flight.
#[derive(Debug)]
pub struct InFlight {
    pub task: AbortHandle,
    pub since: Instant,
}

impl InFlight {
    pub fn new(task: AbortHandle) -> Self {
        Self {
            task,
            since: Instant::now(),
        }
    }
}

#[derive(Debug, Default)]
pub enum RequestState {
    #[default]
    Idle,
    /// Resolving the profile's secret (a command or the keyring may take seconds).
    OpeningProfile(InFlight),
    Loading {
        reference: String,
        purpose: LoadPurpose,
        run: InFlight,
    },
    /// Reading the contact again to prepare the update for review (or for the clipboard).
    Preparing {
        reference: String,
        run: InFlight,
    },
    Sending(InFlight),
}

impl RequestState {
    pub fn in_flight(&self) -> Option<&InFlight> {
        match self {
            RequestState::Idle => None,
            RequestState::OpeningProfile(run)
            | RequestState::Loading { run, .. }
            | RequestState::Preparing { run, .. }
            | RequestState::Sending(run) => Some(run),
        }
    }

    pub fn is_busy(&self) -> bool {
        self.in_flight().is_some()
    }

    /// What is happening, in words: "reading 1001/5001…".
    pub fn label(&self) -> Option<String> {
        Some(match self {
            RequestState::Idle => return None,
            RequestState::OpeningProfile(_) => "opening profile…".into(),
            RequestState::Loading { reference, .. } => format!("reading {reference}…"),
            RequestState::Preparing { reference, .. } => {
                format!("reading {reference} to prepare the update…")
            }
            RequestState::Sending(_) => "sending…".into(),
        })
    }

    /// Stops the task, if any, and says what was stopped; the state is Idle after.
    pub fn cancel(&mut self) -> Option<String> {
        let label = self.label();
        if let Some(run) = self.in_flight() {
            run.task.abort();
        }
        *self = RequestState::Idle;
        label
    }
}
