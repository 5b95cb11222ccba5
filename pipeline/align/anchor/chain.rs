//! The chain of anchors the first pass's corridor follows.

/// The anchors of `chain` that a neighbour in the chain confirms: one
/// within 20 source sentences whose offset between the sides differs by at
/// most 4. A feature found once on each side is sometimes a coincidence
/// (a number, a rare name), and one stray anchor bends the corridor away
/// from the true path; true anchors come in runs.
pub(super) fn confirmed(chain: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let agree = |a: (usize, usize), b: (usize, usize)| {
        let offset = |(i, j): (usize, usize)| j as i64 - i as i64;
        a.0.abs_diff(b.0) <= 20 && (offset(a) - offset(b)).abs() <= 4
    };
    (0..chain.len())
        .filter(|&k| {
            (k > 0 && agree(chain[k - 1], chain[k]))
                || (k + 1 < chain.len() && agree(chain[k], chain[k + 1]))
        })
        .map(|k| chain[k])
        .collect()
}

/// The longest chain of anchors increasing in both coordinates
/// (patience sorting, O(k log k)).
pub(super) fn chain(anchors: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut tails: Vec<usize> = Vec::new();
    let mut parent = vec![usize::MAX; anchors.len()];
    let mut tail_at: Vec<usize> = Vec::new();
    for (k, &(_, j)) in anchors.iter().enumerate() {
        // Strictly increasing j; anchors are sorted by i, ties by j, and a
        // tie in i cannot both be in the chain.
        let pos = tails.partition_point(|&t| anchors[t].1 < j);
        let pos = if pos > 0 && anchors[tails[pos - 1]].0 == anchors[k].0 {
            pos - 1
        } else {
            pos
        };
        if pos > 0 {
            parent[k] = tails[pos - 1];
        }
        if pos == tails.len() {
            tails.push(k);
            tail_at.push(k);
        } else if anchors[tails[pos]].1 > j || pos == 0 {
            tails[pos] = k;
        }
    }
    let mut out = Vec::new();
    let mut k = tails.last().copied().unwrap_or(usize::MAX);
    while k != usize::MAX {
        out.push(anchors[k]);
        k = parent[k];
    }
    out.reverse();
    out.dedup_by_key(|p| p.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stray_anchors_are_dropped() {
        // (40, 90) agrees with no neighbour; the others come in runs.
        let c = [(1, 1), (5, 6), (40, 90), (60, 62), (70, 71)];
        assert_eq!(confirmed(&c), vec![(1, 1), (5, 6), (60, 62), (70, 71)]);
    }

    #[test]
    fn chain_is_monotone_and_longest() {
        let a = [(0, 5), (1, 1), (2, 2), (3, 0), (4, 3), (5, 4), (5, 6)];
        let c = chain(&a);
        assert_eq!(c, vec![(1, 1), (2, 2), (4, 3), (5, 4)]);
    }
}
