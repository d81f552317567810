#![no_main]
//! `cargo +nightly fuzz run live_state fuzz/corpus/live_state fuzz/seeds/live_state` (new inputs go
//! to the first folder, which git ignores); the feed is in tests/common/feed.rs.

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/feed.rs"]
mod feed;

fuzz_target!(|data: &[u8]| feed::live_state(data));
