//! The library example of README.md, kept compiling and true.

use regnet_space::anynet::{RegNetParams, zoo};
use regnet_space::quantized::{FitOptions, fit_quantized_linear};

#[test]
fn readme_library_example() -> Result<(), Box<dyn std::error::Error>> {
    let spec = RegNetParams::regnetx(13, 24, 36.44, 2.49, 8).to_spec()?;
    assert_eq!(spec.widths(), vec![24, 56, 152, 368]);
    let c = spec.complexity(224)?;
    assert_eq!(
        (c.flops, c.params, c.acts),
        (199_040_872, 2_684_792, 2_164_056)
    );
    assert_eq!(zoo::model("regnetx-200mf")?, spec);
    let fit = fit_quantized_linear(&spec.block_widths(), FitOptions::default())?;
    assert_eq!(fit.e_fit, 0.0);
    Ok(())
}
