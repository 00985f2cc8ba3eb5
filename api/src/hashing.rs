//! Password hashing, bounded in time and in memory.
//!
//! argon2 needs ~19 MiB of working memory and tens of milliseconds per run. Run on the general
//! blocking pool, every thread that ever hashed kept its own copy of that memory in its
//! allocator arena: a flood of sign-ins grew the process by hundreds of MiB. Here a fixed set of
//! threads (`workers`, near the core count) does all the hashing, each reusing one working
//! buffer while sign-ins keep coming (and letting it go when they stop), so hashing holds at
//! most `workers` × 19 MiB whatever the load;
//! at most `queue` more requests wait, and anything beyond is refused at once with 503 and
//! `Retry-After`.

use crate::problem::ApiError;
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

/// A job for a hashing thread: it gets that thread's working memory.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// The hashing threads and the places among them.
#[derive(Debug, Clone)]
pub struct Hashing {
    admitted: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
}

impl Hashing {
    /// `workers` threads hashing, `queue` more requests waiting.
    ///
    /// # Panics
    /// When the operating system refuses to start a thread (at start-up only).
    #[must_use]
    pub fn new(workers: usize, queue: usize) -> Self {
        let workers = workers.max(1);
        let (jobs, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..workers {
            let receiver = Arc::clone(&receiver);
            #[allow(clippy::expect_used)]
            std::thread::Builder::new()
                .name(format!("usul-hash-{n}"))
                .spawn(move || work(&receiver))
                .expect("a hashing thread starts");
        }
        Self { admitted: Arc::new(Semaphore::new(workers + queue)), jobs }
    }

    /// A place among the hashes under way or waiting, taken before any other work on a
    /// sign-in, so that a flood is turned away before it costs the database anything.
    ///
    /// # Errors
    /// 503 `overloaded` (with `Retry-After`) when every place is taken.
    pub fn admit(&self) -> Result<HashPermit, ApiError> {
        self.admitted
            .clone()
            .try_acquire_owned()
            .map(|p| HashPermit { _place: p, hashing: self.clone() })
            .map_err(|_| ApiError::Overloaded { retry_after: 1 })
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            // The caller may have gone away; the answer is then dropped.
            let _ = tx.send(f(memory));
        });
        self.jobs.send(job).map_err(|_| ApiError::bug("the hashing threads are gone"))?;
        rx.await.map_err(|e| ApiError::internal("hashing thread", e))
    }

    /// Hashes a new password with argon2 (default parameters, a random salt), in PHC form.
    ///
    /// # Errors
    /// 503 `overloaded` when too many hashes are under way; a server fault when hashing fails.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let _place = self.admit()?;
        self.run(move |memory| hash_with(memory, password.as_bytes())).await?
    }

    /// Checks a password against a stored hash.
    ///
    /// # Errors
    /// 503 `overloaded` when too many hashes are under way.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, ApiError> {
        self.admit()?.verify(password, hash).await
    }
}

/// A place taken by [`Hashing::admit`]; the hashing it allows runs with [`HashPermit::verify`].
#[derive(Debug)]
pub struct HashPermit {
    _place: OwnedSemaphorePermit,
    hashing: Hashing,
}

impl HashPermit {
    /// Checks a password against a stored hash, in the place already taken.
    ///
    /// # Errors
    /// A server fault when the hashing threads are gone.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, ApiError> {
        self.hashing.run(move |memory| verify_with(memory, password.as_bytes(), &hash)).await
    }
}

/// How long a hashing thread keeps its working memory with no sign-in to hash: through a burst
/// it is reused, and between bursts the process does not hold `workers` × 19 MiB for nothing.
const KEEP_MEMORY_IDLE: Duration = Duration::from_secs(2);

/// A hashing thread: takes jobs until the pool is dropped. A job that panics is caught, so the
/// thread (and its working memory) stays. The memory is let go once no job has come for
/// [`KEEP_MEMORY_IDLE`] (an allocation that size is mapped, so freeing it returns it).
fn work(receiver: &Mutex<mpsc::Receiver<Job>>) {
    lower_priority();
    let mut memory = Vec::new();
    loop {
        let job = {
            let guard = receiver.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match guard.recv_timeout(KEEP_MEMORY_IDLE) {
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    memory = Vec::new();
                    guard.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected)
                }
                other => other,
            }
        };
        let Ok(job) = job else { return };
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut memory)));
    }
}

/// Gives the calling thread a lower CPU priority (nice 10) on Linux, where niceness is per
/// thread: when sign-ins flood in, hashing takes what the cores have left and the requests
/// that read and write keep their pace; on an idle machine it still has the cores.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `setpriority` with `who = 0` changes only the calling thread's niceness and
        // touches no memory; a failure (no permission) leaves the priority as it was.
        #[allow(unsafe_code)]
        let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
    }
}

/// The working memory for `params`, grown once to the largest size seen.
fn blocks(memory: &mut Vec<Block>, params: &Params) -> usize {
    let count = params.block_count();
    if memory.len() < count {
        memory.resize(count, Block::default());
    }
    count
}

/// argon2id with the default parameters over `password`, with a fresh random salt.
fn hash_with(memory: &mut Vec<Block>, password: &[u8]) -> Result<String, ApiError> {
    let fault = |e: &dyn std::fmt::Display| ApiError::bug(format!("argon2: {e}"));
    let params = Params::default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt_bytes = *uuid::Uuid::new_v4().as_bytes();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let count = blocks(memory, &params);
    argon
        .hash_password_into_with_memory(password, &salt_bytes, &mut out, &mut memory[..count])
        .map_err(|e| fault(&e))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fault(&e))?,
        salt: Some(Salt::new(&salt_bytes).map_err(|e| fault(&e))?),
        hash: Some(Output::new(&out).map_err(|e| fault(&e))?),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC `stored` hash: the hash recomputed with its own
/// algorithm, version, parameters and salt, and compared in constant time. Anything that does
/// not parse matches nothing.
fn verify_with(memory: &mut Vec<Block>, password: &[u8], stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else { return false };
    let (Some(expected), Some(salt)) = (&parsed.hash, &parsed.salt) else { return false };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else { return false };
    let Ok(version) = parsed.version.map_or(Ok(Version::default()), Version::try_from) else { return false };
    let Ok(params) = Params::try_from(&parsed) else { return false };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    let count = blocks(memory, &params);
    if argon.hash_password_into_with_memory(password, salt.as_ref(), &mut out, &mut memory[..count]).is_err() {
        return false;
    }
    Output::new(&out).is_ok_and(|computed| computed == *expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordHasher;

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let mut memory = Vec::new();
        let stored = hash_with(&mut memory, b"correct horse").unwrap_or_default();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify_with(&mut memory, b"correct horse", &stored));
        assert!(!verify_with(&mut memory, b"correct horsf", &stored));
        assert!(!verify_with(&mut memory, b"correct horse", "not a hash"));
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_verify_with_the_reused_memory() {
        let stored = Argon2::default().hash_password(b"usul-demo-2022").map(|h| h.to_string()).unwrap_or_default();
        let mut memory = Vec::new();
        assert!(verify_with(&mut memory, b"usul-demo-2022", &stored));
        assert!(!verify_with(&mut memory, b"usul-demo-2021", &stored));
        // The working memory is kept for the next check, not given back and taken again.
        assert_eq!(memory.len(), Params::default().block_count());
    }

    #[test]
    fn a_full_pool_refuses_at_once_with_a_retry() {
        let pool = Hashing::new(1, 0);
        let first = pool.admit();
        assert!(first.is_ok());
        assert!(matches!(pool.admit(), Err(ApiError::Overloaded { retry_after: 1 })));
        drop(first);
        assert!(pool.admit().is_ok());
    }
}
