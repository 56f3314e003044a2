//! The serialisable twin of [`AnyNet`]: the spec plus init options, saved next to checkpoints.

use burn::config::Config;
use burn::tensor::backend::Backend;
use regnet_anynet::AnyNetSpec;

use crate::{AnyNet, BuildError};

/// Configuration of an [`AnyNet`]: the AnyNet spec and the init options. Saved as JSON (burn's
/// [`Config::save`] / [`Config::load`]) next to a checkpoint, it is all that is needed to rebuild the
/// module before loading its weights.
///
/// ```
/// use burn::config::Config;
/// use regnet_anynet::zoo;
/// use regnet_burn::AnyNetConfig;
///
/// let cfg = AnyNetConfig::new(zoo::model("RegNetX-200MF")?).with_zero_init_last_bn(true);
/// let json = serde_json::to_string(&cfg)?;
/// let back: AnyNetConfig = serde_json::from_str(&json)?;
/// assert_eq!(back.spec, cfg.spec);
/// assert!(back.zero_init_last_bn);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Config, Debug)]
pub struct AnyNetConfig {
    /// The model: stem, stages, head, SE ratio, classes, input channels.
    pub spec: AnyNetSpec,
    /// Zero-initialise γ of the last BN of each residual block (pycls `BN.ZERO_INIT_FINAL_GAMMA`,
    /// off in the paper and in every zoo config).
    #[config(default = false)]
    pub zero_init_last_bn: bool,
}

impl AnyNetConfig {
    /// Builds the model with pycls's init; fails with the spec's error if the spec is invalid.
    pub fn init<B: Backend>(&self, device: &B::Device) -> Result<AnyNet<B>, BuildError> {
        AnyNet::from_config(self, device)
    }
}
