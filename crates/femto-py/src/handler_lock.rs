//! `Handler.lock`: a reentrant lock, as `threading.RLock`, that the fast
//! path takes and gives back without calling Python.
//!
//! Writing a record to a Python stream on the calling thread holds the
//! handler's lock, as stdlib's `Handler.handle` does. Calling an `RLock`'s
//! `acquire` and `release` from native code cost more than formatting the
//! line; this lock is two atomic operations when nobody waits for it.
//!
//! A thread that finds it held waits with the GIL released, on a condition
//! variable, and takes the lock before it takes the GIL back, so that the
//! thread holding the GIL cannot take it again and again while others wait
//! (nobody takes it in passing while someone waits). Waiting stays
//! interruptible by signals.
//!
//! Every other change of the lock is made with the GIL held: taking it
//! (`take`, `acquire`), giving it back, and counting a waiter in and out
//! (a waiter counts itself before it lets go of the GIL and out after it
//! has it back). So a thread holding the GIL that sees no waiter knows
//! that no thread is changing the owner without the GIL: it takes the
//! lock with a plain store, no locked instruction (a compare-exchange and
//! an exchange a record were 4% of a `StringIO` call).

use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use pyo3::exceptions::{PyOverflowError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;

/// No thread holds the lock.
const FREE: u64 = 0;

static NEXT_THREAD: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// This thread's identity as an owner (never `FREE`).
    static THIS_THREAD: u64 = NEXT_THREAD.fetch_add(1, Ordering::Relaxed);
}

fn this_thread() -> u64 {
    THIS_THREAD.with(|id| *id)
}

/// How long a waiter sleeps before it looks for signals.
const SIGNAL_CHECK: Duration = Duration::from_millis(20);

/// Where waiters sleep until the lock is given back.
#[derive(Default)]
struct Parking {
    mutex: Mutex<()>,
    released: Condvar,
}

#[pyclass(module = "femtologging._femtologging", frozen)]
pub struct HandlerLock {
    /// The holding thread (`THIS_THREAD`), or `FREE`.
    owner: AtomicU64,
    /// How many times the owner holds it: only the owner changes it.
    count: AtomicU64,
    /// Threads waiting for it: while any do, it is taken only by them.
    waiters: AtomicU32,
    /// Replaced, never freed, in a forked child (another thread of the
    /// parent may have held its mutex); freed with the lock.
    parking: AtomicPtr<Parking>,
}

impl HandlerLock {
    fn parking(&self) -> &Parking {
        // SAFETY: `parking` always points to a live `Parking`: made in
        // `new`, replaced only by `_at_fork_reinit` (which leaks the old
        // one) and freed only in `drop`, when nothing borrows `self`.
        unsafe { &*self.parking.load(Ordering::Acquire) }
    }

    /// Takes the lock if it is free, or this thread's: a compare-exchange,
    /// since a waiter takes it without the GIL.
    fn try_take(&self, me: u64) -> PyResult<bool> {
        match self
            .owner
            .compare_exchange(FREE, me, Ordering::Acquire, Ordering::Relaxed)
        {
            Ok(_) => {
                self.count.store(1, Ordering::Relaxed);
                Ok(true)
            }
            Err(owner) if owner == me => self.hold_again().map(|()| true),
            Err(_) => Ok(false),
        }
    }

    /// Takes the lock, waiting until `deadline` (`None`: for ever) with
    /// the GIL released. `Ok(false)` when the deadline passed.
    pub(crate) fn take(&self, py: Python<'_>, deadline: Option<Instant>) -> PyResult<bool> {
        let me = this_thread();
        let owner = self.owner.load(Ordering::Relaxed);
        if owner == me {
            self.hold_again()?;
            return Ok(true);
        }
        // Nobody waits: the GIL (held here) orders this with every other
        // change of `owner` (see the module's comment).
        if owner == FREE && self.waiters.load(Ordering::Relaxed) == 0 {
            self.owner.store(me, Ordering::Relaxed);
            self.count.store(1, Ordering::Relaxed);
            return Ok(true);
        }
        self.waiters.fetch_add(1, Ordering::Relaxed);
        let taken = self.wait_for(py, me, deadline);
        self.waiters.fetch_sub(1, Ordering::Relaxed);
        taken
    }

    /// One more hold by the owner (only the owner changes the count).
    fn hold_again(&self) -> PyResult<()> {
        let count = self.count.load(Ordering::Relaxed);
        let more = count
            .checked_add(1)
            .ok_or_else(|| PyOverflowError::new_err("Internal lock count overflowed"))?;
        self.count.store(more, Ordering::Relaxed);
        Ok(())
    }

    fn wait_for(&self, py: Python<'_>, me: u64, deadline: Option<Instant>) -> PyResult<bool> {
        loop {
            let until = match deadline {
                Some(deadline) => deadline.min(Instant::now() + SIGNAL_CHECK),
                None => Instant::now() + SIGNAL_CHECK,
            };
            let taken = py.detach(|| {
                let parking = self.parking();
                let mut guard = parking.mutex.lock().unwrap_or_else(PoisonError::into_inner);
                loop {
                    if self.owner.load(Ordering::SeqCst) == FREE {
                        // Taken here, before the GIL: the thread that has
                        // the GIL cannot take it back meanwhile.
                        if self.try_take(me).unwrap_or(false) {
                            return true;
                        }
                    }
                    let now = Instant::now();
                    if now >= until {
                        return false;
                    }
                    guard = parking
                        .released
                        .wait_timeout(guard, until - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
            });
            if taken {
                return Ok(true);
            }
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                return Ok(false);
            }
            py.check_signals()?;
        }
    }

    /// Gives one hold back; an error if this thread does not hold it.
    pub(crate) fn give_back(&self) -> PyResult<()> {
        if self.owner.load(Ordering::Relaxed) != this_thread() {
            return Err(PyRuntimeError::new_err("cannot release un-acquired lock"));
        }
        let count = self.count.load(Ordering::Relaxed) - 1;
        self.count.store(count, Ordering::Relaxed);
        if count == 0 {
            self.free();
        }
        Ok(())
    }

    fn free(&self) {
        // Released with the GIL held, so a waiter counted itself before
        // this (it did so with the GIL): `waiters` is seen, with no
        // locked instruction. The release pairs with a waiter's taking
        // compare-exchange, made without the GIL.
        self.owner.store(FREE, Ordering::Release);
        if self.waiters.load(Ordering::Relaxed) > 0 {
            let parking = self.parking();
            // Under the mutex: a waiter between its look at `owner` and
            // its sleep would miss the wake-up.
            let _guard = parking.mutex.lock().unwrap_or_else(PoisonError::into_inner);
            parking.released.notify_one();
        }
    }
}

impl Drop for HandlerLock {
    fn drop(&mut self) {
        // SAFETY: made by `Box::into_raw` (in `new` or `_at_fork_reinit`);
        // nothing else can hold it once the lock is dropped.
        drop(unsafe { Box::from_raw(*self.parking.get_mut()) });
    }
}

#[pymethods]
impl HandlerLock {
    #[new]
    fn new() -> Self {
        HandlerLock {
            owner: AtomicU64::new(FREE),
            count: AtomicU64::new(0),
            waiters: AtomicU32::new(0),
            parking: AtomicPtr::new(Box::into_raw(Box::default())),
        }
    }

    /// `RLock.acquire`: `timeout` seconds at most (-1: no limit).
    #[pyo3(signature = (blocking=true, timeout=-1.0))]
    fn acquire(&self, py: Python<'_>, blocking: bool, timeout: f64) -> PyResult<bool> {
        if !blocking {
            if timeout != -1.0 {
                return Err(PyValueError::new_err(
                    "can't specify a timeout for a non-blocking call",
                ));
            }
            return self.try_take(this_thread());
        }
        let deadline = if timeout == -1.0 {
            None
        } else if timeout < 0.0 || timeout.is_nan() {
            return Err(PyValueError::new_err(
                "timeout value must be a non-negative number",
            ));
        } else {
            let wait = Duration::try_from_secs_f64(timeout)
                .map_err(|_| PyOverflowError::new_err("timeout value is too large"))?;
            Some(Instant::now() + wait)
        };
        self.take(py, deadline)
    }

    fn release(&self) -> PyResult<()> {
        self.give_back()
    }

    fn __enter__(&self, py: Python<'_>) -> PyResult<bool> {
        self.take(py, None)
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, _exc: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<()> {
        self.give_back()
    }

    /// Whether this thread holds the lock (`threading.Condition` asks).
    fn _is_owned(&self) -> bool {
        self.owner.load(Ordering::Relaxed) == this_thread()
    }

    /// Releases every hold this thread has; returns what
    /// `_acquire_restore` takes back (`threading.Condition.wait`).
    fn _release_save(&self) -> PyResult<(u64, u64)> {
        let me = this_thread();
        if self.owner.load(Ordering::Relaxed) != me {
            return Err(PyRuntimeError::new_err("cannot release un-acquired lock"));
        }
        let count = self.count.swap(0, Ordering::Relaxed);
        self.free();
        Ok((count, me))
    }

    fn _acquire_restore(&self, py: Python<'_>, state: (u64, u64)) -> PyResult<()> {
        self.take(py, None)?;
        self.count.store(state.0, Ordering::Relaxed);
        Ok(())
    }

    /// A forked child's fresh start: the thread that held it is gone.
    fn _at_fork_reinit(&self) {
        // The old parking is leaked: another thread of the parent may have
        // held its mutex when the child was copied.
        let fresh: *mut Parking = Box::into_raw(Box::default());
        self.parking.store(fresh, Ordering::Release);
        self.waiters.store(0, Ordering::Relaxed);
        self.count.store(0, Ordering::Relaxed);
        self.owner.store(FREE, Ordering::Release);
    }

    fn __repr__(slf: &Bound<'_, Self>) -> String {
        let lock = slf.get();
        let owner = lock.owner.load(Ordering::Relaxed);
        let state = if owner == FREE { "unlocked" } else { "locked" };
        format!(
            "<{state} femtologging HandlerLock object owner={owner} count={} at {:p}>",
            lock.count.load(Ordering::Relaxed),
            slf.as_ptr()
        )
    }
}
