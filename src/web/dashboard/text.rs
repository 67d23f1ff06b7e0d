//! The dashboard in the staff member's language: words from
//! `locales/*/dashboard.ftl`, numbers and dates from CLDR (ICU4X's compiled
//! data), times in the dashboard's zone (Lima by default).

use axum::http::HeaderMap;
use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use fluent::{FluentArgs, FluentValue};
use icu_datetime::fieldsets::YMDT;
use icu_datetime::input::{Date, DateTime as IcuDateTime, Time};
use icu_datetime::options::TimePrecision;
use icu_datetime::{DateTimeFormatter, DateTimeFormatterPreferences};
use icu_decimal::input::Decimal;
use icu_decimal::{DecimalFormatter, DecimalFormatterPreferences};
use icu_locale_core::Locale;
use icu_locale_core::subtags::{Region, region};

use crate::access::Area;
use crate::domain::{CampaignStatus, Role, SubscriberStatus};
use crate::web::auth::Staff;
use crate::web::charts::ChartWords;
use crate::web::i18n::{Language, PageText};
use crate::web::state::WebState;

/// The words, numbers and times of one dashboard page.
pub(super) struct DashText<'a> {
    words: PageText<'a>,
    formats: Formats,
    /// The signed-in person's role, which decides the links the header offers.
    role: Option<Role>,
}

/// Numbers and times as one locale writes them, times in one zone.
struct Formats {
    numbers: Option<DecimalFormatter>,
    dates: Option<DateTimeFormatter<YMDT>>,
    offset: FixedOffset,
}

/// The region whose conventions numbers and dates follow when the language
/// names none: the dashboard serves staff in Peru (and keeps Lima time).
const REGION: Region = region!("PE");

impl Formats {
    fn new(tag: &str, offset: FixedOffset) -> Self {
        let locale = Locale::try_from_str(tag).ok().map(|mut locale| {
            locale.id.region.get_or_insert(REGION);
            locale
        });
        // CLDR knows every shipped locale; a tag it does not know formats as
        // the root locale would, which is still correct, only plainer.
        let numbers = locale.as_ref().and_then(|l| {
            DecimalFormatter::try_new(DecimalFormatterPreferences::from(l), Default::default()).ok()
        });
        let dates = locale.as_ref().and_then(|l| {
            let fields = YMDT::medium().with_time_precision(TimePrecision::Minute);
            DateTimeFormatter::try_new(DateTimeFormatterPreferences::from(l), fields).ok()
        });
        Self {
            numbers,
            dates,
            offset,
        }
    }

    fn number(&self, value: i64) -> String {
        match &self.numbers {
            Some(numbers) => numbers.format(&Decimal::from(value)).to_string(),
            None => value.to_string(),
        }
    }

    fn time(&self, rfc3339: Option<&str>) -> String {
        rfc3339
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| self.local(t.with_timezone(&self.offset)))
            .unwrap_or_else(|| "—".into())
    }

    fn local(&self, t: DateTime<FixedOffset>) -> String {
        let fallback = || t.format("%Y-%m-%d %H:%M").to_string();
        let Some(dates) = &self.dates else {
            return fallback();
        };
        let date = Date::try_new_iso(t.year(), t.month() as u8, t.day() as u8);
        let time = Time::try_new(t.hour() as u8, t.minute() as u8, 0, 0);
        match (date, time) {
            (Ok(date), Ok(time)) => dates.format(&IcuDateTime { date, time }).to_string(),
            _ => fallback(),
        }
    }
}

impl<'a> DashText<'a> {
    /// The page of a signed-in staff member, in her language (her stored
    /// choice, or what her browser asked for).
    pub(super) fn for_staff(state: &'a WebState, staff: &Staff) -> Self {
        let mut text = Self::new(state, PageText::for_tag(state.app.catalogue(), &staff.lang));
        text.role = Some(staff.session.role);
        text
    }

    /// A page before anyone has signed in, in the reference language.
    pub(super) fn reference(state: &'a WebState) -> Self {
        Self::new(state, PageText::for_tag(state.app.catalogue(), ""))
    }

    /// A page before anyone has signed in: `?lang=`, else `Accept-Language`.
    pub(super) fn for_visitor(
        state: &'a WebState,
        chosen: Option<&str>,
        headers: &HeaderMap,
    ) -> Self {
        Self::new(
            state,
            PageText::for_request(state.app.catalogue(), chosen, headers),
        )
    }

    fn new(state: &'a WebState, words: PageText<'a>) -> Self {
        Self {
            formats: Formats::new(&words.lang(), state.config.offset()),
            words,
            role: None,
        }
    }

    /// The page's language tag.
    pub(super) fn lang(&self) -> String {
        self.words.lang()
    }

    /// The message `id`.
    pub(super) fn get(&self, id: &str) -> String {
        self.words.get(id)
    }

    /// The message `id` with one argument, as text (counts come formatted by [`Self::num`]).
    pub(super) fn with(&self, id: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.words.with(id, name, value.to_string())
    }

    /// The message `id` with several arguments, as text.
    pub(super) fn args(&self, id: &str, pairs: &[(&str, String)]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in pairs {
            args.set(*name, FluentValue::from(value.clone()));
        }
        self.words.format(id, Some(&args))
    }

    /// Whether the catalogue has message `id` (for messages chosen at run time).
    pub(super) fn has(&self, id: &str) -> bool {
        let catalogue = self.words.catalogue();
        catalogue.has_message(&catalogue.reference(), id)
    }

    /// A count with the locale's digit grouping, e.g. `628,000` or `628 000`.
    pub(super) fn num(&self, value: impl std::borrow::Borrow<i64>) -> String {
        self.formats.number(*value.borrow())
    }

    /// An RFC 3339 time, in the dashboard's zone, in the locale's words; `—` for none.
    pub(super) fn time(&self, rfc3339: Option<&str>) -> String {
        self.formats.time(rfc3339)
    }

    /// A stored time (milliseconds, UTC) in the dashboard's zone; `—` for none.
    pub(super) fn at(&self, millis: &Option<i64>) -> String {
        let utc = millis.and_then(chrono::DateTime::from_timestamp_millis);
        self.formats.time(utc.map(|t| t.to_rfc3339()).as_deref())
    }

    /// A stored time that is always there, as [`Self::at`] writes it.
    pub(super) fn at_ms(&self, millis: &i64) -> String {
        self.at(&Some(*millis))
    }

    /// Whether the signed-in person's role opens `area` (for the header's links).
    pub(super) fn opens(&self, area: &str) -> bool {
        let area = match area {
            "audience" => Area::Audience,
            "campaigns" => Area::Campaigns,
            "progress" => Area::Progress,
            "messages" => Area::Messages,
            "staff" => Area::Staff,
            _ => return false,
        };
        self.role.is_some_and(|r| r.may(area))
    }

    /// A subscriber state in words, e.g. `confirmada`.
    pub(super) fn person_status(&self, status: &str) -> String {
        match status.parse::<SubscriberStatus>() {
            Ok(status) => self.get(&format!("dash-person-status-{status}")),
            Err(_) => status.to_owned(),
        }
    }

    /// A campaign state in words, e.g. `en pausa`.
    pub(super) fn status(&self, status: &str) -> String {
        match status.parse::<CampaignStatus>() {
            Ok(status) => self.get(&format!("dash-status-{status}")),
            Err(_) => status.to_owned(),
        }
    }

    /// A role in words, e.g. `analista`.
    pub(super) fn role(&self, role: Role) -> String {
        self.get(&format!("dash-role-{}", role.as_str()))
    }

    /// Every dashboard language with its own name, for the switcher.
    pub(super) fn languages(&self) -> Vec<Language> {
        self.words.languages()
    }
}

impl ChartWords for DashText<'_> {
    fn number(&self, value: i64) -> String {
        self.num(value)
    }

    fn no_data(&self) -> String {
        self.get("dash-chart-no-data")
    }

    fn no_deliveries(&self) -> String {
        self.get("dash-chart-no-deliveries")
    }

    fn unnamed(&self) -> String {
        self.get("dash-chart-unnamed")
    }

    fn day(&self, day: &str, people: i64, messages: i64) -> String {
        self.args(
            "dash-chart-day-point",
            &[
                ("day", day.to_owned()),
                ("people", self.num(people)),
                ("messages", self.num(messages)),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMA: i32 = -5 * 3600;

    #[test]
    fn numbers_and_times_are_written_as_each_locale_writes_them() {
        let lima = FixedOffset::east_opt(LIMA).unwrap();
        // 20:05 UTC is 15:05 in Lima; Peru's CLDR conventions unless the tag names a region.
        let at = Some("2026-12-04T20:05:00Z");
        for (tag, number, time) in [
            ("es", "628,000", "4 dic. 2026, 3:05\u{202f}p.\u{202f}m."),
            ("es-ES", "628.000", "4 dic 2026, 15:05"),
            ("qu", "628,000", "4 Dic 2026, 3:05\u{202f}p.m."),
            ("en", "628,000", "Dec 4, 2026, 3:05\u{202f}PM"),
        ] {
            let formats = Formats::new(tag, lima);
            assert_eq!(formats.number(628_000), number, "{tag}");
            assert_eq!(formats.time(at), time, "{tag}");
        }
        assert_eq!(Formats::new("es", lima).time(None), "—");
    }
}
