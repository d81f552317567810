//! Applying an overlay: applies the changes of an [`Overlay`] to its loaded
//! base scenario. Every change is checked against the base (ids must exist,
//! new ids must not, values must make sense) and every problem is reported at
//! its place in `overlay.toml`; nothing is applied unless all of it is valid.

use super::file::{
    ClosureEdit, DepotEdit, NewEngineer, Overlay, RateEdit, TierFields, TierMove, plain_date,
};
use crate::calendar::HolidayCalendar;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::scenario::load::tier_and_engineer::{self, Fields};
use crate::scenario::{
    CalendarResolver, Closure, DepotIdx, DepotStatus, Engineer, Loaded, Period, RateChange,
    Scenario, ScenarioError, Tier, TierChange, TierIdx, ranges,
};
use chrono::Days;
use chrono_tz::Tz;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use toml::Spanned;

/// Where the overlay's calendar names are looked up: the overlay's own
/// folder when it has the file, else the base scenario's folder (and the
/// bundled calendars).
struct Calendars {
    overlay: CalendarResolver,
    base: CalendarResolver,
    overlay_dir: std::path::PathBuf,
}

impl Calendars {
    fn resolve(
        &mut self,
        spec: &str,
        diagnostics: &mut Diagnostics,
    ) -> Result<Option<Arc<HolidayCalendar>>, String> {
        let local = self.overlay_dir.join(spec).is_file()
            || self
                .overlay_dir
                .join("calendars")
                .join(format!("{spec}.csv"))
                .is_file();
        if local {
            self.overlay.resolve(spec, diagnostics)
        } else {
            self.base.resolve(spec, diagnostics)
        }
    }
}

/// Application state: the scenario being changed and what was found wrong.
struct Application<'a> {
    overlay: &'a Overlay,
    scenario: Scenario,
    /// Problems in other files (the base's warnings, calendar files).
    diagnostics: Diagnostics,
    /// Problems in the overlay file.
    found: Vec<Diagnostic>,
    calendars: Calendars,
}

impl Overlay {
    /// Applies the overlay to its base, loaded from `base_dir`; the result is
    /// named after the overlay and read from `dir` (the overlay's folder).
    /// `warnings` are the base's, passed through.
    pub fn apply(
        &self,
        base: Scenario,
        dir: &Path,
        warnings: Vec<Diagnostic>,
    ) -> Result<Loaded, ScenarioError> {
        let base_dir = base.dir.clone();
        let mut application = Application {
            overlay: self,
            scenario: base,
            diagnostics: Diagnostics::new(),
            found: Vec::new(),
            calendars: Calendars {
                overlay: CalendarResolver::new(dir),
                base: CalendarResolver::new(&base_dir),
                overlay_dir: dir.to_path_buf(),
            },
        };
        for diagnostic in warnings {
            application.diagnostics.push(diagnostic);
        }
        application.name(dir);
        // In this order, so later kinds may name what earlier ones added:
        // a tier move to a new tier, a new engineer at an edited depot.
        application.new_tiers();
        application.tier_edits();
        application.depot_edits();
        application.new_engineers();
        application.tier_moves();
        application.rate_edits();
        application.closures();
        application.scenario.dir = dir.to_path_buf();
        // The application finds problems kind by kind; report them in file order.
        application.found.sort_by_key(|d| (d.line, d.column));
        for diagnostic in std::mem::take(&mut application.found) {
            application.diagnostics.push(diagnostic);
        }
        if application.diagnostics.has_errors() {
            return Err(ScenarioError {
                diagnostics: application.diagnostics,
            });
        }
        Ok(Loaded {
            scenario: application.scenario,
            warnings: application.diagnostics.into_warnings(),
        })
    }
}

impl Application<'_> {
    fn error(
        &mut self,
        code: Code,
        span: Range<usize>,
        message: impl Into<String>,
        action: impl Into<String>,
    ) {
        let diagnostic = self.overlay.at(code, span, message, action);
        self.found.push(diagnostic);
    }

    /// Errors found so far, in any file.
    fn error_count(&self) -> usize {
        self.diagnostics.error_count() + self.found.iter().filter(|d| !d.code.is_warning()).count()
    }

    fn name(&mut self, dir: &Path) {
        match &self.overlay.file.name {
            Some(name) if name.get_ref().trim().is_empty() => self.error(
                Code::E1010EmptyValue,
                name.span(),
                "`name` is empty",
                "give the overlay a name, or leave `name` out to use the folder's name",
            ),
            Some(name) => self.scenario.name = name.get_ref().trim().to_string(),
            None => {
                let folder = dir
                    .canonicalize()
                    .ok()
                    .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
                if let Some(folder) = folder {
                    self.scenario.name = folder;
                }
            }
        }
    }

    /// A finite number satisfying `valid`, else an error at its place.
    fn number(
        &mut self,
        value: &Spanned<f64>,
        key: &str,
        valid: impl Fn(f64) -> bool,
        expected: &str,
    ) -> Option<f64> {
        let number = *value.get_ref();
        if !number.is_finite() {
            self.error(
                Code::E1012NotFinite,
                value.span(),
                format!("`{key}` is {number}"),
                "write an ordinary decimal number",
            );
            return None;
        }
        if !valid(number) {
            // Below zero is out of the domain; above is out of the range.
            let code = if number < 0.0 {
                Code::E1013OutOfDomain
            } else {
                Code::E1014OutOfRange
            };
            self.error(
                code,
                value.span(),
                format!("`{key}` = {number} is not allowed"),
                expected,
            );
            return None;
        }
        Some(number)
    }

    fn calendar(&mut self, spec: &Spanned<String>) -> Option<Arc<HolidayCalendar>> {
        match self
            .calendars
            .resolve(spec.get_ref(), &mut self.diagnostics)
        {
            Ok(calendar) => calendar,
            Err(message) => {
                self.error(
                    Code::E1031UnknownReference,
                    spec.span(),
                    message,
                    "use `none`, a bundled calendar such as `CN`, or a path to a date,kind,name CSV file",
                );
                None
            }
        }
    }

    fn tier_id(&mut self, id: &Spanned<String>) -> Option<TierIdx> {
        let found = self.scenario.tier_by_id(id.get_ref());
        if found.is_none() {
            let known = self
                .scenario
                .tiers
                .iter()
                .map(|t| t.id.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            self.error(
                Code::E1031UnknownReference,
                id.span(),
                format!("unknown tier `{}`", id.get_ref()),
                format!("use a tier of the base (known: {known}) or add it with [[new_tier]]"),
            );
        }
        found
    }

    fn new_tiers(&mut self) {
        let overlay = self.overlay;
        for fields in &overlay.file.new_tier {
            if self.scenario.tier_by_id(fields.id.get_ref()).is_some() {
                self.error(
                    Code::E1030DuplicateId,
                    fields.id.span(),
                    format!("tier `{}` exists already", fields.id.get_ref()),
                    "give the new tier an id of its own, or edit the existing one with [[tier]]",
                );
                continue;
            }
            if let Some(tier) = self.build_tier(None, fields) {
                self.scenario.tiers.push(tier);
            }
        }
    }

    fn tier_edits(&mut self) {
        let overlay = self.overlay;
        let mut seen: HashMap<&str, u64> = HashMap::new();
        for fields in &overlay.file.tier {
            let Some(index) = self.tier_id(&fields.id) else {
                continue;
            };
            if self.first_time(&mut seen, &fields.id, "tier") {
                let current = self.scenario.tier(index).clone();
                if let Some(tier) = self.build_tier(Some(&current), fields) {
                    self.scenario.tiers[index.index()] = tier;
                }
            }
        }
    }

    /// False, with an error, when an id is edited a second time.
    fn first_time<'s>(
        &mut self,
        seen: &mut HashMap<&'s str, u64>,
        id: &'s Spanned<String>,
        what: &str,
    ) -> bool {
        let (line, _) = crate::scenario::line_column(&self.overlay.text, id.span().start);
        if let Some(first) = seen.insert(id.get_ref().as_str(), line) {
            self.error(
                Code::E1030DuplicateId,
                id.span(),
                format!(
                    "{what} `{}` is edited again (first on line {first})",
                    id.get_ref()
                ),
                format!("give each {what} one table"),
            );
            return false;
        }
        true
    }

    /// A tier from `fields` over `base` (an edit) or from nothing (a new
    /// tier), checked by the validator of `tiers.csv` rows.
    fn build_tier(&mut self, base: Option<&Tier>, fields: &TierFields) -> Option<Tier> {
        let errors_before = self.error_count();
        let tier = tier_and_engineer::tier(
            &mut TomlFields {
                application: self,
                record: fields.id.span(),
                keys: fields.keys(),
            },
            fields.id.get_ref(),
            base,
        );
        tier.filter(|_| self.error_count() == errors_before)
    }

    fn depot_edits(&mut self) {
        let overlay = self.overlay;
        let mut seen: HashMap<&str, u64> = HashMap::new();
        for edit in &overlay.file.depot {
            let DepotEdit {
                id,
                status,
                fixed_cost,
                replenish_days,
            } = edit;
            let Some(index) = self.scenario.depot_by_id(id.get_ref()) else {
                self.error(
                    Code::E1031UnknownReference,
                    id.span(),
                    format!("unknown depot `{}`", id.get_ref()),
                    "use an id listed in the base scenario's depots.csv",
                );
                continue;
            };
            if !self.first_time(&mut seen, id, "depot") {
                continue;
            }
            let status = status.as_ref().and_then(|value| {
                let parsed = match value.get_ref().as_str() {
                    "open" => Some(DepotStatus::Open),
                    "candidate" => Some(DepotStatus::Candidate),
                    "closed" => Some(DepotStatus::Closed),
                    _ => None,
                };
                if parsed.is_none() {
                    self.error(
                        Code::E1015UnknownKeyword,
                        value.span(),
                        format!(
                            "`status` = `{}` is not one of: open, candidate, closed",
                            value.get_ref()
                        ),
                        "write status = \"open\", \"candidate\" or \"closed\"",
                    );
                }
                parsed
            });
            let fixed_cost = fixed_cost.as_ref().and_then(|value| {
                self.number(
                    value,
                    "fixed_cost",
                    |v| ranges::MONEY.contains(v),
                    "the yearly fixed cost is 0 to 10^12",
                )
            });
            let replenish_days = replenish_days.as_ref().and_then(|value| {
                self.number(
                    value,
                    "replenish_days",
                    |v| ranges::REPLENISH_DAYS.contains(v),
                    "the replenishment time is 0 to 3650 days",
                )
            });
            let depot = &mut self.scenario.depots[index.index()];
            if let Some(status) = status {
                depot.status = status;
            }
            if let Some(cost) = fixed_cost {
                depot.fixed_cost = cost;
            }
            if let Some(days) = replenish_days {
                depot.replenish_days = days;
            }
        }
    }

    fn new_engineers(&mut self) {
        let overlay = self.overlay;
        let mut taken: HashSet<String> = self
            .scenario
            .engineers
            .iter()
            .map(|e| e.id.clone())
            .collect();
        for fields in &overlay.file.new_engineer {
            if let Some(engineer) = self.new_engineer(fields, &taken) {
                taken.insert(engineer.id.clone());
                self.scenario.engineers.push(engineer);
            }
        }
    }

    fn new_engineer(&mut self, fields: &NewEngineer, taken: &HashSet<String>) -> Option<Engineer> {
        let errors_before = self.error_count();
        let id = fields.id.get_ref().trim();
        if id.is_empty() {
            self.error(
                Code::E1010EmptyValue,
                fields.id.span(),
                "`id` is empty",
                "give the engineer an id",
            );
        } else if taken.contains(id) {
            self.error(
                Code::E1030DuplicateId,
                fields.id.span(),
                format!("engineer `{id}` exists already"),
                "give the new engineer an id of their own",
            );
        }
        let base = self.scenario.depot_by_id(fields.base.get_ref());
        if base.is_none() {
            self.error(
                Code::E1031UnknownReference,
                fields.base.span(),
                format!("unknown depot `{}`", fields.base.get_ref()),
                "base the engineer at a depot of the scenario",
            );
        }
        let shift = tier_and_engineer::engineer_shift(
            &mut TomlFields {
                application: self,
                record: fields.id.span(),
                keys: fields.keys(),
            },
            |toml| base.and_then(|base| toml.application.base_depot_zone(base, fields.base.span())),
        );
        if self.error_count() > errors_before {
            return None;
        }
        let (skills, shift) = shift?;
        Some(Engineer {
            id: id.to_string(),
            name: fields.name.clone().unwrap_or_default(),
            base: base?,
            skills,
            shift,
        })
    }

    /// The zone of a new engineer's base depot, or an error at `base` when
    /// it has none.
    fn base_depot_zone(&mut self, base: DepotIdx, span: Range<usize>) -> Option<Tz> {
        let depot = self.scenario.depot(base);
        let (id, tz) = (depot.id.clone(), depot.tz);
        if tz.is_none() {
            self.error(
                Code::E1010EmptyValue,
                span,
                format!("no time zone for the engineer's shift: depot `{id}` has none"),
                "give the engineer a zone, e.g. tz = \"Asia/Shanghai\"",
            );
        }
        tz
    }

    /// The period of a dated change, `None` for a permanent one; `Err` after
    /// reporting a problem.
    fn period(
        &mut self,
        anchor: Range<usize>,
        from: &Option<Spanned<toml::Value>>,
        to: &Option<Spanned<toml::Value>>,
    ) -> Result<Option<Period>, ()> {
        let date = |application: &mut Self, value: &Spanned<toml::Value>| match plain_date(
            value.get_ref(),
        ) {
            Ok(date) => Ok(date),
            Err(message) => {
                application.error(
                    Code::E1019BadDateTime,
                    value.span(),
                    message,
                    "write a date without time, e.g. from = 2026-02-16",
                );
                Err(())
            }
        };
        let period = match (from, to) {
            (None, None) => return Ok(None),
            (Some(from), Some(to)) => {
                let from_date = date(self, from);
                let to_date = date(self, to);
                let (from_date, to_date) = (from_date?, to_date?);
                if to_date < from_date {
                    self.error(
                        Code::E1032Inconsistent,
                        to.span(),
                        format!("the change ends ({to_date}) before it starts ({from_date})"),
                        "give `to` on or after `from`; both days are included",
                    );
                    return Err(());
                }
                Period {
                    from: from_date,
                    to: to_date,
                }
            }
            (Some(one), None) | (None, Some(one)) => {
                let (given, missing) = if from.is_some() {
                    ("from", "to")
                } else {
                    ("to", "from")
                };
                self.error(
                    Code::E1010EmptyValue,
                    one.span(),
                    format!("`{given}` is given without `{missing}`"),
                    "give both `from` and `to` for a temporary change, or neither for a permanent one",
                );
                return Err(());
            }
        };
        if let Some(horizon) = horizon(&self.scenario) {
            if period.from < horizon.from || period.to > horizon.to {
                let (line, column) = crate::scenario::line_column(&self.overlay.text, anchor.start);
                self.found.push(
                    Diagnostic::file(
                        Code::W2005OutsideHorizon,
                        &self.overlay.path,
                        format!(
                            "the change from {} to {} is not inside the planning horizon {} to {}",
                            period.from, period.to, horizon.from, horizon.to
                        ),
                        "days outside the horizon are ignored by plan and simulate",
                    )
                    .at(line, Some(column)),
                );
            }
        }
        Ok(Some(period))
    }

    fn tier_moves(&mut self) {
        let overlay = self.overlay;
        // Periods already given to each customer, for overlap checks.
        let mut periods: HashMap<String, Vec<Period>> = HashMap::new();
        for change in &self.scenario.tier_changes {
            periods
                .entry(change.customer.clone())
                .or_default()
                .push(change.period);
        }
        for TierMove {
            customer,
            tier,
            from,
            to,
        } in &overlay.file.tier_move
        {
            let has_sites = self
                .scenario
                .sites
                .iter()
                .any(|s| &s.customer == customer.get_ref());
            if !has_sites {
                self.error(
                    Code::E1031UnknownReference,
                    customer.span(),
                    format!("no site belongs to customer `{}`", customer.get_ref()),
                    "use a customer name exactly as written in sites.csv",
                );
            }
            let tier_index = self.tier_id(tier);
            let Ok(period) = self.period(customer.span(), from, to) else {
                continue;
            };
            let (Some(tier_index), true) = (tier_index, has_sites) else {
                continue;
            };
            match period {
                None => {
                    for site in &mut self.scenario.sites {
                        if &site.customer == customer.get_ref() {
                            site.tier = tier_index;
                        }
                    }
                }
                Some(period) => {
                    let earlier = periods.entry(customer.get_ref().clone()).or_default();
                    if let Some(other) = earlier
                        .iter()
                        .find(|p| p.from <= period.to && period.from <= p.to)
                    {
                        let message = format!(
                            "customer `{}` is already moved from {} to {}, overlapping this move",
                            customer.get_ref(),
                            other.from,
                            other.to
                        );
                        self.error(
                            Code::E1032Inconsistent,
                            from.as_ref().map_or(customer.span(), Spanned::span),
                            message,
                            "give one customer's temporary moves periods that do not overlap",
                        );
                        continue;
                    }
                    earlier.push(period);
                    self.scenario.tier_changes.push(TierChange {
                        period,
                        customer: customer.get_ref().clone(),
                        tier: tier_index,
                    });
                }
            }
        }
    }

    fn rate_edits(&mut self) {
        let overlay = self.overlay;
        let regions: HashSet<String> = self
            .scenario
            .sites
            .iter()
            .map(|s| s.region.clone())
            .filter(|r| !r.is_empty())
            .collect();
        for RateEdit {
            factor,
            region,
            part,
            from,
            to,
        } in &overlay.file.failure_rate
        {
            let factor_value = self.number(
                factor,
                "factor",
                |v| ranges::RATE_FACTOR.contains(v),
                "failure rates are multiplied by 0 to 1000, e.g. factor = 3.0",
            );
            let mut known = true;
            if let Some(region) = region {
                if !regions.contains(region.get_ref()) {
                    known = false;
                    let mut names: Vec<&str> = regions.iter().map(String::as_str).collect();
                    names.sort_unstable();
                    self.error(
                        Code::E1031UnknownReference,
                        region.span(),
                        format!("no site is in region `{}`", region.get_ref()),
                        format!(
                            "use a region of sites.csv's `region` column ({})",
                            names.join(", ")
                        ),
                    );
                }
            }
            let part_index = match part {
                Some(part) => match self.scenario.part_by_id(part.get_ref()) {
                    Some(index) => Some(index),
                    None => {
                        known = false;
                        self.error(
                            Code::E1031UnknownReference,
                            part.span(),
                            format!("unknown part `{}`", part.get_ref()),
                            "use an id listed in parts.csv",
                        );
                        None
                    }
                },
                None => None,
            };
            let Ok(period) = self.period(factor.span(), from, to) else {
                continue;
            };
            let (Some(factor_value), true) = (factor_value, known) else {
                continue;
            };
            let region = region.as_ref().map(|r| r.get_ref().clone());
            match period {
                None => {
                    for unit in &mut self.scenario.installed_base {
                        let site = &self.scenario.sites[unit.site.index()];
                        let in_region = region.as_ref().is_none_or(|r| &site.region == r);
                        let is_part = part_index.is_none_or(|p| unit.part == p);
                        if in_region && is_part {
                            unit.annual_failure_rate *= factor_value;
                        }
                    }
                }
                Some(period) => self.scenario.rate_changes.push(RateChange {
                    period,
                    region,
                    part: part_index,
                    factor: factor_value,
                }),
            }
        }
    }

    fn closures(&mut self) {
        let overlay = self.overlay;
        let links: HashSet<(String, String)> = self
            .scenario
            .roads
            .iter()
            .flat_map(|r| {
                let forward = (r.from.clone(), r.to.clone());
                let backward = (r.to.clone(), r.from.clone());
                if r.oneway {
                    vec![forward]
                } else {
                    vec![forward, backward]
                }
            })
            .collect();
        for ClosureEdit {
            from, to, factor, ..
        } in &overlay.file.closure
        {
            let factor = match factor {
                Some(value) => self.number(
                    value,
                    "factor",
                    |v| ranges::CLOSURE_FACTOR.contains(v),
                    "0 closes the road; 2.5 makes it 2.5 times slower (at most 100)",
                ),
                None => Some(0.0),
            };
            let link = (from.get_ref().clone(), to.get_ref().clone());
            if !links.contains(&link) {
                let action = if self.scenario.roads.is_empty() {
                    "the base scenario has no road layer ([travel] roads); closures need one"
                } else {
                    "name both ends of a link listed in the base scenario's roads.csv"
                };
                self.error(
                    Code::E1031UnknownReference,
                    to.span(),
                    format!(
                        "there is no road from `{}` to `{}`",
                        from.get_ref(),
                        to.get_ref()
                    ),
                    action,
                );
                continue;
            }
            if let Some(factor) = factor {
                self.scenario.closures.push(Closure {
                    from: link.0,
                    to: link.1,
                    factor,
                });
            }
        }
    }
}

/// The planning horizon as dates, if the scenario has a start date.
pub fn horizon(scenario: &Scenario) -> Option<Period> {
    let from = scenario.start_date?;
    let to = from.checked_add_days(Days::new(u64::from(scenario.horizon_days.max(1)) - 1))?;
    Some(Period { from, to })
}

/// The keys of one overlay table, for the validator shared with the CSV
/// files: each key's text or number and its place in the file.
struct TomlFields<'a, 'o> {
    application: &'a mut Application<'o>,
    /// The table's `id`, where problems with absent keys are reported.
    record: Range<usize>,
    keys: Vec<(&'static str, TomlValue<'a>)>,
}

/// A value of an overlay table.
#[derive(Clone, Copy)]
enum TomlValue<'a> {
    Text(&'a Spanned<String>),
    Number(&'a Spanned<f64>),
}

impl TierFields {
    fn keys(&self) -> Vec<(&'static str, TomlValue<'_>)> {
        let texts = [
            ("coverage", &self.coverage),
            ("window", &self.window),
            ("days", &self.days),
            ("calendar", &self.calendar),
            ("response", &self.response),
            ("cutoff", &self.cutoff),
        ];
        let numbers = [("target", &self.target), ("penalty", &self.penalty)];
        texts
            .into_iter()
            .filter_map(|(key, value)| Some((key, TomlValue::Text(value.as_ref()?))))
            .chain(
                numbers
                    .into_iter()
                    .filter_map(|(key, value)| Some((key, TomlValue::Number(value.as_ref()?)))),
            )
            .collect()
    }
}

impl NewEngineer {
    fn keys(&self) -> Vec<(&'static str, TomlValue<'_>)> {
        let given = [
            ("days", &self.days),
            ("calendar", &self.calendar),
            ("tz", &self.tz),
        ];
        [
            ("skills", TomlValue::Text(&self.skills)),
            ("shift", TomlValue::Text(&self.shift)),
        ]
        .into_iter()
        .chain(
            given
                .into_iter()
                .filter_map(|(key, value)| Some((key, TomlValue::Text(value.as_ref()?)))),
        )
        .collect()
    }
}

impl<'a> TomlFields<'a, '_> {
    fn value(&self, key: &str) -> Option<TomlValue<'a>> {
        self.keys
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, value)| *value)
    }

    fn span(&self, key: &str) -> Range<usize> {
        match self.value(key) {
            Some(TomlValue::Text(text)) => text.span(),
            Some(TomlValue::Number(number)) => number.span(),
            None => self.record.clone(),
        }
    }
}

impl Fields for TomlFields<'_, '_> {
    fn text(&self, key: &str) -> Option<String> {
        match self.value(key)? {
            TomlValue::Text(text) => Some(text.get_ref().clone()),
            TomlValue::Number(number) => Some(number.get_ref().to_string()),
        }
    }

    fn number(&mut self, key: &str) -> Option<Option<f64>> {
        let TomlValue::Number(number) = self.value(key)? else {
            return Some(None);
        };
        let value = *number.get_ref();
        if value.is_finite() {
            return Some(Some(value));
        }
        let span = number.span();
        self.application.error(
            Code::E1012NotFinite,
            span,
            format!("`{key}` is {value}"),
            "write an ordinary decimal number",
        );
        Some(None)
    }

    fn report(&mut self, key: &str, code: Code, message: String, action: String) {
        let span = self.span(key);
        self.application.error(code, span, message, action);
    }

    fn calendar(&mut self, key: &str, _spec: &str) -> Option<Arc<HolidayCalendar>> {
        let Some(TomlValue::Text(spec)) = self.value(key) else {
            return None;
        };
        self.application.calendar(spec)
    }

    fn example(&self, key: &str, value: &str) -> String {
        if matches!(key, "target" | "penalty") {
            format!("{key} = {value}")
        } else {
            format!("{key} = \"{value}\"")
        }
    }

    fn leave_unset(&self, key: &str) -> String {
        format!("leave `{key}` out")
    }
}
