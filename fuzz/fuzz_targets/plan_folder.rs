#![no_main]
//! `cargo +nightly fuzz run plan_folder fuzz/corpus/plan_folder fuzz/seeds/plan_folder` (new inputs go
//! to the first folder, which git ignores); the feed is in tests/common/feed.rs.

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/feed.rs"]
mod feed;

fuzz_target!(|data: &[u8]| feed::plan_folder(data));
