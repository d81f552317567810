//! Carried stock: what a vehicle carries from its start, in any number of
//! dimensions (a van's load, spare parts by type) plus tools. Jobs consume
//! it; a restock at a depot refills every dimension to the model's restock
//! level and provides every tool. The stock consumed before the first
//! restock must fit what the vehicle starts with; between two restocks and
//! after the last, the restock level.
//!
//! A stretch of a route is summarised by what it consumes before its first
//! restock (`head`), after its last (`tail`), whether trips wholly inside it
//! fit (`ok`) and the tools it needs before its first restock. Summaries
//! concatenate, so a route's prefix and suffix summaries answer "does this
//! route still fit with this job inserted (or this tail swapped in)" in
//! time proportional to the number of dimensions.

use super::super::model::{Job, Model, Supply, Vehicle};

/// A summary of a stretch of jobs (or of one job).
#[derive(Clone, Copy, Debug)]
pub struct Piece<'a> {
    /// Consumed before the first restock (missing dimensions: 0).
    pub head: &'a [i64],
    /// Consumed after the last restock (the head without a restock).
    pub tail: &'a [i64],
    pub restock: bool,
    /// Whether every trip between two restocks inside the stretch fits.
    pub ok: bool,
    /// Tools needed before the first restock.
    pub tools: u64,
}

const EMPTY: Piece<'static> = Piece {
    head: &[],
    tail: &[],
    restock: false,
    ok: true,
    tools: 0,
};

#[inline]
fn at(values: &[i64], d: usize) -> i64 {
    values.get(d).copied().unwrap_or(0)
}

/// The summary of one job served with `supply`.
#[inline]
pub fn job_piece<'a>(job: &'a Job, supply: &Supply) -> Piece<'a> {
    if supply.is_restock() {
        Piece {
            head: &[],
            tail: &job.demand,
            restock: true,
            ok: true,
            tools: 0,
        }
    } else {
        Piece {
            head: &job.demand,
            tail: &job.demand,
            restock: false,
            ok: true,
            tools: job.tools,
        }
    }
}

/// Whether `vehicle` can serve the concatenation of `pieces` in order.
pub fn fits(model: &Model, vehicle: &Vehicle, pieces: &[Piece]) -> bool {
    if pieces.iter().any(|p| !p.ok) {
        return false;
    }
    let mut tools = 0u64;
    for p in pieces {
        tools |= p.tools;
        if p.restock {
            break;
        }
    }
    if tools & !vehicle.tools != 0 {
        return false;
    }
    for d in 0..model.dims {
        let level = model.restock_level(d);
        let (mut head, mut tail, mut restocked) = (0i64, 0i64, false);
        for p in pieces {
            let (ph, pt) = (at(p.head, d), at(p.tail, d));
            if !restocked {
                head += ph;
                if p.restock {
                    restocked = true;
                    tail = pt;
                }
            } else if p.restock {
                if tail + ph > level {
                    return false;
                }
                tail = pt;
            } else {
                tail += ph;
            }
        }
        if head > vehicle.carried(d) || (restocked && tail > level) {
            return false;
        }
    }
    true
}

/// Whether `vehicle` can serve `jobs` (job, supply index) in order: the
/// same rule as [`fits`], streamed without building summaries.
pub fn fits_jobs(model: &Model, vehicle: &Vehicle, jobs: &[(usize, usize)]) -> bool {
    let mut tools = 0u64;
    for &(job, supply) in jobs {
        let j = &model.jobs[job];
        if j.supplies[supply].is_restock() {
            break;
        }
        tools |= j.tools;
    }
    if tools & !vehicle.tools != 0 {
        return false;
    }
    for d in 0..model.dims {
        let level = model.restock_level(d);
        let mut used = 0i64;
        let mut limit = vehicle.carried(d);
        for &(job, supply) in jobs {
            let j = &model.jobs[job];
            if j.supplies[supply].is_restock() {
                if used > limit {
                    return false;
                }
                used = 0;
                limit = level;
            }
            used += j.demand(d);
        }
        if used > limit {
            return false;
        }
    }
    true
}

/// `jobs` with every restock that follows an earlier restock served from
/// the vehicle instead, wherever the carried stock still fits: a second
/// depot visit only adds a detour when the first already refilled enough.
/// Returns whether anything changed.
pub fn drop_redundant_restocks(
    model: &Model,
    vehicle: &Vehicle,
    jobs: &mut [(usize, usize)],
) -> bool {
    let mut changed = false;
    let mut restocked = false;
    for k in 0..jobs.len() {
        let (job, supply) = jobs[k];
        let j = &model.jobs[job];
        if !j.supplies[supply].is_restock() {
            continue;
        }
        if restocked
            && let Some(carried) = j.supplies.iter().position(|s| matches!(s, Supply::Carried))
        {
            jobs[k] = (job, carried);
            if fits_jobs(model, vehicle, jobs) {
                changed = true;
                continue;
            }
            jobs[k] = (job, supply);
        }
        restocked = true;
    }
    changed
}

/// Prefix or suffix summaries of one route: entry `k` summarises jobs
/// `0..k` (prefix) or `k..n` (suffix).
#[derive(Clone, Debug, Default)]
pub struct Summaries {
    dims: usize,
    head: Vec<i64>,
    tail: Vec<i64>,
    restock: Vec<bool>,
    ok: Vec<bool>,
    tools: Vec<u64>,
}

impl Summaries {
    /// Entry `k`.
    #[inline]
    pub fn piece(&self, k: usize) -> Piece<'_> {
        if self.restock.is_empty() {
            return EMPTY;
        }
        let range = k * self.dims..(k + 1) * self.dims;
        Piece {
            head: &self.head[range.clone()],
            tail: &self.tail[range],
            restock: self.restock[k],
            ok: self.ok[k],
            tools: self.tools[k],
        }
    }

    fn push_empty(&mut self) {
        self.head.extend(std::iter::repeat_n(0, self.dims));
        self.tail.extend(std::iter::repeat_n(0, self.dims));
        self.restock.push(false);
        self.ok.push(true);
        self.tools.push(0);
    }

    /// Appends the concatenation of entry `k` and `b` (`entry_first`) or
    /// of `b` and entry `k`.
    fn push_concat(&mut self, model: &Model, k: usize, b: Piece, entry_first: bool) {
        let base = k * self.dims;
        let entry_restock = self.restock[k];
        let (a_restock, b_restock) = if entry_first {
            (entry_restock, b.restock)
        } else {
            (b.restock, entry_restock)
        };
        let mut ok = self.ok[k] && b.ok;
        for d in 0..self.dims {
            let (eh, et, ph, pt) = (
                self.head[base + d],
                self.tail[base + d],
                at(b.head, d),
                at(b.tail, d),
            );
            let (ah, at_, bh, bt) = if entry_first {
                (eh, et, ph, pt)
            } else {
                (ph, pt, eh, et)
            };
            let (head, tail) = match (a_restock, b_restock) {
                (false, false) => (ah + bh, ah + bh),
                (false, true) => (ah + bh, bt),
                (true, false) => (ah, at_ + bh),
                (true, true) => {
                    ok &= at_ + bh <= model.restock_level(d);
                    (ah, bt)
                }
            };
            self.head.push(head);
            self.tail.push(tail);
        }
        let (a_tools, b_tools) = if entry_first {
            (self.tools[k], b.tools)
        } else {
            (b.tools, self.tools[k])
        };
        self.restock.push(a_restock || b_restock);
        self.ok.push(ok);
        self.tools
            .push(a_tools | if a_restock { 0 } else { b_tools });
    }

    /// Prefix summaries of `jobs` (job, supply index): `jobs.len() + 1` entries.
    pub fn prefixes(model: &Model, jobs: impl Iterator<Item = (usize, usize)>) -> Summaries {
        let mut s = Summaries {
            dims: model.dims,
            ..Summaries::default()
        };
        if !model.has_resources {
            return s;
        }
        s.push_empty();
        for (k, (job, supply)) in jobs.enumerate() {
            let j = &model.jobs[job];
            s.push_concat(model, k, job_piece(j, &j.supplies[supply]), true);
        }
        s
    }

    /// Suffix summaries of `jobs`: `jobs.len() + 1` entries.
    pub fn suffixes(model: &Model, jobs: &[(usize, usize)]) -> Summaries {
        let mut s = Summaries {
            dims: model.dims,
            ..Summaries::default()
        };
        if !model.has_resources {
            return s;
        }
        s.push_empty();
        for (k, &(job, supply)) in jobs.iter().rev().enumerate() {
            let j = &model.jobs[job];
            s.push_concat(model, k, job_piece(j, &j.supplies[supply]), false);
        }
        s.reverse_entries();
        s
    }

    fn reverse_entries(&mut self) {
        let n = self.restock.len();
        let dims = self.dims;
        let mut head = Vec::with_capacity(self.head.len());
        let mut tail = Vec::with_capacity(self.tail.len());
        for k in (0..n).rev() {
            head.extend_from_slice(&self.head[k * dims..(k + 1) * dims]);
            tail.extend_from_slice(&self.tail[k * dims..(k + 1) * dims]);
        }
        self.head = head;
        self.tail = tail;
        self.restock.reverse();
        self.ok.reverse();
        self.tools.reverse();
    }
}
