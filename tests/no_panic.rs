//! Loading never panics or hangs, whatever the files contain: every input
//! file of a valid scenario is corrupted at random and loaded again, and
//! every loader of user input (the feeds of `common/feed.rs`, which the
//! cargo-fuzz targets in `fuzz/` drive for longer) gets arbitrary bytes and
//! byte-level mutations of its seeds in `fuzz/seeds/`.

mod common;
#[path = "common/feed.rs"]
mod feed;

use common::ScenarioCopy;
use proptest::prelude::*;

/// The files every scenario folder has, corrupted one at a time.
const FILES: &[&str] = feed::REQUIRED_FILES;

/// Snippets that are likely to hit the parsers' edges.
const NASTY: &[&str] = &[
    ",",
    "\n",
    "\"",
    "-",
    "NaN",
    "inf",
    "-1",
    "1e309",
    "24:00",
    "99:99",
    "mon-",
    "\u{feff}",
    "é",
    "0x10",
    "",
    "#",
    " ",
    "Asia/",
    "nbd",
    "0",
    "4h4h",
    "[",
    "=",
    "2026-02-30T25:61",
];

fn corrupt(text: &str, position: usize, remove: usize, insert: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = position % (chars.len() + 1);
    let end = (at + remove).min(chars.len());
    chars[..at]
        .iter()
        .chain(insert.chars().collect::<Vec<_>>().iter())
        .chain(chars[end..].iter())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn corrupted_inputs_load_or_fail_cleanly(
        file in 0..FILES.len(),
        position in 0usize..4000,
        remove in 0usize..12,
        snippet in 0..NASTY.len(),
        random in "[ -~]{0,6}",
    ) {
        let copy = ScenarioCopy::fixture("tiny");
        let insert = format!("{}{}", NASTY[snippet], random);
        copy.edit(FILES[file], |text| corrupt(&text, position, remove, &insert));
        match sparesla::scenario::load(copy.path()) {
            Ok(_) => {}
            Err(error) => {
                prop_assert!(error.diagnostics.has_errors());
                for diagnostic in error.diagnostics.errors() {
                    prop_assert!(!diagnostic.message.is_empty());
                    prop_assert!(diagnostic.file.starts_with(copy.path()) || diagnostic.file.starts_with("<bundled>"));
                }
            }
        }
    }
}

/// A loader of user input, given bytes.
type Feed = fn(&[u8]);

/// Each loader of user input, by the name of its seed folder under
/// `fuzz/seeds/` (the cargo-fuzz target of the same name drives it too).
const FEEDS: &[(&str, Feed)] = &[
    ("scenario_file", feed::scenario_file),
    ("incidents", feed::incidents),
    ("stock", feed::stock),
    ("live_state", feed::live_state),
    ("overlay", feed::overlay),
    ("calendar", feed::calendar),
    ("osrm_matrix", feed::osrm_matrix),
    ("plan_folder", feed::plan_folder),
    ("deadline", feed::deadline),
];

/// The seed inputs of a feed, sorted by name.
fn seeds(feed: &str) -> Vec<Vec<u8>> {
    let dir = common::root().join("fuzz/seeds").join(feed);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no seeds in {}", dir.display());
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// A seed with `remove` bytes at `position` replaced by `insert` (a byte
/// level edit, so invalid UTF-8 and cut multi-byte characters occur).
fn mutate(seed: &[u8], position: usize, remove: usize, insert: &[u8]) -> Vec<u8> {
    let at = position % (seed.len() + 1);
    let end = (at + remove).min(seed.len());
    [&seed[..at], insert, &seed[end..]].concat()
}

/// Far more than any of these small inputs takes; only a hang exceeds it.
const HANG: std::time::Duration = std::time::Duration::from_secs(20);

fn feed_within_bound(name: &str, feed: Feed, input: &[u8]) {
    let started = std::time::Instant::now();
    feed(input);
    assert!(
        started.elapsed() < HANG,
        "{name} took {:?} on {:?}",
        started.elapsed(),
        String::from_utf8_lossy(input)
    );
}

#[test]
fn every_seed_loads_without_a_panic() {
    for (name, feed) in FEEDS {
        for seed in seeds(name) {
            feed_within_bound(name, *feed, &seed);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn arbitrary_bytes_reach_every_loader_without_a_panic(
        feed in 0..FEEDS.len(),
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let (name, feed) = FEEDS[feed];
        feed_within_bound(name, feed, &bytes);
    }

    #[test]
    fn mutated_seeds_reach_every_loader_without_a_panic(
        feed in 0..FEEDS.len(),
        seed in any::<proptest::sample::Index>(),
        position in 0usize..4000,
        remove in 0usize..16,
        insert in proptest::collection::vec(any::<u8>(), 0..8),
        snippet in 0..NASTY.len(),
    ) {
        let (name, feed) = FEEDS[feed];
        let seeds = seeds(name);
        let seed = &seeds[seed.index(seeds.len())];
        let insert = [NASTY[snippet].as_bytes(), &insert].concat();
        feed_within_bound(name, feed, &mutate(seed, position, remove, &insert));
    }
}
