//! Builds the application from settings: store, catalogue, renderer, composer.
//!
//! The CLI and the tests both start here, so a test runs exactly what a user runs.
//! Commands that never render (lists, imports, reach…) run on an
//! `App<NoCatalogue>` from [`App::connect`] and work wherever they are run,
//! without the catalogue folder; those that render ask for an [`App`] in their
//! types, which only [`App::build`] makes.

use std::sync::Arc;

use lettre::message::Mailbox;

use crate::catalogue::{Catalogue, CatalogueError};
use crate::config::{Settings, WorkerArgs};
use crate::mail::{ComposeError, MessageComposer, Transport, TransportError, dkim};
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
    /// The rendered words do not make a MIME message.
    #[error(transparent)]
    Compose(#[from] ComposeError),
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
    /// A file could not be read or written: the disk's fault, not the request's.
    #[error("{doing}: {error}")]
    Io {
        /// What was being done, with the file (`cannot read bounces.txt`).
        doing: String,
        /// What the system said.
        error: std::io::Error,
    },
}

/// What an app from [`App::connect`] renders with: nothing. Code that renders
/// or reads the catalogue takes an [`App`] (its default, with the renderer).
#[derive(Debug, Clone, Copy)]
pub struct NoCatalogue;

/// The running application's shared parts; `R` is what it renders with: the
/// catalogue's renderer after [`App::build`], [`NoCatalogue`] after [`App::connect`].
pub struct App<R = Arc<Renderer>> {
    /// The settings it was built from.
    pub settings: Settings,
    /// The database.
    pub store: Store,
    /// The renderer (holding the catalogue), or [`NoCatalogue`].
    renderer: R,
    /// Builds the messages, as the organisation.
    pub composer: Arc<MessageComposer>,
    /// Unsubscribe token signer.
    pub signer: TokenSigner,
    /// The installation's signing key (unsubscribe and confirmation links).
    signing_key: secrecy::SecretSlice<u8>,
}

impl App {
    /// Loads the catalogue, then connects, migrates and loads the signing key.
    pub async fn build(settings: Settings) -> Result<Self, AppError> {
        // The catalogue first: a broken .ftl should fail fast, before any connection.
        let catalogue = Arc::new(Catalogue::load(&settings.locales)?);
        let renderer = Arc::new(Renderer::new(catalogue, settings.postal_address.clone())?);
        App::assemble(settings, renderer).await
    }

    /// The renderer.
    pub fn renderer(&self) -> &Arc<Renderer> {
        &self.renderer
    }

    /// The loaded catalogue.
    pub fn catalogue(&self) -> &Catalogue {
        self.renderer.catalogue()
    }

    /// A worker with these flags, sending through the configured transport.
    pub fn worker(&self, args: &WorkerArgs) -> Result<Worker, AppError> {
        self.settings
            .check_unsubscribe_links()
            .map_err(|e| AppError::Setting {
                name: "WILLAY_PUBLIC_URL",
                reason: e.to_string(),
            })?;
        let settings = args.settings();
        let transport = Transport::new(&self.settings.transport(settings.concurrency))?;
        Ok(Worker::new(
            self.store.clone(),
            self.renderer.clone(),
            self.composer.clone(),
            self.signer.clone(),
            transport,
            settings,
        ))
    }
}

impl App<NoCatalogue> {
    /// Connects, migrates and loads the signing key, without the catalogue:
    /// for work that never renders a message.
    pub async fn connect(settings: Settings) -> Result<Self, AppError> {
        App::assemble(settings, NoCatalogue).await
    }
}

impl<R> App<R> {
    async fn assemble(settings: Settings, renderer: R) -> Result<Self, AppError> {
        let composer = Arc::new(composer(&settings)?);
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
            composer,
            signer: TokenSigner::new(&key),
            signing_key: key,
        })
    }

    /// The key that signs links; other link kinds derive their signers from it.
    pub fn signing_key(&self) -> &secrecy::SecretSlice<u8> {
        &self.signing_key
    }
}

fn composer(settings: &Settings) -> Result<MessageComposer, AppError> {
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
    Ok(MessageComposer {
        from,
        unsubscribe_mailto,
        public_url: settings.public_url.clone(),
        dkim,
    })
}
