//! A small, stable pseudo-random generator (SplitMix64): the same seed gives the same specimens on
//! every platform and every version of every dependency.

/// Deterministic generator; not for anything secret.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        let mut r = Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B);
        r.next_u64();
        r
    }

    /// An independent generator derived from this seed and `tag` (does not advance `self`).
    pub fn derive(seed: u64, tag: u64) -> Self {
        Rng::new(
            seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ tag.rotate_left(29) ^ 0xA076_1D64_78BD_642F,
        )
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f64()
    }

    /// Uniform in [lo, hi) as f32.
    pub fn rangef(&mut self, lo: f32, hi: f32) -> f32 {
        self.range(f64::from(lo), f64::from(hi)) as f32
    }

    /// Uniform integer in [lo, hi] (inclusive).
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(hi >= lo);
        let span = (hi - lo) as u64 + 1;
        lo + (self.next_u64() % span) as i64
    }

    /// Uniform index in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.f64().max(1e-12);
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// A very fast per-pixel noise source (xorshift32), for textures where quality hardly matters.
#[derive(Debug, Clone)]
pub struct FastNoise(u32);

impl FastNoise {
    /// Seeded from a [`Rng`].
    pub fn new(rng: &mut Rng) -> Self {
        FastNoise((rng.next_u64() as u32) | 1)
    }

    /// Uniform in [-1, 1).
    #[inline]
    pub fn sample(&mut self) -> f32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        (x >> 8) as f32 / (1u32 << 23) as f32 - 1.0
    }
}

/// Fast sine (parabolic approximation with one refinement; error < 0.001), for textures.
#[inline]
pub fn fsin(x: f32) -> f32 {
    use std::f32::consts::{PI, TAU};
    let x = x - TAU * (x * (1.0 / TAU) + 0.5).floor();
    let y = (4.0 / PI) * x - (4.0 / (PI * PI)) * x * x.abs();
    0.225 * (y * y.abs() - y) + y
}

/// Fast atan2 (error < 0.005 rad), for textures.
#[inline]
pub fn fatan2(y: f32, x: f32) -> f32 {
    use std::f32::consts::{FRAC_PI_2, PI};
    let ax = x.abs();
    let ay = y.abs();
    let mx = ax.max(ay).max(1e-20);
    let a = ax.min(ay) / mx;
    let s = a * a;
    let mut r = ((-0.046_496_475 * s + 0.159_314_22) * s - 0.327_622_77) * s * a + a;
    if ay > ax {
        r = FRAC_PI_2 - r;
    }
    if x < 0.0 {
        r = PI - r;
    }
    if y < 0.0 { -r } else { r }
}
