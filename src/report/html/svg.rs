//! A small SVG writer and the number formats of the report.
//!
//! Written by hand rather than with plotters: the report needs per-element
//! `<title>` tooltips and `data-*` attributes (what a reader hovers over,
//! what the tests count), CSS classes instead of inline colours, and output
//! that is byte-for-byte the same for the same inputs; the charts are bars,
//! lines and dots, and plotters without a font feature can only guess text
//! extents for its layout.

use std::fmt::Write;

/// Escapes text for HTML and SVG content and attribute values.
pub fn esc(text: &str) -> String {
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

/// A coordinate with one decimal, without a trailing `.0`.
pub fn num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    // -0.0 would print as "-0".
    let rounded = if rounded == 0.0 { 0.0 } else { rounded };
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// Whole currency units with thousands separators: `28,738,739`.
pub fn money(value: f64) -> String {
    crate::report::plan::format_money(value)
}

/// Short money for chart labels: `28.7 M`, `382 k`, `950`.
pub fn short_money(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1e9 {
        format!("{:.2} bn", value / 1e9)
    } else if magnitude >= 1e6 {
        format!("{:.1} M", value / 1e6)
    } else if magnitude >= 1e3 {
        format!("{:.0} k", value / 1e3)
    } else {
        format!("{value:.0}")
    }
}

/// A share as a percentage with `digits` decimals: `95.00%`.
pub fn percent(share: f64, digits: usize) -> String {
    format!("{:.*}%", digits, share * 100.0)
}

/// About `count` (at most 1.5 x `count`) round tick values within
/// `[low, high]`: steps of 1, 2, 2.5 or 5 times a power of ten.
pub fn ticks(low: f64, high: f64, count: usize) -> Vec<f64> {
    if high.partial_cmp(&low) != Some(std::cmp::Ordering::Greater) || count == 0 {
        return vec![low];
    }
    let raw = (high - low) / count as f64;
    let power = 10f64.powf(raw.log10().floor());
    // The finest round step giving at most half again as many intervals.
    let step = [1.0, 2.0, 2.5, 5.0, 10.0, 20.0]
        .iter()
        .map(|m| m * power)
        .find(|s| (high - low) / s <= count as f64 * 1.5 + 1e-9)
        .unwrap_or(20.0 * power);
    let first = (low / step).ceil() as i64;
    let last = (high / step + 1e-9).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// An SVG document being written.
pub struct Svg {
    out: String,
}

impl Svg {
    /// An SVG of `width` x `height` user units that scales to its container.
    pub fn new(width: f64, height: f64, class: &str, label: &str) -> Svg {
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg class=\"{class}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{label}\">",
            w = num(width),
            h = num(height),
            label = esc(label)
        );
        Svg { out }
    }

    /// Writes markup as it is (the caller escapes).
    pub fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// Opens a group with a class and extra attributes (already escaped).
    pub fn group(&mut self, class: &str, attributes: &str) {
        let _ = write!(self.out, "<g class=\"{class}\"{attributes}>");
    }

    /// Closes the group opened last.
    pub fn end_group(&mut self) {
        self.out.push_str("</g>");
    }

    /// A rectangle; `tip` becomes its hover text.
    pub fn rect(
        &mut self,
        x: f64,
        y: f64,
        width: f64,
        height: f64,
        class: &str,
        tip: Option<&str>,
    ) {
        let _ = write!(
            self.out,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
            num(x),
            num(y),
            num(width.max(0.0)),
            num(height.max(0.0))
        );
        self.close(tip, "rect");
    }

    /// A straight line.
    pub fn line(&mut self, from: (f64, f64), to: (f64, f64), class: &str) {
        let _ = write!(
            self.out,
            "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
            num(from.0),
            num(from.1),
            num(to.0),
            num(to.1)
        );
    }

    /// A circle with extra attributes (already escaped, leading space).
    pub fn circle(
        &mut self,
        center: (f64, f64),
        radius: f64,
        class: &str,
        attributes: &str,
        tip: Option<&str>,
    ) {
        let _ = write!(
            self.out,
            "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\"{attributes}",
            num(center.0),
            num(center.1),
            num(radius)
        );
        self.close(tip, "circle");
    }

    /// A closed polygon (markers).
    pub fn polygon(&mut self, points: &[(f64, f64)], class: &str, tip: Option<&str>) {
        let _ = write!(
            self.out,
            "<polygon class=\"{class}\" points=\"{}\"",
            coords(points)
        );
        self.close(tip, "polygon");
    }

    /// An open line through `points`.
    pub fn polyline(&mut self, points: &[(f64, f64)], class: &str) {
        let _ = write!(
            self.out,
            "<polyline class=\"{class}\" points=\"{}\"/>",
            coords(points)
        );
    }

    /// Text; `anchor` is `start`, `middle` or `end`.
    pub fn text(&mut self, at: (f64, f64), anchor: &str, class: &str, text: &str) {
        let _ = write!(
            self.out,
            "<text class=\"{class}\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            num(at.0),
            num(at.1),
            esc(text)
        );
    }

    fn close(&mut self, tip: Option<&str>, element: &str) {
        match tip {
            Some(tip) => {
                let _ = write!(self.out, "><title>{}</title></{element}>", esc(tip));
            }
            None => self.out.push_str("/>"),
        }
    }

    /// Closes the document and returns its markup.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

fn coords(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A linear map from data values to drawing coordinates.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl Scale {
    /// Maps `domain` onto `range` (either may run backwards).
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Scale {
        Scale { domain, range }
    }

    /// The drawing coordinate of a data value.
    pub fn at(&self, value: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if d1 == d0 {
            return r0;
        }
        r0 + (value - d0) / (d1 - d0) * (r1 - r0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_compact_and_stable() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(3.04), "3");
        assert_eq!(num(3.06), "3.1");
        assert_eq!(num(-0.01), "0");
        assert_eq!(money(28_738_739.4), "28,738,739");
        assert_eq!(money(-1234.0), "-1,234");
        assert_eq!(short_money(28_738_739.0), "28.7 M");
        assert_eq!(short_money(382_000.0), "382 k");
        assert_eq!(percent(0.95, 1), "95.0%");
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let thousandths =
            |t: Vec<f64>| -> Vec<i64> { t.iter().map(|v| (v * 1000.0).round() as i64).collect() };
        assert_eq!(
            thousandths(ticks(0.0, 10.0, 5)),
            vec![0, 2000, 4000, 6000, 8000, 10000]
        );
        assert_eq!(
            thousandths(ticks(0.9, 1.0, 4)),
            vec![900, 920, 940, 960, 980, 1000]
        );
        let t = ticks(0.0, 27_000_000.0, 5);
        assert_eq!(t.first(), Some(&0.0));
        assert!(
            t.windows(2)
                .all(|w| (w[1] - w[0] - 5_000_000.0).abs() < 1e-6)
        );
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        let mut svg = Svg::new(10.0, 10.0, "x", "l");
        svg.text((1.0, 2.0), "start", "c", "<script>");
        assert!(svg.finish().contains("&lt;script&gt;"));
    }
}
