//! The IDX file format of MNIST and Fashion-MNIST, raw or gzip-compressed.
//!
//! An IDX file is a big-endian header — a 32-bit magic number `0x0000_TTNN` (`TT` = data type,
//! `0x08` for unsigned bytes; `NN` = number of dimensions), then `NN` 32-bit dimension sizes —
//! followed by the row-major payload. Images are `0x00000803` (count × rows × cols), labels
//! `0x00000801` (count). Files whose first two bytes are the gzip magic `1f 8b` are decompressed
//! first, so `*.gz` and raw files are both accepted whatever their name.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use crate::error::{DataError, Result};

/// Magic number of an IDX file holding unsigned-byte images (3 dimensions).
pub const IDX_IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file holding unsigned-byte labels (1 dimension).
pub const IDX_LABELS_MAGIC: u32 = 0x0000_0801;

/// A decoded IDX image file: `count` grey-scale images of `rows × cols` bytes, row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxImages {
    /// Number of images.
    pub count: usize,
    /// Rows (height) of each image.
    pub rows: usize,
    /// Columns (width) of each image.
    pub cols: usize,
    /// `count · rows · cols` pixel bytes (0 = background for Fashion-MNIST).
    pub pixels: Vec<u8>,
}

/// Returns `bytes` decompressed if they start with the gzip magic, unchanged otherwise.
///
/// `path` is only used to name the file in errors.
///
/// ```
/// # use std::path::Path;
/// let raw = regnet_data::idx::maybe_gunzip(b"\x00\x00\x08\x01", Path::new("x")).unwrap();
/// assert_eq!(&raw[..], b"\x00\x00\x08\x01");
/// ```
pub fn maybe_gunzip<'a>(bytes: &'a [u8], path: &Path) -> Result<Cow<'a, [u8]>> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .map_err(|source| DataError::Gzip {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Cow::Owned(out))
    } else {
        Ok(Cow::Borrowed(bytes))
    }
}

/// Reads a file into memory, naming it in the error.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Parses the header of an (already decompressed) IDX file and checks the payload size.
/// Returns the dimensions and the payload.
fn parse_header<'a>(
    bytes: &'a [u8],
    expected_magic: u32,
    path: &Path,
) -> Result<(Vec<u32>, &'a [u8])> {
    let ndim = (expected_magic & 0xff) as usize;
    let header_len = 4 + 4 * ndim;
    if bytes.len() < 4 {
        return Err(DataError::IdxHeader {
            path: path.to_path_buf(),
            len: bytes.len(),
            needed: header_len,
        });
    }
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let magic = be(0);
    if magic != expected_magic {
        return Err(DataError::IdxMagic {
            path: path.to_path_buf(),
            found: magic,
            expected: expected_magic,
        });
    }
    if bytes.len() < header_len {
        return Err(DataError::IdxHeader {
            path: path.to_path_buf(),
            len: bytes.len(),
            needed: header_len,
        });
    }
    let dims: Vec<u32> = (0..ndim).map(|d| be(4 + 4 * d)).collect();
    let expected = dims.iter().map(|&d| u64::from(d)).product::<u64>();
    let payload = &bytes[header_len..];
    if payload.len() as u64 != expected {
        return Err(DataError::IdxSize {
            path: path.to_path_buf(),
            dims,
            expected,
            found: payload.len() as u64,
        });
    }
    Ok((dims, payload))
}

/// Parses an IDX image file (raw or gzip) from memory; `path` names it in errors.
///
/// Fails with [`DataError::Gzip`], [`DataError::IdxHeader`], [`DataError::IdxMagic`] or
/// [`DataError::IdxSize`] (which also catches truncation and trailing garbage).
///
/// ```
/// use regnet_data::idx::{encode_idx_images, parse_idx_images};
/// let bytes = encode_idx_images(2, 1, 2, &[1, 2, 3, 4]).unwrap();
/// let images = parse_idx_images(&bytes, "mem".as_ref()).unwrap();
/// assert_eq!((images.count, images.rows, images.cols), (2, 1, 2));
/// ```
pub fn parse_idx_images(bytes: &[u8], path: &Path) -> Result<IdxImages> {
    let raw = maybe_gunzip(bytes, path)?;
    let (dims, payload) = parse_header(&raw, IDX_IMAGES_MAGIC, path)?;
    Ok(IdxImages {
        count: dims[0] as usize,
        rows: dims[1] as usize,
        cols: dims[2] as usize,
        pixels: payload.to_vec(),
    })
}

/// Parses an IDX label file (raw or gzip) from memory; `path` names it in errors.
///
/// Labels are returned as stored; range checks against the number of classes are the
/// caller's (see [`crate::FashionMnist`]).
///
/// ```
/// use regnet_data::idx::{encode_idx_labels, parse_idx_labels};
/// let bytes = encode_idx_labels(&[3, 1, 4]).unwrap();
/// assert_eq!(parse_idx_labels(&bytes, "mem".as_ref()).unwrap(), vec![3, 1, 4]);
/// ```
pub fn parse_idx_labels(bytes: &[u8], path: &Path) -> Result<Vec<u8>> {
    let raw = maybe_gunzip(bytes, path)?;
    let (_, payload) = parse_header(&raw, IDX_LABELS_MAGIC, path)?;
    Ok(payload.to_vec())
}

/// Encodes `count` images of `rows × cols` bytes as an uncompressed IDX file.
///
/// Fails with [`DataError::BufferSize`] if `pixels.len() != count·rows·cols`, or
/// [`DataError::InvalidOption`] if a dimension does not fit in 32 bits.
pub fn encode_idx_images(count: usize, rows: usize, cols: usize, pixels: &[u8]) -> Result<Vec<u8>> {
    let expected = count * rows * cols;
    if pixels.len() != expected {
        return Err(DataError::BufferSize {
            shape: [count, rows, cols],
            expected,
            found: pixels.len(),
        });
    }
    let mut out = Vec::with_capacity(16 + pixels.len());
    out.extend_from_slice(&IDX_IMAGES_MAGIC.to_be_bytes());
    for (field, d) in [("count", count), ("rows", rows), ("cols", cols)] {
        let d = u32::try_from(d).map_err(|_| DataError::InvalidOption {
            field,
            value: d.to_string(),
            reason: "IDX dimensions are 32-bit",
        })?;
        out.extend_from_slice(&d.to_be_bytes());
    }
    out.extend_from_slice(pixels);
    Ok(out)
}

/// Encodes labels as an uncompressed IDX file.
///
/// Fails with [`DataError::InvalidOption`] for more than `u32::MAX` labels.
pub fn encode_idx_labels(labels: &[u8]) -> Result<Vec<u8>> {
    let count = u32::try_from(labels.len()).map_err(|_| DataError::InvalidOption {
        field: "count",
        value: labels.len().to_string(),
        reason: "IDX dimensions are 32-bit",
    })?;
    let mut out = Vec::with_capacity(8 + labels.len());
    out.extend_from_slice(&IDX_LABELS_MAGIC.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(labels);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_images_and_labels() {
        let px: Vec<u8> = (0..24).collect();
        let bytes = encode_idx_images(2, 3, 4, &px).unwrap();
        assert_eq!(&bytes[..4], &[0, 0, 8, 3]);
        let im = parse_idx_images(&bytes, Path::new("x")).unwrap();
        assert_eq!(
            im,
            IdxImages {
                count: 2,
                rows: 3,
                cols: 4,
                pixels: px
            }
        );
        let lb = encode_idx_labels(&[9, 0]).unwrap();
        assert_eq!(lb, vec![0, 0, 8, 1, 0, 0, 0, 2, 9, 0]);
        assert_eq!(parse_idx_labels(&lb, Path::new("y")).unwrap(), vec![9, 0]);
    }

    #[test]
    fn header_errors() {
        let p = Path::new("f.idx");
        assert!(matches!(
            parse_idx_labels(&[0, 0], p),
            Err(DataError::IdxHeader {
                len: 2,
                needed: 8,
                ..
            })
        ));
        assert!(matches!(
            parse_idx_labels(&[0, 0, 8, 1, 0, 0], p),
            Err(DataError::IdxHeader {
                len: 6,
                needed: 8,
                ..
            })
        ));
        assert!(matches!(
            parse_idx_labels(&[0, 0, 8, 3, 0, 0, 0, 0], p),
            Err(DataError::IdxMagic {
                found: 0x803,
                expected: 0x801,
                ..
            })
        ));
        // Payload one byte short and one byte long.
        assert!(matches!(
            parse_idx_labels(&[0, 0, 8, 1, 0, 0, 0, 2, 1], p),
            Err(DataError::IdxSize {
                expected: 2,
                found: 1,
                ..
            })
        ));
        assert!(matches!(
            parse_idx_labels(&[0, 0, 8, 1, 0, 0, 0, 0, 1], p),
            Err(DataError::IdxSize {
                expected: 0,
                found: 1,
                ..
            })
        ));
        assert!(encode_idx_images(1, 2, 2, &[0; 3]).is_err());
    }

    #[test]
    fn truncated_gzip_is_a_gzip_error() {
        let p = Path::new("broken.gz");
        let err = parse_idx_labels(&[0x1f, 0x8b, 8, 0, 0, 0], p).unwrap_err();
        assert!(matches!(err, DataError::Gzip { .. }));
        assert!(
            err.to_string()
                .starts_with("broken.gz: corrupt or truncated gzip")
        );
    }
}
