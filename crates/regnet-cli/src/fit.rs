//! `regnet fit`: the quantized linear fit (w0, wa, wm) and e_fit of a model's per-block widths
//! (paper §3.3, Figs. 8–9).

use clap::Args as ClapArgs;
use regnet_anynet::{SpecError, zoo};
use regnet_quantized::{FitOptions, QuantizedError, QuantizedFit, fit_quantized_linear};
use serde::Serialize;

use crate::CliError;

/// Arguments of `regnet fit`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Per-block widths, comma-separated (e.g. 24,56,152,152,152,152,368).
    #[arg(
        long,
        value_delimiter = ',',
        conflicts_with = "model",
        required_unless_present = "model"
    )]
    widths: Option<Vec<u32>>,
    /// A zoo model: fit the per-block widths of its spec (after pycls's compatibility adjustment).
    #[arg(long)]
    model: Option<String>,
    /// With --model on a RegNet: fit the generator's widths before the adjustment instead.
    #[arg(long, requires = "model")]
    generated: bool,
    /// Width quantum q.
    #[arg(long, default_value_t = 8)]
    q: u32,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Output<'a> {
    model: Option<&'a str>,
    d: u32,
    w0: u32,
    wa: f64,
    wm: f64,
    q: u32,
    e_fit: f64,
    widths: &'a [u32],
    fitted_widths: Vec<u32>,
    zoo: Option<ZooParams>,
}

#[derive(Serialize)]
struct ZooParams {
    w0: u32,
    wa: f64,
    wm: f64,
    e_fit: f64,
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    let mut name = None;
    let mut zoo_params = None;
    let widths = match (&a.widths, &a.model) {
        (Some(w), _) => w.clone(),
        (None, Some(m)) => {
            let m = zoo::find(m).map_err(|e| CliError::Flag {
                flag: "model",
                message: e.to_string(),
            })?;
            name = Some(m.name);
            let widths = match m.regnet() {
                Some(p) if a.generated => p.generate()?.block_widths,
                _ => m.spec()?.block_widths(),
            };
            if let Some(p) = m.regnet() {
                zoo_params = Some(QuantizedFit::evaluate(p.quantized()?, &widths));
            }
            widths
        }
        (None, None) => {
            return Err(CliError::Flag {
                flag: "widths",
                message: "one of --widths or --model is required".into(),
            });
        }
    };
    let opts = FitOptions {
        q: a.q,
        ..FitOptions::default()
    };
    let fit = fit_quantized_linear(&widths, opts).map_err(|e| CliError::Flag {
        flag: match &e {
            QuantizedError::InvalidFitOption { field: "q", .. } => "q",
            _ if a.widths.is_some() => "widths",
            _ => "model",
        },
        message: e.to_string(),
    })?;
    let p = fit.params;
    let fitted_widths = p.generate().map_err(SpecError::from)?.block_widths;
    let out = Output {
        model: name,
        d: p.d,
        w0: p.w0,
        wa: p.wa,
        wm: p.wm,
        q: p.q,
        e_fit: fit.e_fit,
        widths: &widths,
        fitted_widths,
        zoo: zoo_params.map(|z| ZooParams {
            w0: z.params.w0,
            wa: z.params.wa,
            wm: z.params.wm,
            e_fit: z.e_fit,
        }),
    };
    if a.json {
        println!("{}", serde_json::to_string(&out)?);
        return Ok(());
    }
    if let Some(n) = name {
        println!("{n}: {} blocks", widths.len());
    }
    println!(
        "w0 = {}, wa = {}, wm = {}, e_fit = {:.6} (d = {}, q = {})",
        out.w0, out.wa, out.wm, out.e_fit, out.d, out.q
    );
    let join = |w: &[u32]| w.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    println!("observed: {}", join(&widths));
    println!("fitted:   {}", join(&out.fitted_widths));
    if let Some(z) = &out.zoo {
        println!(
            "zoo parameters w0 = {}, wa = {}, wm = {} give e_fit = {:.6} on these widths",
            z.w0, z.wa, z.wm, z.e_fit
        );
    }
    Ok(())
}
