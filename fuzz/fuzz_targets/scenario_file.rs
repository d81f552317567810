#![no_main]
//! `cargo +nightly fuzz run scenario_file fuzz/corpus/scenario_file fuzz/seeds/scenario_file` (new inputs go
//! to the first folder, which git ignores); the feed is in tests/common/feed.rs.

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/feed.rs"]
mod feed;

fuzz_target!(|data: &[u8]| feed::scenario_file(data));
