//! Readers of public routing benchmarks, separate from the product's
//! scenario format but building the same engine model, so the benchmarks
//! measure the engine the dispatcher runs.
