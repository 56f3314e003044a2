//! ImageNet-style class folders: `root/<class>/<image>.{jpg,jpeg,png}`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{DataError, Result};
use crate::transform::Image;

/// What to do with an image file that cannot be read or decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CorruptPolicy {
    /// Fail: the loader yields the [`DataError::Decode`] / [`DataError::Io`] naming the file.
    #[default]
    Fail,
    /// Skip: the sample is left out of its batch, and the batch lists it in
    /// [`crate::Batch::skipped`] with the path and the error (so it is counted and reported,
    /// never silently dropped).
    Skip,
}

/// An image file that was skipped under [`CorruptPolicy::Skip`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedSample {
    /// Dataset index of the sample.
    pub index: usize,
    /// Its file.
    pub path: PathBuf,
    /// Why it was skipped (the error's message).
    pub reason: String,
}

/// A folder-of-class-folders dataset (the ImageNet `train/` and `val/` layout pycls reads).
///
/// Classes are the sub-folders of the root sorted by name (byte order), labelled 0, 1, …;
/// within a class, files are sorted by name. Files whose extension is not `jpg`, `jpeg` or
/// `png` (any case) and nested folders are ignored and counted in
/// [`ImageFolder::ignored_files`]. Images are decoded lazily, in the loader's workers, and
/// converted to RGB (grey-scale and RGBA inputs become 3 channels, as OpenCV's `imread` does
/// in pycls).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageFolder {
    root: PathBuf,
    classes: Vec<String>,
    samples: Vec<(PathBuf, u32)>,
    ignored: usize,
    policy: CorruptPolicy,
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>> {
    let io = |source| DataError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        entries.push(entry.map_err(io)?.path());
    }
    entries.sort();
    Ok(entries)
}

fn is_image_file(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["jpg", "jpeg", "png"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

impl ImageFolder {
    /// Scans `root`. Fails with [`DataError::Io`] if a folder cannot be listed and with
    /// [`DataError::EmptyFolder`] if there is no class folder or no image at all.
    pub fn from_dir(root: impl AsRef<Path>, policy: CorruptPolicy) -> Result<Self> {
        let root = root.as_ref().to_path_buf();
        let class_dirs: Vec<PathBuf> = read_dir_sorted(&root)?
            .into_iter()
            .filter(|p| p.is_dir())
            .collect();
        if class_dirs.is_empty() {
            return Err(DataError::EmptyFolder {
                path: root,
                what: "no class sub-folders found",
            });
        }
        let mut classes = Vec::with_capacity(class_dirs.len());
        let mut samples = Vec::new();
        let mut ignored = 0;
        for (label, dir) in class_dirs.iter().enumerate() {
            classes.push(
                dir.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            for path in read_dir_sorted(dir)? {
                if path.is_file() && is_image_file(&path) {
                    samples.push((path, label as u32));
                } else {
                    ignored += 1;
                }
            }
        }
        if samples.is_empty() {
            return Err(DataError::EmptyFolder {
                path: root,
                what: "no .jpg/.jpeg/.png files in the class sub-folders",
            });
        }
        Ok(Self {
            root,
            classes,
            samples,
            ignored,
            policy,
        })
    }

    /// Scans a training and a validation root and checks that both have the same class folders,
    /// so that label i means the same class in both ([`ImageFolder::ensure_same_classes`]).
    pub fn train_val(
        train: impl AsRef<Path>,
        val: impl AsRef<Path>,
        policy: CorruptPolicy,
    ) -> Result<(Self, Self)> {
        let train = Self::from_dir(train, policy)?;
        let val = Self::from_dir(val, policy)?;
        train.ensure_same_classes(&val)?;
        Ok((train, val))
    }

    /// Fails with [`DataError::ClassMismatch`] unless `val` has exactly the class folders of
    /// `self` (same names, hence the same labels). Never remaps: a validation folder missing a
    /// class, or with an extra one, is an error naming up to five differing classes each way.
    pub fn ensure_same_classes(&self, val: &ImageFolder) -> Result<()> {
        if self.classes == val.classes {
            return Ok(());
        }
        let list = |a: &[String], b: &[String]| {
            let only: Vec<String> = a
                .iter()
                .filter(|c| !b.contains(c))
                .map(|c| c.escape_debug().to_string())
                .collect();
            match only.len() {
                0 => "-".to_string(),
                n if n > 5 => format!("{} and {} more", only[..5].join(", "), n - 5),
                _ => only.join(", "),
            }
        };
        Err(DataError::ClassMismatch {
            train: self.root.clone(),
            val: val.root.clone(),
            n_train: self.classes.len(),
            n_val: val.classes.len(),
            only_train: list(&self.classes, &val.classes),
            only_val: list(&val.classes, &self.classes),
        })
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Class folder names, by label.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// `(path, label)` of every sample, in dataset order.
    pub fn samples(&self) -> &[(PathBuf, u32)] {
        &self.samples
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// True if there are no images (never, for a successfully scanned folder).
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// Directory entries that were not taken as images (other extensions, nested folders).
    pub fn ignored_files(&self) -> usize {
        self.ignored
    }

    /// The corrupt-file policy.
    pub fn policy(&self) -> CorruptPolicy {
        self.policy
    }

    /// Reads and decodes sample `i` as a 3-channel CHW image on the 0–255 scale.
    ///
    /// Fails with [`DataError::IndexOutOfRange`], [`DataError::Io`] (naming the file) or
    /// [`DataError::Decode`] (naming the file) whatever the policy; the policy is applied by
    /// the loader.
    pub fn decode(&self, i: usize) -> Result<Image> {
        let (path, _) = self.samples.get(i).ok_or(DataError::IndexOutOfRange {
            index: i,
            len: self.samples.len(),
        })?;
        decode_rgb(path)
    }

    /// Decodes every image once and returns the ones that fail, with their errors (useful to
    /// vet a new folder before training; takes as long as one pass over the data).
    pub fn verify(&self) -> Vec<SkippedSample> {
        (0..self.samples.len())
            .filter_map(|i| {
                self.decode(i).err().map(|e| SkippedSample {
                    index: i,
                    path: self.samples[i].0.clone(),
                    reason: e.to_string(),
                })
            })
            .collect()
    }
}

/// Largest width or height of an image file that [`decode_rgb`] decodes (8192 pixels; ImageNet's
/// largest images are about 4000 wide). The decoder also keeps the image crate's default cap of
/// 512 MiB per decoding, so a small file declaring a huge image is a [`DataError::Decode`], not an
/// allocation of gigabytes.
pub const MAX_DECODE_SIDE: u32 = 8192;

/// Reads and decodes one JPEG or PNG file as RGB, CHW, 0–255.
///
/// Files larger than [`crate::idx::MAX_FILE_BYTES`] and images wider or taller than
/// [`MAX_DECODE_SIDE`] are refused.
pub fn decode_rgb(path: &Path) -> Result<Image> {
    let bytes = crate::idx::read_file(path)?;
    let decode_error = |e: image::ImageError| DataError::Decode {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut reader = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|source| DataError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    reader.limits(limits);
    let img = reader.decode().map_err(decode_error)?;
    let rgb = img.to_rgb8();
    let (w, h) = (rgb.width() as usize, rgb.height() as usize);
    Image::from_hwc_u8(3, h, w, rgb.as_raw())
}
