//! Builds the application from settings: store, catalogue, renderer, identity.
//!
//! The CLI and the tests both start here, so a test runs exactly what a user runs.
//! Commands that never render (lists, imports, reach…) use [`App::connect`]
//! and work wherever they are run, without the catalogue folder.

use std::sync::Arc;

use lettre::message::Mailbox;

use crate::catalogue::{Catalogue, CatalogueError};
use crate::config::{Settings, WorkerArgs};
use crate::mail::{Identity, Transport, TransportError, dkim};
use crate::render::{RenderError, Renderer};
use crate::store::{Store, StoreError};
use crate::unsubscribe::{KEY_BYTES, SECRET_SETTING, TokenSigner};
use crate::worker::Worker;

/// Why the application could not start or an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The catalogue does not load or lacks something.
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// A message cannot be rendered.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The transport cannot be set up.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// A setting is malformed.
    #[error("invalid setting {name}: {reason}")]
    Setting {
        /// The setting.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A request that makes no sense (unknown message, empty audience…).
    #[error("{0}")]
    Invalid(String),
    /// Rendering asked of an app started without the catalogue (a bug in the caller).
    #[error("this command was started without the message catalogue")]
    NoCatalogue,
}

/// The running application's shared parts.
pub struct App {
    /// The settings it was built from.
    pub settings: Settings,
    /// The database.
    pub store: Store,
    /// The renderer (holding the catalogue); `None` when built by [`App::connect`].
    renderer: Option<Arc<Renderer>>,
    /// Sender identity for headers and links.
    pub identity: Arc<Identity>,
    /// Unsubscribe token signer.
    pub signer: TokenSigner,
    /// The installation's signing key (unsubscribe and confirmation links).
    signing_key: secrecy::SecretSlice<u8>,
}

impl App {
    /// Connects, migrates, loads the catalogue and the signing key.
    pub async fn build(settings: Settings) -> Result<Self, AppError> {
        // The catalogue first: a broken .ftl should fail fast, before any connection.
        let catalogue = Arc::new(Catalogue::load(&settings.locales)?);
        let renderer = Arc::new(Renderer::new(catalogue, settings.postal_address.clone())?);
        Self::assemble(settings, Some(renderer)).await
    }

    /// Connects, migrates and loads the signing key, without the catalogue:
    /// for work that never renders a message. Anything that needs the catalogue
    /// then fails with [`AppError::NoCatalogue`].
    pub async fn connect(settings: Settings) -> Result<Self, AppError> {
        Self::assemble(settings, None).await
    }

    async fn assemble(
        settings: Settings,
        renderer: Option<Arc<Renderer>>,
    ) -> Result<Self, AppError> {
        let identity = Arc::new(identity(&settings)?);
        let store = Store::connect(&settings.database_url, &settings.pool()).await?;
        let key = match &settings.secret {
            Some(secret) => {
                use secrecy::ExposeSecret;
                let key = TokenSigner::key_from_text(secret.expose_secret());
                // Anyone who guesses the key can forge an unsubscribe or
                // confirmation link for any person: it must be as strong as
                // the one willay generates.
                let bytes = key.expose_secret().len();
                if bytes < KEY_BYTES {
                    return Err(AppError::Setting {
                        name: "WILLAY_SECRET",
                        reason: format!(
                            "it gives a link-signing key of {bytes} bytes (text that is valid base64url \
                             is decoded first); it must be at least {KEY_BYTES} \
                             random bytes (256 bits), or anyone who guesses it can forge \
                             unsubscribe and confirmation links. Generate one with \
                             `openssl rand -base64 32`, or unset it to let willay generate \
                             and store one"
                        ),
                    });
                }
                key
            }
            None => TokenSigner::key_from_text(
                &store
                    .setting_or_insert(SECRET_SETTING, TokenSigner::generate_key)
                    .await?,
            ),
        };
        Ok(Self {
            settings,
            store,
            renderer,
            identity,
            signer: TokenSigner::new(&key),
            signing_key: key,
        })
    }

    /// The key that signs links; other link kinds derive their signers from it.
    pub fn signing_key(&self) -> &secrecy::SecretSlice<u8> {
        &self.signing_key
    }

    /// The renderer, or [`AppError::NoCatalogue`] for an app built by [`App::connect`].
    pub fn renderer(&self) -> Result<&Arc<Renderer>, AppError> {
        self.renderer.as_ref().ok_or(AppError::NoCatalogue)
    }

    /// The loaded catalogue.
    ///
    /// # Panics
    ///
    /// If the app was built by [`App::connect`]: only [`App::build`] loads it,
    /// and code that may run without it uses [`App::renderer`] instead.
    pub fn catalogue(&self) -> &Catalogue {
        self.renderer
            .as_ref()
            .expect("App::build loads the catalogue; App::connect does not")
            .catalogue()
    }

    /// A worker with these flags, sending through the configured transport.
    pub fn worker(&self, args: &WorkerArgs) -> Result<Worker, AppError> {
        self.settings
            .check_unsubscribe_links()
            .map_err(|e| AppError::Setting {
                name: "WILLAY_PUBLIC_URL",
                reason: e.to_string(),
            })?;
        let renderer = self.renderer()?.clone();
        let settings = args.settings();
        let transport = Transport::new(&self.settings.transport(settings.concurrency))?;
        Ok(Worker::new(
            self.store.clone(),
            renderer,
            self.identity.clone(),
            self.signer.clone(),
            transport,
            settings,
        ))
    }
}

fn identity(settings: &Settings) -> Result<Identity, AppError> {
    let from: Mailbox = settings.from.parse().map_err(|e| AppError::Setting {
        name: "WILLAY_FROM",
        reason: format!("`{}` is not a mailbox: {e}", settings.from),
    })?;
    let unsubscribe_mailto = match &settings.unsubscribe_mailto {
        Some(address) => address.parse().map_err(|e| AppError::Setting {
            name: "WILLAY_UNSUBSCRIBE_MAILTO",
            reason: format!("`{address}` is not an address: {e}"),
        })?,
        None => from.email.clone(),
    };
    let dkim = match &settings.dkim_key_file {
        Some(path) => {
            let key = std::fs::read_to_string(path).map_err(|e| AppError::Setting {
                name: "WILLAY_DKIM_KEY_FILE",
                reason: format!("cannot read {}: {e}", path.display()),
            })?;
            let config = dkim::signing_config(
                from.email.domain(),
                &settings.dkim_selector,
                &key,
                settings.dkim_algorithm,
            )
            .map_err(|e| AppError::Setting {
                name: "WILLAY_DKIM_KEY_FILE",
                reason: e.to_string(),
            })?;
            Some(Arc::new(config))
        }
        None => None,
    };
    Ok(Identity {
        from,
        unsubscribe_mailto,
        public_url: settings.public_url.clone(),
        dkim,
    })
}
