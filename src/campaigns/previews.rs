//! Previews: a message rendered for a sample person, in one language or all.

use unic_langid::LanguageIdentifier;

use crate::app::{App, AppError};
use crate::mail::DeliveryKey;
use crate::render::{Personalisation, RenderedEmail};
use crate::unsubscribe::{LinkKey, UnsubscribeToken};

/// The sample person previews are addressed to.
pub const SAMPLE_NAME: &str = "María Quispe";

/// The sample person's address (a reserved domain, RFC 2606).
pub const SAMPLE_ADDRESS: &str = "maria.quispe@example.org";

/// One locale's preview, as a reviewer opens it.
#[derive(Debug, Clone)]
pub struct LocalePreview {
    /// The catalogue locale asked for; `email.locale` says which one was used.
    pub locale: LanguageIdentifier,
    /// The rendered parts.
    pub email: RenderedEmail,
    /// The complete message, as the worker would hand it to the transport.
    pub eml: Vec<u8>,
}

impl App {
    /// The unsubscribe token a preview shows: signed, for nobody.
    fn sample_unsubscribe_token(&self) -> String {
        self.signer.sign(UnsubscribeToken {
            subscriber_id: 0,
            campaign_id: 0,
            link_key: LinkKey::SAMPLE,
        })
    }

    /// Renders a message as a sample person would get it (with a sample unsubscribe link).
    pub fn preview(
        &self,
        message_id: &str,
        language: &str,
        name: &str,
    ) -> Result<RenderedEmail, AppError> {
        self.check_message(message_id)?;
        let token = self.sample_unsubscribe_token();
        let url = self.composer.unsubscribe_url(&token);
        Ok(self.renderer().render(
            message_id,
            Personalisation {
                language,
                name,
                unsubscribe_url: &url,
            },
        )?)
    }

    /// Renders `message_id` in every catalogue locale for a sample person, each
    /// as the complete message [`crate::mail::MessageComposer::compose`] builds for a send.
    pub fn preview_all_locales(
        &self,
        message_id: &str,
        name: &str,
    ) -> Result<Vec<LocalePreview>, AppError> {
        self.check_message(message_id)?;
        let token = self.sample_unsubscribe_token();
        let url = self.composer.unsubscribe_url(&token);
        let key = DeliveryKey {
            campaign_id: 0,
            subscriber_id: 0,
        };
        let renderer = self.renderer();
        let mut previews = Vec::new();
        for locale in renderer.catalogue().locale_ids() {
            let language = locale.to_string();
            let email = renderer.render(
                message_id,
                Personalisation {
                    language: &language,
                    name,
                    unsubscribe_url: &url,
                },
            )?;
            let eml = self
                .composer
                .compose(&email, key, SAMPLE_ADDRESS, name, &token)?
                .formatted();
            previews.push(LocalePreview { locale, email, eml });
        }
        Ok(previews)
    }

    /// The locale chain a language tag negotiates to.
    pub fn chain(&self, language: &str) -> Vec<LanguageIdentifier> {
        self.catalogue().chain(language)
    }
}
