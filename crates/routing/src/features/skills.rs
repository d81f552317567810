//! Skills: a job goes only to a vehicle having every skill it needs. The
//! model derives each job's qualified vehicles once from these sets.

/// A set of skill numbers (adapters number their skill names).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SkillSet(Vec<u32>);

impl SkillSet {
    /// The set of `skills` (any order, duplicates ignored).
    pub fn new(mut skills: Vec<u32>) -> SkillSet {
        skills.sort_unstable();
        skills.dedup();
        SkillSet(skills)
    }

    /// Whether every skill of `needed` is in this set.
    pub fn contains_all(&self, needed: &SkillSet) -> bool {
        needed.0.iter().all(|s| self.0.binary_search(s).is_ok())
    }

    /// The skill numbers, ascending.
    pub fn as_slice(&self) -> &[u32] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::SkillSet;

    #[test]
    fn containment() {
        let have = SkillSet::new(vec![3, 1, 2, 2]);
        assert!(have.contains_all(&SkillSet::new(vec![2, 1])));
        assert!(have.contains_all(&SkillSet::default()));
        assert!(!have.contains_all(&SkillSet::new(vec![4])));
    }
}
