//! Synthetic scenarios for benchmarks and for trying the tool at scale:
//! depots and sites at real Chinese city coordinates (sites clustered around
//! cities in proportion to population), skewed part demand, mixed tiers.
//! The result is the text of a scenario folder; writing it is the caller's.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal};
use std::fmt::Write;

/// Size of a generated scenario.
#[derive(Clone, Copy, Debug)]
pub struct GenerateOptions {
    pub depots: usize,
    pub sites: usize,
    pub parts: usize,
    /// Installed-base rows (default: 7 per site).
    pub rows: Option<usize>,
    /// Field engineers (default: 2 per depot).
    pub engineers: Option<usize>,
    /// Incidents of one working day (2026-03-10) in incidents.csv, with a
    /// stock.csv to dispatch them from; none when 0.
    pub incidents: usize,
    pub seed: u64,
}

/// The day generated incidents open on: an ordinary Tuesday.
const INCIDENT_DAY: &str = "2026-03-10";
/// Share of generated incidents raised by monitoring rather than by a failure.
const PROACTIVE_SHARE: f64 = 0.1;
/// Stock of a generated day: units of each part across the network, as a
/// multiple of the day's incidents needing it.
const STOCK_COVER: usize = 3;
/// Mixed into the seed for the dispatch-day files, so that adding them leaves
/// the other files of a seed unchanged.
const DAY_SEED_SALT: u64 = 0x05ee_dda7;

/// (name, latitude, longitude, population in millions): the cities sites
/// cluster around and depots sit in.
const CITIES: &[(&str, f64, f64, f64)] = &[
    ("Shanghai", 31.230, 121.474, 24.9),
    ("Beijing", 39.904, 116.407, 21.9),
    ("Shenzhen", 22.543, 114.058, 17.6),
    ("Guangzhou", 23.129, 113.264, 18.7),
    ("Chongqing", 29.563, 106.552, 16.0),
    ("Chengdu", 30.573, 104.067, 20.9),
    ("Tianjin", 39.343, 117.362, 13.9),
    ("Wuhan", 30.593, 114.306, 13.6),
    ("Xi'an", 34.342, 108.940, 12.9),
    ("Hangzhou", 30.274, 120.155, 12.2),
    ("Zhengzhou", 34.747, 113.625, 12.6),
    ("Nanjing", 32.060, 118.797, 9.4),
    ("Suzhou", 31.299, 120.585, 12.9),
    ("Shenyang", 41.806, 123.432, 9.1),
    ("Harbin", 45.804, 126.535, 9.9),
    ("Jinan", 36.651, 117.120, 9.4),
    ("Changsha", 28.228, 112.939, 10.5),
    ("Qingdao", 36.067, 120.383, 10.3),
    ("Dongguan", 23.021, 113.752, 10.5),
    ("Kunming", 25.039, 102.718, 8.5),
    ("Hefei", 31.821, 117.227, 9.6),
    ("Fuzhou", 26.075, 119.297, 8.4),
    ("Xiamen", 24.480, 118.089, 5.3),
    ("Nanning", 22.817, 108.367, 8.9),
    ("Shijiazhuang", 38.043, 114.515, 11.2),
    ("Taiyuan", 37.871, 112.549, 5.4),
    ("Nanchang", 28.682, 115.858, 6.5),
    ("Guiyang", 26.647, 106.630, 6.0),
    ("Changchun", 43.817, 125.324, 9.1),
    ("Dalian", 38.914, 121.615, 7.5),
    ("Ningbo", 29.868, 121.544, 9.4),
    ("Wuxi", 31.491, 120.312, 7.5),
    ("Foshan", 23.022, 113.122, 9.5),
    ("Lanzhou", 36.061, 103.834, 4.4),
    ("Urumqi", 43.825, 87.617, 4.1),
    ("Hohhot", 40.842, 111.749, 3.4),
    ("Haikou", 20.044, 110.200, 2.9),
    ("Yinchuan", 38.487, 106.231, 2.9),
    ("Xining", 36.617, 101.778, 2.5),
    ("Lhasa", 29.652, 91.172, 0.9),
    ("Wenzhou", 28.000, 120.672, 9.6),
    ("Xuzhou", 34.205, 117.284, 9.0),
    ("Tangshan", 39.631, 118.180, 7.7),
    ("Luoyang", 34.620, 112.454, 7.1),
    ("Yantai", 37.464, 121.448, 7.1),
    ("Quanzhou", 24.874, 118.676, 8.8),
    ("Zibo", 36.813, 118.055, 4.7),
    ("Baotou", 40.658, 109.840, 2.7),
    ("Liuzhou", 24.326, 109.429, 4.2),
    ("Yichang", 30.692, 111.286, 4.0),
    ("Mianyang", 31.468, 104.679, 4.9),
    ("Ganzhou", 25.831, 114.935, 9.0),
    ("Zunyi", 27.725, 106.927, 6.6),
    ("Qujing", 25.490, 103.796, 5.8),
    ("Daqing", 46.590, 125.104, 2.8),
    ("Jilin", 43.838, 126.550, 3.6),
    ("Handan", 36.625, 114.539, 9.4),
    ("Weifang", 36.707, 119.162, 9.4),
    ("Nantong", 31.980, 120.894, 7.7),
    ("Kashgar", 39.468, 75.994, 0.7),
];

const KINDS: &[(&str, &str)] = &[
    ("Line card", "net"),
    ("Server board", "srv"),
    ("Disk", "sto"),
    ("Optic", "opt"),
    ("Power supply", "pwr"),
    ("Fan tray", "pwr"),
    ("Supervisor", "net"),
];

/// Where the generated places go: at the Chinese cities themselves, or
/// the same pattern shrunk to a quarter and moved to another centre.
#[derive(Clone, Copy, Debug)]
struct Frame {
    centre: Option<(f64, f64)>,
}

/// The middle of [`CITIES`] (latitude, longitude), the point a moved
/// pattern is centred on.
const CITIES_MIDDLE: (f64, f64) = (32.0, 112.0);
/// How much a moved pattern shrinks: China's cities span about 40 degrees
/// of longitude, a quarter of that is a country such as Germany.
const MOVED_SCALE: f64 = 0.25;

impl Frame {
    fn place(self, lat: f64, lon: f64) -> (f64, f64) {
        match self.centre {
            None => (lat, lon),
            Some((clat, clon)) => (
                (clat + (lat - CITIES_MIDDLE.0) * MOVED_SCALE).clamp(-89.0, 89.0),
                clon + (lon - CITIES_MIDDLE.1) * MOVED_SCALE,
            ),
        }
    }

    /// The IANA zone of a site: China's two, or a fixed offset from the
    /// longitude of a moved centre (`Etc/GMT-1` is UTC+1).
    fn zone(self, city_lon: f64) -> String {
        match self.centre {
            None if city_lon < 90.0 => "Asia/Urumqi".to_string(),
            None => "Asia/Shanghai".to_string(),
            Some((_, lon)) => {
                let hours = (lon / 15.0).round() as i64;
                if hours == 0 {
                    "Etc/UTC".to_string()
                } else {
                    format!("Etc/GMT{:+}", -hours)
                }
            }
        }
    }
}

/// The files of a generated scenario: (file name, content).
pub fn generate(options: GenerateOptions) -> Vec<(&'static str, String)> {
    generate_in(options, Frame { centre: None })
}

/// Like [`generate`], with the places moved to `centre` (latitude,
/// longitude) and shrunk to a country's size, for a scenario outside China
/// (time zones follow the centre's longitude; tiers keep the CN calendar).
pub fn generate_around(
    options: GenerateOptions,
    centre: (f64, f64),
) -> Vec<(&'static str, String)> {
    generate_in(
        options,
        Frame {
            centre: Some(centre),
        },
    )
}

fn generate_in(options: GenerateOptions, frame: Frame) -> Vec<(&'static str, String)> {
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let depots = depots_csv(&mut rng, options.depots, frame);
    let (parts, part_weights) = parts_csv(&mut rng, options.parts);
    let (sites, site_count) = sites_csv(&mut rng, options.sites, frame);
    let rows = options.rows.unwrap_or(site_count * 7);
    let (installed, failure_weights) =
        installed_base_csv(&mut rng, site_count, &part_weights, rows);
    let engineers = engineers_csv(
        options.depots,
        options.engineers.unwrap_or(2 * options.depots),
    );
    let mut files = vec![
        ("scenario.toml", scenario_toml(options, frame)),
        ("depots.csv", depots),
        ("parts.csv", parts),
        ("sites.csv", sites),
        ("installed_base.csv", installed),
        ("tiers.csv", TIERS.to_string()),
        ("engineers.csv", engineers),
        ("shifts.csv", SHIFTS.to_string()),
    ];
    if options.incidents > 0 {
        let mut day_rng = ChaCha8Rng::seed_from_u64(options.seed ^ DAY_SEED_SALT);
        let drawn = draw_incidents(&mut day_rng, &failure_weights, options.incidents);
        files.push(("incidents.csv", incidents_csv(&drawn)));
        files.push((
            "stock.csv",
            stock_csv(options.depots, options.parts, &drawn),
        ));
    }
    files
}

const TIERS: &str = "id,coverage,window,days,calendar,response,target,penalty\n\
7x24x4,24x7,,,,4h,0.95,20000\n\
5x9-nbd,business,08:30-17:30,mon-fri,CN,nbd,0.98,5000\n\
5x10-nbd,business,08:00-18:00,mon-fri,CN,nbd,0.98,5000\n";

/// The rota patterns the planner may staff: the business windows of the
/// two business tiers on the CN calendar and the on-call rota of the
/// round-the-clock engineers ([`CREWS`] works the last two). Yearly cost of
/// one position in CNY, rota and allowances included: a longer day costs
/// more, and covering every hour of the year takes several people.
const SHIFTS: &str = "id,window,days,calendar,cost_per_year\n\
day9,08:30-17:30,mon-fri,CN,180000\n\
day10,08:00-18:00,mon-fri,CN,200000\n\
oncall,24x7,mon-sun,none,420000\n";

fn scenario_toml(options: GenerateOptions, frame: Frame) -> String {
    let zone = match frame.centre {
        None => "Asia/Shanghai".to_string(),
        Some((_, lon)) => frame.zone(lon),
    };
    let text = format!(
        "# Generated by `sparesla generate --depots {} --sites {} --parts {} --seed {}`.\n\
         name = \"generated-{}\"\ncurrency = \"CNY\"\nhorizon_days = 365\nstart_date = 2026-01-01\n\
         timezone = \"Asia/Shanghai\"\n\n[travel]\nspeed_kmh = 60.0\ncircuity = 1.3\nhandling_hours = 0.5\n\n\
         [costs]\nholding_rate = 0.25\nemergency_shipment_cost = 3000\n\n\
         [planning]\nfill_model = \"erlang\"\ntime_limit = \"60s\"\ngap = 0.01\nmax_stock = 30\n",
        options.depots, options.sites, options.parts, options.seed, options.seed
    );
    text.replace("\"Asia/Shanghai\"", &format!("\"{zone}\""))
}

/// A city, by index, with a jitter for indices beyond the list.
fn city(rng: &mut ChaCha8Rng, index: usize) -> (String, f64, f64) {
    let (name, lat, lon, _) = CITIES[index % CITIES.len()];
    if index < CITIES.len() {
        (name.to_string(), lat, lon)
    } else {
        let round = index / CITIES.len();
        (
            format!("{name} {}", round + 1),
            lat + rng.random_range(-0.6..0.6),
            lon + rng.random_range(-0.6..0.6),
        )
    }
}

fn depots_csv(rng: &mut ChaCha8Rng, count: usize, frame: Frame) -> String {
    let mut out = String::from("id,name,lat,lon,kind,status,fixed_cost,replenish_days\n");
    for d in 0..count {
        let (name, lat, lon) = city(rng, d);
        let (lat, lon) = frame.place(lat, lon);
        let (kind, status) = match d {
            0 => ("central", "open"),
            _ if d % 3 == 1 => ("regional", "open"),
            _ => ("regional", "candidate"),
        };
        let fixed = if d == 0 {
            4_000_000.0
        } else {
            rng.random_range(400_000.0..1_400_000.0_f64).round()
        };
        let replenish = if d == 0 { 21 } else { rng.random_range(2..=7) };
        let _ = writeln!(
            out,
            "D{d:03},{name} depot,{lat:.4},{lon:.4},{kind},{status},{fixed},{replenish}"
        );
    }
    out
}

fn parts_csv(rng: &mut ChaCha8Rng, count: usize) -> (String, Vec<f64>) {
    let mut out = String::from("id,name,unit_cost,skill,repair_hours\n");
    let cost: LogNormal<f64> = LogNormal::new(8.5, 1.3).expect("constant parameters are valid");
    let mut weights = Vec::with_capacity(count);
    for p in 0..count {
        let (kind, skill) = KINDS[p % KINDS.len()];
        let unit_cost: f64 = cost.sample(rng);
        let unit_cost = unit_cost.clamp(300.0, 300_000.0).round();
        let _ = writeln!(out, "P{p:04},{kind} {p},{unit_cost},{skill},{}", 1 + p % 3);
        // Zipf-like popularity: a few parts are installed everywhere.
        weights.push(1.0 / (p as f64 + 1.0).powf(0.8));
    }
    (out, weights)
}

fn sites_csv(rng: &mut ChaCha8Rng, count: usize, frame: Frame) -> (String, usize) {
    let mut out = String::from("id,customer,lat,lon,tz,tier,region\n");
    let total: f64 = CITIES.iter().map(|c| c.3).sum();
    let spread: Normal<f64> = Normal::new(0.0, 0.25).expect("constant parameters are valid");
    for s in 0..count {
        let mut pick = rng.random_range(0.0..total);
        let city = CITIES
            .iter()
            .find(|c| {
                pick -= c.3;
                pick <= 0.0
            })
            .unwrap_or(&CITIES[0]);
        let lat = (city.1 + spread.sample(rng)).clamp(-89.0, 89.0);
        let lon = city.2 + spread.sample(rng);
        let (lat, lon) = frame.place(lat, lon);
        let tier = match rng.random_range(0..100) {
            0..30 => "7x24x4",
            30..65 => "5x9-nbd",
            _ => "5x10-nbd",
        };
        let tz = frame.zone(city.2);
        let _ = writeln!(
            out,
            "S{s:05},Customer {},{lat:.4},{lon:.4},{tz},{tier},{}",
            rng.random_range(1..=count.div_ceil(6).max(1)),
            city.0
        );
    }
    (out, count)
}

/// The installed base, and each row's (site, part, failures per year).
fn installed_base_csv(
    rng: &mut ChaCha8Rng,
    sites: usize,
    weights: &[f64],
    rows: usize,
) -> (String, Vec<(usize, usize, f64)>) {
    let mut out = String::from("site,part,quantity,annual_failure_rate\n");
    let mut failures = Vec::with_capacity(rows);
    if sites == 0 || weights.is_empty() {
        return (out, failures);
    }
    let total: f64 = weights.iter().sum();
    let mut seen = std::collections::BTreeSet::new();
    let mut written = 0;
    let mut attempts = 0;
    while written < rows && attempts < rows * 20 {
        attempts += 1;
        let site = rng.random_range(0..sites);
        let mut pick = rng.random_range(0.0..total);
        let part = weights
            .iter()
            .position(|w| {
                pick -= w;
                pick <= 0.0
            })
            .unwrap_or(0);
        if !seen.insert((site, part)) {
            continue;
        }
        let quantity = rng.random_range(1..=12);
        let rate = rng.random_range(0.004..0.06);
        let _ = writeln!(out, "S{site:05},P{part:04},{quantity},{rate:.4}");
        failures.push((site, part, f64::from(quantity) * rate));
        written += 1;
    }
    (out, failures)
}

/// A generated incident: minute of the day, site, part, proactive.
type DrawnIncident = (u32, usize, usize, bool);

/// One day of incidents: sites and parts drawn in proportion to their
/// failure rates, opening times uniform over the day (site local time),
/// sorted by opening.
fn draw_incidents(
    rng: &mut ChaCha8Rng,
    failures: &[(usize, usize, f64)],
    count: usize,
) -> Vec<DrawnIncident> {
    let total: f64 = failures.iter().map(|f| f.2).sum();
    if failures.is_empty() || total <= 0.0 {
        return Vec::new();
    }
    let mut drawn: Vec<DrawnIncident> = (0..count)
        .map(|_| {
            let mut pick = rng.random_range(0.0..total);
            let &(site, part, _) = failures
                .iter()
                .find(|f| {
                    pick -= f.2;
                    pick <= 0.0
                })
                .unwrap_or(&failures[failures.len() - 1]);
            let minute = rng.random_range(0..24 * 60);
            let proactive = rng.random_bool(PROACTIVE_SHARE);
            (minute, site, part, proactive)
        })
        .collect();
    drawn.sort_unstable();
    drawn
}

fn incidents_csv(drawn: &[DrawnIncident]) -> String {
    let mut out = String::from("id,site,opened,part,kind\n");
    for (n, &(minute, site, part, proactive)) in drawn.iter().enumerate() {
        let kind = if proactive { "proactive" } else { "reactive" };
        let _ = writeln!(
            out,
            "I{:05},S{site:05},{INCIDENT_DAY}T{:02}:{:02},P{part:04},{kind}",
            n + 1,
            minute / 60,
            minute % 60
        );
    }
    out
}

/// Stock sized to the day: each part's network stock is [`STOCK_COVER`]
/// times its incidents, spread evenly over the depots (at least one unit
/// everywhere), so that a generated day tests dispatch rather than stock-outs.
fn stock_csv(depots: usize, parts: usize, drawn: &[DrawnIncident]) -> String {
    let mut needed = vec![0usize; parts];
    for &(_, _, part, _) in drawn {
        needed[part] += 1;
    }
    let mut out = String::from("depot,part,on_hand\n");
    for d in 0..depots {
        for (p, &count) in needed.iter().enumerate() {
            let on_hand = (STOCK_COVER * count).div_ceil(depots.max(1)).max(1);
            let _ = writeln!(out, "D{d:03},P{p:04},{on_hand}");
        }
    }
    out
}

/// (skills, shift, calendar, days) of the n-th engineer of a depot: the
/// first two are a business-hours and a round-the-clock engineer, so that
/// every depot covers every skill day and night; more repeat the pattern.
const CREWS: &[(&str, &str, &str, &str)] = &[
    ("net;srv;sto", "08:00-18:00", "CN", "mon-fri"),
    ("opt;pwr;net", "24x7", "none", "mon-sun"),
    ("srv;sto;pwr", "24x7", "none", "mon-sun"),
    ("net;opt;sto", "08:00-18:00", "CN", "mon-fri"),
];

/// `count` engineers spread over the depots round-robin.
fn engineers_csv(depots: usize, count: usize) -> String {
    let mut out = String::from("id,name,base,skills,shift,calendar,days\n");
    if depots == 0 {
        return out;
    }
    for n in 0..count {
        let (d, rank) = (n % depots, n / depots);
        let (skills, shift, calendar, days) = CREWS[rank % CREWS.len()];
        let suffix = if rank < 26 {
            char::from(b'A' + rank as u8).to_string()
        } else {
            format!("R{rank}")
        };
        let _ = writeln!(
            out,
            "E{d:03}{suffix},Engineer {d} {suffix},D{d:03},{skills},{shift},{calendar},{days}"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> GenerateOptions {
        GenerateOptions {
            depots: 12,
            sites: 80,
            parts: 5,
            rows: None,
            engineers: None,
            incidents: 0,
            seed: 7,
        }
    }

    /// Latitude and longitude columns of a generated CSV file.
    fn places(files: &[(&str, String)], name: &str) -> Vec<(f64, f64)> {
        let text = &files.iter().find(|(n, _)| *n == name).unwrap().1;
        text.lines()
            .skip(1)
            .map(|line| {
                let cells: Vec<&str> = line.split(',').collect();
                (cells[2].parse().unwrap(), cells[3].parse().unwrap())
            })
            .collect()
    }

    #[test]
    fn a_moved_scenario_lies_around_its_centre_in_its_zone() {
        let files = generate_around(options(), (51.0, 10.0));
        for name in ["depots.csv", "sites.csv"] {
            for (lat, lon) in places(&files, name) {
                assert!((44.0..58.0).contains(&lat), "{name}: {lat}");
                assert!((0.0..20.0).contains(&lon), "{name}: {lon}");
            }
        }
        let sites = &files.iter().find(|(n, _)| *n == "sites.csv").unwrap().1;
        assert!(sites.lines().skip(1).all(|l| l.contains(",Etc/GMT-1,")));
        let toml = &files.iter().find(|(n, _)| *n == "scenario.toml").unwrap().1;
        assert!(toml.contains("timezone = \"Etc/GMT-1\""), "{toml}");
        // Unmoved, the same seed gives the Chinese cities.
        let china = generate(options());
        assert!(
            places(&china, "depots.csv")
                .iter()
                .all(|(_, lon)| *lon > 70.0)
        );
    }
}
