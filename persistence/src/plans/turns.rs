//! Writers of one plan take turns in this process before they take a database connection.
//!
//! The database decides: every write to a plan moves its version in a row-locked `UPDATE`, and
//! that is what keeps two writers from making the same version, on any number of instances.
//! Queueing here as well changes only what waiting costs. A writer waiting on the row lock
//! holds a pooled connection idle, so 32 writers recording progress on a school's unified plan
//! held the whole pool while writers of other plans waited for a connection. And a writer that
//! starts after the one before it has kept its items ([`super::rows::made`]) knows the items
//! of the version it moves on from without reading 50 rows under the lock. Progress marks,
//! which come to one plan all day, wait here together and whoever's turn it is records them
//! all in one transaction ([`super::marks`]).
//!
//! Plans share a fixed number of turns by their id, so memory does not grow with the plans
//! written. A writer waits for its turn at most [`MAX_WAIT`], then goes ahead anyway: the row
//! lock still orders it, and a stopped database (each writer failing only after its
//! connection timeout) cannot queue writers here for longer than they would wait without it.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};
use uuid::Uuid;

/// How many plans' writers may go at once before two plans share a turn.
pub(crate) const TURNS: usize = 256;

/// The turn `plan` shares with the plans whose ids end alike.
pub(crate) fn slot(plan: Uuid) -> usize {
    let (_, low) = plan.as_u64_pair();
    usize::try_from(low % TURNS as u64).unwrap_or(0)
}

/// The longest a writer waits for its plan's turn.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// The turns of this process's plan writers.
#[derive(Debug)]
pub(crate) struct Turns {
    turns: Box<[Arc<Mutex<()>>]>,
}

impl Default for Turns {
    fn default() -> Self {
        Self { turns: (0..TURNS).map(|_| Arc::new(Mutex::new(()))).collect() }
    }
}

impl Turns {
    /// Waits for `plan`'s turn (tokio's mutex is fair: first come, first served); `None` when
    /// the wait ran past [`MAX_WAIT`]. The turn is owned, so that a write the turn's holder
    /// hands to a task of its own keeps it until that task is done.
    pub(crate) async fn take(&self, plan: Uuid) -> Option<OwnedMutexGuard<()>> {
        self.take_within(plan, MAX_WAIT).await
    }

    async fn take_within(&self, plan: Uuid, wait: Duration) -> Option<OwnedMutexGuard<()>> {
        tokio::time::timeout(wait, Arc::clone(&self.turns[slot(plan)]).lock_owned()).await.ok()
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::Turns;
    use uuid::Uuid;

    #[tokio::test]
    async fn a_plans_writers_take_turns_and_other_plans_do_not_wait() {
        let turns = Turns::default();
        let plan = Uuid::now_v7();
        let first = turns.take(plan).await.expect("a free turn");
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(50), turns.take(plan)).await;
        assert!(waiting.is_err(), "a second writer of the plan waits");
        let other = (0..).map(|_| Uuid::now_v7()).find(|o| o.as_u64_pair().1 % 256 != plan.as_u64_pair().1 % 256);
        let other = other.expect("another slot");
        let free = tokio::time::timeout(std::time::Duration::from_millis(50), turns.take(other)).await;
        assert!(free.is_ok_and(|g| g.is_some()), "another plan's writer does not");
        drop(first);
        assert!(turns.take(plan).await.is_some(), "the turn passes on");
    }

    #[tokio::test]
    async fn a_writer_goes_ahead_once_it_waited_too_long() {
        let turns = Turns::default();
        let plan = Uuid::now_v7();
        let _held = turns.take(plan).await.expect("a free turn");
        let late = turns.take_within(plan, std::time::Duration::from_millis(20)).await;
        assert!(late.is_none(), "past the longest wait, no turn: the row lock still orders it");
    }
}
