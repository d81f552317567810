//! The report in a real browser: plan (engineers included, with the
//! scenario's shifts.csv) and dispatch the bundled scenario, write its
//! report, open it in headless Chromium, and check that the screenshot is
//! not blank (the map's depots, the trouble colour, the staffing chart's
//! shift colours and the Gantt chart's bars are there), that the page made no network request
//! (Chromium's net log) and logged nothing to the console (no script
//! error, no Content-Security-Policy violation).
//!
//! Two control pages prove the checks can fail: one loads an image from
//! the network, one trips the CSP and logs from a script.
//!
//! It needs Chromium, so it is `#[ignore]`d: `cargo test` lists it as
//! ignored, and `cargo test --test report_browser -- --include-ignored`
//! (as `.ci/run` does) runs it and fails without Chromium. The screenshot
//! stays at `target/report-screenshot.png`.

#[path = "common/browser.rs"]
mod browser;
mod common;

use browser::{HEADLESS, chromium};

use common::{sparesla, text};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a page did in the browser.
struct Visit {
    /// URLs the page itself asked the network for.
    requests: Vec<String>,
    /// Console lines (script output, errors, CSP violations).
    console: Vec<String>,
}

/// Opens `page` in a fresh headless Chromium, screenshots it to `png`.
fn visit(browser: &Path, page: &Path, png: &Path, window: &str) -> Visit {
    let profile = tempfile::tempdir().unwrap();
    let net_log = profile.path().join("net-log.json");
    let mut child = Command::new(browser)
        .args(HEADLESS)
        .args(["--hide-scrollbars", "--enable-logging=stderr", "--v=0"])
        .arg(format!(
            "--user-data-dir={}",
            profile.path().join("user").display()
        ))
        .arg(format!("--log-net-log={}", net_log.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("--window-size={window}"))
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut { stderr }, &mut text);
        text
    });
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = reader.join().unwrap();
    Visit {
        requests: page_requests(&net_log),
        console: log
            .lines()
            .filter(|line| line.contains(":CONSOLE"))
            .map(str::to_string)
            .collect(),
    }
}

/// URLs of the net log's requests made on behalf of a `file://` page. The
/// browser's own background traffic (update checks and the like) carries
/// no such page in its network isolation key and is not the page's doing.
fn page_requests(net_log: &Path) -> Vec<String> {
    let text = fs::read_to_string(net_log).expect("chromium wrote a net log");
    // A log cut short ends with a comma after the last event.
    let value: serde_json::Value = serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(&format!("{}]}}", text.trim_end().trim_end_matches(','))))
        .expect("net log is JSON");
    let mut urls: Vec<String> = value["events"]
        .as_array()
        .expect("net log events")
        .iter()
        .filter_map(|event| {
            let params = event.get("params")?;
            let url = params.get("url")?.as_str()?;
            let from_page = ["network_isolation_key", "site_for_cookies"]
                .iter()
                .filter_map(|key| params.get(*key).and_then(|v| v.as_str()))
                .any(|value| value.contains("file://"));
            from_page.then(|| url.to_string())
        })
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

/// RGB pixels of a PNG, with its size.
fn pixels(png: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let file = std::io::BufReader::new(fs::File::open(png).expect("screenshot written"));
    let mut decoder = png::Decoder::new(file);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buffer).expect("PNG frame");
    let channels = info.color_type.samples();
    let rgb = buffer[..info.buffer_size()]
        .chunks(channels)
        .map(|p| match channels {
            1 | 2 => [p[0], p[0], p[0]],
            _ => [p[0], p[1], p[2]],
        })
        .collect();
    (info.width, info.height, rgb)
}

fn near(pixel: [u8; 3], colour: [u8; 3], tolerance: i32) -> bool {
    pixel
        .iter()
        .zip(colour)
        .all(|(a, b)| (i32::from(*a) - i32::from(b)).abs() <= tolerance)
}

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target folder")
        .to_path_buf()
}

#[test]
#[ignore = "needs Chromium (Debian: apt-get install chromium); run with --include-ignored, as .ci/run does"]
fn the_report_renders_in_chromium_without_requests_or_errors() {
    let browser = chromium()
        .expect("no chromium on the PATH: install Debian's `chromium`, or set SPARESLA_CHROMIUM");

    // Plan and dispatch the bundled scenario, briefly.
    let scenario = common::root().join("scenarios/china-baseline");
    let work = tempfile::tempdir().unwrap();
    let plan = work.path().join("plan");
    let dispatch = work.path().join("dispatch");
    let run = sparesla(&[
        "plan",
        scenario.to_str().unwrap(),
        "--out",
        plan.to_str().unwrap(),
        "--time-limit",
        "10s",
    ]);
    assert!(run.status.success(), "{}", text(&run).1);
    let run = sparesla(&[
        "dispatch",
        scenario.to_str().unwrap(),
        "--incidents",
        scenario.join("incidents.csv").to_str().unwrap(),
        "--out",
        dispatch.to_str().unwrap(),
        "--iterations",
        "100",
        "--time-limit",
        "10s",
    ]);
    assert!(run.status.success(), "{}", text(&run).1);
    let simulation = work.path().join("simulation");
    let run = sparesla(&[
        "simulate",
        scenario.to_str().unwrap(),
        "--plan",
        plan.to_str().unwrap(),
        "--runs",
        "10",
        "--days",
        "30",
        "--seed",
        "0",
        "--out",
        simulation.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", text(&run).1);
    // A real comparison, so the page lists what changed (a depot closed,
    // one opened, sites that lost coverage).
    let compare = work.path().join("compare");
    let run = sparesla(&[
        "compare",
        scenario.to_str().unwrap(),
        common::root()
            .join("scenarios/close-nanjing-open-hefei")
            .to_str()
            .unwrap(),
        "--out",
        compare.to_str().unwrap(),
        "--time-limit",
        "10s",
    ]);
    assert!(run.status.success(), "{}", text(&run).1);
    let page = target_dir().join("report.html");
    let run = sparesla(&[
        "report",
        scenario.to_str().unwrap(),
        "--plan",
        plan.to_str().unwrap(),
        "--dispatch",
        dispatch.to_str().unwrap(),
        "--compare",
        compare.to_str().unwrap(),
        "--simulate",
        simulation.to_str().unwrap(),
        "--out",
        page.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", text(&run).1);
    let html = fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<section id=\"staffing\">") && html.contains("data-staff-depot="),
        "the plan counts engineers, so the page has a staffing section"
    );

    let screenshot = target_dir().join("report-screenshot.png");
    let _ = fs::remove_file(&screenshot);
    // Tall enough for the whole page, staffing and the comparison included.
    let seen = visit(&browser, &page, &screenshot, "1200,6400");
    assert!(
        seen.requests.is_empty(),
        "the page made requests: {:?}",
        seen.requests
    );
    assert!(
        seen.console.is_empty(),
        "the page logged: {:#?}",
        seen.console
    );

    let (width, height, rgb) = pixels(&screenshot);
    assert_eq!((width, height), (1200, 6400));
    let count = |colour: [u8; 3], tolerance: i32| {
        rgb.iter().filter(|p| near(**p, colour, tolerance)).count()
    };
    let white = count([255, 255, 255], 3);
    let background = count([0xf4, 0xf5, 0xf7], 3);
    let inked = rgb.len() - white - background;
    let share = inked as f64 / rgb.len() as f64;
    eprintln!(
        "screenshot {} ({width}x{height}): {:.1}% of pixels inked",
        screenshot.display(),
        share * 100.0
    );
    assert!(
        share > 0.04,
        "the page looks blank: {:.2}% inked",
        share * 100.0
    );
    // Open depots (navy at 78% over the map's sea), the trouble colour
    // (unreachable rings, late repairs), 7x24x4 sites and on-time repairs.
    let depots = count([0x4c, 0x58, 0x71], 10);
    let trouble = count([0xd5, 0x5e, 0x00], 12);
    let tier_blue = count([0x00, 0x72, 0xb2], 12);
    let on_time = count([0x00, 0x9e, 0x73], 12);
    eprintln!("pixels: depots {depots}, trouble {trouble}, tier blue {tier_blue}, green {on_time}");
    assert!(depots > 500, "map depots: {depots} pixels");
    assert!(trouble > 100, "trouble colour: {trouble} pixels");
    assert!(tier_blue > 100, "tier colour: {tier_blue} pixels");
    assert!(
        on_time > 1000,
        "stock bars and on-time repairs: {on_time} pixels"
    );
    // The staffing chart: the day10 and on-call bars (on-call's colour is
    // also the people cost's).
    let day10 = count([0x56, 0xb4, 0xe9], 10);
    let oncall = count([0xcc, 0x79, 0xa7], 10);
    eprintln!("pixels: staffing day10 {day10}, on-call and people {oncall}");
    assert!(day10 > 2000, "staffing day10 bars: {day10} pixels");
    assert!(
        oncall > 2000,
        "on-call bars and people cost: {oncall} pixels"
    );
    // The Gantt chart in the lower half has ink too.
    let lower = &rgb[rgb.len() / 2..];
    let lower_green = lower
        .iter()
        .filter(|p| near(**p, [0x00, 0x9e, 0x73], 12))
        .count();
    assert!(lower_green > 300, "Gantt repairs: {lower_green} pixels");

    // Measured in the browser: every section is there, and no two map
    // labels overlap (their boxes as Chromium lays the text out).
    let layout = measure(&browser, &html, work.path());
    eprintln!(
        "layout: {} map labels, {} overlapping, sections missing {:?}",
        layout.labels,
        layout.overlaps.len(),
        layout.missing
    );
    assert!(
        layout.missing.is_empty(),
        "sections missing: {:?}",
        layout.missing
    );
    assert!(layout.labels >= 20, "only {} map labels", layout.labels);
    assert!(
        layout.overlaps.is_empty(),
        "overlapping labels: {:?}",
        layout.overlaps
    );
    assert!(html.contains("class=\"land\""), "the base map's land");
    assert!(
        html.contains("class=\"province\""),
        "the base map's provinces"
    );
    assert!(html.contains("class=\"coast\""), "the base map's coast");
    assert!(html.contains("class=\"scale-bar\""), "the scale bar");
    assert!(
        html.contains("data-changes="),
        "the comparison lists what changed"
    );
    assert!(html.contains("data-sim-tier="), "the simulation's tiers");
    // The control: a page missing its sections, with two labels on top of
    // each other, fails both checks.
    let control = "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>x</title></head><body><main><section id=\"map\"><svg class=\"map\" viewBox=\"0 0 200 100\" width=\"200\" height=\"100\">\
         <text class=\"depot-label\" x=\"50\" y=\"50\">D-ONE</text><text class=\"depot-label\" x=\"60\" y=\"52\">D-TWO</text>\
         <text class=\"ring-label\" x=\"150\" y=\"90\">S1</text></svg></section></main></body></html>";
    let layout = measure(&browser, control, work.path());
    assert_eq!(layout.labels, 3);
    assert_eq!(layout.overlaps, vec!["D-ONE / D-TWO"]);
    assert_eq!(
        layout.missing,
        vec!["plan", "simulation", "staffing", "dispatch", "compare"]
    );

    // Controls: each check catches what it is there for.
    let fetches = work.path().join("fetches.html");
    fs::write(
        &fetches,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>x</title></head>\
         <body><p>control</p><img src=\"http://127.0.0.1:9/control.png\"></body></html>",
    )
    .unwrap();
    let seen = visit(&browser, &fetches, &work.path().join("a.png"), "400,300");
    assert_eq!(seen.requests, vec!["http://127.0.0.1:9/control.png"]);
    let blocked = work.path().join("blocked.html");
    fs::write(
        &blocked,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'\">\
         <title>x</title></head><body><p>control</p><img src=\"http://127.0.0.1:9/blocked.png\">\
         <script>console.error('control error')</script></body></html>",
    )
    .unwrap();
    let seen = visit(&browser, &blocked, &work.path().join("b.png"), "400,300");
    assert!(seen.requests.is_empty(), "{:?}", seen.requests);
    assert!(
        seen.console
            .iter()
            .any(|l| l.contains("Content Security Policy")),
        "{:#?}",
        seen.console
    );
    assert!(
        seen.console.iter().any(|l| l.contains("control error")),
        "{:#?}",
        seen.console
    );
}

/// What the measuring script found on a page.
struct Layout {
    /// Map labels measured.
    labels: usize,
    /// Pairs of labels whose boxes overlap, `A / B`.
    overlaps: Vec<String>,
    /// Sections the report should have and does not.
    missing: Vec<String>,
}

/// The sections a report with plan, staffing, simulation, dispatch and
/// comparison has.
const SECTIONS: [&str; 6] = [
    "map",
    "plan",
    "simulation",
    "staffing",
    "dispatch",
    "compare",
];

/// Opens a copy of `page` with a measuring script added (and the CSP
/// opened to inline script for it alone) and reads what it wrote into the
/// DOM: the text boxes of the map's labels (`getBBox`, as laid out in
/// Chromium with the page's fonts) and which sections exist.
fn measure(browser: &Path, page: &str, work: &Path) -> Layout {
    let script = format!(
        "<script>(function(){{\
         const want = {sections};\
         const missing = want.filter(id => !document.getElementById(id));\
         const texts = [...document.querySelectorAll('svg.map text.depot-label, svg.map text.ring-label, svg.map text.cluster-count')];\
         const boxes = texts.map(t => [t.textContent, t.getBBox()]);\
         const overlaps = [];\
         for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {{\
           const a = boxes[i][1], b = boxes[j][1];\
           if (a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5)\
             overlaps.push(boxes[i][0] + ' / ' + boxes[j][0]);\
         }}\
         const out = document.createElement('pre'); out.id = 'layout-check';\
         out.textContent = JSON.stringify({{labels: boxes.length, overlaps: overlaps, missing: missing}});\
         document.body.appendChild(out);\
         }})();</script>",
        sections = serde_json::to_string(&SECTIONS).unwrap()
    );
    let measured = page
        .replace(
            "default-src 'none'; style-src 'unsafe-inline'",
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
        )
        .replace("</body>", &format!("{script}</body>"));
    let path = work.join("measured.html");
    fs::write(&path, measured).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(browser)
        .args(HEADLESS)
        .args(["--window-size=1200,1600", "--dump-dom"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", path.display()))
        .stderr(Stdio::null())
        .output()
        .expect("run chromium --dump-dom");
    let dom = String::from_utf8_lossy(&output.stdout);
    let json = dom
        .split("<pre id=\"layout-check\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("the measuring script wrote nothing: {dom}"));
    let value: serde_json::Value = serde_json::from_str(&json.replace("&amp;", "&")).unwrap();
    let strings = |key: &str| -> Vec<String> {
        value[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    Layout {
        labels: value["labels"].as_u64().unwrap() as usize,
        overlaps: strings("overlaps"),
        missing: strings("missing"),
    }
}
