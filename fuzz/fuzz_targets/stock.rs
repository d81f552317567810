#![no_main]
//! `cargo +nightly fuzz run stock fuzz/corpus/stock fuzz/seeds/stock` (new inputs go
//! to the first folder, which git ignores); the feed is in tests/common/feed.rs.

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/feed.rs"]
mod feed;

fuzz_target!(|data: &[u8]| feed::stock(data));
