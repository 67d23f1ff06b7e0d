//! Live progress of campaigns from the ledger: a bar per campaign on a
//! terminal, plain lines anywhere else (a log file, journald, a pipe).

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::domain::CampaignStatus;
use tokio_util::sync::CancellationToken;

use crate::store::{Campaign, LedgerCounts, Millis, Store, StoreError, now_millis};

/// How often bars are redrawn from the ledger.
pub(super) const REDRAW_EVERY: Duration = Duration::from_secs(1);
/// How often a plain progress line is written off a terminal.
pub(super) const LINE_EVERY: Duration = Duration::from_secs(30);

/// The bars on screen, so log lines can be written above them instead of
/// through them.
static BARS: OnceLock<MultiProgress> = OnceLock::new();

/// Runs `write` with the progress bars (if any) lifted off the terminal.
pub fn above_bars<T>(write: impl FnOnce() -> T) -> T {
    match BARS.get() {
        Some(bars) => bars.suspend(write),
        None => write(),
    }
}

/// One campaign's standing at one moment.
#[derive(Debug, Clone)]
pub(super) struct Standing {
    pub campaign: Campaign,
    pub counts: LedgerCounts,
}

impl Standing {
    fn settled(&self) -> i64 {
        self.counts.sent + self.counts.failed + self.counts.skipped
    }

    fn finished(&self) -> bool {
        matches!(
            self.campaign.status,
            CampaignStatus::Done | CampaignStatus::Cancelled
        )
    }
}

/// Messages settled per second over the time watched, and what that leaves.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pace {
    first: (Instant, i64),
    last: (Instant, i64),
}

impl Pace {
    fn new(at: Instant, settled: i64) -> Self {
        Self {
            first: (at, settled),
            last: (at, settled),
        }
    }

    fn update(&mut self, at: Instant, settled: i64) {
        self.last = (at, settled);
    }

    /// Settled messages per second, once there is a second to measure.
    pub(super) fn per_second(&self) -> Option<f64> {
        let seconds = self.last.0.duration_since(self.first.0).as_secs_f64();
        (seconds >= 1.0).then(|| (self.last.1 - self.first.1).max(0) as f64 / seconds)
    }

    /// Time left for `remaining` messages at this pace.
    pub(super) fn left(&self, remaining: i64) -> Option<Duration> {
        self.per_second()
            .filter(|rate| *rate > 0.0)
            .map(|rate| Duration::from_secs_f64(remaining as f64 / rate))
    }
}

/// The words of one campaign's progress: "120 sent, 3 failed, 877 pending of
/// 1000 · 41/s · about 21s left".
pub(super) fn describe(standing: &Standing, pace: Option<&Pace>) -> String {
    let c = &standing.counts;
    let remaining = c.pending + c.sending;
    let mut text = format!(
        "{} sent, {} failed, {} skipped, {} pending of {}",
        c.sent,
        c.failed,
        c.skipped,
        remaining,
        c.total()
    );
    match standing.campaign.status {
        CampaignStatus::Running => {
            if let Some(rate) = pace.and_then(Pace::per_second) {
                text.push_str(&format!(" · {rate:.0}/s"));
            }
            if let Some(left) = pace.and_then(|p| p.left(remaining)) {
                text.push_str(&format!(" · about {} left", humantime(left)));
            }
        }
        status => text.push_str(&format!(" · {status}")),
    }
    text
}

fn humantime(left: Duration) -> String {
    let secs = left.as_secs();
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m {}s", secs / 60, secs % 60),
        _ => format!("{}h {}m", secs / 3600, secs / 60 % 60),
    }
}

/// A campaign's label for a terminal: its id and name, with control
/// characters (which could move the cursor or rewrite the screen) replaced.
fn label(campaign: &Campaign) -> String {
    let name: String = campaign
        .name
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(40)
        .collect();
    format!("campaign {} «{name}»", campaign.id)
}

/// Adds this moment to the campaign's pace (its first moment starts it).
fn observe<'a>(paces: &'a mut BTreeMap<i64, Pace>, standing: &Standing, now: Instant) -> &'a Pace {
    paces
        .entry(standing.campaign.id)
        .and_modify(|p| p.update(now, standing.settled()))
        .or_insert_with(|| Pace::new(now, standing.settled()))
}

/// Where progress goes: bars on the terminal, or plain lines.
pub(super) enum Board {
    /// A bar per campaign on stderr.
    Bars {
        bars: MultiProgress,
        shown: BTreeMap<i64, ProgressBar>,
        paces: BTreeMap<i64, Pace>,
    },
    /// A line per campaign every [`LINE_EVERY`], by `emit`.
    Lines {
        paces: BTreeMap<i64, Pace>,
        last: Option<Instant>,
        emit: fn(&str, &Standing),
    },
}

impl Board {
    /// Bars when stderr is a terminal; otherwise lines handed to `emit`.
    pub(super) fn new(emit: fn(&str, &Standing)) -> Self {
        let target = ProgressDrawTarget::stderr();
        if target.is_hidden() {
            return Board::Lines {
                paces: BTreeMap::new(),
                last: None,
                emit,
            };
        }
        let bars = BARS
            .get_or_init(|| MultiProgress::with_draw_target(target))
            .clone();
        Board::Bars {
            bars,
            shown: BTreeMap::new(),
            paces: BTreeMap::new(),
        }
    }

    /// Shows where each campaign stands; `last` says this is the final view
    /// (bars are finished, every line is written).
    pub(super) fn show(&mut self, standings: &[Standing], now: Instant, last: bool) {
        match self {
            Board::Bars { bars, shown, paces } => {
                for standing in standings {
                    let id = standing.campaign.id;
                    let pace = observe(paces, standing, now);
                    let bar = shown.entry(id).or_insert_with(|| {
                        let bar = bars.add(ProgressBar::new(0));
                        bar.set_style(
                            ProgressStyle::with_template("{prefix} [{bar:30}] {percent:>3}% {msg}")
                                .expect("a valid template")
                                .progress_chars("=> "),
                        );
                        bar.set_prefix(label(&standing.campaign));
                        bar
                    });
                    bar.set_length(standing.counts.total().max(0) as u64);
                    bar.set_position(standing.settled().max(0) as u64);
                    bar.set_message(describe(standing, Some(pace)));
                    if standing.finished() || last {
                        bar.finish();
                    }
                }
                if last && !shown.is_empty() {
                    // What is printed next starts below the bars, not beside them.
                    use std::io::Write as _;
                    let _ = writeln!(std::io::stderr());
                }
            }
            Board::Lines {
                paces,
                last: at,
                emit,
            } => {
                for standing in standings {
                    observe(paces, standing, now);
                }
                let due = at.is_none_or(|at| now.duration_since(at) >= LINE_EVERY);
                if !(due || last) {
                    return;
                }
                *at = Some(now);
                for standing in standings {
                    let pace = paces.get(&standing.campaign.id);
                    emit(&describe(standing, pace), standing);
                }
            }
        }
    }
}

impl Board {
    /// How often the ledger is read for this board: a terminal is redrawn
    /// every second; a log gets a line every half minute, and the worker's
    /// database no more reads than that.
    fn every(&self) -> Duration {
        match self {
            Board::Bars { .. } => REDRAW_EVERY,
            Board::Lines { .. } => LINE_EVERY,
        }
    }
}

/// A worker's board, until `stop`: every campaign it works on, shown one
/// last time when it stops.
pub(super) async fn follow_worker(store: Store, stop: CancellationToken) {
    let since = now_millis();
    let mut board = Board::new(|text, standing| {
        // Ids and counts only: a campaign's name is staff's words, kept off the log.
        tracing::info!(
            campaign_id = standing.campaign.id,
            "campaign progress: {text}"
        );
    });
    loop {
        let last = tokio::select! {
            () = stop.cancelled() => true,
            () = tokio::time::sleep(board.every()) => false,
        };
        match active_since(&store, since).await {
            Ok(standings) => board.show(&standings, Instant::now(), last),
            Err(error) => tracing::warn!(%error, "cannot read the campaigns' progress"),
        }
        if last {
            return;
        }
    }
}

/// `willay campaigns watch ID`: its bar (or a line now, every half minute
/// and at the end) until it is done or cancelled, or `stop`.
pub(super) async fn watch(
    store: &Store,
    id: i64,
    stop: CancellationToken,
) -> Result<(), StoreError> {
    let mut board = Board::new(|text, standing| {
        note_line(&format!("{}: {text}", label(&standing.campaign)));
    });
    loop {
        let standing = one(store, id).await?;
        let last = standing.finished() || stop.is_cancelled();
        board.show(std::slice::from_ref(&standing), Instant::now(), last);
        if last {
            return Ok(());
        }
        tokio::select! {
            () = stop.cancelled() => {}
            () = tokio::time::sleep(REDRAW_EVERY) => {}
        }
    }
}

/// A progress line on stdout; a closed pipe drops it.
fn note_line(text: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout(), "{text}");
}

/// The campaigns a worker's board shows: those running or paused, and those
/// that finished since `since` (so a run that ends between two redraws is
/// still shown done).
pub(super) async fn active_since(
    store: &Store,
    since: Millis,
) -> Result<Vec<Standing>, StoreError> {
    let mut standings = Vec::new();
    for campaign in store.campaigns().await? {
        let active = matches!(
            campaign.status,
            CampaignStatus::Running | CampaignStatus::Paused
        ) || campaign.finished_at.is_some_and(|at| at >= since);
        if active {
            let counts = store.ledger_counts(campaign.id).await?;
            standings.push(Standing { campaign, counts });
        }
    }
    standings.reverse();
    Ok(standings)
}

/// One campaign's standing.
pub(super) async fn one(store: &Store, id: i64) -> Result<Standing, StoreError> {
    Ok(Standing {
        campaign: store.campaign(id).await?,
        counts: store.ledger_counts(id).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(status: CampaignStatus, sent: i64, pending: i64) -> Standing {
        Standing {
            campaign: Campaign {
                id: 7,
                name: "Ica\u{1b}[2J".into(),
                message_id: "m".into(),
                status,
                scheduled_at: None,
                started_at: None,
                finished_at: None,
                lists: vec![],
            },
            counts: LedgerCounts {
                pending,
                sent,
                failed: 2,
                ..LedgerCounts::default()
            },
        }
    }

    #[test]
    fn a_running_campaign_says_its_rate_and_time_left() {
        let start = Instant::now();
        let mut pace = Pace::new(start, 0);
        pace.update(start + Duration::from_secs(10), 400);
        assert_eq!(pace.per_second(), Some(40.0));
        let text = describe(&standing(CampaignStatus::Running, 398, 1200), Some(&pace));
        assert_eq!(
            text,
            "398 sent, 2 failed, 0 skipped, 1200 pending of 1600 · 40/s · about 30s left"
        );
    }

    #[test]
    fn no_rate_before_a_second_has_passed_and_status_words_otherwise() {
        let start = Instant::now();
        let pace = Pace::new(start, 5);
        assert_eq!(pace.per_second(), None);
        for (status, ends) in [
            (CampaignStatus::Running, "of 12"),
            (CampaignStatus::Paused, "of 12 · paused"),
            (CampaignStatus::Done, "of 12 · done"),
        ] {
            let text = describe(&standing(status, 5, 5), Some(&pace));
            assert!(text.ends_with(ends), "{text}");
        }
    }

    #[test]
    fn a_name_cannot_write_escape_codes_to_the_terminal() {
        assert_eq!(
            label(&standing(CampaignStatus::Running, 0, 0).campaign),
            "campaign 7 «Ica?[2J»"
        );
    }

    #[test]
    fn off_a_terminal_a_line_is_written_at_once_every_half_minute_and_at_the_end() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static WRITTEN: AtomicUsize = AtomicUsize::new(0);
        let mut board = Board::Lines {
            paces: BTreeMap::new(),
            last: None,
            emit: |_, _| {
                WRITTEN.fetch_add(1, Ordering::SeqCst);
            },
        };
        let start = Instant::now();
        let standings = [standing(CampaignStatus::Running, 1, 9)];
        for (after, last, written) in [
            (0, false, 1),
            (1, false, 1),
            (29, false, 1),
            (30, false, 2),
            (31, false, 2),
            (32, true, 3),
        ] {
            board.show(&standings, start + Duration::from_secs(after), last);
            assert_eq!(WRITTEN.load(Ordering::SeqCst), written, "after {after}s");
        }
    }

    #[test]
    fn time_left_reads_as_people_say_it() {
        for (secs, words) in [(59, "59s"), (61, "1m 1s"), (7260, "2h 1m")] {
            assert_eq!(humantime(Duration::from_secs(secs)), words);
        }
    }
}
