//! Possible worlds: what the oracle may assume where a driver cannot see the endpoint's data.
//! The runner knows which executions exist (it was given them or found them) and which tokens
//! are real (it took them from the answers). The proxy and the replay do not: an execution the
//! endpoint answered for may have been deleted since, a token may predate the session or have
//! been issued to the recorded endpoint. So they judge a request in every world their evidence
//! leaves possible, likeliest first, and a finding needs every world to fail — a conformance
//! tool must never guess against the endpoint.

use super::World;

/// One way the world may differ from what a driver believes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doubt {
    /// The execution may exist after all.
    Exists(String),
    /// The execution may not exist (any more).
    Gone(String),
    /// The token may be real: issued for `execution`, by a page of `page_size` under `filters`
    /// (as [`super::filters_key`] writes them) when those are known.
    TokenReal {
        /// The token as the request carries it.
        token: String,
        /// The execution it would have been issued for.
        execution: String,
        /// The `MaxResults` of the page that would have issued it.
        page_size: Option<i64>,
        /// The filters of the request that would have issued it.
        filters: Option<String>,
    },
    /// The token believed real may not be.
    TokenForeign,
}

impl Doubt {
    /// `world` with this doubt taken as true.
    fn apply(&self, world: &mut World) {
        match self {
            Doubt::Exists(id) if !world.known.contains(id) => world.known.push(id.clone()),
            Doubt::Exists(_) => {}
            Doubt::Gone(id) => world.known.retain(|k| k != id),
            Doubt::TokenReal { token, execution, page_size, filters } => {
                world.token = Some((token.clone(), execution.clone()));
                world.token_page_size = *page_size;
                world.token_filters = filters.clone();
            }
            Doubt::TokenForeign => {
                world.token = None;
                world.token_page_size = None;
                world.token_filters = None;
            }
        }
    }
}

/// `believed` first, then every combination of `doubts` taken as true, the first doubt varying
/// fastest (`[a, b]`: believed, a, b, a and b).
pub fn possible_worlds(believed: &World, doubts: &[Doubt]) -> Vec<World> {
    // A handful of doubts at most (an id and a token): 2^n worlds stay few.
    let n = doubts.len().min(8);
    (0..1usize << n)
        .map(|mask| {
            let mut world = believed.clone();
            doubts
                .iter()
                .take(n)
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .for_each(|(_, d)| d.apply(&mut world));
            world
        })
        .collect()
}

/// The judgement of a request in the first of `worlds` where it `holds`, else in the first
/// (likeliest) world; `None` when there is no world.
pub fn first_holding<T>(worlds: &[World], mut judge: impl FnMut(&World) -> T, holds: impl Fn(&T) -> bool) -> Option<T> {
    let mut likeliest = None;
    for world in worlds {
        let judged = judge(world);
        if holds(&judged) {
            return Some(judged);
        }
        likeliest.get_or_insert(judged);
    }
    likeliest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(known: &[&str]) -> World {
        World {
            known: known.iter().map(|s| (*s).to_owned()).collect(),
            token: None,
            token_page_size: None,
            token_filters: None,
        }
    }

    #[test]
    fn every_combination_of_doubts_after_the_believed_world() {
        let real = Doubt::TokenReal { token: "t".into(), execution: "a".into(), page_size: Some(10), filters: None };
        let worlds = possible_worlds(&world(&["b"]), &[real, Doubt::Exists("a".into())]);
        let known: Vec<Vec<String>> = worlds.iter().map(|w| w.known.clone()).collect();
        assert_eq!(known, [vec!["b"], vec!["b"], vec!["b", "a"], vec!["b", "a"]]);
        let tokens: Vec<bool> = worlds.iter().map(|w| w.token.is_some()).collect();
        assert_eq!(tokens, [false, true, false, true]);
        assert_eq!(worlds[1].token_page_size, Some(10));
        let gone = possible_worlds(&world(&["a", "b"]), &[Doubt::Gone("a".into())]);
        assert_eq!(gone[1].known, ["b"]);
    }

    #[test]
    fn the_first_holding_judgement_wins_else_the_likeliest() {
        let worlds = possible_worlds(&world(&[]), &[Doubt::Exists("a".into())]);
        let judged = first_holding(&worlds, |w| w.known.len(), |n| *n == 1);
        assert_eq!(judged, Some(1));
        assert_eq!(first_holding(&worlds, |w| w.known.len(), |n| *n == 5), Some(0));
        assert_eq!(first_holding(&[], |w: &World| w.known.len(), |_| true), None);
    }
}
