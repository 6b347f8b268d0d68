//! A tiny deterministic random generator (SplitMix64), so fixtures and random ids are
//! reproducible from a seed without a dependency.

/// SplitMix64: fast, deterministic, good enough for ids and fixture data (not for secrets).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A well-formed lower-case execution id.
    pub fn well_formed_id(&mut self) -> String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            hi >> 32,
            (hi >> 16) & 0xffff,
            hi & 0xffff,
            lo >> 48,
            lo & 0xffff_ffff_ffff
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_well_formed_and_reproducible() {
        let a = SplitMix64::new(7).well_formed_id();
        assert!(crate::contract::is_valid_id(&a), "{a}");
        assert_eq!(a, SplitMix64::new(7).well_formed_id());
    }
}
