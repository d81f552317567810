//! Progress on stderr for anything that may take more than a couple of
//! seconds. indicatif draws nothing when stderr is not a terminal, so
//! redirected runs and tests see no bars.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// A spinner with the elapsed time, for work of unknown length (a search
/// under a time limit); it ticks on its own.
pub(super) fn spinner(message: impl Into<String>) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
        bar.set_style(style);
    }
    bar.set_message(message.into());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A bar of `length` steps.
pub(super) fn bar(length: u64, message: impl Into<String>) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} [{elapsed}, {eta} left]")
    {
        bar.set_style(style);
    }
    bar.set_message(message.into());
    bar
}
