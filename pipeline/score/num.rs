//! Arithmetic that reproduces the number types sacrebleu ends up using.
//!
//! On the normal path sacrebleu scores from Python `int`/`float` statistics,
//! i.e. IEEE doubles. During bootstrap resampling (`significance.py`) it
//! converts statistics to `float32` numpy arrays, so `compute_bleu`,
//! `_compute_f_score` and TER's `_compute_score_from_stats` receive
//! `np.float32` scalars and mix them with Python literals. Under NumPy 2's
//! promotion rules (NEP 50) a Python scalar is "weak": `float32 op pyfloat`
//! is computed in float32 after casting the Python value to float32, while
//! `pyfloat op pyfloat` stays double. `Np` tracks which of the two a value
//! is so the very same metric code yields both behaviours.

use std::cmp::Ordering;

/// A Python float/int (`Py`) or a numpy `float32` scalar (`F32`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Np {
    Py(f64),
    F32(f32),
}

impl Np {
    #[inline]
    pub(crate) fn f64(self) -> f64 {
        match self {
            Np::Py(x) => x,
            Np::F32(x) => f64::from(x),
        }
    }

    #[inline]
    pub(crate) fn is_f32(self) -> bool {
        matches!(self, Np::F32(_))
    }

    #[inline]
    fn bin(self, o: Np, f64op: fn(f64, f64) -> f64, f32op: fn(f32, f32) -> f32) -> Np {
        match (self, o) {
            (Np::Py(a), Np::Py(b)) => Np::Py(f64op(a, b)),
            (Np::F32(a), Np::F32(b)) => Np::F32(f32op(a, b)),
            (Np::F32(a), Np::Py(b)) => Np::F32(f32op(a, b as f32)),
            (Np::Py(a), Np::F32(b)) => Np::F32(f32op(a as f32, b)),
        }
    }

    #[inline]
    pub(crate) fn add(self, o: Np) -> Np {
        self.bin(o, |a, b| a + b, |a, b| a + b)
    }
    #[inline]
    pub(crate) fn mul(self, o: Np) -> Np {
        self.bin(o, |a, b| a * b, |a, b| a * b)
    }
    #[inline]
    pub(crate) fn div(self, o: Np) -> Np {
        self.bin(o, |a, b| a / b, |a, b| a / b)
    }

    /// Comparisons against another scalar; a weak Python operand is cast to
    /// float32 when the other side is float32, as numpy does.
    pub(crate) fn cmp(self, o: Np) -> Option<Ordering> {
        match (self, o) {
            (Np::Py(a), Np::Py(b)) => a.partial_cmp(&b),
            (Np::F32(a), Np::F32(b)) => a.partial_cmp(&b),
            (Np::F32(a), Np::Py(b)) => a.partial_cmp(&(b as f32)),
            (Np::Py(a), Np::F32(b)) => (a as f32).partial_cmp(&b),
        }
    }

    pub(crate) fn gt(self, o: Np) -> bool {
        self.cmp(o) == Some(Ordering::Greater)
    }

    /// Python truthiness (`if x:`).
    pub(crate) fn truthy(self) -> bool {
        self.f64() != 0.0
    }
}

/// numpy's `pairwise_sum` for contiguous float arrays (used by `ndarray.sum`
/// and `ndarray.mean` along the fast axis), generic over f32/f64 so that the
/// rounding is the one of the array's dtype.
pub(crate) fn np_pairwise_sum<T: Copy + std::ops::Add<Output = T> + Default>(a: &[T]) -> T {
    let n = a.len();
    if n < 8 {
        let mut res = T::default();
        for &x in a {
            res = res + x;
        }
        res
    } else if n <= 128 {
        let mut r = [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]];
        let mut i = 8;
        while i < n - (n % 8) {
            for (j, rj) in r.iter_mut().enumerate() {
                *rj = *rj + a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &a[i..] {
            res = res + x;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        np_pairwise_sum(&a[..n2]) + np_pairwise_sum(&a[n2..])
    }
}

/// A 1-D numpy float array built from a list of scores: float32 only when
/// every element is an `np.float32`, float64 otherwise (`np.array([...])`).
#[derive(Clone, Debug)]
pub(crate) enum NpArray {
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl NpArray {
    pub(crate) fn from_scores(v: &[Np]) -> NpArray {
        if v.iter().all(|x| x.is_f32()) {
            NpArray::F32(v.iter().map(|x| x.f64() as f32).collect())
        } else {
            NpArray::F64(v.iter().map(|x| x.f64()).collect())
        }
    }

    /// `arr.mean()`: pairwise sum (starting from the 0 identity) then a
    /// division in the array's dtype.
    pub(crate) fn mean(&self) -> Np {
        match self {
            NpArray::F32(v) => Np::F32((0.0f32 + np_pairwise_sum(v)) / v.len() as f32),
            NpArray::F64(v) => Np::Py((0.0f64 + np_pairwise_sum(v)) / v.len() as f64),
        }
    }

    /// `estimate_ci` of `significance.py`: mean of the sorted scores and half
    /// the width of the central 95% interval.
    pub(crate) fn estimate_ci(&self) -> (Np, Np) {
        fn bounds<T: Copy + PartialOrd>(v: &[T]) -> (Vec<T>, T, T) {
            let mut s = v.to_vec();
            s.sort_by(|a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal));
            let lo = s.len() / 40;
            let hi = s.len() - lo - 1;
            let (l, h) = (s[lo], s[hi]);
            (s, l, h)
        }
        match self {
            NpArray::F32(v) => {
                let (s, l, h) = bounds(v);
                (NpArray::F32(s).mean(), Np::F32(0.5 * (h - l)))
            }
            NpArray::F64(v) => {
                let (s, l, h) = bounds(v);
                (NpArray::F64(s).mean(), Np::Py(0.5 * (h - l)))
            }
        }
    }

    /// `np.abs(self - other)` with numpy's dtype promotion.
    pub(crate) fn abs_diff(&self, other: &NpArray) -> NpArray {
        match (self, other) {
            (NpArray::F32(a), NpArray::F32(b)) => {
                NpArray::F32(a.iter().zip(b).map(|(x, y)| (x - y).abs()).collect())
            }
            _ => {
                let (a, b) = (self.to_f64(), other.to_f64());
                NpArray::F64(a.iter().zip(&b).map(|(x, y)| (x - y).abs()).collect())
            }
        }
    }

    fn to_f64(&self) -> Vec<f64> {
        match self {
            NpArray::F32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            NpArray::F64(v) => v.clone(),
        }
    }

    /// `np.sum((self - self.mean()) > threshold)`, the comparison done in the
    /// array's dtype (the Python float threshold is weak).
    pub(crate) fn count_centered_above(&self, threshold: f64) -> usize {
        match (self, self.mean()) {
            (NpArray::F32(v), m) => {
                let m = m.f64() as f32;
                let t = threshold as f32;
                v.iter().filter(|&&x| x - m > t).count()
            }
            (NpArray::F64(v), m) => {
                let m = m.f64();
                v.iter().filter(|&&x| x - m > threshold).count()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_python_scalars() {
        let a = Np::F32(3.0);
        assert!(a.mul(Np::Py(0.1)).is_f32());
        assert!(!Np::Py(1.0).add(Np::Py(2.0)).is_f32());
        // 0.1f32 is not 0.1f64, but numpy compares in float32.
        assert!(!Np::F32(0.1).gt(Np::Py(0.1)));
    }

    #[test]
    fn pairwise_matches_sequential_for_exact_values() {
        let v: Vec<f64> = (0..1000).map(f64::from).collect();
        assert_eq!(np_pairwise_sum(&v), 499_500.0);
        let v: Vec<f32> = (0..7).map(|x| x as f32).collect();
        assert_eq!(np_pairwise_sum(&v), 21.0);
    }
}
