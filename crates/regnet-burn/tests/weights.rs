//! Checkpoint names, export/import round trips and the typed errors of strict loading.

mod common;

use std::path::PathBuf;

use burn::backend::Flex;
use burn::tensor::{Distribution, Tensor};
use common::{max_abs_diff, tiny_spec, values};
use regnet_anynet::{AnyNetSpec, BlockType, StemType, zoo};
use regnet_burn::weights::{
    NamingScheme, key_mappings, load_checkpoint, read_checkpoint, save_safetensors,
};
use regnet_burn::{AnyNet, WeightsError};

type B = Flex;

struct TempDir(PathBuf);
impl TempDir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!("regnet-burn-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }
    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

fn model(spec: &AnyNetSpec) -> AnyNet<B> {
    AnyNet::new(spec, &Default::default()).unwrap()
}

fn keys(spec: &AnyNetSpec, scheme: NamingScheme) -> Vec<String> {
    key_mappings(&model(spec), scheme)
        .unwrap()
        .into_iter()
        .map(|m| m.key)
        .collect()
}

#[test]
fn names_of_regnety_200mf_in_each_scheme() {
    let spec = zoo::model("RegNetY-200MF").unwrap();
    let pycls = keys(&spec, NamingScheme::Pycls);
    for k in [
        "stem.conv.weight",
        "stem.bn.weight",
        "stem.bn.running_var",
        "s1.b1.proj.weight",
        "s1.b1.bn.bias",
        "s1.b1.f.a.weight",
        "s1.b1.f.a_bn.running_mean",
        "s1.b1.f.b.weight",
        "s1.b1.f.se.f_ex.0.weight",
        "s1.b1.f.se.f_ex.2.bias",
        "s4.b7.f.c_bn.weight",
        "head.fc.weight",
        "head.fc.bias",
    ] {
        assert!(pycls.iter().any(|x| x == k), "pycls lacks {k}");
    }
    assert!(
        !pycls.iter().any(|x| x == "s2.b2.proj.weight"),
        "only first blocks project"
    );
    let timm = keys(&spec, NamingScheme::Timm);
    for k in [
        "s1.b1.conv1.conv.weight",
        "s1.b1.conv2.bn.running_var",
        "s1.b1.se.fc1.weight",
        "s1.b1.downsample.conv.weight",
        "s4.b7.conv3.bn.bias",
        "head.fc.weight",
    ] {
        assert!(timm.iter().any(|x| x == k), "timm lacks {k}");
    }
    let tv = keys(&spec, NamingScheme::Torchvision);
    for k in [
        "stem.0.weight",
        "stem.1.running_mean",
        "trunk_output.block1.block1-0.proj.0.weight",
        "trunk_output.block1.block1-0.f.a.0.weight",
        "trunk_output.block1.block1-0.f.se.fc2.bias",
        "trunk_output.block4.block4-6.f.c.1.weight",
        "fc.weight",
    ] {
        assert!(tv.iter().any(|x| x == k), "torchvision lacks {k}");
    }
    // pycls's state dict of RegNetY-200MF has 318 entries, 44 of them num_batches_tracked (one per BN).
    assert_eq!(pycls.len(), 318 - 44);
    let fc = key_mappings(&model(&spec), NamingScheme::Pycls)
        .unwrap()
        .into_iter()
        .find(|m| m.key == "head.fc.weight")
        .unwrap();
    assert_eq!((fc.shape, fc.transposed), (vec![1000, 368], true));
}

#[test]
fn pycls_names_basic_vanilla_and_head_conv() {
    let mut r = tiny_spec(StemType::ResStemIn, BlockType::ResBasic, None);
    r.head_w = 40;
    let k = keys(&r, NamingScheme::Pycls);
    for key in [
        "s1.b1.proj.weight",
        "s1.b1.f.a.weight",
        "s1.b2.f.b_bn.bias",
        "head.conv.weight",
        "head.bn.weight",
    ] {
        assert!(k.iter().any(|x| x == key), "{key} in {k:?}");
    }
    let v = keys(
        &tiny_spec(StemType::ResStemCifar, BlockType::Vanilla, None),
        NamingScheme::Pycls,
    );
    assert!(
        v.iter().any(|x| x == "s1.b1.a.weight") && v.iter().any(|x| x == "s2.b1.b_bn.running_var")
    );
    assert!(!v.iter().any(|x| x.contains("proj")));
}

#[test]
fn timm_and_torchvision_cannot_name_basic_blocks() {
    let r = model(&tiny_spec(
        StemType::SimpleStemIn,
        BlockType::ResBasic,
        None,
    ));
    for scheme in [NamingScheme::Timm, NamingScheme::Torchvision] {
        let err = key_mappings(&r, scheme).unwrap_err();
        assert!(
            matches!(&err, WeightsError::UnsupportedLayer { scheme: s, .. } if *s == scheme.name()),
            "{err}"
        );
    }
}

#[test]
fn safetensors_round_trip_in_every_scheme_reproduces_outputs() {
    let dir = TempDir::new("roundtrip");
    let spec = tiny_spec(StemType::SimpleStemIn, BlockType::ResBottleneck, Some(0.25));
    let src = model(&spec);
    let x = Tensor::<B, 4>::random([2, 3, 24, 24], Distribution::Default, &Default::default());
    let expected = values(src.forward(x.clone()));
    for scheme in NamingScheme::ALL {
        let path = dir.file(&format!("{scheme}.safetensors"));
        save_safetensors(&src, &path, scheme).unwrap();
        let fresh = model(&spec);
        assert!(max_abs_diff(&values(fresh.forward(x.clone())), &expected) > 1e-3);
        let loaded = load_checkpoint(fresh, &path, scheme).unwrap();
        assert_eq!(
            max_abs_diff(&values(loaded.forward(x.clone())), &expected),
            0.0,
            "{scheme}"
        );
    }
}

/// Writes the pycls checkpoint of `spec` with one tensor changed by `edit` (None = removed).
fn edited_checkpoint(
    dir: &TempDir,
    spec: &AnyNetSpec,
    edit: impl Fn(&str, Vec<usize>) -> Option<(String, Vec<usize>)>,
) -> PathBuf {
    let full = dir.file("full.safetensors");
    save_safetensors(&model(spec), &full, NamingScheme::Pycls).unwrap();
    let tensors = read_checkpoint(&full).unwrap();
    let mut bufs = Vec::new();
    for (k, s) in &tensors {
        if let Some((k2, shape)) = edit(k, s.shape.to_vec()) {
            let n: usize = shape.iter().product();
            bufs.push((k2, shape, vec![0u8; 4 * n]));
        }
    }
    let views = bufs.iter().map(|(k, shape, b)| {
        (
            k.clone(),
            safetensors::tensor::TensorView::new(safetensors::Dtype::F32, shape.clone(), b)
                .unwrap(),
        )
    });
    let out = dir.file("edited.safetensors");
    safetensors::serialize_to_file(views, None, &out).unwrap();
    out
}

#[test]
fn missing_unexpected_and_misshapen_tensors_are_typed_errors() {
    let dir = TempDir::new("errors");
    let spec = tiny_spec(StemType::SimpleStemIn, BlockType::ResBottleneck, Some(0.25));

    let p = edited_checkpoint(&dir, &spec, |k, s| {
        (k != "s2.b1.f.b.weight").then(|| (k.to_owned(), s))
    });
    match load_checkpoint(model(&spec), &p, NamingScheme::Pycls).unwrap_err() {
        WeightsError::MissingKey {
            key,
            param,
            expected,
        } => {
            assert_eq!(key, "s2.b1.f.b.weight");
            assert_eq!(param, "stages.1.0.b.weight");
            assert_eq!(expected, vec![16, 8, 3, 3]); // w_b = 16, 2 groups of 8
        }
        e => panic!("expected MissingKey, got {e}"),
    }

    let p = edited_checkpoint(&dir, &spec, |k, s| {
        Some(if k == "head.fc.weight" {
            (k.to_owned(), vec![5, 32])
        } else {
            (k.to_owned(), s)
        })
    });
    let err = load_checkpoint(model(&spec), &p, NamingScheme::Pycls).unwrap_err();
    match &err {
        WeightsError::ShapeMismatch {
            key,
            expected,
            found,
            ..
        } => {
            assert_eq!(key, "head.fc.weight");
            assert_eq!(
                (expected.as_slice(), found.as_slice()),
                (&[7, 32][..], &[5, 32][..])
            );
        }
        e => panic!("expected ShapeMismatch, got {e}"),
    }
    assert!(err.to_string().contains("[7, 32]") && err.to_string().contains("[5, 32]"));

    let p = edited_checkpoint(&dir, &spec, |k, s| {
        Some(if k == "s1.b2.f.a.weight" {
            ("s1.b3.f.a.weight".into(), s)
        } else {
            (k.to_owned(), s)
        })
    });
    let err = load_checkpoint(model(&spec), &p, NamingScheme::Pycls).unwrap_err();
    assert!(
        matches!(&err, WeightsError::MissingKey { key, .. } if key == "s1.b2.f.a.weight"),
        "{err}"
    );

    // An extra tensor (all others present) is an UnexpectedKey; num_batches_tracked is ignored.
    let p = edited_checkpoint(&dir, &spec, |k, s| {
        Some(if k == "stem.bn.bias" {
            ("stem.bn.num_batches_tracked".into(), vec![])
        } else {
            (k.to_owned(), s)
        })
    });
    let err = load_checkpoint(model(&spec), &p, NamingScheme::Pycls).unwrap_err();
    assert!(
        matches!(&err, WeightsError::MissingKey { key, .. } if key == "stem.bn.bias"),
        "{err}"
    );
    let full = dir.file("full.safetensors");
    let mut tensors = read_checkpoint(&full).unwrap();
    let extra = tensors["head.fc.bias"].clone();
    tensors.insert("s3.b1.f.a.weight".into(), extra);
    let err = regnet_burn::weights::load_tensors(model(&spec), &tensors, NamingScheme::Pycls)
        .unwrap_err();
    match err {
        WeightsError::UnexpectedKey { key, shape } => {
            assert_eq!((key.as_str(), shape), ("s3.b1.f.a.weight", vec![7]));
        }
        e => panic!("expected UnexpectedKey, got {e}"),
    }

    let err = load_checkpoint(
        model(&spec),
        dir.file("nope.safetensors"),
        NamingScheme::Pycls,
    )
    .unwrap_err();
    assert!(matches!(err, WeightsError::Read { .. }), "{err}");
}

/// An edit of one storage entry: (entry name, bytes) → new bytes, or None to leave it out.
type StorageEdit = dyn Fn(&str, Vec<u8>) -> Option<Vec<u8>>;

/// A copy of the fixture `regnety_pycls.pth` (a `torch.save` zip) with its storage entries changed
/// by `edit` (entry name, bytes → new bytes, or None to leave the entry out).
fn edited_pth(dir: &TempDir, edit: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>) -> PathBuf {
    use std::io::{Read, Write};
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/regnety_pycls.pth");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let out = dir.file("edited.pth");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&out).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().to_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let bytes = if name.contains("/data/") {
            match edit(&name, bytes) {
                Some(b) => b,
                None => continue,
            }
        } else {
            bytes
        };
        w.start_file(name.as_str(), stored).unwrap();
        w.write_all(&bytes).unwrap();
    }
    w.finish().unwrap();
    out
}

#[test]
fn pth_with_a_missing_or_short_storage_is_an_error_not_zeros() {
    let dir = TempDir::new("pth-storage");
    // The unchanged copy reads (the same bytes, rewritten by the zip crate).
    let same = edited_pth(&dir, |_, b| Some(b));
    let tensors = read_checkpoint(&same).unwrap();
    assert!(tensors.len() > 50, "{}", tensors.len());

    // burn-store alone would fill these tensors with zeros; the import refuses them.
    let cases: [(&str, Box<StorageEdit>); 3] = [
        (
            "missing",
            Box::new(|n, b| (!n.ends_with("/data/3")).then_some(b)),
        ),
        (
            "short",
            Box::new(|n, mut b| {
                if n.ends_with("/data/5") {
                    b.truncate(b.len() / 2);
                }
                Some(b)
            }),
        ),
        (
            "empty",
            Box::new(|n, b| {
                Some(if n.ends_with("/data/0") {
                    Vec::new()
                } else {
                    b
                })
            }),
        ),
    ];
    for (what, edit) in cases {
        let path = edited_pth(&dir, edit);
        match read_checkpoint(&path) {
            Err(e @ WeightsError::BadTensor { .. }) => {
                let msg = e.to_string();
                assert!(
                    msg.contains("storage is missing") && msg.lines().count() == 1,
                    "{what}: {msg}"
                );
            }
            other => panic!(
                "{what}: expected BadTensor, got {:?}",
                other.map(|t| t.len())
            ),
        }
    }
}

#[test]
fn saving_right_after_a_training_step_writes_the_current_running_statistics() {
    use burn::backend::Autodiff;
    use burn::module::AutodiffModule;
    use burn::optim::{GradientsParams, Optimizer, SgdConfig};
    type A = Autodiff<Flex>;

    let dir = TempDir::new("bn-sync");
    let spec = tiny_spec(StemType::SimpleStemIn, BlockType::ResBottleneck, Some(0.25));
    let device = Default::default();
    let mut net: AnyNet<A> = AnyNet::new(&spec, &device).unwrap();
    let mut optim = SgdConfig::new().init::<A, AnyNet<A>>();
    // Two steps: the second step's statistics are the ones a stale snapshot would miss.
    for _ in 0..2 {
        let x = Tensor::<A, 4>::random([4, 3, 24, 24], Distribution::Default, &device);
        let loss = net.forward(x).powf_scalar(2.0).mean();
        let grads = GradientsParams::from_grads(loss.backward(), &net);
        net = optim.step(0.01, net, grads);
    }
    // Saved straight from the autodiff model, as the crate README does.
    let path = dir.file("trained.safetensors");
    save_safetensors(&net, &path, NamingScheme::Pycls).unwrap();
    let loaded = load_checkpoint(model(&spec), &path, NamingScheme::Pycls).unwrap();
    let x = Tensor::<B, 4>::random([2, 3, 24, 24], Distribution::Default, &device);
    let expected = values(net.valid().forward(x.clone()));
    let got = values(loaded.forward(x));
    // Exactly equal: a snapshot one update old differs (by up to 2.6e8 in the logits of a model
    // trained from pycls init).
    assert_eq!(max_abs_diff(&got, &expected), 0.0);
}
