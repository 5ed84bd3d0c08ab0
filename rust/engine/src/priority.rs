//! Priority for starving transactions (the origin's "VIP ticket"). After
//! `priority_after` conflicts a process takes a ticket for the paths it
//! touches; from then on every other commit that overlaps those paths waits,
//! whatever API it came through, until the ticket is released by the holder's
//! commit or failure. Tickets queue in the order they were taken, so a
//! ticket waits for the older tickets it overlaps.

use crate::path::Path;

pub type TicketId = u32;

#[derive(Debug)]
struct Ticket {
    id: TicketId,
    paths: Vec<Path>,
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
    pub fn take(&mut self, paths: Vec<Path>) -> TicketId {
        self.next_id += 1;
        self.tickets.push(Ticket {
            id: self.next_id,
            paths,
        });
        self.next_id
    }

    /// The ticket a commit touching `paths` must wait for, if any. A ticket
    /// holder (`own`) waits only for older overlapping tickets.
    pub fn blocker(&self, paths: &[Path], own: Option<TicketId>) -> Option<TicketId> {
        self.tickets
            .iter()
            .take_while(|t| Some(t.id) != own)
            .find(|t| overlap(&t.paths, paths))
            .map(|t| t.id)
    }

    /// Whether ticket `id` is still held (not yet released).
    pub fn holds(&self, id: TicketId) -> bool {
        self.tickets.iter().any(|t| t.id == id)
    }

    /// Releases a ticket; returns the tickets that no longer wait for anyone.
    pub fn release(&mut self, id: TicketId) -> Vec<TicketId> {
        let Some(index) = self.tickets.iter().position(|t| t.id == id) else {
            return Vec::new();
        };
        let released = self.tickets.remove(index);
        let mut promoted = Vec::new();
        for (i, t) in self.tickets.iter().enumerate().skip(index) {
            let waited = overlap(&t.paths, &released.paths);
            let still_waits = self.tickets[..i]
                .iter()
                .any(|older| overlap(&older.paths, &t.paths));
            if waited && !still_waits {
                promoted.push(t.id);
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
    fn overlapping_commits_wait_for_a_ticket_others_do_not() {
        let mut p = Priority::default();
        let t = p.take(paths(&["domain.counter"]));
        assert_eq!(p.blocker(&paths(&["domain.counter"]), None), Some(t));
        assert_eq!(p.blocker(&paths(&["domain"]), None), Some(t));
        assert_eq!(p.blocker(&paths(&["domain.other"]), None), None);
        assert_eq!(p.blocker(&paths(&["domain.counter"]), Some(t)), None);
    }

    #[test]
    fn tickets_queue_in_order_and_are_promoted_on_release() {
        let mut p = Priority::default();
        let first = p.take(paths(&["domain.a"]));
        let second = p.take(paths(&["domain.a", "domain.b"]));
        let unrelated = p.take(paths(&["domain.z"]));
        assert_eq!(p.blocker(&paths(&["domain.a"]), Some(second)), Some(first));
        assert_eq!(p.blocker(&paths(&["domain.z"]), Some(unrelated)), None);
        assert_eq!(p.release(first), vec![second]);
        assert_eq!(p.blocker(&paths(&["domain.a"]), Some(second)), None);
        assert!(p.holds(second) && !p.holds(first));
        assert_eq!(p.release(second), Vec::<TicketId>::new());
        assert_eq!(p.release(second), Vec::<TicketId>::new());
        assert_eq!(p.len(), 1);
    }
}
