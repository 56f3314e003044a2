//! The crate's error type: every variant names the offending file, field or value.

use std::path::PathBuf;

/// Everything that can go wrong while reading, decoding, transforming or batching data.
///
/// Variants carry the path (and, where it matters, the record index or field) so the message
/// reads as a sentence that points at the culprit, e.g.
/// `"data/train-labels-idx1-ubyte.gz: label 12 at index 7 is out of range (expected < 10)"`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file starts with the gzip magic bytes but its stream is corrupt or truncated.
    #[error("{path}: corrupt or truncated gzip stream: {source}")]
    Gzip {
        /// The file.
        path: PathBuf,
        /// The decompressor's error.
        #[source]
        source: std::io::Error,
    },
    /// An IDX file is shorter than its header.
    #[error("{path}: IDX header truncated ({len} bytes, need at least {needed})")]
    IdxHeader {
        /// The file.
        path: PathBuf,
        /// Bytes available (after decompression).
        len: usize,
        /// Bytes the header needs.
        needed: usize,
    },
    /// An IDX file has the wrong magic number (data type / number of dimensions).
    #[error("{path}: IDX magic number is {found:#010x}, expected {expected:#010x}")]
    IdxMagic {
        /// The file.
        path: PathBuf,
        /// Magic number found in the file.
        found: u32,
        /// Magic number expected (0x00000803 for u8 images, 0x00000801 for u8 labels).
        expected: u32,
    },
    /// An IDX payload does not have exactly as many bytes as its header's dimensions promise.
    #[error("{path}: IDX payload has {found} bytes but dimensions {dims:?} need {expected}")]
    IdxSize {
        /// The file.
        path: PathBuf,
        /// The dimensions from the header.
        dims: Vec<u32>,
        /// Bytes the dimensions need.
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// An IDX header announces a payload larger than [`crate::idx::MAX_IDX_PAYLOAD`].
    #[error("{path}: IDX dimensions {dims:?} need more than the supported {max} bytes")]
    IdxTooLarge {
        /// The file.
        path: PathBuf,
        /// The dimensions from the header.
        dims: Vec<u32>,
        /// The largest accepted payload in bytes.
        max: u64,
    },
    /// A data file is larger than [`crate::idx::MAX_FILE_BYTES`].
    #[error("{path}: file has {len} bytes, more than the supported {max}")]
    FileTooLarge {
        /// The file.
        path: PathBuf,
        /// Its size (or the bytes read before stopping).
        len: u64,
        /// The largest accepted size.
        max: u64,
    },
    /// A gzip stream decompresses to more than [`crate::idx::MAX_GUNZIP_BYTES`].
    #[error("{path}: gzip stream decompresses to more than the supported {max} bytes")]
    GzipTooLarge {
        /// The file.
        path: PathBuf,
        /// The largest accepted output in bytes.
        max: u64,
    },
    /// A split holds no sample, so nothing could be trained on or evaluated (an evaluation
    /// would report a meaningless 0 % error).
    #[error("{path}: the {split} split holds no samples")]
    EmptySplit {
        /// The file or folder of the split.
        path: PathBuf,
        /// `train` or `test`.
        split: &'static str,
    },
    /// Two image folders of one dataset (train and val) do not have the same class folders, so
    /// their labels would not mean the same classes.
    #[error(
        "{val}: class folders differ from {train} ({n_train} vs {n_val} classes); only in train: {only_train}; only in val: {only_val}"
    )]
    ClassMismatch {
        /// The training root.
        train: PathBuf,
        /// The validation root.
        val: PathBuf,
        /// Number of training classes.
        n_train: usize,
        /// Number of validation classes.
        n_val: usize,
        /// Up to 5 class names found only in the training root, comma-separated (`-` if none).
        only_train: String,
        /// Up to 5 class names found only in the validation root, comma-separated (`-` if none).
        only_val: String,
    },
    /// Images of an unexpected size (e.g. a 32×32 IDX file given as Fashion-MNIST).
    #[error("{path}: images are {found_h}x{found_w}, expected {expected_h}x{expected_w}")]
    ImageDims {
        /// The file.
        path: PathBuf,
        /// Rows found.
        found_h: usize,
        /// Columns found.
        found_w: usize,
        /// Rows expected.
        expected_h: usize,
        /// Columns expected.
        expected_w: usize,
    },
    /// The image and label files of one split disagree on the number of samples.
    #[error("{images} holds {n_images} images but {labels} holds {n_labels} labels")]
    CountMismatch {
        /// The image file.
        images: PathBuf,
        /// Number of images.
        n_images: usize,
        /// The label file.
        labels: PathBuf,
        /// Number of labels.
        n_labels: usize,
    },
    /// A label is not a valid class index.
    #[error("{path}: label {label} at index {index} is out of range (expected < {num_classes})")]
    LabelOutOfRange {
        /// The file.
        path: PathBuf,
        /// Record index within the file.
        index: usize,
        /// The offending label.
        label: u32,
        /// Number of classes.
        num_classes: usize,
    },
    /// A CIFAR-10 binary batch file whose size is not a positive multiple of the 3073-byte record.
    #[error(
        "{path}: CIFAR-10 binary file has {len} bytes, not a positive multiple of the {record}-byte record"
    )]
    CifarSize {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        len: u64,
        /// Record size (1 label byte + 3·32·32 pixel bytes = 3073).
        record: usize,
    },
    /// An image-folder root without any class sub-folder, or without any image file.
    #[error("{path}: {what}")]
    EmptyFolder {
        /// The root folder.
        path: PathBuf,
        /// What is missing.
        what: &'static str,
    },
    /// An image file could not be decoded (corrupt, truncated, or not really an image).
    #[error("{path}: cannot decode image: {message}")]
    Decode {
        /// The image file.
        path: PathBuf,
        /// The decoder's message.
        message: String,
    },
    /// An option or transform parameter is out of its domain.
    #[error("invalid {field} = {value}: {reason}")]
    InvalidOption {
        /// The option's name.
        field: &'static str,
        /// The value given.
        value: String,
        /// Why it is rejected.
        reason: &'static str,
    },
    /// A transform step was given an image with the wrong number of channels.
    #[error("transform step {step} needs {expected} channel(s), the image has {found}")]
    Channels {
        /// The step's name.
        step: &'static str,
        /// Channels required.
        expected: usize,
        /// Channels found.
        found: usize,
    },
    /// A crop does not fit inside the image.
    #[error("crop {crop_h}x{crop_w} at (y={y}, x={x}) does not fit in a {h}x{w} image")]
    CropOutOfBounds {
        /// Crop top.
        y: usize,
        /// Crop left.
        x: usize,
        /// Crop height.
        crop_h: usize,
        /// Crop width.
        crop_w: usize,
        /// Image height.
        h: usize,
        /// Image width.
        w: usize,
    },
    /// Samples of one batch came out of the transform pipeline with different shapes
    /// (e.g. raw image-folder images of different sizes without a cropping step).
    #[error("sample {index} has shape {found:?} (C,H,W) but the batch started with {expected:?}")]
    ShapeMismatch {
        /// Dataset index of the offending sample.
        index: usize,
        /// Shape of the batch's first sample.
        expected: [usize; 3],
        /// Shape of this sample.
        found: [usize; 3],
    },
    /// A sample index past the end of the dataset.
    #[error("sample index {index} is out of range for a dataset of {len}")]
    IndexOutOfRange {
        /// The index asked for.
        index: usize,
        /// The dataset's length.
        len: usize,
    },
    /// A buffer whose length does not match the shape given with it.
    #[error("buffer of {found} values does not match shape {shape:?} (needs {expected})")]
    BufferSize {
        /// The shape.
        shape: [usize; 3],
        /// Values the shape needs.
        expected: usize,
        /// Values given.
        found: usize,
    },
    /// A loader worker thread panicked while building the given batch (an internal bug).
    #[error("a loader worker panicked while building batch {batch}")]
    WorkerPanicked {
        /// Index of the batch within the epoch.
        batch: usize,
    },
}

/// `Result` with [`DataError`].
pub type Result<T, E = DataError> = std::result::Result<T, E>;
