//! `scenario.toml`: the scenario's name, horizon and settings.

use crate::calendar::{parse_duration, parse_time_zone};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::scenario::model::{
    CostSettings, DispatchSettings, FillModel, PlanningSettings, TravelSettings,
};
use crate::scenario::ranges::{self, Bounds};
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Deserialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    name: Spanned<String>,
    currency: Spanned<String>,
    horizon_days: Spanned<i64>,
    /// A TOML date, or the same date quoted as text.
    start_date: Option<Spanned<toml::Value>>,
    timezone: Option<Spanned<String>>,
    #[serde(default)]
    travel: TravelFile,
    #[serde(default)]
    costs: CostsFile,
    #[serde(default)]
    planning: PlanningFile,
    #[serde(default)]
    dispatch: DispatchFile,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TravelFile {
    speed_kmh: Option<Spanned<f64>>,
    circuity: Option<Spanned<f64>>,
    handling_hours: Option<Spanned<f64>>,
    roads: Option<String>,
    nodes: Option<String>,
    closures: Option<String>,
    matrix: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CostsFile {
    holding_rate: Option<Spanned<f64>>,
    emergency_shipment_cost: Option<Spanned<f64>>,
    certification_cost: Option<Spanned<f64>>,
    emergency_hours: Option<Spanned<f64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PlanningFile {
    fill_model: Option<Spanned<String>>,
    time_limit: Option<Spanned<String>>,
    gap: Option<Spanned<f64>>,
    max_stock: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DispatchFile {
    courier_speed_factor: Option<Spanned<f64>>,
    engineer_hour_cost: Option<Spanned<f64>>,
    overtime_after: Option<Spanned<f64>>,
    overtime_factor: Option<Spanned<f64>>,
    max_overtime: Option<Spanned<f64>>,
    #[serde(default)]
    objective: ObjectiveFile,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ObjectiveFile {
    travel: Option<Spanned<f64>>,
    paid_time: Option<Spanned<f64>>,
}

/// Everything `scenario.toml` says, checked.
#[derive(Clone, Debug)]
pub struct Settings {
    pub name: String,
    pub currency: String,
    pub horizon_days: u32,
    pub start_date: Option<NaiveDate>,
    /// Zone of depots without a `tz` column (and so of their engineers).
    pub timezone: Option<Tz>,
    pub travel: TravelSettings,
    pub costs: CostSettings,
    pub planning: PlanningSettings,
    pub dispatch: DispatchSettings,
    /// Files named in `[travel]`, relative to the scenario folder.
    pub roads_file: Option<PathBuf>,
    pub nodes_file: Option<PathBuf>,
    pub closures_file: Option<PathBuf>,
    pub matrix_file: Option<PathBuf>,
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, column)
}

struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
    diagnostics: &'a mut Diagnostics,
}

impl Checker<'_> {
    fn error(&mut self, code: Code, span: Range<usize>, message: String, action: &str) {
        let (line, column) = line_column(self.text, span.start);
        self.diagnostics
            .push(Diagnostic::file(code, self.path, message, action).at(line, Some(column)));
    }

    /// A number within its documented range, or its default.
    fn number(
        &mut self,
        value: &Option<Spanned<f64>>,
        key: &str,
        default: f64,
        bounds: Bounds,
        expected: &str,
    ) -> f64 {
        let Some(value) = value else {
            return default;
        };
        let number = *value.get_ref();
        if !number.is_finite() {
            self.error(
                Code::E1012NotFinite,
                value.span(),
                format!("`{key}` is {number}"),
                "write an ordinary decimal number",
            );
            return default;
        }
        if !bounds.contains(number) {
            let code = if number < bounds.low || (bounds.low_open && number <= bounds.low) {
                Code::E1013OutOfDomain
            } else {
                Code::E1014OutOfRange
            };
            self.error(
                code,
                value.span(),
                format!("`{key}` = {number} is outside {bounds}"),
                expected,
            );
            return default;
        }
        number
    }
}

/// A plain date from a TOML date value (`2026-01-01`) or the same date
/// quoted (`"2026-01-01"`), as people write it; or why it is not one.
/// `scenario.toml` and `overlay.toml` read their dates with it.
pub fn plain_date(value: &toml::Value) -> Result<NaiveDate, String> {
    match value {
        toml::Value::Datetime(toml::value::Datetime {
            date: Some(date),
            time: None,
            offset: None,
        }) => NaiveDate::from_ymd_opt(
            i32::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
        )
        .ok_or_else(|| format!("{value} is not a date of the calendar")),
        toml::Value::String(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| format!("\"{text}\" is not a date YYYY-MM-DD")),
        _ => Err(format!("{value} is not a plain date")),
    }
}

/// Reads and checks `scenario.toml`; `None` when it cannot be used.
pub fn parse_settings(path: &Path, text: &str, diagnostics: &mut Diagnostics) -> Option<Settings> {
    let file: SettingsFile = match toml::from_str(text) {
        Ok(file) => file,
        Err(error) => {
            let mut diagnostic = Diagnostic::file(
                Code::E1002Malformed,
                path,
                error.message().to_string(),
                "see the scenario.toml reference in docs/scenario-format.md for the known keys and their types",
            );
            if let Some(span) = error.span() {
                let (line, column) = line_column(text, span.start);
                diagnostic = diagnostic.at(line, Some(column));
            }
            diagnostics.push(diagnostic);
            return None;
        }
    };
    let errors_before = diagnostics.error_count();
    let mut check = Checker {
        path,
        text,
        diagnostics,
    };

    for (key, value) in [("name", &file.name), ("currency", &file.currency)] {
        if value.get_ref().trim().is_empty() {
            check.error(
                Code::E1010EmptyValue,
                value.span(),
                format!("`{key}` is empty"),
                "give the scenario a name and a currency code such as CNY",
            );
        }
    }
    let horizon = *file.horizon_days.get_ref();
    let horizon_days = match u32::try_from(horizon) {
        Ok(days) if (1..=3660).contains(&days) => days,
        _ => {
            check.error(
                Code::E1014OutOfRange,
                file.horizon_days.span(),
                format!("`horizon_days` = {horizon} is outside 1..=3660"),
                "give the planning horizon in days, e.g. 365",
            );
            365
        }
    };
    let start_date = file.start_date.as_ref().and_then(|value| {
        let date = plain_date(value.get_ref()).ok();
        if date.is_none() {
            check.error(
                Code::E1019BadDateTime,
                value.span(),
                format!("`start_date` = {} is not a plain date", value.get_ref()),
                "write a date without time, e.g. start_date = 2026-01-01",
            );
        }
        date
    });
    let timezone =
        file.timezone
            .as_ref()
            .and_then(|value| match parse_time_zone(value.get_ref()) {
                Ok(tz) => Some(tz),
                Err(message) => {
                    check.error(Code::E1016UnknownTimeZone, value.span(), message, "");
                    None
                }
            });

    let defaults = TravelSettings::default();
    let travel = TravelSettings {
        speed_kmh: check.number(
            &file.travel.speed_kmh,
            "speed_kmh",
            defaults.speed_kmh,
            ranges::SPEED_KMH,
            "the average road speed is more than 0 and at most 300 km/h",
        ),
        circuity: check.number(
            &file.travel.circuity,
            "circuity",
            defaults.circuity,
            ranges::CIRCUITY,
            "road km per straight-line km is 1.0 to 5.0 (typically 1.2 to 1.5)",
        ),
        handling_hours: check.number(
            &file.travel.handling_hours,
            "handling_hours",
            defaults.handling_hours,
            ranges::HANDLING_HOURS,
            "handling time is 0 to 168 hours",
        ),
    };
    let defaults = CostSettings::default();
    let costs = CostSettings {
        holding_rate: check.number(
            &file.costs.holding_rate,
            "holding_rate",
            defaults.holding_rate,
            ranges::HOLDING_RATE,
            "the holding rate is a share of unit cost per year from 0 to 10, e.g. 0.25",
        ),
        emergency_shipment_cost: check.number(
            &file.costs.emergency_shipment_cost,
            "emergency_shipment_cost",
            defaults.emergency_shipment_cost,
            ranges::MONEY,
            "the emergency shipment cost is 0 to 10^12",
        ),
        certification_cost: check.number(
            &file.costs.certification_cost,
            "certification_cost",
            defaults.certification_cost,
            ranges::MONEY,
            "the certification cost per skill and added position per year is 0 to 10^12",
        ),
        emergency_hours: check.number(
            &file.costs.emergency_hours,
            "emergency_hours",
            defaults.emergency_hours,
            ranges::EMERGENCY_HOURS,
            "the hours from a failure until an emergency shipment is on site are more than 0 and at most 8760 (a year)",
        ),
    };
    let defaults = PlanningSettings::default();
    let fill_model = match &file.planning.fill_model {
        None => defaults.fill_model,
        Some(value) => match value.get_ref().as_str() {
            "erlang" => FillModel::ErlangLoss,
            "metric" => FillModel::Metric,
            other => {
                check.error(
                    Code::E1015UnknownKeyword,
                    value.span(),
                    format!("`fill_model` = `{other}` is not one of: erlang, metric"),
                    "write fill_model = \"erlang\" (lost sales) or \"metric\" (backorders)",
                );
                defaults.fill_model
            }
        },
    };
    let time_limit = match &file.planning.time_limit {
        None => defaults.time_limit,
        Some(value) => parse_duration(value.get_ref()).unwrap_or_else(|message| {
            check.error(Code::E1018BadDuration, value.span(), message, "");
            defaults.time_limit
        }),
    };
    let gap = check.number(
        &file.planning.gap,
        "gap",
        defaults.gap,
        ranges::GAP,
        "the relative gap is a share from 0 to 0.999, e.g. 0.005",
    );
    let max_stock = match &file.planning.max_stock {
        None => defaults.max_stock,
        Some(value) => match u32::try_from(*value.get_ref()) {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                check.error(
                    Code::E1014OutOfRange,
                    value.span(),
                    format!("`max_stock` = {} is outside 1..=1000", value.get_ref()),
                    "give the largest stock of one part at one depot worth considering",
                );
                defaults.max_stock
            }
        },
    };
    let dispatch = dispatch_settings(&mut check, &file.dispatch);
    if check.diagnostics.error_count() > errors_before {
        return None;
    }
    Some(Settings {
        name: file.name.into_inner(),
        currency: file.currency.into_inner(),
        horizon_days,
        start_date,
        timezone,
        travel,
        costs,
        planning: PlanningSettings {
            fill_model,
            time_limit,
            gap,
            max_stock,
        },
        dispatch,
        roads_file: file.travel.roads.map(PathBuf::from),
        nodes_file: file.travel.nodes.map(PathBuf::from),
        closures_file: file.travel.closures.map(PathBuf::from),
        matrix_file: file.travel.matrix.map(PathBuf::from),
    })
}

/// `[dispatch]`, checked; absent keys keep today's behaviour.
fn dispatch_settings(check: &mut Checker, file: &DispatchFile) -> DispatchSettings {
    let defaults = DispatchSettings::default();
    let weight = "an objective weight is from 0 to 1000 (cost per minute)";
    DispatchSettings {
        courier_speed_factor: check.number(
            &file.courier_speed_factor,
            "courier_speed_factor",
            defaults.courier_speed_factor,
            ranges::COURIER_SPEED_FACTOR,
            "courier speed relative to the travel speed is more than 0 and at most 100",
        ),
        travel_weight: check.number(
            &file.objective.travel,
            "travel",
            defaults.travel_weight,
            ranges::OBJECTIVE_WEIGHT,
            weight,
        ),
        paid_time_weight: check.number(
            &file.objective.paid_time,
            "paid_time",
            defaults.paid_time_weight,
            ranges::OBJECTIVE_WEIGHT,
            weight,
        ),
        engineer_hour_cost: check.number(
            &file.engineer_hour_cost,
            "engineer_hour_cost",
            defaults.engineer_hour_cost,
            ranges::ENGINEER_HOUR_COST,
            "an engineer hour costs from 0 to 1000000 in the scenario's currency",
        ),
        overtime_after_hours: file.overtime_after.as_ref().map(|_| {
            check.number(
                &file.overtime_after,
                "overtime_after",
                0.0,
                ranges::OVERTIME_AFTER,
                "overtime starts after 0 to 168 paid hours of a working day",
            )
        }),
        overtime_factor: check.number(
            &file.overtime_factor,
            "overtime_factor",
            defaults.overtime_factor,
            ranges::OVERTIME_FACTOR,
            "an overtime hour costs 1 to 10 times a normal hour",
        ),
        max_overtime_hours: check.number(
            &file.max_overtime,
            "max_overtime",
            defaults.max_overtime_hours,
            ranges::MAX_OVERTIME,
            "engineers may work 0 to 24 hours past the end of their shift",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<Settings>, Diagnostics) {
        let mut diagnostics = Diagnostics::new();
        let settings = parse_settings(Path::new("scenario.toml"), text, &mut diagnostics);
        (settings, diagnostics)
    }

    #[test]
    fn defaults_apply_and_values_are_read() {
        let (settings, diagnostics) = parse(
            "name = \"x\"\ncurrency = \"CNY\"\nhorizon_days = 365\nstart_date = 2026-01-01\n[travel]\nspeed_kmh = 70\nroads = \"roads.csv\"\n",
        );
        assert!(!diagnostics.has_errors(), "{diagnostics}");
        let settings = settings.unwrap();
        assert_eq!(settings.travel.speed_kmh, 70.0);
        assert_eq!(settings.travel.circuity, 1.3);
        assert_eq!(settings.costs.holding_rate, 0.25);
        assert_eq!(settings.costs.certification_cost, 0.0);
        assert_eq!(settings.costs.emergency_hours, 24.0);
        assert_eq!(settings.start_date, NaiveDate::from_ymd_opt(2026, 1, 1));
        assert_eq!(settings.roads_file, Some(PathBuf::from("roads.csv")));
    }

    #[test]
    fn start_date_may_be_quoted_but_must_be_a_date() {
        let head = "name = \"x\"\ncurrency = \"CNY\"\nhorizon_days = 365\n";
        let (settings, _) = parse(&format!("{head}start_date = \"2026-01-01\"\n"));
        assert_eq!(
            settings.unwrap().start_date,
            NaiveDate::from_ymd_opt(2026, 1, 1)
        );
        for bad in ["\"2026-13-01\"", "\"soon\"", "2026-01-01T08:00:00", "7"] {
            let (settings, diagnostics) = parse(&format!("{head}start_date = {bad}\n"));
            assert!(settings.is_none(), "{bad}");
            let error = diagnostics.errors().next().unwrap();
            assert_eq!(
                (error.code, error.location()),
                (Code::E1019BadDateTime, "scenario.toml:4:14".to_string()),
                "{bad}"
            );
        }
    }

    #[test]
    fn errors_point_at_the_value() {
        let (settings, diagnostics) = parse(
            "name = \"x\"\ncurrency = \"CNY\"\nhorizon_days = 365\n[travel]\nspeed_kmh = -5\ncircuity = nan\n",
        );
        assert!(settings.is_none());
        let found: Vec<_> = diagnostics
            .errors()
            .map(|d| (d.code, d.location()))
            .collect();
        assert_eq!(
            found,
            vec![
                (Code::E1013OutOfDomain, "scenario.toml:5:13".to_string()),
                (Code::E1012NotFinite, "scenario.toml:6:12".to_string()),
            ]
        );
    }

    #[test]
    fn certification_cost_and_emergency_hours_are_read_and_checked() {
        let head = "name = \"x\"\ncurrency = \"CNY\"\nhorizon_days = 365\n[costs]\n";
        let (settings, diagnostics) = parse(&format!(
            "{head}certification_cost = 2500\nemergency_hours = 36\n"
        ));
        assert!(!diagnostics.has_errors(), "{diagnostics}");
        let costs = settings.unwrap().costs;
        assert_eq!(
            (costs.certification_cost, costs.emergency_hours),
            (2500.0, 36.0)
        );
        let (settings, diagnostics) = parse(&format!(
            "{head}certification_cost = -1\nemergency_hours = 0\n"
        ));
        assert!(settings.is_none());
        let found: Vec<_> = diagnostics
            .errors()
            .map(|d| (d.code, d.location()))
            .collect();
        assert_eq!(
            found,
            vec![
                (Code::E1013OutOfDomain, "scenario.toml:5:22".to_string()),
                (Code::E1013OutOfDomain, "scenario.toml:6:19".to_string()),
            ]
        );
        let (_, diagnostics) = parse(&format!("{head}emergency_hours = 9000\n"));
        let error = diagnostics.errors().next().unwrap();
        assert_eq!(
            (error.code, error.location()),
            (Code::E1014OutOfRange, "scenario.toml:5:19".to_string())
        );
    }

    #[test]
    fn dispatch_pay_and_overtime_are_read_and_checked() {
        let head = "name = \"x\"\ncurrency = \"CNY\"\nhorizon_days = 365\n[dispatch]\n";
        let (settings, diagnostics) = parse(&format!("{head}[dispatch.objective]\n"));
        assert!(!diagnostics.has_errors(), "{diagnostics}");
        assert_eq!(settings.unwrap().dispatch, DispatchSettings::default());
        let (settings, diagnostics) = parse(&format!(
            "{head}engineer_hour_cost = 80\novertime_after = 8\novertime_factor = 2\nmax_overtime = 1.5\n[dispatch.objective]\ntravel = 0.5\npaid_time = 1\n"
        ));
        assert!(!diagnostics.has_errors(), "{diagnostics}");
        let d = settings.unwrap().dispatch;
        assert_eq!(
            (
                d.engineer_hour_cost,
                d.overtime_after_hours,
                d.overtime_factor
            ),
            (80.0, Some(8.0), 2.0)
        );
        assert_eq!(
            (d.max_overtime_hours, d.travel_weight, d.paid_time_weight),
            (1.5, 0.5, 1.0)
        );
        let (settings, diagnostics) = parse(&format!("{head}overtime_factor = 0.5\n"));
        assert!(settings.is_none());
        let error = diagnostics.errors().next().unwrap();
        assert_eq!(
            (error.code, error.location()),
            (Code::E1013OutOfDomain, "scenario.toml:5:19".to_string())
        );
    }

    #[test]
    fn unknown_keys_and_syntax_errors_are_located() {
        let (_, diagnostics) =
            parse("name = \"x\"\ncurrency = \"CNY\"\nhorizon_days = 365\n[travel]\nsped_kmh = 5\n");
        let error = diagnostics.errors().next().unwrap();
        assert_eq!(error.code, Code::E1002Malformed);
        assert_eq!(error.line, Some(5));
        assert!(error.message.contains("sped_kmh"), "{}", error.message);
        let (_, diagnostics) = parse("name = \"x\"\ncurrency = \n");
        assert_eq!(diagnostics.errors().next().unwrap().line, Some(2));
    }
}
