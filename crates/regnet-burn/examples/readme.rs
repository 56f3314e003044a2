//! The README example: build RegNetY-200MF, check its parameter count, run it, export it in timm's
//! names and load it back.

use burn::backend::{Autodiff, Flex};
use burn::module::Module;
use burn::tensor::{Distribution, Tensor};
use regnet_anynet::zoo;
use regnet_burn::weights::{NamingScheme, load_checkpoint, save_safetensors};
use regnet_burn::{AnyNet, AnyNetConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let device = Default::default();
    let mut spec = zoo::model("RegNetY-200MF")?;
    spec.num_classes = 10;

    // Build (pycls init) and check the parameter count against the analytic one.
    let model: AnyNet<Autodiff<Flex>> = AnyNetConfig::new(spec.clone()).init(&device)?;
    assert_eq!(
        model.num_learnable_params() as u64,
        spec.complexity(32)?.params
    );

    // Forward any resolution; training mode on an autodiff backend, eval mode on the inner one.
    let x = Tensor::random([2, 3, 48, 40], Distribution::Default, &device);
    assert_eq!(model.forward(x).dims(), [2, 10]);

    // Export in timm's names and load back (a pycls / torchvision .pth works the same way).
    let path = std::env::temp_dir().join("regnety_200mf_timm.safetensors");
    save_safetensors(&model, &path, NamingScheme::Timm)?;
    let fresh: AnyNet<Flex> = AnyNet::new(&spec, &device)?;
    let loaded = load_checkpoint(fresh, &path, NamingScheme::Timm)?;
    assert_eq!(loaded.num_params(), model.num_params()); // burn's count, with BN running stats
    std::fs::remove_file(path)?;
    println!(
        "RegNetY-200MF: {} parameters, round trip through timm names OK",
        loaded.num_learnable_params()
    );
    Ok(())
}
