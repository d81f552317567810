//! `sparesla report`: one self-contained HTML page of a plan, optionally
//! with a dispatch and a comparison of scenarios.

use super::InvalidInput;
use anyhow::Context;
use sparesla::plan::PlanModel;
use sparesla::plan::curve::FixedNetwork;
use sparesla::report::read::{
    read_compare_folder, read_compare_plans, read_dispatch_folder, read_plan_folder,
    read_simulation_folder, unchecked_folder_warning,
};
use sparesla::report::view::{ReportInputs, ReportView};
use sparesla::report::{html, write_atomic};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario folder the plan was made from.
    scenario: PathBuf,
    /// Folder written by `sparesla plan --out`.
    #[arg(long)]
    plan: PathBuf,
    /// Folder written by `sparesla dispatch --out` (adds the day's routes).
    #[arg(long)]
    dispatch: Option<PathBuf>,
    /// Folder with compare.json or compare.csv (adds scenarios side by side).
    #[arg(long)]
    compare: Option<PathBuf>,
    /// Folder written by `sparesla simulate --out` (adds each tier's promise
    /// against the simulated share on time, and the worst-served customers).
    #[arg(long)]
    simulate: Option<PathBuf>,
    /// Also write the map's layers (depots, sites, links, and the base map's
    /// land, coast, borders and provinces) as GeoJSON to this file.
    #[arg(long)]
    geojson: Option<PathBuf>,
    /// The HTML file to write.
    #[arg(long)]
    out: PathBuf,
}

/// Reads the folders, computes the curve of the plan's network, writes the page.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let scenario = super::load_scenario(&args.scenario)?;
    let invalid = |e: sparesla::report::read::FolderError| InvalidInput(e.to_string());
    let plan = read_plan_folder(&args.plan, &scenario).map_err(invalid)?;
    let folders = [
        Some(&args.plan),
        args.dispatch.as_ref(),
        args.compare.as_ref(),
        args.simulate.as_ref(),
    ];
    for warning in folders
        .into_iter()
        .flatten()
        .filter_map(|d| unchecked_folder_warning(d))
    {
        eprintln!("{warning}");
    }
    let dispatch = args
        .dispatch
        .as_deref()
        .map(|dir| read_dispatch_folder(dir, &scenario))
        .transpose()
        .map_err(invalid)?;
    let compare = args
        .compare
        .as_deref()
        .map(read_compare_folder)
        .transpose()
        .map_err(invalid)?;
    let compare_plans = match (&args.compare, &compare) {
        (Some(dir), Some(rows)) => {
            let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
            read_compare_plans(dir, &names).map_err(invalid)?
        }
        _ => Vec::new(),
    };

    let simulation = args
        .simulate
        .as_deref()
        .map(read_simulation_folder)
        .transpose()
        .map_err(invalid)?
        .map(|files| files.summary);

    let travel = super::travel_hours(&scenario)?;
    let mut model =
        PlanModel::build(&scenario, &travel).map_err(|e| InvalidInput(e.to_string()))?;
    // A plan that counted engineers wrote them to roster.csv: evaluate its
    // stock with the same engineers.
    let roster = args.plan.join("roster.csv");
    if roster.exists() {
        let engineers = sparesla::scenario::load_roster(&scenario, &roster)?;
        sparesla::plan::count_engineers(&scenario, &travel, &mut model, &engineers)
            .map_err(|e| InvalidInput(format!("{}: {e}", roster.display())))?;
    }
    let open = plan.open(&scenario);
    let network = FixedNetwork::new(&model, &open, plan.primary(&scenario));
    let stock: BTreeMap<_, _> = plan
        .stock
        .iter()
        .map(|row| ((row.depot, row.part), row.stock))
        .collect();
    let plan_point = network.evaluate(&stock);
    let promised = sparesla::plan::lateral::evaluate(&model, &open, &stock)
        .costs(&model, &open, &stock)
        .total();
    // The curve is drawn on the planning model (each site on its primary
    // depot's stock), the summary's total also counts backup depots: each
    // is compared with its own, where the plan states both.
    let claims = [
        (
            plan.summary.planned_cost,
            plan_point.total_cost,
            "planned_cost",
        ),
        (Some(plan.summary.total_cost), promised, "total_cost"),
    ];
    for (claimed, recomputed, field) in claims {
        let Some(claimed) = claimed else { continue };
        let recomputed = recomputed + plan.summary.people_cost;
        if (recomputed - claimed).abs() > 1e-6 * claimed.abs().max(1.0) {
            eprintln!(
                "warning: the plan's stock recomputes to a yearly {field} of {:.0}, but {} says {claimed:.0}; \
                 was the plan made from this scenario?",
                recomputed,
                args.plan.join("summary.json").display()
            );
        }
    }
    if let Some(mismatch) = plan.staffing_mismatch() {
        eprintln!(
            "warning: {} does not match summary.json: {mismatch}; the staffing section shows staffing.csv, \
             the cost cards summary.json",
            args.plan.join("staffing.csv").display()
        );
    }
    let view = ReportView::build(ReportInputs {
        scenario: &scenario,
        model: &model,
        plan: &plan,
        curve: network.curve(),
        plan_point,
        dispatch: dispatch.as_ref(),
        compare,
        compare_plans,
        simulation,
    });
    let page = html::render(&view);
    if let Some(path) = &args.geojson {
        let text = sparesla::report::geojson::geojson_text(
            &sparesla::report::geojson::map_geojson(&view.map),
        )?;
        write_atomic(path, text.as_bytes())
            .with_context(|| format!("writing the map's GeoJSON to {}", path.display()))?;
    }
    write_atomic(&args.out, page.as_bytes())
        .with_context(|| format!("writing the report to {}", args.out.display()))?;
    super::print_stdout(&format!(
        "report of {} written to {} ({} KB)",
        scenario.name,
        args.out.display(),
        // Kilobytes of 1,000 bytes, as the docs give file sizes.
        (page.len() + 500) / 1000
    ))?;
    eprintln!(
        "next: open {} in a browser (one file; it makes no network request)",
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
