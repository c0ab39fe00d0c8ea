//! Profiles: making one active, and opening its session on a blocking task (a secret command
//! or the keyring may take seconds) while the screen stays live; Esc stops it.

use std::sync::Arc;

use super::{AfterOpen, App, Banner, InFlight, Msg, RequestState};
use crate::client::secret::SecretLookup;
use crate::client::{OpenError, Session};
use crate::config::Config;
use crate::spec::Catalog;
use crate::tui::error::TuiError;
use crate::tui::modals::DraftModal;

impl App {
    pub(super) fn index_of(&self, name: &str) -> Result<usize, TuiError> {
        self.workspaces
            .iter()
            .position(|w| w.profile.name == name)
            .ok_or_else(|| TuiError::UnknownProfile {
                name: name.to_string(),
            })
    }

    /// Makes a profile active. Its session opens the first time on a blocking task (a secret
    /// command or the keyring may take seconds); `then` runs once it is open.
    pub fn activate_then(&mut self, name: &str, then: AfterOpen) -> Result<(), TuiError> {
        let index = self.index_of(name)?;
        self.active = index;
        let w = &mut self.workspaces[index];
        if w.session.is_some() {
            self.offer_pending_draft();
            return self.after_open(then);
        }
        if matches!(w.request, RequestState::OpeningProfile(_)) {
            w.after_open = then;
            return Ok(());
        }
        let Some(tasks) = self.tasks() else {
            let session = Session::open(name, &self.config, &self.catalog)?;
            self.workspaces[index].session = Some(Arc::new(session));
            self.offer_pending_draft();
            return self.after_open(then);
        };
        self.workspaces[index].after_open = then;
        // The secret lookup starts here so that Esc (or quitting) can stop it and kill its
        // command; the wait happens on a blocking thread.
        let lookup = self
            .config
            .profile(name)
            .filter(|p| self.catalog.get(&p.vendor).is_some())
            .map(|p| SecretLookup::start(&p.secret, self.config.path.as_deref()));
        self.workspaces[index].secret_lookup = lookup.as_ref().map(SecretLookup::canceller);
        let (name, config, catalog) = (name.to_string(), self.config.clone(), self.catalog.clone());
        let tx = self.tx.clone();
        let task = tasks.spawn(async move {
            let open = move || match lookup {
                Some(lookup) => open_with(&name, &config, &catalog, lookup),
                // Unknown profile or vendor: Session::open says which.
                None => Session::open(&name, &config, &catalog),
            };
            let result = match tokio::task::spawn_blocking(open).await {
                Ok(Ok(session)) => Ok(Arc::new(session)),
                Ok(Err(e)) => Err(TuiError::Open(e)),
                Err(e) => Err(TuiError::OpenTask(e.to_string())),
            };
            // The app is gone only when quitting; nothing then waits for the result.
            let _ = tx.send(Msg::ProfileOpened { ws: index, result });
        });
        self.workspaces[index].request =
            RequestState::OpeningProfile(InFlight::new(task.abort_handle()));
        Ok(())
    }

    /// Makes a profile active, opening its session the first time.
    pub fn activate(&mut self, name: &str) -> Result<(), TuiError> {
        self.activate_then(name, AfterOpen::Nothing)
    }

    /// Makes a profile active and waits for its session (at start-up, so a profile that
    /// cannot open stops rolo with the reason before the screen is taken). A profile whose
    /// secret is at hand opens right here: nothing is drawn yet, and a blocking thread would
    /// only be one more thread to start. A secret command or the keyring is waited for on a
    /// blocking thread (a keyring lookup may start a runtime of its own, which tokio refuses
    /// inside this one).
    pub async fn activate_now(&mut self, name: &str) -> Result<(), TuiError> {
        let index = self.index_of(name)?;
        if self.workspaces[index].session.is_none() {
            let (owned, config, catalog) =
                (name.to_string(), self.config.clone(), self.catalog.clone());
            let open = move || Session::open(&owned, &config, &catalog);
            let at_hand = self
                .config
                .profile(name)
                .is_none_or(|profile| profile.secret.is_at_hand());
            let session = match self.tasks() {
                Some(tasks) if !at_hand => tasks
                    .spawn_blocking(open)
                    .await
                    .map_err(|e| TuiError::OpenTask(e.to_string()))??,
                _ => open()?,
            };
            self.workspaces[index].session = Some(Arc::new(session));
        }
        self.activate(name)
    }

    pub(super) fn on_profile_opened(&mut self, ws: usize, result: Result<Arc<Session>, TuiError>) {
        let w = &mut self.workspaces[ws];
        w.secret_lookup = None;
        if !matches!(w.request, RequestState::OpeningProfile(_)) {
            return; // cancelled meanwhile
        }
        w.request = RequestState::Idle;
        let then = std::mem::take(&mut w.after_open);
        match result {
            Ok(session) => {
                w.session = Some(session);
                if ws == self.active {
                    self.offer_pending_draft();
                    if let Err(e) = self.after_open(then) {
                        self.ws_mut().banner = Some(Banner::Error(e.to_string()));
                    }
                }
            }
            Err(e) => w.banner = Some(Banner::Error(e.to_string())),
        }
    }

    pub(super) fn after_open(&mut self, then: AfterOpen) -> Result<(), TuiError> {
        match then {
            AfterOpen::Nothing => Ok(()),
            AfterOpen::OpenReference(text) => self.open_reference(&text),
            AfterOpen::OpenModal => {
                if self.ws().form.is_none() && !self.ws().request.is_busy() {
                    self.open_modal();
                }
                Ok(())
            }
        }
    }

    /// Shows the active workspace's draft found on disk, if one waits for an answer.
    pub(super) fn offer_pending_draft(&mut self) {
        if self.modals.top_is::<DraftModal>() {
            return;
        }
        if let Some((draft, changed_on_server)) = self.ws_mut().pending_draft.clone() {
            self.modals
                .push(Box::new(DraftModal::new(draft, changed_on_server)));
        }
    }
}

/// `Session::open` with a secret lookup already started (so that it can be stopped).
fn open_with(
    name: &str,
    config: &Config,
    catalog: &Catalog,
    lookup: SecretLookup,
) -> Result<Session, OpenError> {
    let secret = lookup.wait().map_err(|source| OpenError::Secret {
        profile: name.to_string(),
        source,
    })?;
    let Some((profile, spec)) = config
        .profile(name)
        .and_then(|p| Some((p, catalog.get(&p.vendor)?)))
    else {
        return Session::open(name, config, catalog);
    };
    Session::new(spec.clone(), profile, secret, config.http.clone())
}
