//! The inverse quantized-linear fit (paper §3.3, Figs. 8–9) on all 24 zoo RegNets.

use regnet_anynet::zoo;
use regnet_quantized::{FitOptions, QuantizedFit, QuantizedLinear, fit_quantized_linear};

/// From the generated (pre-adjustment) widths the fit regenerates them exactly (e_fit = 0), with the
/// zoo's w0; (wa, wm) are recovered up to the quantization ambiguity (same generated widths).
#[test]
fn fit_round_trips_all_24_zoo_models_from_generated_widths() {
    let mut same_params = 0;
    let mut n = 0;
    for m in zoo::models() {
        let Some(p) = m.regnet() else { continue };
        n += 1;
        let widths = p.generate().unwrap().block_widths;
        let fit = fit_quantized_linear(&widths, FitOptions::default()).unwrap();
        assert_eq!(fit.e_fit, 0.0, "{}: {fit:?}", m.name);
        assert_eq!(fit.params.w0, p.w0, "{}", m.name);
        assert_eq!(fit.params.d, p.d, "{}", m.name);
        assert_eq!(
            fit.params.generate().unwrap().block_widths,
            widths,
            "{}",
            m.name
        );
        // The zoo's own parameters are inside the admissible region too (e_fit 0).
        let zoo = QuantizedLinear::new(p.d, p.w0, p.wa, p.wm).unwrap();
        assert_eq!(QuantizedFit::evaluate(zoo, &widths).e_fit, 0.0);
        same_params += usize::from(fit.params.wa == p.wa && fit.params.wm == p.wm);
    }
    assert_eq!(n, 24);
    println!("fitted (wa, wm) equal to the zoo's for {same_params} of 24 models");
}

/// On the adjusted widths (`spec.block_widths()`, after pycls's compatibility adjustment) the fit is
/// exact where the adjustment kept the widths quantized-linear, and otherwise small but positive.
#[test]
fn fit_on_adjusted_widths_is_close() {
    let mut exact = 0;
    for m in zoo::models() {
        let Some(p) = m.regnet() else { continue };
        let generated = p.generate().unwrap().block_widths;
        let adjusted = m.spec().unwrap().block_widths();
        let fit = fit_quantized_linear(&adjusted, FitOptions::default()).unwrap();
        // Bounded by the error of the zoo parameters themselves on the adjusted widths.
        let zoo = QuantizedFit::evaluate(
            QuantizedLinear::new(p.d, p.w0, p.wa, p.wm).unwrap(),
            &adjusted,
        );
        assert!(
            fit.e_fit <= zoo.e_fit + 1e-12,
            "{}: fit {} > zoo {}",
            m.name,
            fit.e_fit,
            zoo.e_fit
        );
        assert!(fit.e_fit < 0.1, "{}: {}", m.name, fit.e_fit);
        if generated == adjusted {
            assert_eq!(fit.e_fit, 0.0, "{}", m.name);
        }
        exact += usize::from(fit.e_fit == 0.0);
        println!(
            "{:<14} adjusted==generated {:<5} e_fit {:.5} (zoo params {:.5}) w0 {} wa {} wm {}",
            m.name,
            generated == adjusted,
            fit.e_fit,
            zoo.e_fit,
            fit.params.w0,
            fit.params.wa,
            fit.params.wm
        );
    }
    println!("exact fits on adjusted widths: {exact} of 24");
}

/// Non-RegNet widths (ResNet/ResNeXt baselines) get a positive e_fit, as in paper Fig. 8.
#[test]
fn baselines_have_positive_fit_error() {
    for m in zoo::models().iter().filter(|m| m.regnet().is_none()) {
        let widths = m.spec().unwrap().block_widths();
        let fit = fit_quantized_linear(&widths, FitOptions::default()).unwrap();
        assert!(fit.e_fit > 0.0 && fit.e_fit < 0.3, "{}: {fit:?}", m.name);
        assert_eq!(QuantizedFit::evaluate(fit.params, &widths).e_fit, fit.e_fit);
    }
}

/// Fits of generic RegNet-generated widths (any parameters, not only the zoo's) are exact.
#[test]
fn fit_round_trips_random_regnets() {
    let mut exact = 0;
    let mut total = 0;
    for d in [5u32, 13, 22, 40, 63] {
        for w0 in [8u32, 24, 96, 248] {
            for wa in [3.7, 20.0, 36.44, 120.5] {
                for wm in [1.5, 2.07, 2.49, 3.0] {
                    let p = QuantizedLinear::new(d, w0, wa, wm).unwrap();
                    let g = p.generate().unwrap();
                    if !g.is_regular() {
                        continue;
                    }
                    total += 1;
                    let fit = fit_quantized_linear(&g.block_widths, FitOptions::default()).unwrap();
                    assert_eq!(
                        fit.params.generate().unwrap().block_widths,
                        g.block_widths,
                        "{p:?} -> {fit:?}"
                    );
                    exact += usize::from(fit.e_fit == 0.0);
                }
            }
        }
    }
    assert_eq!(exact, total);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Any regular RegNet in the paper's ranges: the fit regenerates its widths exactly.
    #[test]
    fn fit_round_trips_any_regular_regnet(
        d in 1u32..64,
        w0_8 in 1u32..32,
        wa in 0.01f64..256.0,
        wm in 1.5f64..3.0,
    ) {
        let p = QuantizedLinear::new(d, 8 * w0_8, wa, wm).unwrap();
        let g = p.generate().unwrap();
        if g.is_regular() {
            let fit = fit_quantized_linear(&g.block_widths, FitOptions::default()).unwrap();
            proptest::prop_assert_eq!(fit.e_fit, 0.0, "{:?} -> {:?}", p, fit);
            proptest::prop_assert_eq!(fit.params.generate().unwrap().block_widths, g.block_widths);
        }
    }
}
