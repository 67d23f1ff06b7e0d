//! Charts as SVG drawn on the server: no script, readable by screen readers
//! (`<title>`, `<desc>`, `role="img"`) and labelled with words and numbers,
//! never by colour alone.

use std::fmt::Write;

use crate::store::DayReach;

/// The words and number format of the page a chart sits on.
pub trait ChartWords {
    /// A count as the page's locale writes it.
    fn number(&self, value: i64) -> String;
    /// Said by a chart with nothing to show.
    fn no_data(&self) -> String;
    /// Said by the chart of days before anything was delivered.
    fn no_deliveries(&self) -> String;
    /// The label of a bar whose name is empty (a person without a region).
    fn unnamed(&self) -> String;
    /// One day's column: its date, people reached and messages delivered.
    fn day(&self, day: &str, people: i64, messages: i64) -> String;
}

const WIDTH: i64 = 460;
const WIDE: i64 = 900;
const BAR: &str = "#6b2c91";

/// Escapes text for SVG/XML content and attributes.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn open(out: &mut String, id: &str, width: i64, height: i64, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" aria-labelledby="{id}-t {id}-d"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(title),
        esc(desc)
    );
}

/// Horizontal bars, one per labelled value, largest first.
pub fn bars(id: &str, title: &str, rows: &[(String, i64)], words: &dyn ChartWords) -> String {
    let mut rows = rows.to_vec();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let desc = if rows.is_empty() {
        words.no_data()
    } else {
        rows.iter()
            .map(|(label, value)| format!("{label}: {}", words.number(*value)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let row_height = 30;
    let height = (rows.len().max(1) as i64) * row_height + 10;
    let mut out = String::new();
    open(&mut out, id, WIDTH, height, title, &desc);
    if rows.is_empty() {
        let _ = write!(
            out,
            r##"<text x="0" y="24" font-size="15" fill="#4a4a4a">{}</text>"##,
            esc(&words.no_data())
        );
    }
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let (label_width, bar_space) = (130, WIDTH - 130 - 50);
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = i as i64 * row_height + 5;
        let width = (value * bar_space / max).max(if *value > 0 { 2 } else { 0 });
        let shown: String = label.chars().take(20).collect();
        let shown = if shown.is_empty() {
            words.unnamed()
        } else {
            shown
        };
        let number = esc(&words.number(*value));
        let _ = write!(
            out,
            r##"<g><text x="{}" y="{}" text-anchor="end" font-size="15" fill="#1f1f1f">{}</text><rect x="{label_width}" y="{y}" width="{width}" height="{}" rx="3" fill="{BAR}"><title>{}: {number}</title></rect><text x="{}" y="{}" font-size="15" font-weight="700" fill="#1f1f1f">{number}</text></g>"##,
            label_width - 8,
            y + 19,
            esc(&shown),
            row_height - 8,
            esc(label),
            label_width + width + 6,
            y + 19,
        );
    }
    out.push_str("</svg>");
    out
}

/// Every day from the first to the last, days without deliveries as zero, so
/// the time axis is even.
fn fill_gaps(days: &[DayReach]) -> Vec<DayReach> {
    let parse = |d: &DayReach| chrono::NaiveDate::parse_from_str(&d.day, "%Y-%m-%d").ok();
    let (Some(first), Some(last)) = (days.first().and_then(parse), days.last().and_then(parse))
    else {
        return days.to_vec();
    };
    if (last - first).num_days() > 400 {
        return days.to_vec();
    }
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|date| {
            let day = date.format("%Y-%m-%d").to_string();
            days.iter()
                .find(|d| d.day == day)
                .cloned()
                .unwrap_or(DayReach {
                    day,
                    people_reached: 0,
                    messages_delivered: 0,
                })
        })
        .collect()
}

/// Columns per day, with the date under every few columns and the peak marked.
pub fn days(id: &str, title: &str, days: &[DayReach], words: &dyn ChartWords) -> String {
    let days = &fill_gaps(days);
    let desc = if days.is_empty() {
        words.no_deliveries()
    } else {
        days.iter()
            .map(|d| words.day(&d.day, d.people_reached, d.messages_delivered))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let (height, top, bottom, left) = (250, 28, 40, 48);
    let plot_height = height - top - bottom;
    let plot_width = WIDE - left - 10;
    let mut out = String::new();
    open(&mut out, id, WIDE, height, title, &desc);
    let max = days
        .iter()
        .map(|d| d.people_reached)
        .max()
        .unwrap_or(0)
        .max(1);
    // Axis and the peak gridline, labelled.
    let _ = write!(
        out,
        r##"<line x1="{left}" y1="{}" x2="{}" y2="{}" stroke="#8a8175"/><line x1="{left}" y1="{top}" x2="{}" y2="{top}" stroke="#d8d2c8" stroke-dasharray="4 3"/><text x="{}" y="{}" text-anchor="end" font-size="14" fill="#4a4a4a">{}</text><text x="{}" y="{}" text-anchor="end" font-size="14" fill="#4a4a4a">0</text>"##,
        top + plot_height,
        left + plot_width,
        top + plot_height,
        left + plot_width,
        left - 6,
        top + 4,
        esc(&words.number(max)),
        left - 6,
        top + plot_height + 4,
    );
    if days.is_empty() {
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="15" fill="#4a4a4a">{}</text>"##,
            left + 10,
            top + plot_height / 2,
            esc(&words.no_deliveries())
        );
    }
    let n = days.len().max(1) as i64;
    let slot = plot_width / n;
    let column = (slot * 7 / 10).clamp(3, 60);
    let label_every = (n / 8).max(1);
    for (i, d) in days.iter().enumerate() {
        let i = i as i64;
        let h = d.people_reached * plot_height / max;
        let x = left + i * slot + (slot - column) / 2;
        let _ = write!(
            out,
            r##"<rect x="{x}" y="{}" width="{column}" height="{h}" fill="{BAR}"><title>{}</title></rect>"##,
            top + plot_height - h,
            esc(&words.day(&d.day, d.people_reached, d.messages_delivered)),
        );
        if n <= 31 {
            let _ = write!(
                out,
                r##"<text x="{}" y="{}" text-anchor="middle" font-size="14" font-weight="700" fill="#1f1f1f">{}</text>"##,
                x + column / 2,
                top + plot_height - h - 5,
                esc(&words.number(d.people_reached))
            );
        }
        if i % label_every == 0 || i == n - 1 {
            let _ = write!(
                out,
                r##"<text x="{}" y="{}" text-anchor="middle" font-size="14" fill="#1f1f1f">{}</text>"##,
                x + column / 2,
                top + plot_height + 18,
                esc(d.day.get(5..).unwrap_or(&d.day))
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words as a test reads them: plain English, digits grouped with `_`.
    struct Plain;

    impl ChartWords for Plain {
        fn number(&self, value: i64) -> String {
            if value >= 1000 {
                format!("{}_{:03}", value / 1000, value % 1000)
            } else {
                value.to_string()
            }
        }
        fn no_data(&self) -> String {
            "nothing".into()
        }
        fn no_deliveries(&self) -> String {
            "nothing delivered".into()
        }
        fn unnamed(&self) -> String {
            "(none)".into()
        }
        fn day(&self, day: &str, people: i64, messages: i64) -> String {
            format!("{day}: {} people, {messages} messages", self.number(people))
        }
    }

    #[test]
    fn bars_are_labelled_and_escaped() {
        let svg = bars(
            "lang",
            "People reached by language",
            &[("qu".into(), 5), ("<es>".into(), 9)],
            &Plain,
        );
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<title id=\"lang-t\">People reached by language</title>"));
        assert!(svg.contains("&lt;es&gt;: 9; qu: 5"), "{svg}");
        assert!(!svg.contains("<es>"));
        assert!(
            svg.find("&lt;es&gt;").unwrap() < svg.find(">qu<").unwrap(),
            "largest first"
        );
    }

    #[test]
    fn days_show_values_and_dates() {
        let svg = days(
            "d",
            "By day",
            &[DayReach {
                day: "2026-11-25".into(),
                people_reached: 7_500,
                messages_delivered: 9,
            }],
            &Plain,
        );
        assert!(
            svg.contains("2026-11-25: 7_500 people, 9 messages"),
            "{svg}"
        );
        assert!(svg.contains(">11-25<"));
    }

    #[test]
    fn days_without_deliveries_are_drawn_as_zero() {
        let day = |d: &str, n| DayReach {
            day: d.into(),
            people_reached: n,
            messages_delivered: n,
        };
        let filled = fill_gaps(&[day("2026-02-27", 3), day("2026-03-02", 5)]);
        let shown: Vec<(&str, i64)> = filled
            .iter()
            .map(|d| (d.day.as_str(), d.people_reached))
            .collect();
        assert_eq!(
            shown,
            [
                ("2026-02-27", 3),
                ("2026-02-28", 0),
                ("2026-03-01", 0),
                ("2026-03-02", 5)
            ]
        );
    }
}
