//! Tickets: the queue of transactions that conflicted, and priority for
//! starving ones (the origin's "VIP ticket").
//!
//! A transaction takes a ticket for the paths it touches at its first
//! conflict. Tickets queue in the order they were taken, and a ticket waits
//! for the older tickets it overlaps: a queued transaction runs again only
//! when its turn comes (no older overlapping ticket is left), instead of
//! every conflicting transaction retrying at once and colliding again, which
//! made contended throughput quadratic.
//!
//! After `priority_after` conflicts the ticket also *blocks*: every other
//! commit that overlaps its paths, whatever API it came through, waits until
//! the holder has committed or failed.

use crate::path::Path;

pub type TicketId = u32;

#[derive(Debug)]
struct Ticket {
    id: TicketId,
    paths: Vec<Path>,
    /// Holds priority: overlapping commits of others wait for it.
    blocking: bool,
}

#[derive(Debug, Default)]
pub struct Priority {
    tickets: Vec<Ticket>,
    next_id: TicketId,
}

fn overlap(a: &[Path], b: &[Path]) -> bool {
    a.iter().any(|p| b.iter().any(|q| p.overlaps(q)))
}

impl Priority {
    /// A new ticket at the end of the queue.
    pub fn take(&mut self, paths: Vec<Path>, blocking: bool) -> TicketId {
        self.next_id = self.next_id.wrapping_add(1).max(1);
        self.tickets.push(Ticket {
            id: self.next_id,
            paths,
            blocking,
        });
        self.next_id
    }

    /// The ticket now blocks overlapping commits of others.
    pub fn block(&mut self, id: TicketId) {
        if let Some(t) = self.tickets.iter_mut().find(|t| t.id == id) {
            t.blocking = true;
        }
    }

    /// The ticket a commit touching `paths` must wait for, if any: for a
    /// ticket holder (`own`), an older overlapping ticket; for anyone else, a
    /// blocking overlapping one.
    pub fn blocker(&self, paths: &[Path], own: Option<TicketId>) -> Option<TicketId> {
        match own {
            Some(own) => self
                .tickets
                .iter()
                .take_while(|t| t.id != own)
                .find(|t| overlap(&t.paths, paths))
                .map(|t| t.id),
            None => self
                .tickets
                .iter()
                .find(|t| t.blocking && overlap(&t.paths, paths))
                .map(|t| t.id),
        }
    }

    /// Whether ticket `id` waits for an older overlapping ticket (its turn
    /// has not come).
    pub fn waits(&self, id: TicketId) -> bool {
        let Some(index) = self.tickets.iter().position(|t| t.id == id) else {
            return false;
        };
        let paths = &self.tickets[index].paths;
        self.tickets[..index]
            .iter()
            .any(|older| overlap(&older.paths, paths))
    }

    /// Whether ticket `id` is still held (not yet released).
    pub fn holds(&self, id: TicketId) -> bool {
        self.tickets.iter().any(|t| t.id == id)
    }

    /// Releases a ticket; returns the tickets whose turn it was the last to
    /// hold up (they no longer wait for anyone).
    pub fn release(&mut self, id: TicketId) -> Vec<TicketId> {
        let Some(index) = self.tickets.iter().position(|t| t.id == id) else {
            return Vec::new();
        };
        let released = self.tickets.remove(index);
        let mut promoted = Vec::new();
        for i in index..self.tickets.len() {
            let t = &self.tickets[i];
            if overlap(&t.paths, &released.paths)
                && !self.tickets[..i]
                    .iter()
                    .any(|older| overlap(&older.paths, &t.paths))
            {
                promoted.push(t.id);
            }
            // A ticket holding every path of the released one now stands where
            // it stood: whoever waited for the released one waits for it too.
            // (Without this, a queue of one path would cost a scan per release.)
            if released.paths.iter().all(|p| t.paths.contains(p)) {
                break;
            }
        }
        promoted
    }

    pub fn len(&self) -> usize {
        self.tickets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(texts: &[&str]) -> Vec<Path> {
        texts.iter().map(|t| Path::parse(t).unwrap()).collect()
    }

    #[test]
    fn blocking_tickets_hold_up_overlapping_commits_queue_tickets_do_not() {
        let mut p = Priority::default();
        let queued = p.take(paths(&["domain.counter"]), false);
        assert_eq!(p.blocker(&paths(&["domain.counter"]), None), None);
        p.block(queued);
        assert_eq!(p.blocker(&paths(&["domain.counter"]), None), Some(queued));
        assert_eq!(p.blocker(&paths(&["domain"]), None), Some(queued));
        assert_eq!(p.blocker(&paths(&["domain.other"]), None), None);
        assert_eq!(p.blocker(&paths(&["domain.counter"]), Some(queued)), None);
    }

    #[test]
    fn tickets_queue_in_order_and_are_promoted_on_release() {
        let mut p = Priority::default();
        let first = p.take(paths(&["domain.a"]), false);
        let second = p.take(paths(&["domain.a", "domain.b"]), false);
        let unrelated = p.take(paths(&["domain.z"]), false);
        assert!(p.waits(second) && !p.waits(first) && !p.waits(unrelated));
        assert_eq!(p.blocker(&paths(&["domain.a"]), Some(second)), Some(first));
        assert_eq!(p.blocker(&paths(&["domain.z"]), Some(unrelated)), None);
        assert_eq!(p.release(first), vec![second]);
        assert!(!p.waits(second));
        assert!(p.holds(second) && !p.holds(first));
        assert_eq!(p.release(second), Vec::<TicketId>::new());
        assert_eq!(p.release(second), Vec::<TicketId>::new());
        assert_eq!(p.len(), 1);
    }

    #[test]
    fn a_long_queue_of_one_path_promotes_one_at_a_time() {
        let mut p = Priority::default();
        let ids: Vec<TicketId> = (0..10_000)
            .map(|_| p.take(paths(&["domain.n"]), false))
            .collect();
        for pair in ids.windows(2) {
            assert_eq!(p.release(pair[0]), vec![pair[1]]);
        }
        assert_eq!(p.len(), 1);
    }

    #[test]
    fn releasing_promotes_every_ticket_it_alone_held_up() {
        let mut p = Priority::default();
        let wide = p.take(paths(&["domain"]), false);
        let a = p.take(paths(&["domain.a"]), false);
        let b = p.take(paths(&["domain.b"]), false);
        let a2 = p.take(paths(&["domain.a"]), false);
        assert_eq!(p.release(wide), vec![a, b]);
        assert!(p.waits(a2));
    }
}
