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
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_be_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_be_bytes());
        // 8-4-4-4-12 hex digits, written into place (one id per answer of the reference).
        let mut hex = [0u8; 32];
        let _ = hex::encode_to_slice(bytes, &mut hex); // 32 digits for 16 bytes: cannot fail
        let mut id = String::with_capacity(36);
        for (i, range) in [0..8, 8..12, 12..16, 16..20, 20..32].into_iter().enumerate() {
            if i > 0 {
                id.push('-');
            }
            id.push_str(std::str::from_utf8(&hex[range]).unwrap_or_default());
        }
        id
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
