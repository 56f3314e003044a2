//! A bounds-checked single-precision GEMM on slices, over the `gemm` crate (the GEMM burn's flex
//! backend uses).

/// A strided matrix view: element (i, j) sits at `offset + i·rs + j·cs` of its slice.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mat {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Row stride (elements).
    pub rs: usize,
    /// Column stride (elements).
    pub cs: usize,
}

impl Mat {
    /// A row-major `rows × cols` matrix with row stride `ld`.
    pub fn row_major(rows: usize, cols: usize, ld: usize) -> Self {
        Self {
            rows,
            cols,
            rs: ld,
            cs: 1,
        }
    }

    /// The same elements read as the transpose.
    pub fn t(self) -> Self {
        Self {
            rows: self.cols,
            cols: self.rows,
            rs: self.cs,
            cs: self.rs,
        }
    }

    /// The same strides with another shape (a sub-matrix starting at the same element).
    pub fn rows_cols(self, rows: usize, cols: usize) -> Self {
        Self { rows, cols, ..self }
    }

    /// One past the largest index the view touches (0 for an empty view).
    fn extent(self) -> usize {
        if self.rows == 0 || self.cols == 0 {
            0
        } else {
            (self.rows - 1) * self.rs + (self.cols - 1) * self.cs + 1
        }
    }
}

/// `c ← a·b` (or `c ← c + a·b` when `accumulate`), single-threaded.
///
/// # Panics
/// If the shapes disagree or a view reaches past its slice (internal invariants of the kernels).
pub(crate) fn sgemm(
    c: &mut [f32],
    cm: Mat,
    accumulate: bool,
    a: &[f32],
    am: Mat,
    b: &[f32],
    bm: Mat,
) {
    assert!(
        am.rows == cm.rows && bm.cols == cm.cols && am.cols == bm.rows,
        "gemm shapes: a {am:?}, b {bm:?}, c {cm:?}"
    );
    assert!(am.extent() <= a.len() && bm.extent() <= b.len() && cm.extent() <= c.len());
    if cm.rows == 0 || cm.cols == 0 {
        return;
    }
    if am.cols == 0 {
        if !accumulate {
            for i in 0..cm.rows {
                for j in 0..cm.cols {
                    c[i * cm.rs + j * cm.cs] = 0.0;
                }
            }
        }
        return;
    }
    // SAFETY: the assertions above prove that every index the call reads or writes, i·rs + j·cs
    // for i < rows and j < cols of each view, lies inside its slice; `c` is borrowed mutably, so
    // it aliases neither `a` nor `b`. `gemm` computes dst = alpha·dst + beta·lhs·rhs and reads
    // dst only when `read_dst` is true.
    unsafe {
        gemm::gemm(
            cm.rows,
            cm.cols,
            am.cols,
            c.as_mut_ptr(),
            cm.cs as isize,
            cm.rs as isize,
            accumulate,
            a.as_ptr(),
            am.cs as isize,
            am.rs as isize,
            b.as_ptr(),
            bm.cs as isize,
            bm.rs as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_naive_product_with_transposes_and_accumulation() {
        let (m, k, n) = (5, 7, 3);
        let a: Vec<f32> = (0..m * k).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..k * n).map(|i| (i as f32 * 0.11).cos()).collect();
        // b stored transposed: bt[j][p] = b[p][j].
        let mut bt = vec![0.0; n * k];
        for p in 0..k {
            for j in 0..n {
                bt[j * k + p] = b[p * n + j];
            }
        }
        let mut c = vec![1.0; m * n];
        let bm = Mat::row_major(n, k, k).t();
        sgemm(
            &mut c,
            Mat::row_major(m, n, n),
            true,
            &a,
            Mat::row_major(m, k, k),
            &bt,
            bm,
        );
        for i in 0..m {
            for j in 0..n {
                let want: f32 = 1.0 + (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum::<f32>();
                assert!(
                    (c[i * n + j] - want).abs() < 1e-5,
                    "({i},{j}): {} vs {want}",
                    c[i * n + j]
                );
            }
        }
    }
}
