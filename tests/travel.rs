//! Travel times: geodesic distances against published values, Dijkstra
//! against Floyd-Warshall, closures, unreachable pairs, imported matrices,
//! bad road-layer rows, and the `sparesla travel` command.

mod common;

use common::{ScenarioCopy, sparesla, text};
use proptest::prelude::*;
use sparesla::scenario::{self, LatLon, Scenario};
use sparesla::travel::{
    Endpoint, Link, Reach, RoadGraph, RoadIsland, TimeSource, TravelError, TravelTimes, geodesic_km,
};

fn at(lat: f64, lon: f64) -> LatLon {
    LatLon { lat, lon }
}

fn load(copy: &ScenarioCopy) -> Scenario {
    scenario::load(copy.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario
}

fn baseline() -> ScenarioCopy {
    ScenarioCopy::of(&common::root().join("scenarios/china-baseline"))
}

fn place(s: &Scenario, id: &str) -> Endpoint {
    Endpoint::find(s, id).unwrap_or_else(|| panic!("no place {id}"))
}

/// Every depot-to-site answer, depot-major.
fn depot_site_matrix(s: &Scenario, times: &TravelTimes) -> Vec<Reach> {
    s.depot_indices()
        .flat_map(|d| s.site_indices().map(move |t| times.depot_to_site(d, t)))
        .collect()
}

/// The tiny fixture with a road layer: CW - J-SZ - J-WX - D-NJ and
/// J-SZ - D-HZ. Sites are on no road and get geodesic legs: S1 to CW, S2 to
/// D-HZ, S3 to D-NJ, S4 to J-SZ.
fn tiny_with_roads(roads: &str) -> ScenarioCopy {
    let copy = ScenarioCopy::fixture("tiny");
    copy.replace(
        "scenario.toml",
        "handling_hours = 0.5",
        "handling_hours = 0.5\nroads = \"roads.csv\"\nnodes = \"nodes.csv\"",
    )
    .write(
        "nodes.csv",
        "id,lat,lon,name\nJ-SZ,31.2989,120.5853,Suzhou\nJ-WX,31.4912,120.3119,Wuxi\n",
    )
    .write("roads.csv", roads);
    copy
}

const TINY_ROADS: &str = "from,to,km,minutes,oneway\nCW,J-SZ,110,80,no\nJ-SZ,J-WX,40,30,no\nJ-WX,D-NJ,190,120,no\nJ-SZ,D-HZ,160,,no\n";

#[test]
fn geodesic_distances_match_published_values() {
    // Beijing (Tiananmen) to Shanghai (People's Square): about 1,067 km.
    let km = geodesic_km(at(39.9042, 116.4074), at(31.2304, 121.4737));
    assert!((km - 1067.0).abs() < 5.0, "{km}");
    // Vincenty's (1975) test line, Flinders Peak to Buninyong (Victoria),
    // as published by Geoscience Australia: 54,972.271 m on GRS80, which
    // differs from WGS84 by far less than a millimetre over this line.
    let flinders = at(
        -(37.0 + 57.0 / 60.0 + 3.72030 / 3600.0),
        144.0 + 25.0 / 60.0 + 29.52440 / 3600.0,
    );
    let buninyong = at(
        -(37.0 + 39.0 / 60.0 + 10.15610 / 3600.0),
        143.0 + 55.0 / 60.0 + 35.38390 / 3600.0,
    );
    let km = geodesic_km(flinders, buninyong);
    assert!((km - 54.972271).abs() < 0.000_01, "{km}");
    // London (Charing Cross) to Paris (Notre-Dame): about 344 km.
    let km = geodesic_km(at(51.5074, -0.1278), at(48.8530, 2.3499));
    assert!((km - 344.0).abs() < 2.0, "{km}");
    // Symmetric, zero on the spot.
    let (a, b) = (at(30.5728, 104.0668), at(31.9, 102.22));
    assert_eq!(geodesic_km(a, b), geodesic_km(b, a));
    assert_eq!(geodesic_km(a, a), 0.0);
}

#[test]
fn without_roads_times_are_geodesic() {
    let s = load(&ScenarioCopy::fixture("tiny"));
    let times = TravelTimes::build(&s).unwrap();
    assert_eq!(times.base_model(), TimeSource::Geodesic);
    let (cw, s3) = (place(&s, "CW"), place(&s, "S3"));
    let expected = geodesic_km(s.depots[0].location, s.sites[2].location) * 1.3 / 60.0;
    assert_eq!(
        times.hours_between(cw, s3),
        Reach::Hours {
            hours: expected,
            model: TimeSource::Geodesic
        }
    );
    let route = times.route(cw, s3).unwrap();
    let ids: Vec<&str> = route.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["CW", "S3"]);
    // Site to site too.
    assert_eq!(
        times
            .hours_between(place(&s, "S1"), place(&s, "S3"))
            .model(),
        TimeSource::Geodesic
    );
}

#[test]
fn road_times_follow_the_roads_and_legs() {
    let s = load(&tiny_with_roads(TINY_ROADS));
    let times = TravelTimes::build(&s).unwrap();
    assert_eq!(times.base_model(), TimeSource::Road);
    let leg = |site: &str, node: LatLon| {
        let i = s.site_by_id(site).unwrap().index();
        geodesic_km(s.sites[i].location, node) * 1.3 / 60.0
    };
    let nj = s.depots[2].location;
    // CW to S3: 80 + 30 + 120 minutes of road, then the leg from D-NJ.
    let hours = times
        .hours_between(place(&s, "CW"), place(&s, "S3"))
        .hours()
        .unwrap();
    assert!((hours - (230.0 / 60.0 + leg("S3", nj))).abs() < 1e-9);
    let path = times
        .path(s.depot_by_id("CW").unwrap(), s.site_by_id("S3").unwrap())
        .unwrap();
    assert_eq!(path, ["CW", "J-SZ", "J-WX", "D-NJ", "S3"]);
    // A road without minutes takes km / speed: 160 km at 60 km/h.
    let hz = times
        .hours_between(place(&s, "CW"), place(&s, "D-HZ"))
        .hours()
        .unwrap();
    assert!((hz - (80.0 / 60.0 + 160.0 / 60.0)).abs() < 1e-9);
    assert_eq!(
        times.geodesic_legs(),
        [
            ("S1".to_string(), "CW".to_string()),
            ("S2".to_string(), "D-HZ".to_string()),
            ("S3".to_string(), "D-NJ".to_string()),
            ("S4".to_string(), "J-SZ".to_string()),
        ]
    );
    // Every way of asking agrees.
    for d in s.depot_indices() {
        for t in s.site_indices() {
            let reach = times.depot_to_site(d, t);
            assert_eq!(
                reach,
                times.hours_between(Endpoint::Depot(d), Endpoint::Site(t))
            );
            let route = times.route(Endpoint::Depot(d), Endpoint::Site(t)).unwrap();
            assert_eq!(Some(route.hours), reach.hours());
            assert_eq!(route.steps.last().map(|s| s.hours), reach.hours());
        }
    }
    // Site to site is searched on demand, both ways.
    let (s1, s3) = (place(&s, "S1"), place(&s, "S3"));
    let there = times.hours_between(s1, s3).hours().unwrap();
    let back = times.hours_between(s3, s1).hours().unwrap();
    assert!((there - back).abs() < 1e-9);
}

#[test]
fn unreachable_pairs_are_reported() {
    // D-NJ only reaches J-WX, one way: nothing reaches D-NJ from CW.
    let copy = tiny_with_roads(
        "from,to,km,minutes,oneway\nCW,J-SZ,110,80,no\nJ-SZ,D-HZ,160,110,no\nD-NJ,J-WX,190,120,yes\n",
    );
    let s = load(&copy);
    let times = TravelTimes::build(&s).unwrap();
    let (cw, nj) = (place(&s, "CW"), place(&s, "D-NJ"));
    let s3 = place(&s, "S3");
    assert_eq!(
        times.hours_between(cw, s3),
        Reach::Unreachable {
            model: TimeSource::Road
        }
    );
    assert_eq!(times.route(cw, s3), None);
    assert_eq!(
        times.path(s.depot_by_id("CW").unwrap(), s.site_by_id("S3").unwrap()),
        None
    );
    assert!(times.hours_between(nj, s3).is_reachable());
    assert!(times.hours_between(nj, place(&s, "S1")).hours().is_none());
    assert!(!times.hours_between(cw, nj).is_reachable());
    let unreachable = depot_site_matrix(&s, &times)
        .iter()
        .filter(|r| !r.is_reachable())
        .count();
    // CW and D-HZ miss S3; D-NJ misses S1, S2 and S4.
    assert_eq!(unreachable, 5);

    let output = sparesla(&["travel", s.dir.to_str().unwrap(), "--from", "CW"]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("1 unreachable"), "{stdout}");
    let line = stdout.lines().find(|l| l.contains("S3")).unwrap();
    assert!(
        line.contains("unreachable") && line.contains("road"),
        "{line}"
    );
    let output = sparesla(&[
        "travel",
        s.dir.to_str().unwrap(),
        "--from",
        "CW",
        "--to",
        "S3",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["reachable"], false);
    assert_eq!(json["hours"], serde_json::Value::Null);
    assert_eq!(json["path"], serde_json::Value::Null);
}

#[test]
fn road_islands_no_depot_reaches_are_warned_about() {
    // S4 drives one way to J-WX, J-WX one way to J-SZ: no road leads to
    // either, so each is an island of its own (S4 is on a road, so it gets
    // no geodesic leg).
    let copy = tiny_with_roads(
        "from,to,km,minutes,oneway\nCW,J-SZ,110,80,no\nJ-SZ,D-HZ,160,110,no\n\
         D-NJ,J-SZ,200,,no\nJ-WX,J-SZ,40,30,yes\nS4,J-WX,30,,yes\n",
    );
    let s = load(&copy);
    let islands = TravelTimes::build(&s).unwrap().road_islands();
    assert_eq!(
        islands,
        vec![
            RoadIsland {
                sites: vec![s.site_by_id("S4").unwrap()],
                junctions: vec![],
            },
            RoadIsland {
                sites: vec![],
                junctions: vec!["J-WX".to_string()],
            },
        ]
    );
    let output = sparesla(&["validate", s.dir.to_str().unwrap()]);
    let (_, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let roads = s.dir.join("roads.csv");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("W2009")).collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(
        warnings[0].starts_with(&format!("{}: warning[W2009]", roads.display()))
            && warnings[0].contains("site(s) S4"),
        "{stderr}"
    );
    assert!(warnings[1].contains("junction(s) J-WX"), "{stderr}");
    // A network every part of which a depot reaches has no island.
    let connected = load(&tiny_with_roads(TINY_ROADS));
    assert!(
        TravelTimes::build(&connected)
            .unwrap()
            .road_islands()
            .is_empty()
    );
}

#[test]
fn closures_change_exactly_the_affected_pairs() {
    let copy = baseline();
    let open = load(&copy);
    let before = TravelTimes::build(&open).unwrap();
    copy.write(
        "closures.csv",
        "from,to,factor,note\nJ-ZHEGU,J-LIXIAN,0,snow on the Zhegu Shan pass\n",
    );
    let closed = load(&copy);
    assert_eq!(closed.closures.len(), 1);
    let after = TravelTimes::build(&closed).unwrap();
    let uses_pass = |path: &[String]| {
        path.windows(2).any(|w| {
            matches!(
                (w[0].as_str(), w[1].as_str()),
                ("J-LIXIAN", "J-ZHEGU") | ("J-ZHEGU", "J-LIXIAN")
            )
        })
    };
    let mut changed = 0;
    for d in open.depot_indices() {
        for t in open.site_indices() {
            let (old, new) = (before.depot_to_site(d, t), after.depot_to_site(d, t));
            let path = before.path(d, t).unwrap();
            if uses_pass(&path) {
                changed += 1;
                assert!(
                    new.hours().unwrap() > old.hours().unwrap(),
                    "{:?}: {old:?} -> {new:?}",
                    path
                );
                assert!(!uses_pass(&after.path(d, t).unwrap()));
            } else {
                assert_eq!(old, new, "{path:?}");
            }
        }
    }
    // Chengdu, Chongqing, Yibin and more reach Barkam over the pass.
    assert!(changed >= 6, "{changed} pairs changed");
    // D-CD to Barkam now goes round by Maoxian, Songpan and Hongyuan.
    let (cd, barkam) = (
        closed.depot_by_id("D-CD").unwrap(),
        closed.site_by_id("S0327").unwrap(),
    );
    let detour = after.path(cd, barkam).unwrap();
    assert!(detour.iter().any(|n| n == "J-HONGYUAN"), "{detour:?}");
}

#[test]
fn slowdowns_multiply_one_link_both_ways() {
    let copy = tiny_with_roads(TINY_ROADS);
    let before = TravelTimes::build(&load(&copy)).unwrap();
    // Named against the road's direction: a two-way road slows both ways.
    copy.write("closures.csv", "from,to,factor\nJ-SZ,CW,2.5\n");
    let s = load(&copy);
    let after = TravelTimes::build(&s).unwrap();
    let extra = 80.0 * 1.5 / 60.0;
    for (from, to, slowed) in [
        ("CW", "S4", true),
        ("CW", "S3", true),
        ("D-HZ", "S1", true),
        ("D-HZ", "S4", false),
        ("D-NJ", "S2", false),
    ] {
        let (a, b) = (place(&s, from), place(&s, to));
        let old = before.hours_between(a, b).hours().unwrap();
        let new = after.hours_between(a, b).hours().unwrap();
        let expected = if slowed { old + extra } else { old };
        assert!((new - expected).abs() < 1e-9, "{from}-{to}: {old} -> {new}");
    }
    // Closing the only link to D-NJ cuts it off.
    copy.write("closures.csv", "from,to,factor\nJ-WX,D-NJ,0\n");
    let s = load(&copy);
    let cut = TravelTimes::build(&s).unwrap();
    let reach = cut.hours_between(place(&s, "CW"), place(&s, "S3"));
    assert_eq!(
        reach,
        Reach::Unreachable {
            model: TimeSource::Road
        }
    );
}

#[test]
fn imported_times_take_precedence() {
    let copy = tiny_with_roads(TINY_ROADS);
    copy.replace(
        "scenario.toml",
        "nodes = \"nodes.csv\"",
        "nodes = \"nodes.csv\"\nmatrix = \"osrm.json\"",
    )
    .write(
        "osrm.json",
        r#"{"code":"Ok",
            "sources":[{"id":"CW"},{"id":"S1"}],
            "destinations":[{"id":"S3"},{"id":"S2"},{"id":"D-NJ"}],
            "durations":[[9000,null,7200],[3600,1800,null]]}"#,
    );
    let s = load(&copy);
    let times = TravelTimes::build(&s).unwrap();
    let p = |id| place(&s, id);
    assert_eq!(
        times.hours_between(p("CW"), p("S3")),
        Reach::Hours {
            hours: 2.5,
            model: TimeSource::Imported
        }
    );
    assert_eq!(
        times.hours_between(p("CW"), p("S2")),
        Reach::Unreachable {
            model: TimeSource::Imported
        }
    );
    assert_eq!(times.hours_between(p("CW"), p("D-NJ")).hours(), Some(2.0));
    assert_eq!(
        times.hours_between(p("S1"), p("S2")),
        Reach::Hours {
            hours: 0.5,
            model: TimeSource::Imported
        }
    );
    // Pairs the matrix does not hold come from the road graph.
    assert_eq!(
        times.hours_between(p("CW"), p("S4")).model(),
        TimeSource::Road
    );
    assert_eq!(
        times.hours_between(p("S3"), p("CW")).model(),
        TimeSource::Road
    );
    let route = times.route(p("CW"), p("S3")).unwrap();
    assert_eq!(route.model, TimeSource::Imported);
    assert_eq!(route.steps.len(), 2);
    let output = sparesla(&[
        "travel",
        copy.path().to_str().unwrap(),
        "--from",
        "CW",
        "--to",
        "S3",
    ]);
    let (stdout, _) = text(&output);
    assert!(
        stdout.starts_with("CW -> S3: 2.50 h (2h30m) by the imported matrix"),
        "{stdout}"
    );
}

#[test]
fn road_and_geodesic_answers_differ_in_the_mountains() {
    let s = load(&baseline());
    let times = TravelTimes::build(&s).unwrap();
    let cd = place(&s, "D-CD");
    for barkam in ["S0327", "S0328"] {
        let site = place(&s, barkam);
        let road = times.hours_between(cd, site);
        assert_eq!(road.model(), TimeSource::Road);
        let road = road.hours().unwrap();
        let geodesic = times.geodesic_hours(cd, site);
        // About 8.9 h over the pass against 5.0 h as the crow flies.
        assert!((8.5..9.5).contains(&road), "{road}");
        assert!((4.5..5.5).contains(&geodesic), "{geodesic}");
        let route = times.route(cd, site).unwrap();
        assert!(route.steps.iter().any(|s| s.id == "J-ZHEGU"));
    }
    // No pair of the bundled network is unreachable.
    assert!(
        depot_site_matrix(&s, &times)
            .iter()
            .all(|r| r.is_reachable())
    );
}

#[test]
fn building_twice_gives_identical_answers() {
    let s = load(&baseline());
    let a = depot_site_matrix(&s, &TravelTimes::build(&s).unwrap());
    let b = depot_site_matrix(&s, &TravelTimes::build(&s).unwrap());
    let bits = |m: &[Reach]| -> Vec<Option<u64>> {
        m.iter().map(|r| r.hours().map(f64::to_bits)).collect()
    };
    assert_eq!(bits(&a), bits(&b));
}

#[test]
fn bad_road_layer_rows_are_located() {
    let copy = tiny_with_roads(
        "from,to,km,minutes,oneway\nCW,J-SZ,110,80,maybe\nJ-SZ,J-WX,40,0,no\nJ-WX,D-NJ,abc,120,no\nJ-SZ,D-HZ,160,NaN,no\nD-NJ,J-WX,10,10,yes\n",
    );
    copy.write(
        "nodes.csv",
        "id,lat,lon\nJ-SZ,31.2989,120.5853\nJ-WX,31.4912,120.3119\nJ-XX,north,120.0\nJ-SZ,31.0,120.0\n",
    )
    .write(
        "closures.csv",
        "from,to,factor\nD-NJ,J-WX,nan\nD-NJ,J-WX,1.5\nCW,D-NJ,2\n",
    );
    let error = scenario::load(copy.path()).expect_err("invalid road layer");
    let prefix = format!("{}/", copy.path().display());
    let found: Vec<(String, String)> = error
        .diagnostics
        .errors()
        .map(|d| {
            (
                d.code.as_str().to_string(),
                d.location().trim_start_matches(&prefix).to_string(),
            )
        })
        .collect();
    let expected = [
        ("E1011", "nodes.csv:4:2"),
        ("E1030", "nodes.csv:5:1"),
        ("E1015", "roads.csv:2:5"),
        ("E1013", "roads.csv:3:4"),
        ("E1011", "roads.csv:4:3"),
        ("E1012", "roads.csv:5:4"),
        ("E1012", "closures.csv:2:3"),
        ("E1031", "closures.csv:4:2"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(c, l)| (c.to_string(), l.to_string()))
        .collect();
    assert_eq!(found, expected);
    // The one-way road D-NJ -> J-WX cannot be closed the other way round.
    let copy =
        tiny_with_roads("from,to,km,minutes,oneway\nCW,J-SZ,110,80,no\nD-NJ,J-WX,10,10,yes\n");
    copy.write("closures.csv", "from,to,factor\nJ-WX,D-NJ,0\n");
    let error = scenario::load(copy.path()).expect_err("closure against a one-way road");
    let first = error.diagnostics.errors().next().unwrap();
    assert_eq!(first.code.as_str(), "E1031");
    assert!(first.location().ends_with("closures.csv:2:2"), "{first}");
    // A missing column names the header line.
    let copy = tiny_with_roads("from,to,minutes\nCW,J-SZ,80\n");
    let error = scenario::load(copy.path()).expect_err("missing km column");
    let first = error.diagnostics.errors().next().unwrap();
    assert_eq!(first.code.as_str(), "E1003");
    assert!(first.location().ends_with("roads.csv:1"), "{first}");
}

#[test]
fn bad_scenarios_built_in_code_are_errors_not_panics() {
    let mut s = load(&tiny_with_roads(TINY_ROADS));
    s.travel.speed_kmh = 0.0;
    assert!(matches!(
        TravelTimes::build(&s),
        Err(TravelError::BadSetting {
            name: "speed_kmh",
            ..
        })
    ));
    s.travel.speed_kmh = 60.0;
    s.sites[0].location.lat = f64::NAN;
    assert!(matches!(
        TravelTimes::build(&s),
        Err(TravelError::BadLocation { .. })
    ));
    s.sites[0].location.lat = 31.2;
    s.roads[0].to = "NOWHERE".into();
    assert!(matches!(
        TravelTimes::build(&s),
        Err(TravelError::UnknownPlace { .. })
    ));
    s.roads[0].to = "J-SZ".into();
    s.roads[0].minutes = Some(-1.0);
    assert!(matches!(
        TravelTimes::build(&s),
        Err(TravelError::BadRoad { .. })
    ));
    s.roads[0].minutes = Some(80.0);
    s.closures.push(sparesla::scenario::Closure {
        from: "CW".into(),
        to: "D-NJ".into(),
        factor: 0.0,
    });
    assert!(matches!(
        TravelTimes::build(&s),
        Err(TravelError::UnknownLink { .. })
    ));
    s.closures[0].to = "J-SZ".into();
    s.closures[0].factor = f64::INFINITY;
    assert!(matches!(
        TravelTimes::build(&s),
        Err(TravelError::BadFactor { .. })
    ));
    s.closures.clear();
    s.sites[1].id = "CW".into();
    assert!(matches!(
        TravelTimes::build(&s),
        Err(TravelError::DuplicateId { .. })
    ));
}

#[test]
fn the_command_prints_one_pair_with_its_path() {
    let output = sparesla(&[
        "travel",
        "scenarios/china-baseline",
        "--from",
        "D-CD",
        "--to",
        "S0327",
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "D-CD -> S0327: 8.85 h (8h51m) by road");
    assert_eq!(
        lines[1],
        "geodesic model: 4.97 h (4h58m) for 229 km straight line"
    );
    let nodes: Vec<&str> = lines[4..]
        .iter()
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert_eq!(
        nodes,
        [
            "D-CD",
            "J-DUJIANGYAN",
            "J-WENCHUAN",
            "J-LIXIAN",
            "J-ZHEGU",
            "J-SHUAJINGSI",
            "F-ABA",
            "S0327"
        ]
    );
    let output = sparesla(&[
        "travel",
        "scenarios/china-baseline",
        "--from",
        "D-CD",
        "--to",
        "S0327",
        "--format",
        "csv",
    ]);
    let (stdout, _) = text(&output);
    assert_eq!(
        stdout.trim_end(),
        "from,to,hours,model,geodesic_hours,path\n\
         D-CD,S0327,8.8500,road,4.9660,D-CD > J-DUJIANGYAN > J-WENCHUAN > J-LIXIAN > J-ZHEGU > J-SHUAJINGSI > F-ABA > S0327"
    );
}

#[test]
fn the_command_prints_the_matrix() {
    let output = sparesla(&["travel", "tests/fixtures/tiny", "--format", "csv"]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "from,to,hours,model,geodesic_hours");
    assert_eq!(lines.len(), 1 + 3 * 4);
    assert!(lines[1].starts_with("CW,S1,"), "{}", lines[1]);
    assert!(lines.iter().skip(1).all(|l| l.contains(",geodesic,")));
    let output = sparesla(&[
        "travel",
        "tests/fixtures/tiny",
        "--to",
        "S3",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["base_model"], "geodesic");
    assert_eq!(json["pairs"].as_array().unwrap().len(), 3);
    assert_eq!(json["pairs"][2]["from"], "D-NJ");
}

#[test]
fn unknown_ids_are_invalid_input() {
    for args in [
        ["--from", "D-XX"].as_slice(),
        ["--to", "S9999"].as_slice(),
        ["--from", "S0001"].as_slice(),
    ] {
        let mut all = vec!["travel", "scenarios/china-baseline"];
        all.extend_from_slice(args);
        let output = sparesla(&all);
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(args[1]), "{stderr}");
    }
}

/// All-pairs shortest times by Floyd-Warshall: the brute-force reference.
fn floyd_warshall(n: usize, links: &[Link]) -> Vec<Vec<Option<f64>>> {
    let mut d = vec![vec![f64::INFINITY; n]; n];
    for (i, row) in d.iter_mut().enumerate() {
        row[i] = 0.0;
    }
    for l in links {
        d[l.from][l.to] = d[l.from][l.to].min(l.hours);
        if !l.oneway {
            d[l.to][l.from] = d[l.to][l.from].min(l.hours);
        }
    }
    for k in 0..n {
        for i in 0..n {
            for j in 0..n {
                let via = d[i][k] + d[k][j];
                if via < d[i][j] {
                    d[i][j] = via;
                }
            }
        }
    }
    d.into_iter()
        .map(|row| {
            row.into_iter()
                .map(|h| h.is_finite().then_some(h))
                .collect()
        })
        .collect()
}

fn graphs() -> impl Strategy<Value = (usize, Vec<Link>)> {
    (1usize..9).prop_flat_map(|n| {
        // Quarter hours add up exactly in binary, so sums in any order agree.
        let link = (0..n, 0..n, 0u8..40, any::<bool>()).prop_map(|(from, to, q, oneway)| Link {
            from,
            to,
            hours: f64::from(q) / 4.0,
            oneway,
        });
        (Just(n), proptest::collection::vec(link, 0..24))
    })
}

proptest! {
    #[test]
    fn dijkstra_agrees_with_floyd_warshall((n, links) in graphs()) {
        let graph = RoadGraph::new(n, &links).unwrap();
        let all: Vec<usize> = (0..n).collect();
        let matrix = graph.matrix(&all, &all).unwrap();
        let reference = floyd_warshall(n, &links);
        // A second, independent reference: petgraph's Dijkstra.
        let mut independent = petgraph::graph::DiGraph::<(), f64>::new();
        let nodes: Vec<_> = (0..n).map(|_| independent.add_node(())).collect();
        for link in &links {
            independent.add_edge(nodes[link.from], nodes[link.to], link.hours);
            if !link.oneway {
                independent.add_edge(nodes[link.to], nodes[link.from], link.hours);
            }
        }
        for (i, expected) in reference.iter().enumerate() {
            let by_petgraph = petgraph::algo::dijkstra(&independent, nodes[i], None, |e| *e.weight());
            for (j, hours) in expected.iter().enumerate() {
                let other = by_petgraph.get(&nodes[j]).copied();
                prop_assert_eq!(hours.is_some(), other.is_some());
                if let (Some(a), Some(b)) = (hours, other) {
                    prop_assert!((a - b).abs() <= 1e-9 * a.max(1.0));
                }
            }
        }
        for (i, expected) in reference.iter().enumerate() {
            prop_assert_eq!(matrix.row(i), expected.as_slice());
            let tree = graph.shortest_paths(i).unwrap();
            for (j, &hours) in expected.iter().enumerate() {
                prop_assert_eq!(tree.hours_to(j), hours);
                let route = graph.route(i, j).unwrap();
                prop_assert_eq!(route.as_ref().map(|p| p.hours), hours);
                let Some(path) = route else { continue };
                prop_assert_eq!(path.nodes.first(), Some(&i));
                prop_assert_eq!(path.nodes.last(), Some(&j));
                // Each step is a link, and the times add up along it.
                for (w, h) in path.nodes.windows(2).zip(path.at_node.windows(2)) {
                    let fastest = links
                        .iter()
                        .filter(|l| {
                            (l.from, l.to) == (w[0], w[1])
                                || (!l.oneway && (l.to, l.from) == (w[0], w[1]))
                        })
                        .map(|l| l.hours)
                        .fold(f64::INFINITY, f64::min);
                    prop_assert_eq!(h[1] - h[0], fastest);
                }
            }
        }
    }
}
