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

/// Largest IDX payload (bytes after the header) accepted: 1 GiB. Fashion-MNIST's training images are
/// 47 MB and EMNIST's largest split 550 MB. A header asking for more is rejected before anything is
/// allocated or decompressed ([`DataError::IdxTooLarge`]).
pub const MAX_IDX_PAYLOAD: u64 = 1 << 30;

/// Largest output [`maybe_gunzip`] produces: [`MAX_IDX_PAYLOAD`] plus room for a header.
pub const MAX_GUNZIP_BYTES: u64 = MAX_IDX_PAYLOAD + 64;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Returns `bytes` decompressed if they start with the gzip magic, unchanged otherwise.
///
/// `path` is only used to name the file in errors. Decompression stops after
/// [`MAX_GUNZIP_BYTES`] bytes with [`DataError::GzipTooLarge`], so a gzip bomb cannot exhaust
/// memory; the IDX parsers go further and stop at the size their header announces.
///
/// ```
/// # use std::path::Path;
/// let raw = regnet_data::idx::maybe_gunzip(b"\x00\x00\x08\x01", Path::new("x")).unwrap();
/// assert_eq!(&raw[..], b"\x00\x00\x08\x01");
/// ```
pub fn maybe_gunzip<'a>(bytes: &'a [u8], path: &Path) -> Result<Cow<'a, [u8]>> {
    if bytes.starts_with(&GZIP_MAGIC) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_GUNZIP_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|source| DataError::Gzip {
                path: path.to_path_buf(),
                source,
            })?;
        if out.len() as u64 > MAX_GUNZIP_BYTES {
            return Err(DataError::GzipTooLarge {
                path: path.to_path_buf(),
                max: MAX_GUNZIP_BYTES,
            });
        }
        Ok(Cow::Owned(out))
    } else {
        Ok(Cow::Borrowed(bytes))
    }
}

/// Largest data file (IDX, raw or gzip, or one CIFAR-10 batch) read into memory: 1 GiB plus room for
/// a header. The files this crate reads are 30–50 MB; a larger one is [`DataError::FileTooLarge`].
pub const MAX_FILE_BYTES: u64 = MAX_IDX_PAYLOAD + 64;

/// Reads a file into memory, naming it in the error; files above [`MAX_FILE_BYTES`] are refused
/// (also when the size reported by the file system is wrong, e.g. for a pipe).
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>> {
    let io = |source| DataError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let too_large = |len| DataError::FileTooLarge {
        path: path.to_path_buf(),
        len,
        max: MAX_FILE_BYTES,
    };
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_FILE_BYTES {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads into `buf` until it is full or the stream ends; returns the bytes read.
fn read_up_to(r: &mut impl Read, buf: &mut [u8], path: &Path) -> Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(DataError::Gzip {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
    }
    Ok(n)
}

/// Parses an IDX file (raw or gzip) from memory as a stream: the header first, then exactly the
/// payload it announces. Nothing is decompressed beyond the announced size plus one byte (to
/// detect trailing data), and announced sizes above [`MAX_IDX_PAYLOAD`] are rejected up front.
/// Returns the dimensions and the payload.
fn parse_idx(bytes: &[u8], expected_magic: u32, path: &Path) -> Result<(Vec<u32>, Vec<u8>)> {
    let gzip = bytes.starts_with(&GZIP_MAGIC);
    let mut reader: Box<dyn Read + '_> = if gzip {
        Box::new(flate2::read::GzDecoder::new(bytes))
    } else {
        Box::new(bytes)
    };
    let ndim = (expected_magic & 0xff) as usize;
    let header_len = 4 + 4 * ndim;
    let mut header = [0u8; 4 + 4 * 255];
    let got = read_up_to(&mut reader, &mut header[..4], path)?;
    if got < 4 {
        return Err(DataError::IdxHeader {
            path: path.to_path_buf(),
            len: got,
            needed: header_len,
        });
    }
    fn be(header: &[u8], i: usize) -> u32 {
        u32::from_be_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]])
    }
    let magic = be(&header, 0);
    if magic != expected_magic {
        return Err(DataError::IdxMagic {
            path: path.to_path_buf(),
            found: magic,
            expected: expected_magic,
        });
    }
    let got = 4 + read_up_to(&mut reader, &mut header[4..header_len], path)?;
    if got < header_len {
        return Err(DataError::IdxHeader {
            path: path.to_path_buf(),
            len: got,
            needed: header_len,
        });
    }
    let dims: Vec<u32> = (0..ndim).map(|d| be(&header, 4 + 4 * d)).collect();
    let expected = dims
        .iter()
        .try_fold(1u64, |n, &d| n.checked_mul(u64::from(d)))
        .filter(|&n| n <= MAX_IDX_PAYLOAD);
    let Some(expected) = expected else {
        return Err(DataError::IdxTooLarge {
            path: path.to_path_buf(),
            dims,
            max: MAX_IDX_PAYLOAD,
        });
    };
    // Reserve what the header announces only when the raw input can hold it (a compressed
    // stream grows the buffer as it actually yields bytes).
    let reserve = if gzip {
        expected.min(bytes.len() as u64)
    } else {
        expected.min((bytes.len() - header_len) as u64)
    };
    let mut payload = Vec::with_capacity(reserve as usize);
    reader
        .take(expected + 1)
        .read_to_end(&mut payload)
        .map_err(|source| DataError::Gzip {
            path: path.to_path_buf(),
            source,
        })?;
    let found = payload.len() as u64;
    if found != expected {
        // A raw file's true size is known; a compressed one was read only one byte past the end.
        let found = if gzip || found < expected {
            found
        } else {
            (bytes.len() - header_len) as u64
        };
        return Err(DataError::IdxSize {
            path: path.to_path_buf(),
            dims,
            expected,
            found,
        });
    }
    Ok((dims, payload))
}

/// Parses an IDX image file (raw or gzip) from memory; `path` names it in errors.
///
/// Fails with [`DataError::Gzip`], [`DataError::IdxHeader`], [`DataError::IdxMagic`],
/// [`DataError::IdxTooLarge`] (the header asks for more than [`MAX_IDX_PAYLOAD`] bytes) or
/// [`DataError::IdxSize`] (which also catches truncation and trailing garbage). A compressed
/// file is decompressed only up to the size its header announces (plus one byte), so a gzip
/// bomb costs no more memory than an honest file of the same header.
///
/// ```
/// use regnet_data::idx::{encode_idx_images, parse_idx_images};
/// let bytes = encode_idx_images(2, 1, 2, &[1, 2, 3, 4]).unwrap();
/// let images = parse_idx_images(&bytes, "mem".as_ref()).unwrap();
/// assert_eq!((images.count, images.rows, images.cols), (2, 1, 2));
/// ```
pub fn parse_idx_images(bytes: &[u8], path: &Path) -> Result<IdxImages> {
    let (dims, pixels) = parse_idx(bytes, IDX_IMAGES_MAGIC, path)?;
    Ok(IdxImages {
        count: dims[0] as usize,
        rows: dims[1] as usize,
        cols: dims[2] as usize,
        pixels,
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
    Ok(parse_idx(bytes, IDX_LABELS_MAGIC, path)?.1)
}

/// Encodes `count` images of `rows × cols` bytes as an uncompressed IDX file.
///
/// Fails with [`DataError::BufferSize`] if `pixels.len() != count·rows·cols`, or
/// [`DataError::InvalidOption`] if a dimension does not fit in 32 bits.
pub fn encode_idx_images(count: usize, rows: usize, cols: usize, pixels: &[u8]) -> Result<Vec<u8>> {
    let expected = count
        .checked_mul(rows)
        .and_then(|n| n.checked_mul(cols))
        .unwrap_or(usize::MAX);
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

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn gzip_bomb_is_read_only_as_far_as_the_header_says() {
        // A label file announcing 10 labels, followed by 64 MiB of zeros: about 64 KB compressed.
        let mut raw = encode_idx_labels(&[1; 10]).unwrap();
        raw.resize(raw.len() + (64 << 20), 0);
        let bomb = gzip(&raw);
        assert!(bomb.len() < 1 << 20, "{}", bomb.len());
        let err = parse_idx_labels(&bomb, Path::new("bomb.gz")).unwrap_err();
        // Decompression stopped one byte past the 10 announced bytes.
        assert!(
            matches!(
                err,
                DataError::IdxSize {
                    expected: 10,
                    found: 11,
                    ..
                }
            ),
            "{err}"
        );
        // The same content, honest about its size, still loads from gzip.
        let ok = gzip(&encode_idx_labels(&[3, 1, 4]).unwrap());
        assert_eq!(
            parse_idx_labels(&ok, Path::new("ok.gz")).unwrap(),
            vec![3, 1, 4]
        );
    }

    #[test]
    fn header_asking_for_too_much_is_rejected_before_allocating() {
        let mut hdr = IDX_IMAGES_MAGIC.to_be_bytes().to_vec();
        for d in [u32::MAX, u32::MAX, u32::MAX] {
            hdr.extend_from_slice(&d.to_be_bytes());
        }
        for bytes in [hdr.clone(), gzip(&hdr)] {
            let err = parse_idx_images(&bytes, Path::new("huge")).unwrap_err();
            assert!(
                matches!(
                    err,
                    DataError::IdxTooLarge {
                        max: MAX_IDX_PAYLOAD,
                        ..
                    }
                ),
                "{err}"
            );
            assert_eq!(
                err.to_string(),
                "huge: IDX dimensions [4294967295, 4294967295, 4294967295] need more than the supported 1073741824 bytes"
            );
        }
        // Raw trailing garbage reports the true size.
        let mut lb = encode_idx_labels(&[1, 2]).unwrap();
        lb.extend_from_slice(&[0; 5]);
        assert!(matches!(
            parse_idx_labels(&lb, Path::new("t")),
            Err(DataError::IdxSize {
                expected: 2,
                found: 7,
                ..
            })
        ));
    }

    #[test]
    fn maybe_gunzip_round_trips_small_streams() {
        let data = b"hello idx".to_vec();
        assert_eq!(
            &maybe_gunzip(&gzip(&data), Path::new("g")).unwrap()[..],
            &data[..]
        );
    }

    #[test]
    fn encode_with_overflowing_shape_is_a_typed_error() {
        let e = encode_idx_images(usize::MAX, 2, 2, &[0; 4]).unwrap_err();
        assert!(matches!(e, DataError::BufferSize { found: 4, .. }), "{e}");
    }
}
