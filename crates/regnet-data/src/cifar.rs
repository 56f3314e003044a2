//! CIFAR-10 in its binary format (`cifar-10-batches-bin`).

use std::path::{Path, PathBuf};

use crate::error::{DataError, Result};
use crate::fashion::Split;
use crate::idx::read_file;

/// Bytes of one CIFAR-10 binary record: 1 label byte, then 3·32·32 pixel bytes (R plane,
/// G plane, B plane, each row-major).
pub const CIFAR_RECORD: usize = 1 + 3 * 32 * 32;

/// A CIFAR-10 split held in memory (CHW RGB bytes and labels).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cifar10 {
    images: Vec<u8>,
    labels: Vec<u8>,
    split: Split,
}

impl Cifar10 {
    /// Class names, by label.
    pub const CLASSES: [&'static str; 10] = [
        "airplane",
        "automobile",
        "bird",
        "cat",
        "deer",
        "dog",
        "frog",
        "horse",
        "ship",
        "truck",
    ];
    /// Image side in pixels.
    pub const SIDE: usize = 32;

    /// The file names of a split: `data_batch_1.bin` … `data_batch_5.bin`, or `test_batch.bin`.
    pub fn file_names(split: Split) -> Vec<String> {
        match split {
            Split::Train => (1..=5).map(|i| format!("data_batch_{i}.bin")).collect(),
            Split::Test => vec!["test_batch.bin".to_string()],
        }
    }

    /// Loads a split from the directory of the binary distribution. If `dir` does not hold
    /// the files but `dir/cifar-10-batches-bin` does, that sub-folder is used (so both the
    /// archive's parent and the extracted folder work).
    pub fn from_dir(dir: impl AsRef<Path>, split: Split) -> Result<Self> {
        let mut dir = dir.as_ref().to_path_buf();
        let names = Self::file_names(split);
        let nested = dir.join("cifar-10-batches-bin");
        if !dir.join(&names[0]).exists() && nested.join(&names[0]).exists() {
            dir = nested;
        }
        let paths: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
        Self::from_files(&paths, split)
    }

    /// Loads and concatenates the given batch files, in order.
    pub fn from_files(paths: &[PathBuf], split: Split) -> Result<Self> {
        let mut out = Self {
            images: Vec::new(),
            labels: Vec::new(),
            split,
        };
        for path in paths {
            let bytes = read_file(path)?;
            out.push_batch(&bytes, path)?;
        }
        Ok(out)
    }

    /// Parses one in-memory batch file (`path` names it in errors).
    ///
    /// Fails with [`DataError::CifarSize`] unless the length is a positive multiple of
    /// [`CIFAR_RECORD`], and with [`DataError::LabelOutOfRange`] (record index within the file)
    /// for a label byte ≥ 10.
    pub fn from_bytes(bytes: &[u8], path: &Path, split: Split) -> Result<Self> {
        let mut out = Self {
            images: Vec::new(),
            labels: Vec::new(),
            split,
        };
        out.push_batch(bytes, path)?;
        Ok(out)
    }

    fn push_batch(&mut self, bytes: &[u8], path: &Path) -> Result<()> {
        if bytes.is_empty() || !bytes.len().is_multiple_of(CIFAR_RECORD) {
            return Err(DataError::CifarSize {
                path: path.to_path_buf(),
                len: bytes.len() as u64,
                record: CIFAR_RECORD,
            });
        }
        self.images
            .reserve(bytes.len() / CIFAR_RECORD * (CIFAR_RECORD - 1));
        for (index, rec) in bytes.chunks_exact(CIFAR_RECORD).enumerate() {
            if rec[0] >= 10 {
                return Err(DataError::LabelOutOfRange {
                    path: path.to_path_buf(),
                    index,
                    label: u32::from(rec[0]),
                    num_classes: 10,
                });
            }
            self.labels.push(rec[0]);
            self.images.extend_from_slice(&rec[1..]);
        }
        Ok(())
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True if there are no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The split this was loaded as.
    pub fn split(&self) -> Split {
        self.split
    }

    /// All labels (0..10), in file order.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// The 3072 CHW RGB bytes of image `i`, or `None` past the end.
    pub fn image(&self, i: usize) -> Option<&[u8]> {
        let n = CIFAR_RECORD - 1;
        self.images.get(i * n..(i + 1) * n)
    }
}
