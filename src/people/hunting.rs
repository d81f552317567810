//! The order in which a site's calls hunt for an engineer: per shift rule,
//! the quickest positions first, then the slower ones that back them up
//! while they are busy (as dispatch sends the next engineer; the overflow
//! model of loss systems with ordered hunting). One order serves both the
//! cover (who may respond) and the offered load (who gets the calls), so a
//! position carries the overflow exactly where the cover credits it.

use super::{CoverModel, NEGLIGIBLY_BUSY, Position, Staff};
use crate::calendar::Seconds;
use crate::scenario::SiteIdx;
use std::collections::BTreeMap;

/// Positions alike for one site's calls of one skill: the same shift rule,
/// drive and pickup, so on duty at the same times and equally quick (only
/// the chance that all of them are busy matters).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct HuntedGroup {
    pub rule: usize,
    pub drive: Seconds,
    /// Seconds to the site collecting the part on the way (see
    /// `CoverModel::pickup`).
    pub pickup: Option<Seconds>,
    /// Indices into the staff's positions; `None` is the extra position a
    /// cover is asked about (counted free).
    pub members: Vec<Option<usize>>,
    /// Whether it is its rule's quickest group: it takes the rule's calls
    /// first, the others only what overflows.
    pub quickest: bool,
    /// The chance that every group of its rule before it is busy: the
    /// share of the rule's calls that reach it.
    pub reached: f64,
    /// The chance that all its positions are busy when a call reaches it
    /// (for a backup, busy while the quicker ones are).
    pub all_busy: f64,
}

impl CoverModel {
    /// The groups of qualified positions a call from `site` needing `skill`
    /// hunts through, `extra` counted as one more, free. Keys sort by rule,
    /// then drive: each rule's groups come quickest first.
    ///
    /// A group counts when it is its rule's quickest, when it collects the
    /// part (it may beat quicker drivers that wait for a courier), or as a
    /// backup within half the clock's tightest allowed time: a backup sent
    /// while the quicker ones are busy starts where its last job was, not
    /// at base, and counting every backup in reach promised the 4-hour tier
    /// 0.2-0.35 points above simulation, while counting only the quickest
    /// promised the national business tiers 0.6 points below it. Backups
    /// stop once the chance that all groups taken are busy falls below
    /// [`NEGLIGIBLY_BUSY`]: the ones left out change the share by less than
    /// that, and a next-business-day clock would otherwise take in the
    /// whole country.
    pub(super) fn hunting_order(
        &self,
        staff: &Staff,
        extra: Option<&Position>,
        site: SiteIdx,
        skill: &str,
    ) -> Vec<HuntedGroup> {
        let most_allowed = self.clocks[self.clock_of_site[site.index()]].most_allowed();
        let backup_reach = self.backup_reach(site);
        let mut alike: BTreeMap<(usize, Seconds, Option<Seconds>), Vec<Option<usize>>> =
            BTreeMap::new();
        let candidates = staff
            .positions
            .iter()
            .enumerate()
            .map(|(index, position)| (Some(index), position))
            .chain(extra.map(|position| (None, position)));
        for (index, position) in candidates {
            if !position.has_skill(skill) {
                continue;
            }
            let Some(drive) = self.drive[position.base.index()][site.index()] else {
                continue;
            };
            if drive > most_allowed {
                continue;
            }
            let pickup = self.pickup(position.base, site);
            alike
                .entry((position.rule, drive, pickup))
                .or_default()
                .push(index);
        }
        let mut reached: Vec<f64> = vec![1.0; staff.rules.len()];
        let mut seen: Vec<bool> = vec![false; staff.rules.len()];
        alike
            .into_iter()
            .filter_map(|((rule, drive, pickup), members)| {
                if reached[rule] < NEGLIGIBLY_BUSY && pickup.is_none() {
                    return None;
                }
                let quickest = !seen[rule];
                if !quickest && pickup.is_none() && drive > backup_reach {
                    return None;
                }
                seen[rule] = true;
                let all_busy = members
                    .iter()
                    .map(|member| member_busy(staff, *member, quickest))
                    .product();
                let group = HuntedGroup {
                    rule,
                    drive,
                    pickup,
                    members,
                    quickest,
                    reached: reached[rule],
                    all_busy,
                };
                reached[rule] *= all_busy;
                Some(group)
            })
            .collect()
    }

    /// Whether `position`, added to `staff`, would be in the hunting order
    /// of the site's calls needing `skill`: the quickest of its rule, the
    /// first of its rule to collect the part, or a backup in reach (whether
    /// a backup still counts depends on how busy the others are, which the
    /// cover decides).
    pub fn would_respond(
        &self,
        staff: &Staff,
        position: &Position,
        site: SiteIdx,
        skill: &str,
    ) -> bool {
        let within_backup_reach = self.drive[position.base.index()][site.index()]
            .is_some_and(|drive| drive <= self.backup_reach(site));
        within_backup_reach || self.would_be_quicker(staff, position, site, skill)
    }

    /// The longest drive at which a backup counts for the site's calls:
    /// half the clock's tightest allowed time (see [`Self::hunting_order`]).
    fn backup_reach(&self, site: SiteIdx) -> Seconds {
        self.clocks[self.clock_of_site[site.index()]].least_allowed() / 2
    }
}

/// A position's chance of being busy when a call reaches it: on average
/// for the quickest, while the quicker ones are busy for a backup; the
/// extra position (`None`) is free.
fn member_busy(staff: &Staff, member: Option<usize>, quickest: bool) -> f64 {
    let Some(index) = member else {
        return 0.0;
    };
    let busy = staff.busy.get(index).copied().unwrap_or(0.0);
    if quickest {
        return busy;
    }
    staff.busy_overflowing.get(index).copied().unwrap_or(busy)
}
